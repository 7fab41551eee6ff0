"""Question 4c, harm 3: near a saddle the loss sits on a plateau, its small gradient like convergence."""

from __future__ import annotations

import math
from collections.abc import Callable

import mpmath as mp
import numpy as np
import sympy as sp

from snippets.plumbing.checks import below, check, close, equal, every
from snippets.plumbing.drawn import (
    count,
    decorative,
    draws,
    ends,
    first_x_where,
    holds,
    last_x_where,
    parameter,
    read,
    starts,
    told,
    values,
)
from snippets.plumbing.figures import INK, figure_html, new_figure
from snippets.plumbing.values import FigureData, computed, scientific, shown, value
from snippets.q4c_model import COLOURS, PAGE, TEXT, WIDTH, gradient_descent, quartic_gradient, quartic_loss

PLATEAU_ETA, PLATEAU_STEPS, PLATEAU_START_X = 0.1, 260, 1.0
PLATEAU_EPSILONS = [1e-2, 1e-6, 0.0]
EPS_NEAR, EPS_NEARER = 1e-6, 1e-9  # the two offsets whose plateaus are compared
STOP_TOLERANCE = 1e-2
PLATEAU_BAND = 1e-3


def plateau_run(eps: float, steps: int = PLATEAU_STEPS):
    """GD on the quartic from (1, ε): iterates, losses and gradient norms."""
    xs = gradient_descent(quartic_gradient, [PLATEAU_START_X, eps], PLATEAU_ETA, steps)
    grads = np.array([np.linalg.norm(quartic_gradient(z)) for z in xs])
    return xs, quartic_loss(xs), grads


def plateau_length(eps: float, band: float = PLATEAU_BAND) -> int:
    """How many iterates have a loss within `band` of the saddle's value 0."""
    _, loss, _ = plateau_run(eps, steps=400)
    return int(np.count_nonzero(np.abs(loss) < band))


def plateau_dip(grads: np.ndarray) -> int:
    """Iteration of the gradient norm's first local minimum: the bottom of the dip near the saddle."""
    falling = np.diff(grads) < 0
    return int(np.argmin(falling))


def stopping_rule(eps: float, tolerance: float = STOP_TOLERANCE) -> tuple[int, float]:
    """(iteration, loss) where the rule "stop once ‖∇f‖ < tolerance" halts, from (1, ε)."""
    _, loss, grads = plateau_run(eps)
    k = int(np.argmax(grads < tolerance))
    return k, float(loss[k])


@value("q4c.plateau-eta", statement="step size of the plateau runs")
def plateau_eta() -> float:
    return PLATEAU_ETA


@value("q4c.eps-near", statement="the first plateau start's offset ε₁")
def eps_near() -> str:
    return scientific(EPS_NEAR, 1)


@value("q4c.eps-nearer", statement="the second plateau start's offset ε₂")
def eps_nearer() -> str:
    return scientific(EPS_NEARER, 1)


@value("q4c.stop-tolerance", statement="the gradient-norm stopping tolerance")
def stop_tolerance() -> str:
    return scientific(STOP_TOLERANCE, 1)


@value("q4c.plateau-band", statement="how close to f(p) the loss counts as on the plateau")
def plateau_band() -> str:
    return scientific(PLATEAU_BAND, 1)


@value("q4c.stop-iteration", statement="iteration where ‖∇f‖ < 10⁻² first holds, from (1, 10⁻⁶), η = 0.1")
def stop_iteration() -> int:
    return stopping_rule(EPS_NEAR)[0]


@value("q4c.stop-loss", statement="loss where that stopping rule halts")
def stop_loss() -> str:
    return scientific(stopping_rule(EPS_NEAR)[1], 2)


@value("q4c.plateau-1e-6", statement="iterates with |loss − f(p)| < 10⁻³, from (1, 10⁻⁶), η = 0.1")
def plateau_1e6() -> int:
    return plateau_length(EPS_NEAR)


@value("q4c.plateau-1e-9", statement="iterates with |loss − f(p)| < 10⁻³, from (1, 10⁻⁹), η = 0.1")
def plateau_1e9() -> int:
    return plateau_length(EPS_NEARER)


@value(
    "q4c.plateau-predicted-gap",
    statement="ln(ε₁/ε₂)/ln(1 + η|λ₋|), λ₋ = −1: the predicted extra plateau",
    fmt=".1f",
)
def plateau_predicted_gap() -> float:
    return math.log(EPS_NEAR / EPS_NEARER) / math.log1p(PLATEAU_ETA)


@check(
    "q4c.plateau",
    page=PAGE,
    statement="Near the saddle the loss sits at f(p) with a small gradient: a gradient-norm stopping rule "
    "halts there, and the plateau lengthens by ln(ε₁/ε₂)/ln(1 + η|λ₋|) when ε₁ shrinks to ε₂",
)
def the_plateau_looks_like_convergence():
    k, loss_at_stop = stopping_rule(EPS_NEAR)
    _, loss, grads = plateau_run(EPS_NEAR)
    _, loss_on_manifold, grads_on_manifold = plateau_run(0.0)
    dip = plateau_dip(grads)
    return [
        below(
            abs(loss_at_stop),
            PLATEAU_BAND,
            what=f"|loss − f(p)| where the rule ‖∇f‖ < {STOP_TOLERANCE:g} halts (k = {k})",
            scope=f"float64 runs from (1, ε), ε = {EPS_NEAR:g}, {EPS_NEARER:g}, 0",
        ),
        close(
            loss[-1], -0.25, atol=1e-9, what=f"the same run's loss at k = {PLATEAU_STEPS} vs the minimum −1/4"
        ),
        close(
            [loss_on_manifold[-1], grads_on_manifold[-1]],
            [0.0, 0.0],
            atol=1e-10,
            what="from (1, 0): loss and gradient norm vs the saddle's 0, 0",
        ),
        close(
            plateau_1e9() - plateau_1e6(),
            plateau_predicted_gap(),
            atol=1.0,
            what="plateau(ε₂) − plateau(ε₁) vs ln(ε₁/ε₂)/ln(1 + η), within one step",
        ),
        below(grads[dip], STOP_TOLERANCE, what=f"the gradient norm at the bottom of its dip (k = {dip})"),
        below(
            STOP_TOLERANCE, grads[dip:].max(), what="the tolerance, against the gradient norm after the dip"
        ),
    ]


@value("q4c.plateau-curves", statement="the loss and gradient norm the plateau figure draws, per start")
def plateau_curves() -> FigureData:
    data = FigureData()
    for eps in PLATEAU_EPSILONS:
        _, loss, grads = plateau_run(eps)
        data[f"loss {eps:g}"], data[f"gradient {eps:g}"] = loss, grads
    # The levels the top panel marks, and where the gradient-norm rule stops (bottom panel).
    data["saddle value"] = quartic_loss(np.zeros(2))
    data["minimum value"] = quartic_loss(np.array([0.0, 1.0]))
    data["stop k"] = np.array([stopping_rule(EPS_NEAR)[0]])
    return data


def plateau_by_mpmath(eps: float, steps: int = PLATEAU_STEPS) -> tuple[np.ndarray, np.ndarray]:
    """Loss and gradient norm from x⁽ᵏ⁾ = (1 − η)ᵏ and y ← y − η(y³ − y) at 30 digits (a second method)."""
    with mp.workdps(30):
        eta, y, losses, grads = mp.mpf(PLATEAU_ETA), mp.mpf(eps), [], []
        for k in range(steps + 1):
            x = mp.mpf(PLATEAU_START_X) * (1 - eta) ** k
            losses.append(float((x**2 - y**2) / 2 + y**4 / 4))
            grads.append(float(mp.sqrt(x**2 + (y**3 - y) ** 2)))
            y = y - eta * (y**3 - y)
    return np.array(losses), np.array(grads)


@check(
    "q4c.plateau-drawn",
    page=PAGE,
    statement="The plateau figure's curves equal the same runs in 30-digit arithmetic, x in closed form",
)
def the_plateau_figure_draws_the_runs():
    data = computed("q4c.plateau-curves")
    drawn, reference = [], []
    for eps in PLATEAU_EPSILONS:
        drawn.append(np.concatenate([data[f"loss {eps:g}"], data[f"gradient {eps:g}"]]))
        reference.append(np.concatenate(plateau_by_mpmath(eps)))
    x, y = sp.symbols("x y", real=True)
    f = (x**2 - y**2) / 2 + y**4 / 4
    # ∂f/∂x = x vanishes only at x = 0; the critical points are the roots of ∂f/∂y there.
    values = sorted({float(f.subs({x: 0, y: root})) for root in sp.roots(sp.diff(f, y).subs(x, 0), y)})
    near_gradient = plateau_by_mpmath(EPS_NEAR)[1]
    # Absolute: the drawn gradient norms reach 10⁻¹², below which the axis stops.
    return [
        close([data["minimum value"][0], data["saddle value"][0]], values, atol=1e-15,
              what="the marked levels vs f at its critical points (sympy: minima, then the saddle)"),
        equal(int(data["stop k"][0]), int(np.argmax(near_gradient < STOP_TOLERANCE)),
              what=f"the marked stop vs the first 30-digit gradient norm below {STOP_TOLERANCE:g}"),
        close(
            np.array(drawn),
            np.array(reference),
            atol=1e-14,
            what="drawn losses and gradient norms vs the 30-digit runs",
            over=every("start of the figure", PLATEAU_EPSILONS),
        )
    ]


def _stays_once_in(inside: np.ndarray) -> bool:
    """Once inside (some point is), every later point is inside too."""
    return bool(inside.any() and inside[np.argmax(inside):].all())


def plateau_figure(label: str = "fig-q4c-plateau") -> str:
    """Figure: loss and gradient norm against iteration on the quartic, from three starts."""
    data = shown("q4c.plateau-curves")
    fig, (top, bottom) = new_figure(WIDTH, 6.0, nrows=2, sharex=True)
    labels = {1e-2: "from (1, 10⁻²)", 1e-6: "from (1, 10⁻⁶)", 0.0: "from (1, 0): on the stable manifold"}
    drawn_lines = {}
    for eps, colour in zip(PLATEAU_EPSILONS, COLOURS, strict=False):
        for panel, name in ((top, f"loss {eps:g}"), (bottom, f"gradient {eps:g}")):
            line, = panel.plot(data[name], label=labels[eps] if panel is top else None, color=colour)
            draws(line, data, x=lambda d, name=name: np.arange(len(d[name])), y=name)
            drawn_lines[name] = line
    k = int(data["stop k"][0])
    grads = data[f"gradient {EPS_NEAR:g}"]
    for name, style in (("saddle value", ":"), ("minimum value", "--")):
        drawn_lines[name] = top.axhline(data[name][0], color=INK, linewidth=0.8, linestyle=style)
        draws(drawn_lines[name], data, y=name)
    for name, text in (("saddle value", "saddle value f(p) = 0"), ("minimum value", "minimum value −1/4")):
        note = top.annotate(
            text,
            (PLATEAU_STEPS, data[name][0]),
            xytext=(0, 4),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=TEXT,
        )
        draws(note, data, x=lambda d: [len(d[f"loss {EPS_NEAR:g}"]) - 1], y=name)
    tolerance = bottom.axhline(STOP_TOLERANCE, color=INK, linewidth=0.8, linestyle="--")
    decorative(tolerance, "marks the stopping rule's tolerance, a parameter the caption names")
    tolerance_note = bottom.annotate(
        f"tolerance {STOP_TOLERANCE:g}",
        (PLATEAU_STEPS, STOP_TOLERANCE),
        xytext=(0, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=TEXT,
    )
    decorative(tolerance_note, "names the tolerance line, a parameter")
    stop, = bottom.plot([k], [grads[k]], marker="v", color=INK, markersize=7, linestyle="none")
    at_stop = {"x": lambda d: d["stop k"], "y": lambda d: d[f"gradient {EPS_NEAR:g}"][d["stop k"]]}
    draws(stop, data, **at_stop, marker="v")  # the caption's triangle
    stop_note = bottom.annotate(
        f"a ‖∇f‖ < {STOP_TOLERANCE:g} rule\nstops here (k = {k})",
        (k, grads[k]),
        xytext=(4, 1e-9),
        textcoords="data",
        fontsize=TEXT,
        arrowprops={"arrowstyle": "->", "color": INK, "lw": 0.8},
    )
    draws(stop_note, data, **at_stop)
    top.set(ylabel="loss f(x⁽ᵏ⁾)")
    bottom.set(yscale="log", ylabel="‖∇f(x⁽ᵏ⁾)‖", xlabel="iteration k", ylim=(1e-12, 3))
    top.legend(fontsize=TEXT, loc="center right", bbox_to_anchor=(1.0, 0.6))
    fast, near, none = PLATEAU_EPSILONS
    fast_loss, near_loss, none_loss = (drawn_lines[f"loss {eps:g}"] for eps in PLATEAU_EPSILONS)
    near_gradient, none_gradient = drawn_lines[f"gradient {near:g}"], drawn_lines[f"gradient {none:g}"]
    saddle, minimum = drawn_lines["saddle value"], drawn_lines["minimum value"]

    def level(line) -> float:
        return values(line, "y")[0]

    def within_band(of) -> Callable[[np.ndarray], np.ndarray]:
        return lambda y: np.abs(y - level(of)) < PLATEAU_BAND

    def dip() -> int:  # the gradient norm's first local minimum, as drawn
        return plateau_dip(values(near_gradient, "y"))

    return figure_html(
        fig,
        label=label,
        title="Loss and gradient norm of gradient descent passing a saddle",
        description=told(
            "{panels:Word} panels sharing the iteration axis from {first_k:g} to {last_k:g}, for gradient "
            "descent with step size {eta:g} on (x² − y²)/2 + y⁴/4 from ({x0:g}, ε). Top: the loss. From "
            "ε = {fast:g} it falls from {start_loss:g} to within {band:g} of the minimum {minimum:g} by "
            "iteration {fast_done:g}. From ε = {near:g} it falls to {saddle:g}, the saddle's value, stays "
            "within {band:g} of it from iteration {plateau_from:g} to {plateau_to:g}, then {drops} "
            "{minimum:g}. From ε = {none:g} it falls to {saddle:g} and {stays}. Bottom, {log}: the gradient "
            "norm. For ε = {near:g} it falls below the stopping tolerance {tolerance:g} at iteration "
            "{stop:g} (marked), bottoms out at {dip_y:.0e} at iteration {dip_x:g}, and rises to "
            "{rise:.2f} before the final descent; for ε = {none:g} it {keeps_falling}.",
            panels=count([top, bottom], "panels"),
            first_k=starts(fast_loss, "x"), last_k=ends(fast_loss, "x"),
            eta=parameter("step size", PLATEAU_ETA), x0=parameter("start's x", PLATEAU_START_X),
            fast=parameter("larger offset", fast), near=parameter("small offset", near),
            none=parameter("offset on the stable manifold", none), band=parameter("band", PLATEAU_BAND),
            start_loss=starts(fast_loss, "y"), minimum=starts(minimum, "y"), saddle=starts(saddle, "y"),
            fast_done=first_x_where(fast_loss, "the loss is within the band of the minimum",
                                    within_band(minimum)),
            plateau_from=first_x_where(near_loss, "the loss is within the band of the saddle's value",
                                       within_band(saddle)),
            plateau_to=last_x_where(near_loss, "the loss is within the band of the saddle's value",
                                    within_band(saddle)),
            drops=holds("drops to", lambda: within_band(minimum)(values(near_loss, "y")[-1:]).all(),
                        near_loss, minimum),
            stays=holds("stays there", lambda: _stays_once_in(within_band(saddle)(values(none_loss, "y"))),
                        none_loss, saddle),
            log=holds("logarithmic", lambda: bottom.get_yscale() == "log", bottom),
            tolerance=starts(tolerance, "y"),
            stop=starts(stop, "x"),
            dip_x=read("the iteration of the gradient norm's first local minimum", lambda: values(
                near_gradient, "x")[dip()], near_gradient),
            dip_y=read("the gradient norm's first local minimum", lambda: values(near_gradient, "y")[dip()],
                       near_gradient),
            rise=read("the highest gradient norm after its first local minimum",
                      lambda: values(near_gradient, "y")[dip():].max(), near_gradient),
            keeps_falling=holds("keeps falling", lambda: (np.diff(values(none_gradient, "y")) < 0).all(),
                                none_gradient),
        ),
        caption=(
            f"Gradient descent (η = {PLATEAU_ETA:g}) on (x² − y²)/2 + y⁴/4, whose saddle at the origin "
            "has the same Hessian as before and whose minima at (0, ±1) have loss −1/4. Close to the "
            "stable manifold the loss stalls at the saddle's value while the gradient norm dips: a "
            "run stopped by a gradient-norm rule (triangle) would report the saddle as the answer."
        ),
    )

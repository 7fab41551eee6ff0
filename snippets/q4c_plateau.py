"""Question 4c, harm 3: near a saddle the loss sits on a plateau, its small gradient like convergence."""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import sympy as sp

from snippets.plumbing.checks import below, check, close, equal, every
from snippets.plumbing.drawn import decorative, draws
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


def plateau_figure(label: str = "fig-q4c-plateau") -> str:
    """Figure: loss and gradient norm against iteration on the quartic, from three starts."""
    data = shown("q4c.plateau-curves")
    fig, (top, bottom) = new_figure(WIDTH, 6.0, nrows=2, sharex=True)
    labels = {1e-2: "from (1, 10⁻²)", 1e-6: "from (1, 10⁻⁶)", 0.0: "from (1, 0): on the stable manifold"}
    for eps, colour in zip(PLATEAU_EPSILONS, COLOURS, strict=False):
        for panel, name in ((top, f"loss {eps:g}"), (bottom, f"gradient {eps:g}")):
            line, = panel.plot(data[name], label=labels[eps] if panel is top else None, color=colour)
            draws(line, data, x=lambda d, name=name: np.arange(len(d[name])), y=name)
    k = int(data["stop k"][0])
    grads, loss = data[f"gradient {EPS_NEAR:g}"], data[f"loss {EPS_NEAR:g}"]
    on_plateau = np.flatnonzero(np.abs(loss) < PLATEAU_BAND)
    dip = plateau_dip(grads)
    for name, style in (("saddle value", ":"), ("minimum value", "--")):
        draws(top.axhline(data[name][0], color=INK, linewidth=0.8, linestyle=style), data, y=name)
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
    fast = PLATEAU_EPSILONS[0]
    minimum = round(float(data[f"loss {fast:g}"][-1]), 9)  # q4c.plateau: it is −1/4
    fast_done = int(np.argmax(data[f"loss {fast:g}"] < minimum + PLATEAU_BAND))
    start_loss = float(data[f"loss {fast:g}"][0])
    return figure_html(
        fig,
        label=label,
        title="Loss and gradient norm of gradient descent passing a saddle",
        description=(
            f"Two panels sharing the iteration axis from 0 to {PLATEAU_STEPS}, for gradient descent "
            f"with step size {PLATEAU_ETA:g} on (x² − y²)/2 + y⁴/4 from (1, ε). Top: the loss. From "
            f"ε = {fast:g} it falls from {start_loss:g} to within {PLATEAU_BAND:g} of the minimum "
            f"{minimum:g} by "
            f"iteration {fast_done}. From ε = {EPS_NEAR:g} it falls to 0, the saddle's value, stays within "
            f"{PLATEAU_BAND:g} of it from iteration {on_plateau[0]} to {on_plateau[-1]}, then drops to "
            f"{minimum:g}. From ε = 0 it falls to 0 and stays there. Bottom, logarithmic: the gradient norm. "
            f"For ε = {EPS_NEAR:g} it falls below the stopping tolerance {STOP_TOLERANCE:g} at iteration {k} "
            f"(marked), bottoms out at {grads[dip]:.0e} at iteration {dip}, and rises to "
            f"{grads[dip:].max():.2f} before the final descent; for ε = 0 it keeps falling."
        ),
        caption=(
            f"Gradient descent (η = {PLATEAU_ETA:g}) on (x² − y²)/2 + y⁴/4, whose saddle at the origin "
            "has the same Hessian as before and whose minima at (0, ±1) have loss −1/4. Close to the "
            "stable manifold the loss stalls at the saddle's value while the gradient norm dips: a "
            "run stopped by a gradient-norm rule (triangle) would report the saddle as the answer."
        ),
    )

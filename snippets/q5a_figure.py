"""Question 5a's figure: the error of the finite-difference gradient check against the step h."""

from __future__ import annotations

import numpy as np

from snippets.batchnorm import batchnorm_forward
from snippets.plumbing.checks import at_most, check, close, every
from snippets.plumbing.drawn import decorative, draws, ends, holds, read, starts, told, values, x_of_lowest
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import FigureData, computed, shown, value
from snippets.q5a_finite_differences import (
    FD_CASES,
    FD_RTOL,
    FD_STEP,
    GRADIENTS,
    PAGE,
    analytic_and_numerical,
    random_problem,
    relative_error,
)

STEPS = np.logspace(-10, -1, 19)
CASE = FD_CASES[1]


def error_versus_step(steps: np.ndarray = STEPS, case: tuple[int, int, int] = CASE) -> dict:
    """Relative error of the central-difference gradient for each step size, per gradient."""
    errors = {name: [] for name in GRADIENTS}
    for h in steps:
        for name, pair in analytic_and_numerical(*case, h).items():
            errors[name].append(relative_error(*pair))
    return {name: np.array(err) for name, err in errors.items()}


@value("q5a.error-curves", statement="relative error of each gradient check against the step h")
def error_curves() -> FigureData:
    return FigureData(h=STEPS, **error_versus_step())


def log_log_slope(h: np.ndarray, error: np.ndarray) -> float:
    """Least-squares slope of log error against log h."""
    return float(np.polyfit(np.log10(h), np.log10(error), 1)[0])


@check("q5a.error-laws", page=PAGE,
       statement="The figure's curves follow the error laws of central differences: h² truncation "
                 "for ∂L/∂x at large h, 1/h rounding at small h, only rounding for the loss linear in γ, β")
def figure_follows_the_error_laws():
    data = computed("q5a.error-curves")
    x, gamma, beta, upstream = random_problem(*CASE)
    loss = abs(float(np.sum(upstream * batchnorm_forward(x, gamma, beta)[0])))
    largest = {name: float(np.max(np.abs(pair[0]))) for name, pair in analytic_and_numerical(*CASE).items()}
    # rounding of (f(θ + h) − f(θ − h)) / 2h: about machine epsilon · |L| / h, allowed 10 times over
    rounding = {name: 10 * np.finfo(float).eps * loss / (data["h"] * largest[name]) for name in GRADIENTS}
    outcomes = [close(log_log_slope(data["h"][-4:], data["dx"][-4:]), 2.0, atol=0.05,
                      what="∂L/∂x: slope of log error against log h, four largest steps (truncation, h²)"),
                close(log_log_slope(data["h"][:6], data["dx"][:6]), -1.0, atol=0.2,
                      what="∂L/∂x: slope over the six smallest steps (rounding, 1/h; rounding is irregular)")]
    for name in every("gradient of a loss linear in it", ("dgamma", "dbeta")):
        symbol = "γ" if name == "dgamma" else "β"
        outcomes.append(at_most(float(np.max(data[name] / rounding[name])), 1.0,
                                what=f"∂L/∂{symbol}: largest error / (10 ε|L|/(h ‖g‖∞)) over every step"))
    return outcomes


class Slopes:
    """An interval of log-log slopes (`slope in Slopes(low, high)`)."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high

    def __contains__(self, slope: float) -> bool:
        return self.low <= slope <= self.high


# What "grows like h squared" and "like 1/h" mean of a fitted log-log slope.
SQUARED, RECIPROCAL = Slopes(1.5, 2.5), Slopes(-1.5, -0.5)


def _slope(line, steps: str) -> float:
    """The least-squares log-log slope of the drawn line over its six largest h, six smallest, or all."""
    h, error = np.log(values(line, "x")), np.log(values(line, "y"))
    order = np.argsort(h)
    chosen = {"largest": order[-6:], "smallest": order[:6], "all": order}[steps]
    return float(np.polyfit(h[chosen], error[chosen], 1)[0])


def error_figure(label: str) -> str:
    """Log-log plot of the gradient-check error against h, with the tolerance and the step used."""
    data = shown("q5a.error-curves")
    errors = {name: data[name] for name in GRADIENTS}
    fig, ax = new_figure(6.4, 3.4)
    labels = {"dx": r"$\partial L/\partial x$", "dgamma": r"$\partial L/\partial \gamma$",
              "dbeta": r"$\partial L/\partial \beta$"}
    # Colours with a contrast of at least 3 against both the light and the dark page.
    colours = {"dx": "#3b8fd9", "dgamma": "#d55e00", "dbeta": "#2ca58d"}
    lines = {}
    for (name, err), marker in zip(errors.items(), ("o", "s", "^"), strict=True):
        line, = ax.loglog(STEPS, err, marker=marker, markersize=4, color=colours[name], label=labels[name])
        lines[name] = draws(line, data, x="h", y=name)
    tolerance = ax.axhline(FD_RTOL, linestyle="--", linewidth=1.2, color="#8c8c8c",
                           label=f"tolerance {FD_RTOL:g}")
    decorative(tolerance, "marks the gradient check's tolerance, a parameter")
    used = ax.axvline(FD_STEP, linestyle=":", linewidth=1.2, color="#8c8c8c",
                      label=f"step used, h = {FD_STEP:g}")
    decorative(used, "marks the finite-difference step the checks use, a parameter")
    ax.set_xlabel("finite-difference step h")
    ax.set_ylabel("relative error (∞-norm)")
    ax.legend(loc="upper center", fontsize=8, ncols=3)
    ax.set_ylim(top=1e1)
    n, d, _ = CASE
    dx, linear = lines["dx"], [lines["dgamma"], lines["dbeta"]]

    def at_the_step_used() -> float:  # the largest drawn error at the drawn h nearest the marked step
        h = values(dx, "x")
        nearest = int(np.argmin(np.abs(np.log(h) - np.log(values(used, "x")[0]))))
        return max(values(line, "y")[nearest] for line in lines.values())

    return figure_html(
        fig, label=label,
        title="Gradient-check error against the finite-difference step",
        description=told(
            "{loglog} plot of the relative error between batchnorm_backward and central finite differences, "
            "for the input, gamma and beta gradients, against the step h from {h_first:.0e} to {h_last:.0e}. "
            "The input gradient's error {grows}, smallest at h = {best:.0e}; the gamma and beta gradients, "
            "of a loss linear in gamma and beta, {rounding}. At the step used the errors are at most "
            "{at_used:.0e}, {below} at {tolerance:g}.",
            loglog=holds("Log-log", lambda: (ax.get_xscale(), ax.get_yscale()) == ("log", "log"), ax),
            h_first=starts(dx, "x"), h_last=ends(dx, "x"),
            grows=holds("grows like h squared towards large h and like 1/h towards small h",
                        lambda: _slope(dx, "largest") in SQUARED and _slope(dx, "smallest") in RECIPROCAL,
                        dx),
            best=x_of_lowest(dx, "y"),
            rounding=holds("show the 1/h rounding error only",
                           lambda: all(_slope(line, "all") in RECIPROCAL for line in linear), *linear),
            at_used=read("the largest error at the step used", at_the_step_used, *lines.values(), used),
            below=holds("below the dashed tolerance line",
                        lambda: at_the_step_used() < values(tolerance, "y")[0]
                        and tolerance.get_linestyle() == "--", tolerance, *lines.values(), used),
            tolerance=starts(tolerance, "y"),
        ),
        caption=(f"Relative error of the central-difference gradients (batch of {n}, {d} features) as the "
                 "step h varies. For ∂L/∂x, truncation error grows like h² to the right and rounding "
                 "error like 1/h to the left; the loss is linear in γ and β, so their gradients "
                 "only carry rounding error. At the step used every error is orders of magnitude below "
                 "the tolerance, while a wrong formula is off by order 1."),
    )

"""Question 5a's figure: the error of the finite-difference gradient check against the step h."""

from __future__ import annotations

import numpy as np

from snippets.plumbing.figures import figure_html, new_figure
from snippets.q5a_finite_differences import (
    FD_CASES,
    FD_RTOL,
    FD_STEP,
    GRADIENTS,
    analytic_and_numerical,
    relative_error,
)

STEPS = np.logspace(-10, -1, 19)
CASE = FD_CASES[1]


def error_versus_step(steps: np.ndarray = STEPS, case: tuple[int, int, int] = CASE) -> dict[str, np.ndarray]:
    """Relative error of the central-difference gradient for each step size, per gradient."""
    errors = {name: [] for name in GRADIENTS}
    for h in steps:
        for name, pair in analytic_and_numerical(*case, h).items():
            errors[name].append(relative_error(*pair))
    return {name: np.array(err) for name, err in errors.items()}


def error_figure(label: str) -> str:
    """Log-log plot of the gradient-check error against h, with the tolerance and the step used."""
    errors = error_versus_step()
    fig, ax = new_figure(6.4, 3.4)
    labels = {"dx": r"$\partial L/\partial x$", "dgamma": r"$\partial L/\partial \gamma$",
              "dbeta": r"$\partial L/\partial \beta$"}
    # Colours with a contrast of at least 3 against both the light and the dark page.
    colours = {"dx": "#3b8fd9", "dgamma": "#d55e00", "dbeta": "#2ca58d"}
    for (name, err), marker in zip(errors.items(), ("o", "s", "^"), strict=True):
        ax.loglog(STEPS, err, marker=marker, markersize=4, color=colours[name], label=labels[name])
    ax.axhline(FD_RTOL, linestyle="--", linewidth=1.2, color="#8c8c8c", label=f"tolerance {FD_RTOL:g}")
    ax.axvline(FD_STEP, linestyle=":", linewidth=1.2, color="#8c8c8c", label=f"step used, h = {FD_STEP:g}")
    ax.set_xlabel("finite-difference step h")
    ax.set_ylabel("relative error (∞-norm)")
    ax.legend(loc="upper center", fontsize=8, ncols=3)
    ax.set_ylim(top=1e1)
    best = STEPS[np.argmin(errors["dx"])]
    used = {name: err[np.argmin(np.abs(STEPS - FD_STEP))] for name, err in errors.items()}
    n, d, _ = CASE
    return figure_html(
        fig, label=label,
        title="Gradient-check error against the finite-difference step",
        description=(f"Log-log plot of the relative error between batchnorm_backward and central "
                     f"finite differences, for the input, gamma and beta gradients, against the step h "
                     f"from {STEPS[0]:.0e} to {STEPS[-1]:.0e}. The input gradient's error falls like h "
                     f"squared for large h and rises like 1/h for small h, smallest at h = {best:.0e}; "
                     "the gamma and beta gradients, of a loss linear in gamma and beta, show the 1/h "
                     f"rounding error only. At the step used the errors are at most "
                     f"{max(used.values()):.0e}, below the dashed tolerance line at {FD_RTOL:g}."),
        caption=(f"Relative error of the central-difference gradients (batch of {n}, {d} features) as the "
                 "step h varies. For ∂L/∂x, truncation error falls like h² to the right and rounding "
                 "error grows like 1/h to the left; the loss is linear in γ and β, so their gradients "
                 "only carry rounding error. At the step used every error is orders of magnitude below "
                 "the tolerance, while a wrong formula is off by order 1."),
    )

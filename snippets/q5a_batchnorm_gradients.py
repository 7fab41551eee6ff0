"""Question 5a: the gradients of batch norm for gamma, beta and the input, by sympy and by numpy."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
import sympy as sp

from snippets.batchnorm import batchnorm_backward, batchnorm_forward
from snippets.plumbing.checks import check, close, holds, identity
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import scientific, value

PAGE = "question-5/5a.md"
FD_STEP = 1e-5  # central differences: truncation ~ h², rounding ~ machine epsilon / h
FD_RTOL = 1e-7  # allowed ‖numerical − analytic‖∞ / ‖analytic‖∞; a wrong formula is off by O(1)
# (batch size, features, seed). Not 2: that batch's input gradient is O(ε), see q5a.batch-of-two.
FD_CASES = ((4, 3, 0), (8, 4, 1), (32, 5, 2))
GRADIENTS = ("dx", "dgamma", "dbeta")
SYMBOLIC_SIZES = (2, 3)  # symbolic batches checked on the page (the tests add 4)


# --- Symbolic: one feature (features never mix), a batch of m scalars ---------------------------


def symbolic_batch(m: int = 3) -> SimpleNamespace:
    """Batch norm of m symbolic inputs with loss L = Σ_b g_b y_b, so that ∂L/∂y_b = g_b.

    Backpropagation only ever uses ∂L/∂y, so this linear loss stands for any loss.
    """
    x = sp.symbols(f"x_1:{m + 1}", real=True)
    g = sp.symbols(f"g_1:{m + 1}", real=True)
    gamma, beta = sp.symbols("gamma beta", real=True)
    eps = sp.Symbol("epsilon", positive=True)
    mu = sum(x) / m
    var = sum((xb - mu) ** 2 for xb in x) / m  # biased, as in training mode
    std = sp.sqrt(var + eps)
    x_hat = [(xb - mu) / std for xb in x]
    y = [gamma * xh + beta for xh in x_hat]
    loss = sum(gb * yb for gb, yb in zip(g, y, strict=True))
    return SimpleNamespace(m=m, x=x, g=g, gamma=gamma, beta=beta, eps=eps, var=var, std=std,
                           x_hat=x_hat, y=y, loss=loss)


def derived_gradients(b: SimpleNamespace) -> dict[str, object]:
    """What sympy's differentiation of the whole forward pass gives."""
    return {"dx": sp.Matrix([[sp.diff(b.loss, xb) for xb in b.x]]),
            "dgamma": sp.diff(b.loss, b.gamma), "dbeta": sp.diff(b.loss, b.beta)}


def closed_forms(b: SimpleNamespace) -> dict[str, object]:
    """The page's closed forms, equations (1) to (3), in the same symbols."""
    dbeta = sum(b.g)
    dgamma = sum(gb * xh for gb, xh in zip(b.g, b.x_hat, strict=True))
    dx = [b.gamma / b.std * (gb - dbeta / b.m - xh * dgamma / b.m)
          for gb, xh in zip(b.g, b.x_hat, strict=True)]
    return {"dx": sp.Matrix([dx]), "dgamma": dgamma, "dbeta": dbeta}


@check("q5a.symbolic", page=PAGE,
       statement="sympy's derivatives of the forward pass equal the closed forms for ∂L/∂β, ∂L/∂γ, ∂L/∂x")
def _symbolic_closed_forms():
    outcomes = []
    for m in SYMBOLIC_SIZES:
        b = symbolic_batch(m)
        derived, closed = derived_gradients(b), closed_forms(b)
        outcomes += [identity(derived[k], closed[k], what=f"{k}, batch of {m}") for k in GRADIENTS]
    return outcomes


@value("q5a.symbolic-sizes", statement="sizes of the symbolic batches sympy differentiates")
def symbolic_sizes() -> str:
    return " and ".join(str(m) for m in SYMBOLIC_SIZES)


@check("q5a.dx-structure", page=PAGE,
       statement="The input gradient sums to zero over the batch, and x̂ has squared norm mσ²/(σ² + ε)")
def _dx_structure():
    b = symbolic_batch(3)
    return [
        identity(sum(derived_gradients(b)["dx"]), 0, what="Σ_b ∂L/∂x_b from sympy, batch of 3"),
        identity(sum(xh**2 for xh in b.x_hat), b.m * b.var / (b.var + b.eps), what="Σ_b x̂_b², batch of 3"),
    ]


def batch_of_two_input_gradient() -> tuple[object, object]:
    """For x = (c + δ, c − δ): sympy's ∂L/∂x and the closed form γε(g₁ − g₂)/(2(δ² + ε)^{3/2}) · (1, −1)."""
    b = symbolic_batch(2)
    c, delta = sp.symbols("c delta", real=True)
    derived = derived_gradients(b)["dx"].subs({b.x[0]: c + delta, b.x[1]: c - delta})
    scale = b.gamma * b.eps * (b.g[0] - b.g[1]) / (2 * (delta**2 + b.eps) ** sp.Rational(3, 2))
    return derived, sp.Matrix([[scale, -scale]])


@check("q5a.batch-of-two", page=PAGE,
       statement="For a batch of two the input gradient is proportional to ε: the output hardly moves with x")
def _batch_of_two():
    return identity(*batch_of_two_input_gradient(), what="∂L/∂x for x = (c + δ, c − δ), sympy vs closed form")


# --- Numeric: central finite differences in float64 ---------------------------------------------


def central_difference(f: Callable[[np.ndarray], float], theta: np.ndarray, h: float = FD_STEP) -> np.ndarray:
    """∂f/∂θ entry by entry: (f(θ + h e_k) − f(θ − h e_k)) / 2h."""
    steps = h * np.eye(theta.size).reshape(-1, *theta.shape)
    return np.array([(f(theta + s) - f(theta - s)) / (2 * h) for s in steps]).reshape(theta.shape)


def random_problem(n: int, d: int, seed: int) -> tuple[np.ndarray, ...]:
    """Inputs far from standardized (mean 3, scale 2), random γ, β and upstream gradient ∂L/∂y."""
    rng = np.random.default_rng(seed)
    x = 3 + 2 * rng.normal(size=(n, d))
    gamma, beta = rng.normal(size=d), rng.normal(size=d)
    upstream = rng.normal(size=(n, d))
    return x, gamma, beta, upstream


def analytic_and_numerical(n: int, d: int, seed: int, h: float = FD_STEP) -> dict[str, tuple]:
    """{name: (batchnorm_backward's gradient, central differences)} for L = Σ upstream · y."""
    x, gamma, beta, upstream = random_problem(n, d, seed)
    _, cache = batchnorm_forward(x, gamma, beta)
    analytic = batchnorm_backward(upstream, cache)

    def loss(x_, gamma_, beta_):
        return float(np.sum(upstream * batchnorm_forward(x_, gamma_, beta_)[0]))

    numerical = (central_difference(lambda t: loss(t, gamma, beta), x, h),
                 central_difference(lambda t: loss(x, t, beta), gamma, h),
                 central_difference(lambda t: loss(x, gamma, t), beta, h))
    return dict(zip(GRADIENTS, zip(analytic, numerical, strict=True), strict=True))


def relative_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    """‖numerical − analytic‖∞ / ‖analytic‖∞: scale-free, and not fooled by entries near zero."""
    return float(np.max(np.abs(numerical - analytic)) / np.max(np.abs(analytic)))


@value("q5a.fd-step", statement="finite-difference step h")
def fd_step() -> str:
    return scientific(FD_STEP, 1)


@value("q5a.fd-rtol", statement="tolerance on the normwise relative error of the gradient check")
def fd_rtol() -> str:
    return scientific(FD_RTOL, 1)


@value("q5a.fd-worst", statement="largest relative error of the gradient check over all cases")
def fd_worst() -> str:
    worst = max(relative_error(*pair)
                for n, d, seed in FD_CASES for pair in analytic_and_numerical(n, d, seed).values())
    return scientific(worst, 1)


@check("q5a.finite-differences", page=PAGE,
       statement="batchnorm_backward agrees with central finite differences of batchnorm_forward (float64)")
def _finite_differences():
    outcomes = []
    for n, d, seed in FD_CASES:
        errors = [relative_error(*pair) for pair in analytic_and_numerical(n, d, seed).values()]
        outcomes.append(close(errors, np.zeros(len(errors)), atol=FD_RTOL,
                              what=f"‖numerical − analytic‖∞ / ‖analytic‖∞ of (dx, dγ, dβ), batch {n} × {d}, "
                                   f"h = {FD_STEP:g}"))
    return outcomes


@check("q5a.source-formulas-fail", page=PAGE,
       statement="The uncorrected formulas (one example's term, raw x for x̂) fail the finite-difference test")
def _source_formulas_fail():
    n, d, seed = FD_CASES[1]
    x, gamma, beta, upstream = random_problem(n, d, seed)
    _, cache = batchnorm_forward(x, gamma, beta)
    pairs = analytic_and_numerical(n, d, seed)
    numerical_dgamma, numerical_dbeta = pairs["dgamma"][1], pairs["dbeta"][1]
    wrong = {
        "∂L/∂y_1 alone, for ∂L/∂β": (upstream[0], numerical_dbeta),
        "∂L/∂y_1 · x̂_1 alone, for ∂L/∂γ": (upstream[0] * cache.x_hat[0], numerical_dgamma),
        "Σ_b ∂L/∂y_b · x_b (raw x), for ∂L/∂γ": ((upstream * x).sum(axis=0), numerical_dgamma),
    }
    outcomes = [holds(relative_error(reference, formula) > 1e3 * FD_RTOL,
                      f"{label}: relative error {relative_error(reference, formula):.2f}",
                      tolerance=f"error must exceed 1e3 × {FD_RTOL:g}")
                for label, (formula, reference) in wrong.items()]
    summed = (upstream * cache.x_hat).sum(axis=0)
    outcomes.append(close(summed, numerical_dgamma, atol=FD_RTOL * float(np.max(np.abs(summed))),
                          what="Σ_b ∂L/∂y_b · x̂_b vs the numerical ∂L/∂γ"))
    return outcomes


# --- Figure: the error of a gradient check against the step h -----------------------------------


def error_versus_step(steps: np.ndarray, case: tuple[int, int, int] = FD_CASES[1]) -> dict[str, np.ndarray]:
    """Relative error of the central-difference gradient for each step size, per gradient."""
    errors = {name: [] for name in GRADIENTS}
    for h in steps:
        for name, pair in analytic_and_numerical(*case, h).items():
            errors[name].append(relative_error(*pair))
    return {name: np.array(err) for name, err in errors.items()}


def error_figure() -> str:
    """Log-log plot of the gradient-check error against h, with the tolerance and the step used."""
    steps = np.logspace(-10, -1, 19)
    errors = error_versus_step(steps)
    fig, ax = new_figure(6.4, 3.4)
    labels = {"dx": r"$\partial L/\partial x$", "dgamma": r"$\partial L/\partial \gamma$",
              "dbeta": r"$\partial L/\partial \beta$"}
    # Colours with a contrast of at least 3 against both the light and the dark page.
    colours = {"dx": "#3b8fd9", "dgamma": "#d55e00", "dbeta": "#2ca58d"}
    for (name, err), marker in zip(errors.items(), ("o", "s", "^"), strict=True):
        ax.loglog(steps, err, marker=marker, markersize=4, color=colours[name], label=labels[name])
    ax.axhline(FD_RTOL, linestyle="--", linewidth=1.2, color="#8c8c8c", label=f"tolerance {FD_RTOL:g}")
    ax.axvline(FD_STEP, linestyle=":", linewidth=1.2, color="#8c8c8c", label=f"step used, h = {FD_STEP:g}")
    ax.set_xlabel("finite-difference step h")
    ax.set_ylabel("relative error (∞-norm)")
    ax.legend(loc="upper center", fontsize=8, ncols=3)
    ax.set_ylim(top=1e1)
    return figure_html(
        fig, figure_id="q5a-gradient-check",
        title="Gradient-check error against the finite-difference step",
        description=("Log-log plot of the relative error between batchnorm_backward and central "
                     "finite differences, for the input, gamma and beta gradients, against the step h "
                     "from 1e-10 to 1e-1. The input gradient's error falls like h squared for large h "
                     "and rises like 1/h for small h, with its minimum near 1e-5; the gamma and beta "
                     "gradients, of a loss linear in gamma and beta, show the 1/h rounding error only. "
                     "At the step used every error lies far below the dashed tolerance line."),
        caption=("Relative error of the central-difference gradients (batch of 8, 4 features) as the "
                 "step h varies. For ∂L/∂x, truncation error falls like h² to the right and rounding "
                 "error grows like 1/h to the left; the loss is linear in γ and β, so their gradients "
                 "only carry rounding error. At the step used every error is orders of magnitude below "
                 "the tolerance, while a wrong formula is off by order 1."),
    )

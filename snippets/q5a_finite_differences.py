"""Question 5a by numpy: batchnorm_backward against central finite differences of batchnorm_forward."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from snippets.batchnorm import EPS, batchnorm_backward, batchnorm_forward
from snippets.plumbing.checks import below, cases, check, close, refuted
from snippets.plumbing.values import power_of_ten_above, scientific, value

PAGE = "question-5/5a.md"
FD_STEP = 1e-5  # central differences: truncation ~ h², rounding ~ machine epsilon / h
FD_RTOL = 1e-7  # allowed ‖numerical − analytic‖∞ / ‖analytic‖∞; a wrong formula is off by O(1)
# (batch size, features, seed). The batch of two is proved exactly instead, see q5a.batch-of-two-gradient.
FD_CASES = ((4, 3, 0), (8, 4, 1), (32, 5, 2))
GRADIENTS = ("dx", "dgamma", "dbeta")


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


@value("q5a.fd-worst", statement="power of ten above the gradient check's largest relative error, all cases")
def fd_worst() -> str:
    worst = max(relative_error(*pair)
                for n, d, seed in FD_CASES for pair in analytic_and_numerical(n, d, seed).values())
    return power_of_ten_above(worst)


@check("q5a.finite-differences", page=PAGE,
       statement="batchnorm_backward agrees with central finite differences of batchnorm_forward (float64)")
def _finite_differences():
    outcomes = []
    for n, d, seed in cases("(batch, features, seed)", FD_CASES):
        errors = [relative_error(*pair) for pair in analytic_and_numerical(n, d, seed).values()]
        outcomes.append(below(errors, FD_RTOL, what=f"‖numerical − analytic‖∞ / ‖analytic‖∞ of (dx, dγ, dβ), "
                                                   f"batch {n} × {d}, h = {FD_STEP:g}"))
    return outcomes


@check("q5a.source-formulas-fail", page=PAGE,
       statement="The draft's single-example terms, and x read as the raw input, "
                 "fail the finite-difference test")
def _source_formulas_fail():
    outcomes = []
    for n, d, seed in cases("(batch, features, seed)", FD_CASES[1:2]):
        outcomes += wrong_formulas_refuted_on(n, d, seed)
    return outcomes


def wrong_formulas_refuted_on(n: int, d: int, seed: int) -> list:
    """The wrong formulas' relative errors on one problem, and the right sum for contrast."""
    x, gamma, beta, upstream = random_problem(n, d, seed)
    _, cache = batchnorm_forward(x, gamma, beta)
    pairs = analytic_and_numerical(n, d, seed)
    numerical_dgamma, numerical_dbeta = pairs["dgamma"][1], pairs["dbeta"][1]
    wrong = {
        "∂L/∂y_1 alone, for ∂L/∂β": (upstream[0], numerical_dbeta),
        "∂L/∂y_1 · x̂_1 alone, for ∂L/∂γ": (upstream[0] * cache.x_hat[0], numerical_dgamma),
        "Σ_b ∂L/∂y_b · x_b (raw x), for ∂L/∂γ": ((upstream * x).sum(axis=0), numerical_dgamma),
    }
    outcomes = [refuted(formula, reference, rtol=1e3 * FD_RTOL, what=label)
                for label, (formula, reference) in wrong.items()]
    summed = (upstream * cache.x_hat).sum(axis=0)
    outcomes.append(close(summed, numerical_dgamma, atol=FD_RTOL * float(np.max(np.abs(summed))),
                          what="Σ_b ∂L/∂y_b · x̂_b vs the numerical ∂L/∂γ"))
    return outcomes


def two_inputs_backward(half_gap: float, upstream: tuple[float, float], gamma: float = 1.3) -> np.ndarray:
    """batchnorm_backward's ∂L/∂x for the batch (δ, −δ) of one feature, ε as in snippets/batchnorm.py."""
    x = np.array([[half_gap], [-half_gap]])
    _, cache = batchnorm_forward(x, np.array([gamma]), np.zeros(1))
    return batchnorm_backward(np.array(upstream)[:, None], cache)[0][:, 0]


@check("q5a.two-inputs-numeric", page=PAGE,
       statement=r"batchnorm_backward gives $\gamma\epsilon(g_1 - g_2)/(2(\delta^2 + \epsilon)^{3/2})$ for "
                 r"two inputs $2\delta$ apart, up to $\gamma(g_1 - g_2)/(2\sqrt{\epsilon})$ "
                 "when they coincide")
def two_inputs_numeric():
    eps, gamma, upstream = EPS, 1.3, (0.7, -0.4)
    outcomes = []
    for half_gap in cases("δ", (0.0, 1e-3, 1e-1, 2.0)):
        scale = gamma * eps * (upstream[0] - upstream[1]) / (2 * (half_gap**2 + eps) ** 1.5)
        outcomes.append(close(two_inputs_backward(half_gap, upstream, gamma), [scale, -scale], rtol=1e-9,
                              what=f"∂L/∂x for δ = {half_gap:g}"))
    return outcomes


@value("q5a.fd-sizes", statement="batch sizes of the finite-difference check")
def fd_sizes() -> str:
    sizes = [str(n) for n, _, _ in FD_CASES]
    return ", ".join(sizes[:-1]) + " and " + sizes[-1]

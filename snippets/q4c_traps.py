"""Question 4c: saddles that attract, a degenerate saddle for gradient descent and every saddle for Newton."""

from __future__ import annotations

import numpy as np
import sympy as sp

from snippets.plumbing.checks import at_least, at_most, check, close, equal, identity
from snippets.plumbing.values import value
from snippets.q4c_model import PAGE, gradient_descent, quartic_gradient

DEGENERATE_ETA, DEGENERATE_START, DEGENERATE_STEPS = 0.1, (1.0, 0.5), 2000


def degenerate_gradient(z: np.ndarray) -> np.ndarray:
    """∇ of x² + y³, whose critical point at 0 is a saddle with Hessian diag(2, 0)."""
    return np.array([2 * z[0], 3 * z[1] ** 2])


@value("q4c.degenerate-eta", statement="step size on the degenerate saddle x² + y³")
def degenerate_eta() -> float:
    return DEGENERATE_ETA


@value("q4c.degenerate-start", statement="start of the run on the degenerate saddle")
def degenerate_start() -> str:
    return f"({DEGENERATE_START[0]:g}, {DEGENERATE_START[1]:g})"


@value("q4c.degenerate-steps", statement="steps run on the degenerate saddle")
def degenerate_steps() -> int:
    return DEGENERATE_STEPS


@value("q4c.degenerate-distance", statement="distance to the degenerate saddle after those steps", fmt=".4f")
def degenerate_distance() -> float:
    path = gradient_descent(degenerate_gradient, DEGENERATE_START, DEGENERATE_ETA, DEGENERATE_STEPS)
    return float(np.linalg.norm(path[-1]))


@check(
    "q4c.degenerate-trap",
    page=PAGE,
    statement="On x² + y³, gradient descent from any 0 < y⁽⁰⁾ < 1/(3η) converges to the saddle, like 1/k: "
    "1/y⁽⁰⁾ + 3ηk ≤ 1/y⁽ᵏ⁾ ≤ 1/y⁽⁰⁾ + 3ηk/(1 − 3ηy⁽⁰⁾)",
)
def gradient_descent_converges_to_a_degenerate_saddle_from_a_strip():
    a, y = sp.symbols("a y", positive=True)  # a = 3η
    step = y * (1 - a * y)  # y − η·3y²
    increment = sp.cancel(1 / step - 1 / y)
    path = gradient_descent(degenerate_gradient, DEGENERATE_START, DEGENERATE_ETA, DEGENERATE_STEPS)
    k, ys, rate = np.arange(len(path)), path[:, 1], 3 * DEGENERATE_ETA
    lower, upper = 1 / ys[0] + rate * k, 1 / ys[0] + rate * k / (1 - rate * ys[0])
    return [
        identity(
            increment,
            a / (1 - a * y),
            what="1/y⁽ᵏ⁺¹⁾ − 1/y⁽ᵏ⁾ = a/(1 − ay⁽ᵏ⁾) with a = 3η, y⁽ᵏ⁺¹⁾ = y(1 − ay)",
        ),
        equal(
            sp.solve_univariate_inequality(step > 0, y, relational=False),
            sp.Interval.open(0, 1 / a),
            what="{y > 0 : y(1 − ay) > 0}: the iterates stay positive, and y(1 − ay) < y, so they fall",
        ),
        identity(
            sp.diff(a / (1 - a * y), y),
            a**2 / (1 - a * y) ** 2,
            what="d/dy a/(1 − ay) = a²/(1 − ay)² > 0: the increment lies between a and a/(1 − ay⁽⁰⁾)",
        ),
        at_most(
            np.max(lower * ys) - 1,
            1e-9,
            what=f"float64 run from {DEGENERATE_START}, η = {DEGENERATE_ETA}: "
            "(1/y⁽⁰⁾ + 3ηk)·y⁽ᵏ⁾ − 1, largest over k",
            scope=f"k = 0, …, {DEGENERATE_STEPS} of one float64 run",
        ),
        at_most(1 - np.min(upper * ys), 1e-9, what="1 − (1/y⁽⁰⁾ + 3ηk/(1 − 3ηy⁽⁰⁾))·y⁽ᵏ⁾, largest over k"),
        close(
            path[-1, 0],
            DEGENERATE_START[0] * (1 - 2 * DEGENERATE_ETA) ** DEGENERATE_STEPS,
            rtol=1e-9,
            what="x⁽ᵏ⁾ = (1 − 2η)ᵏ x⁽⁰⁾ at the last step",
        ),
    ]


NEWTON_START, NEWTON_STEPS = (1.0, 0.1), 6


def newton_path(start=NEWTON_START, steps: int = NEWTON_STEPS) -> np.ndarray:
    """Newton's method x ← x − H(x)⁻¹∇f(x) on (x² − y²)/2 + y⁴/4."""
    xs = [np.asarray(start, float)]
    for _ in range(steps):
        z = xs[-1]
        hessian = np.diag([1.0, 3 * z[1] ** 2 - 1])
        xs.append(z - np.linalg.solve(hessian, quartic_gradient(z)))
    return np.array(xs)


@check(
    "q4c.newton-attracted",
    page=PAGE,
    statement="Newton's method jumps to the critical point of a quadratic, saddle or not, and on the quartic "
    "it converges to the saddle, not to a minimum",
)
def newtons_method_is_attracted_to_saddles():
    h11, h12, h22, x1, x2, p1, p2 = sp.symbols("h11 h12 h22 x1 x2 p1 p2", real=True)
    H = sp.Matrix([[h11, h12], [h12, h22]])
    x, p = sp.Matrix([x1, x2]), sp.Matrix([p1, p2])
    newton_step = x - H.inv() * (H * (x - p))
    path = newton_path()
    return [
        identity(newton_step, p, what="x − H⁻¹·H(x − p) = p for a symbolic non-singular symmetric H"),
        at_most(
            np.linalg.norm(path[-1]),
            1e-12,
            what=f"Newton on the quartic from {NEWTON_START}: distance to the saddle, {NEWTON_STEPS} steps",
            scope=f"one Newton run of {NEWTON_STEPS} steps",
        ),
        at_least(
            min(np.linalg.norm(path - np.array([0.0, m]), axis=1).min() for m in (1.0, -1.0)),
            0.9,
            what="closest approach of the Newton iterates to a minimum (0, ±1)",
        ),
    ]

"""Question 4c's models: gradient descent, the saddle (x² − y²)/2 and the same saddle with minima added."""

from __future__ import annotations

import numpy as np

from snippets.plumbing.figures import PALETTE

PAGE = "question-4/4c.md"
WIDTH = 5.0  # inches: text of 10 pt stays about 9.5 px on a 375 px phone and about 19 px on the desktop
TEXT = 10
# Line colours with contrast ≥ 3 on the light and on the dark page (the palette's amber has 2.2 on white).
COLOURS = [PALETTE[0], PALETTE[3], PALETTE[2], PALETTE[4]]

# The running example: f(x, y) = (x² − y²)/2 has a saddle at p = 0 with H(p) = diag(1, −1).
LAMBDA_PLUS, LAMBDA_MINUS = 1.0, -1.0


def gradient_descent(gradient, x0, eta: float, steps: int) -> np.ndarray:
    """Iterates x⁽⁰⁾, …, x⁽ˢᵗᵉᵖˢ⁾ of x ← x − η∇f(x), one row each."""
    xs = [np.asarray(x0, float)]
    for _ in range(steps):
        xs.append(xs[-1] - eta * gradient(xs[-1]))
    return np.array(xs)


def quadratic_loss(z: np.ndarray) -> np.ndarray:
    """(x² − y²)/2 along the rows of z."""
    z = np.atleast_2d(z)
    return (LAMBDA_PLUS * z[:, 0] ** 2 + LAMBDA_MINUS * z[:, 1] ** 2) / 2


def quadratic_gradient(z: np.ndarray) -> np.ndarray:
    """∇ of (x² − y²)/2."""
    return np.array([LAMBDA_PLUS, LAMBDA_MINUS]) * z


def saddle_with_minima(x, y):
    """The saddle of (x² − y²)/2 with y⁴/4 added, so the loss has minima at (0, ±1) to escape to."""
    return (x**2 - y**2) / 2 + y**4 / 4


def quartic_loss(z: np.ndarray) -> np.ndarray:
    """(x² − y²)/2 + y⁴/4 along the rows of z: saddle at 0 with value 0, minima at (0, ±1) with value −1/4."""
    z = np.atleast_2d(z)
    return saddle_with_minima(z[:, 0], z[:, 1])


def quartic_gradient(z: np.ndarray) -> np.ndarray:
    """∇ of (x² − y²)/2 + y⁴/4."""
    return np.array([z[0], z[1] ** 3 - z[1]])


def signed(number: float) -> str:
    """A number as the page writes it: a true minus sign, no trailing zeros."""
    return f"{number:g}".replace("-", "−")

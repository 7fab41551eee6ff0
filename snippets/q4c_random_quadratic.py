"""Question 4c on a random six-dimensional quadratic: gradient descent is the recursion, coordinatewise."""

from __future__ import annotations

import numpy as np

from snippets.plumbing.checks import above, cases, check, close
from snippets.plumbing.values import Table, computed, value
from snippets.q4c_model import PAGE, gradient_descent

RANDOM_EIGENVALUES = np.array([2.0, 1.0, 0.5, 0.0, -0.3, -1.0])
RANDOM_ETA, RANDOM_STEPS, TABLE_STEP = 0.6, 25, 10


def random_hessian(eigenvalues: np.ndarray = RANDOM_EIGENVALUES, seed: int = 4):
    """A symmetric Hessian H = QΛQᵀ with the given eigenvalues and a random orthogonal Q."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    return Q @ np.diag(eigenvalues) @ Q.T, Q


def random_quadratic_runs(seed: int = 4):
    """GD on f(x) = ½(x − p)ᵀH(x − p), next to the two closed forms it should equal."""
    H, _ = random_hessian(seed=seed)
    rng = np.random.default_rng(seed + 1)
    p, x0 = rng.normal(size=len(H)), rng.normal(size=len(H))
    xs = gradient_descent(lambda x: H @ (x - p), x0, RANDOM_ETA, RANDOM_STEPS)
    delta0 = x0 - p
    step_matrix = np.eye(len(H)) - RANDOM_ETA * H
    by_matrix_power = np.array([np.linalg.matrix_power(step_matrix, k) @ delta0 for k in range(len(xs))])
    lam, Q = np.linalg.eigh(H)
    y0 = Q.T @ delta0
    by_eigen_factor = np.array([(1 - RANDOM_ETA * lam) ** k * y0 for k in range(len(xs))])
    return {
        "H": H,
        "deltas": xs - p,
        "by_matrix_power": by_matrix_power,
        "lam": lam,
        "Q": Q,
        "ys": (xs - p) @ Q,
        "by_eigen_factor": by_eigen_factor,
        "step_matrix": step_matrix,
    }


@value("q4c.random-eigenvalues", statement="the spectrum the random Hessian is built with")
def random_eigenvalues() -> str:
    return ", ".join(f"{v:g}".replace("-", "−") for v in RANDOM_EIGENVALUES)


@value("q4c.random-dimension", statement="dimension of the random quadratic")
def random_dimension() -> int:
    return len(RANDOM_EIGENVALUES)


@value("q4c.random-eta", statement="step size of gradient descent on the random quadratic")
def random_eta() -> float:
    return RANDOM_ETA


@value("q4c.random-steps", statement="steps after which the table compares growth")
def random_steps() -> int:
    return TABLE_STEP


@value("q4c.random-table", statement="each eigen-coordinate's growth over the table's steps")
def random_quadratic_table() -> Table:
    run, k = random_quadratic_runs(), TABLE_STEP
    rows = []
    for i in np.argsort(run["lam"])[::-1]:
        lam = round(float(run["lam"][i]), 12) + 0.0  # the zero eigenvalue comes out as ±1e-17; show 0.00
        rows.append(
            (lam, 1 - RANDOM_ETA * lam, run["ys"][k, i] / run["ys"][0, i], (1 - RANDOM_ETA * lam) ** k)
        )
    header = (
        "$\\lambda_i$",
        "${1-\\eta\\lambda_i}$",  # braces: KaTeX keeps each header formula on one line
        f"${{y_i^{{({k})}}/y_i^{{(0)}}}}$ by gradient descent",
        f"${{(1-\\eta\\lambda_i)^{{{k}}}}}$",
    )
    return Table(
        header, rows, formats=dict(zip(header, (".2f", ".2f", ".4g", ".4g"), strict=True)), align="rrrr"
    )


@check(
    "q4c.random-table-cells",
    page=PAGE,
    statement="Every column of the table agrees with the spectrum H was built with: λᵢ, 1 − ηλᵢ, and the "
    "measured growth equals (1 − ηλᵢ)ᵏ",
)
def the_random_quadratic_table_matches_the_built_spectrum():
    table = computed("q4c.random-table")
    built = np.sort(RANDOM_EIGENVALUES)[::-1]
    lam_column, factor, measured, power = (np.array(table.column(c), float) for c in table.columns)
    predicted = (1 - RANDOM_ETA * built) ** TABLE_STEP
    return [
        close(lam_column, built, atol=1e-12, what="λᵢ column vs the eigenvalues H was built with",
              scope=f"every row of the table ({len(built)})"),
        close(factor, 1 - RANDOM_ETA * built, atol=1e-12, what="1 − ηλᵢ column vs the built spectrum"),
        close(power, predicted, rtol=1e-9, atol=1e-12,
              what=f"(1 − ηλᵢ)^{TABLE_STEP} column vs the built spectrum"),
        close(
            measured,
            predicted,
            rtol=1e-9,
            atol=1e-12,
            what=f"measured yᵢ⁽{TABLE_STEP}⁾/yᵢ⁽⁰⁾ vs (1 − ηλᵢ)^{TABLE_STEP} from the built spectrum",
        ),
    ]


@check(
    "q4c.random-quadratic",
    page=PAGE,
    statement="On a random 6-D quadratic, gradient descent equals (I − ηH)ᵏδ⁽⁰⁾ and (1 − ηλᵢ)ᵏyᵢ⁽⁰⁾; "
    "the parameters are coupled, the eigen-coordinates are not",
)
def gradient_descent_is_the_recursion_on_a_random_quadratic():
    run = random_quadratic_runs()
    offdiag = run["step_matrix"] - np.diag(np.diag(run["step_matrix"]))
    in_eigenbasis = run["Q"].T @ run["step_matrix"] @ run["Q"]
    frozen = int(np.argmin(np.abs(run["lam"])))
    return [
        close(
            run["deltas"],
            run["by_matrix_power"],
            atol=1e-9,
            what=f"δ⁽ᵏ⁾ from GD vs (I − ηH)ᵏδ⁽⁰⁾, η = {RANDOM_ETA}",
            over=cases("k", range(RANDOM_STEPS + 1)),
        ),
        close(
            run["ys"],
            run["by_eigen_factor"],
            atol=1e-9,
            what="yᵢ⁽ᵏ⁾ = Qᵀδ⁽ᵏ⁾ vs (1 − ηλᵢ)ᵏyᵢ⁽⁰⁾ for all six eigen-coordinates",
        ),
        close(
            run["ys"][:, frozen],
            np.full(RANDOM_STEPS + 1, run["ys"][0, frozen]),
            atol=1e-9,
            what="the λ = 0 coordinate stays at its start",
        ),
        above(
            np.abs(offdiag).max(),
            0.1,
            what="largest off-diagonal |entry| of I − ηH (the parameters are coupled)",
        ),
        close(in_eigenbasis, np.diag(1 - RANDOM_ETA * run["lam"]), atol=1e-12,
              what="Qᵀ(I − ηH)Q = diag(1 − ηλᵢ): in the eigenbasis the map is diagonal"),
    ]

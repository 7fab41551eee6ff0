"""Question 5a by sympy: the gradients of batch norm for every batch size m, and the batch of two."""

from __future__ import annotations

from types import SimpleNamespace

import sympy as sp

from snippets.batchnorm import EPS
from snippets.plumbing.checks import cases, check, identity, symbolic
from snippets.plumbing.values import scientific, value

PAGE = "question-5/5a.md"
EPS_USED = sp.nsimplify(EPS)  # the ε of snippets/batchnorm.py, for the numbers quoted in the text
CROSS_CHECK_SIZES = (2, 3)  # batches written out element by element, as a second derivation

# --- Every m: the forward pass depends on the batch only through four sums ----------------------

m = sp.Symbol("m", integer=True, positive=True)
c, k = sp.symbols("c k", integer=True, positive=True)  # c runs over the batch; k is any one example
x, g = sp.IndexedBase("x", real=True), sp.IndexedBase("g", real=True)  # g_c stands for ∂L/∂y_c
gamma, beta = sp.symbols("gamma beta", real=True)
eps = sp.Symbol("epsilon", positive=True)


def batch_sum(term) -> sp.Sum:
    """Σ_{c=1}^{m} term, with m a symbol: no batch size is chosen."""
    return sp.Sum(term, (c, 1, m))


def sums_of_the_batch() -> SimpleNamespace:
    """Symbols for Σx, Σx², Σg, Σgx, and for one example's x_k and g_k."""
    return SimpleNamespace(**dict(zip(("x", "xx", "g", "gx", "x_k", "g_k"),
                                      sp.symbols("S_x S_xx S_g S_gx x_k g_k", real=True), strict=True)))


def forward_pass_through_sums(s: SimpleNamespace) -> SimpleNamespace:
    """μ, σ², √(σ² + ε), x̂_k and L = Σ g_c y_c written with the four sums only."""
    mean = s.x / m
    var = s.xx / m - mean**2
    std = sp.sqrt(var + eps)
    loss = gamma * (s.gx - mean * s.g) / std + beta * s.g
    return SimpleNamespace(mean=mean, var=var, std=std, x_hat_k=(s.x_k - mean) / std, loss=loss)


@check("q5a.sums", page=PAGE,
       statement=r"For every $m$, $\sigma^2 = \sum_c x_c^2/m - \mu^2$ and "
                 r"$\sum_c g_c (x_c - \mu) = \sum_c g_c x_c - \mu \sum_c g_c$: "
                 r"$L$ depends on the inputs only through $\sum_c x_c$, $\sum_c x_c^2$, $\sum_c g_c x_c$")
def batch_statistics_are_sums():
    mean = batch_sum(x[c]) / m
    variance = batch_sum((x[c] - mean) ** 2) / m
    weighted = batch_sum(g[c] * (x[c] - mean))
    return [
        identity(sp.expand(variance).doit(), batch_sum(x[c] ** 2) / m - mean**2,
                 what="σ² as defined vs Σx²/m − μ², sympy Sums with symbolic m"),
        identity(sp.expand(weighted).doit(), batch_sum(g[c] * x[c]) - mean * batch_sum(g[c]),
                 what="Σ g_c (x_c − μ) vs Σgx − μΣg, symbolic m"),
    ]


def in_the_batch(expression):
    """Evaluate Sums of Kronecker deltas, knowing that example k is one of the m (1 ≤ k ≤ m)."""
    done = sp.sympify(expression).doit()
    return done.replace(lambda e: isinstance(e, sp.Piecewise), lambda e: e.args[0][0])


@check("q5a.sum-derivatives", page=PAGE,
       statement=r"For every $m$, the derivatives of $\sum_c x_c$, $\sum_c x_c^2$ and $\sum_c g_c x_c$ "
                 r"with respect to $x_k$ are $1$, $2x_k$ and $g_k$")
def derivatives_of_the_sums():
    return [identity(in_the_batch(sp.diff(batch_sum(term), x[k])), expected, what=f"∂/∂x_k of Σ {term}",
                     scope=symbolic(sp.diff(batch_sum(term), x[k])))  # m stays free until the sum is done
            for term, expected in ((x[c], 1), (x[c] ** 2, 2 * x[k]), (g[c] * x[c], g[k]))]


def gradients_by_chain_rule() -> dict[str, object]:
    """sympy's ∂L/∂β, ∂L/∂γ and ∂L/∂x_k, through the sums (chain rule with the derivatives above)."""
    s = sums_of_the_batch()
    f = forward_pass_through_sums(s)
    dx_k = sp.diff(f.loss, s.x) + sp.diff(f.loss, s.xx) * 2 * s.x_k + sp.diff(f.loss, s.gx) * s.g_k
    return {"dbeta": sp.diff(f.loss, beta), "dgamma": sp.diff(f.loss, gamma), "dx_k": dx_k}


def closed_forms_through_sums() -> dict[str, object]:
    """Equations (1) to (3) of the page, with Σ g_c x̂_c = (Σgx − μΣg)/√(σ² + ε) from q5a.sums."""
    s = sums_of_the_batch()
    f = forward_pass_through_sums(s)
    dbeta = s.g  # (1)
    dgamma = (s.gx - f.mean * s.g) / f.std  # (2)
    dx_k = gamma / f.std * (s.g_k - dbeta / m - f.x_hat_k * dgamma / m)  # (3)
    return {"dbeta": dbeta, "dgamma": dgamma, "dx_k": dx_k}


@check("q5a.general-m", page=PAGE,
       statement=r"For every batch size $m$, sympy's $\partial L/\partial\beta$, $\partial L/\partial\gamma$ "
                 r"and $\partial L/\partial x$ equal the closed forms")
def closed_forms_hold_for_every_m():
    derived, closed = gradients_by_chain_rule(), closed_forms_through_sums()
    return [identity(derived[name], closed[name], what=f"{name}, m symbolic") for name in derived]


@check("q5a.dx-structure", page=PAGE,
       statement=r"For every $m$, the input gradient sums to zero over the batch, and "
                 r"$\sum_b \hat{x}_b^2 = m\sigma^2/(\sigma^2 + \epsilon)$")
def input_gradient_structure():
    s = sums_of_the_batch()
    f = forward_pass_through_sums(s)
    dx_k = gradients_by_chain_rule()["dx_k"]
    # ∂L/∂x_k = a + b x_k + c g_k with a, b, c the same for every k, so Σ_k ∂L/∂x_k = m a + b Σx + c Σg.
    second = [dx_k.diff(s.x_k, 2), dx_k.diff(s.g_k, 2), dx_k.diff(s.x_k, s.g_k)]
    summed = m * dx_k.subs({s.x_k: 0, s.g_k: 0}) + dx_k.diff(s.x_k) * s.x + dx_k.diff(s.g_k) * s.g
    squares = (s.xx - 2 * f.mean * s.x + m * f.mean**2) / f.std**2  # Σ (x_c − μ)² / (σ² + ε), by q5a.sums
    return [identity(sp.Matrix(second), sp.zeros(3, 1), what="∂L/∂x_k is linear in x_k and g_k"),
            identity(summed, 0, what="Σ_k ∂L/∂x_k, m symbolic"),
            identity(squares, m * f.var / (f.var + eps), what="Σ x̂², m symbolic")]


# --- A second derivation: small batches written out element by element --------------------------


def written_out_batch(size: int) -> SimpleNamespace:
    """Batch norm of `size` symbolic inputs, element by element, with L = Σ_b g_b y_b."""
    xs, gs = sp.symbols(f"x_1:{size + 1}", real=True), sp.symbols(f"g_1:{size + 1}", real=True)
    mean = sum(xs) / size
    std = sp.sqrt(sum((xb - mean) ** 2 for xb in xs) / size + eps)
    x_hat = [(xb - mean) / std for xb in xs]
    loss = sum(gb * (gamma * xh + beta) for gb, xh in zip(gs, x_hat, strict=True))
    return SimpleNamespace(x=xs, g=gs, std=std, x_hat=x_hat, loss=loss)


def written_out_gradients(b: SimpleNamespace) -> tuple[dict, dict]:
    """(sympy's derivatives of the written-out loss, equations (1) to (3) in the same symbols)."""
    size = len(b.x)
    dbeta, dgamma = sum(b.g), sum(gb * xh for gb, xh in zip(b.g, b.x_hat, strict=True))
    derived = {"dbeta": sp.diff(b.loss, beta), "dgamma": sp.diff(b.loss, gamma),
               "dx": sp.Matrix([[sp.diff(b.loss, xb) for xb in b.x]])}
    closed = {"dbeta": dbeta, "dgamma": dgamma,
              "dx": sp.Matrix([[gamma / b.std * (gb - dbeta / size - xh * dgamma / size)
                                for gb, xh in zip(b.g, b.x_hat, strict=True)]])}
    return derived, closed


@check("q5a.written-out", page=PAGE,
       statement="Batches of 2 and 3 written out element by element give the same gradients")
def small_batches_agree():
    outcomes = []
    for size in cases("m", CROSS_CHECK_SIZES):
        derived, closed = written_out_gradients(written_out_batch(size))
        outcomes += [identity(derived[n], closed[n], what=f"{n}, batch of {size}") for n in derived]
    return outcomes


@value("q5a.cross-check-sizes", statement="sizes of the batches written out element by element")
def cross_check_sizes() -> str:
    return " and ".join(str(size) for size in CROSS_CHECK_SIZES)


# --- The batch of two: inputs c ± δ ------------------------------------------------------------

delta = sp.Symbol("delta", real=True)


def batch_of_two() -> SimpleNamespace:
    """x = (c + δ, c − δ): the normalized first input and sympy's input gradient."""
    b = written_out_batch(2)
    centre = sp.Symbol("centre", real=True)
    at = {b.x[0]: centre + delta, b.x[1]: centre - delta}
    dx = sp.Matrix([[sp.diff(b.loss, xb) for xb in b.x]]).subs(at)
    return SimpleNamespace(x_hat_1=sp.simplify(b.x_hat[0].subs(at)), dx=dx, g=b.g)


def gradient_scale(d):
    """ε / (2 (δ² + ε)^{3/2}): ∂L/∂x₁ = −∂L/∂x₂ = γ (g₁ − g₂) times this."""
    return eps / (2 * (d**2 + eps) ** sp.Rational(3, 2))


@check("q5a.batch-of-two-output", page=PAGE,
       statement=r"For inputs $2\delta$ apart, $\hat{x}_1 = \delta/\sqrt{\delta^2 + \epsilon}$, which "
                 r"differs from $\pm 1$ by $\epsilon/(2\delta^2)$ to first order in $\epsilon/\delta^2$")
def batch_of_two_output():
    two = batch_of_two()
    positive = sp.Symbol("delta", positive=True)
    gap = (1 - two.x_hat_1).subs(delta, positive)  # by symmetry δ > 0 is enough
    return [identity(two.x_hat_1, delta / sp.sqrt(delta**2 + eps), what="x̂₁ for x = (c + δ, c − δ)"),
            identity(sp.limit(gap / (eps / (2 * positive**2)), eps, 0), 1,
                     what="(1 − x̂₁) / (ε/(2δ²)) as ε → 0, δ > 0")]


@check("q5a.batch-of-two-gradient", page=PAGE,
       statement=r"For inputs $2\delta$ apart, $\partial L/\partial x_1 = -\partial L/\partial x_2 = "
                 r"\gamma\epsilon(g_1 - g_2)/(2(\delta^2 + \epsilon)^{3/2})$, "
                 r"largest when the inputs coincide: $\gamma(g_1 - g_2)/(2\sqrt{\epsilon})$")
def batch_of_two_gradient():
    two = batch_of_two()
    scale = gamma * (two.g[0] - two.g[1]) * gradient_scale(delta)
    return [
        identity(two.dx, sp.Matrix([[scale, -scale]]), what="sympy's ∂L/∂x vs the closed form"),
        identity(sp.diff(gradient_scale(delta), delta),
                 -3 * delta * eps / (2 * (delta**2 + eps) ** sp.Rational(5, 2)),
                 what="d/dδ of the scale: its sign is −sign(δ), so the maximum is at δ = 0"),
        identity(gradient_scale(0), 1 / (2 * sp.sqrt(eps)), what="the scale at δ = 0"),
    ]


@value("q5a.coincident-scale",
       statement="1/(2√ε) for ε = 10⁻⁵: the input gradient per unit γ(g₁ − g₂) at δ = 0",
       fmt=".0f")
def coincident_scale() -> float:
    return float(gradient_scale(0).subs(eps, EPS_USED))


@value("q5a.eps", statement="the ε of snippets/batchnorm.py")
def eps_used() -> str:
    return scientific(float(EPS_USED), 1)

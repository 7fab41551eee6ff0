"""Question 4c, harm 1: a start on the saddle's stable manifold converges to the saddle."""

from __future__ import annotations

import numpy as np
import sympy as sp

from snippets.plumbing.checks import at_least, at_most, check, close, equal, every
from snippets.plumbing.drawn import (
    contour_levels,
    count,
    dashed_exactly_where,
    distinct_starts,
    draws,
    high_limit,
    holds,
    low_limit,
    parameter,
    told,
    values,
)
from snippets.plumbing.figures import INK, figure_html, new_figure
from snippets.plumbing.values import FigureData, computed, shown, value
from snippets.q4c_model import (
    COLOURS,
    LAMBDA_MINUS,
    LAMBDA_PLUS,
    PAGE,
    TEXT,
    WIDTH,
    gradient_descent,
    quadratic_gradient,
    quadratic_loss,
    quartic_gradient,
    signed,
)
from snippets.q4c_regimes import LARGE_ETA

TRAJECTORY_ETA = 0.2
TRAJECTORY_STARTS = [(-1.4, 0.0), (1.4, 1e-3), (1.4, -0.05), (-1.4, 0.3)]
QUARTIC_ETA = 0.1
BOX, MAX_STEPS = 1.5, 200
CONTOUR_LEVELS = [-1.0, -0.6, -0.3, -0.1, 0.1, 0.3, 0.6, 1.0]
LABELLED_LEVELS = [-0.6, -0.1, 0.1, 0.6]


@value("q4c.trajectory-eta", statement="step size of the paths in the stable-manifold figure")
def trajectory_eta() -> float:
    return TRAJECTORY_ETA


def trajectory(
    start, eta: float = TRAJECTORY_ETA, box: float = BOX, max_steps: int = MAX_STEPS
) -> np.ndarray:
    """GD iterates on (x² − y²)/2 from `start`, until they leave the box |y| ≤ box (or max_steps)."""
    xs = [np.asarray(start, float)]
    while len(xs) <= max_steps and abs(xs[-1][1]) <= box:
        xs.append(xs[-1] - eta * quadratic_gradient(xs[-1]))
    return np.array(xs)


@value("q4c.trajectories", statement="the gradient descent paths the stable-manifold figure draws")
def trajectories() -> FigureData:
    data = FigureData({start: trajectory(start) for start in TRAJECTORY_STARTS})
    grid = np.linspace(-1.5, 1.5, 61)
    data["x"], data["y"] = np.meshgrid(grid, grid)
    points = np.column_stack([data["x"].ravel(), data["y"].ravel()])
    data["f"] = quadratic_loss(points).reshape(data["x"].shape)
    data["saddle"] = np.zeros(2)
    return data


@check(
    "q4c.stable-manifold",
    page=PAGE,
    statement="For 0 < η < 2/λ_max a start on the stable manifold (y = 0) converges to the saddle, on the "
    "quadratic and on the quartic with minima; for η > 2/λ_max it does not",
)
def a_start_on_the_stable_manifold_converges_to_the_saddle():
    steps = 300
    # The figure's first start, the one it draws on the stable manifold (the closed form names −1.4).
    on_quadratic = gradient_descent(quadratic_gradient, TRAJECTORY_STARTS[0], TRAJECTORY_ETA, steps)
    on_quartic = gradient_descent(quartic_gradient, [1.0, 0.0], QUARTIC_ETA, steps)
    too_large = gradient_descent(quadratic_gradient, [-1.4, 0.0], LARGE_ETA, 20)
    return [
        equal(int(np.count_nonzero(on_quadratic[:, 1])), 0, what="nonzero y-iterates on the quadratic",
              scope=f"three float64 runs: {steps} steps from (−1.4, 0) and (1, 0), 20 at η = {LARGE_ETA:g}"),
        close(
            on_quadratic[-1, 0],
            -1.4 * (1 - TRAJECTORY_ETA) ** steps,
            rtol=1e-12,
            what=f"x after {steps} steps vs the closed form −1.4(1 − η)ᵏ, η = {TRAJECTORY_ETA}",
        ),
        at_most(np.linalg.norm(on_quadratic[-1]), 1e-12, what="distance to the saddle p = 0"),
        at_most(
            np.linalg.norm(on_quartic[-1]),
            1e-12,
            what=f"quartic, from (1, 0), η = {QUARTIC_ETA}: distance to the saddle after {steps} steps",
        ),
        at_least(
            abs(too_large[-1, 0]),
            1e3,
            what=f"η = {LARGE_ETA:g} > 2/λ_max, from (−1.4, 0): |x| after 20 steps (|1 − η| > 1)",
        ),
    ]


@check(
    "q4c.trajectories-drawn",
    page=PAGE,
    statement="Each drawn path is (x₀(1 − ηλ₊)ᵏ, y₀(1 − ηλ₋)ᵏ) and stops at the first step outside |y| ≤ 1.5",
)
def the_drawn_paths_follow_the_closed_form():
    drawn = computed("q4c.trajectories")
    paths, closed, exits = [], [], []
    for start in TRAJECTORY_STARTS:
        path = drawn[start]
        k = np.arange(len(path))
        paths.append(path.ravel())
        closed.append(
            np.column_stack(
                [
                    start[0] * (1 - TRAJECTORY_ETA * LAMBDA_PLUS) ** k,
                    start[1] * (1 - TRAJECTORY_ETA * LAMBDA_MINUS) ** k,
                ]
            ).ravel()
        )
        # The exit step by logarithms: the first k with |y₀|(1 + η)ᵏ > 1.5, or the step cap on the manifold.
        expected = (
            MAX_STEPS
            if start[1] == 0
            else int(np.floor(np.log(BOX / abs(start[1])) / np.log(1 + TRAJECTORY_ETA))) + 1
        )
        exits.append((len(path) - 1, expected))
    return [
        close(
            np.concatenate(paths),
            np.concatenate(closed),
            rtol=1e-12,
            atol=1e-15,
            what="drawn points vs the closed form",
        ),
        equal([e[0] for e in exits], [e[1] for e in exits], what="steps drawn per path vs the exit step",
              over=every("start of the figure", TRAJECTORY_STARTS)),
        *the_drawn_landscape_is_the_saddle(drawn),
    ]


def the_drawn_landscape_is_the_saddle(drawn) -> list:
    """The contoured heights are sympy's (x² − y²)/2, and the marked saddle solves ∇f = 0."""
    x, y = sp.symbols("x y", real=True)
    f = (x**2 - y**2) / 2
    (saddle,) = sp.solve([sp.diff(f, x), sp.diff(f, y)], [x, y], dict=True)
    return [
        close(drawn["f"], sp.lambdify((x, y), f, "numpy")(drawn["x"], drawn["y"]), atol=1e-15,
              what="contoured heights vs sympy's (x² − y²)/2 on the same grid"),
        close(drawn["saddle"], [float(saddle[x]), float(saddle[y])], atol=1e-15,
              what="the marked saddle vs the solution of ∇f = 0"),
    ]


def _off_axis(lines) -> list:
    """The drawn paths that start off the x-axis, by increasing offset."""
    off = [line for line in lines if values(line, "y")[0] != 0]
    return sorted(off, key=lambda line: abs(values(line, "y")[0]))



def _runs_into_the_saddle(lines) -> bool:
    """A drawn path starts on the x-axis, keeps y = 0 and ends at the origin (to the drawing's 10⁻³)."""
    on_axis = [line for line in lines if values(line, "y")[0] == 0]
    return bool(on_axis) and all(
        np.all(values(line, "y") == 0) and abs(values(line, "x")[-1]) < 1e-3 for line in on_axis)


def _starts_on_both_sides(lines) -> bool:
    """The drawn paths off the axis start both above and below it, each at most a fifth of the view away."""
    first = np.array([values(line, "y")[0] for line in _off_axis(lines)])
    return bool((first > 0).any() and (first < 0).any() and (abs(first) <= 0.2 * 1.5).all())


def _approach_then_leave_along_y(lines) -> bool:
    """Each path off the axis comes closer to the saddle than it starts, then ends farther out in y than
    in x (leaving along the y-axis)."""
    for line in _off_axis(lines):
        x, y = values(line, "x"), values(line, "y")
        if not (np.hypot(x, y).min() < np.hypot(x[0], y[0]) and abs(y[-1]) > abs(x[-1])):
            return False
    return True


def _smaller_offset_stays_longer(lines) -> bool:
    """By increasing offset, each path's closest approach to the saddle grows and its steps near it
    (within distance 1/2) do not increase."""
    paths = [np.hypot(values(line, "x"), values(line, "y")) for line in _off_axis(lines)]
    closest = [distance.min() for distance in paths]
    near = [int(np.count_nonzero(distance < 0.5)) for distance in paths]
    return closest == sorted(closest) and near == sorted(near, reverse=True)


def trajectories_figure(label: str = "fig-q4c-trajectories") -> str:
    """Figure: contours of (x² − y²)/2 and gradient-descent paths from four starts."""
    paths = shown("q4c.trajectories")
    fig, ax = new_figure(WIDTH, 6.6)
    contours = ax.contour(
        paths["x"], paths["y"], paths["f"], levels=CONTOUR_LEVELS, colors=INK, linewidths=0.8, alpha=0.4
    )
    draws(contours, paths, x="x", y="y", z="f", dashed="negative")  # the caption: dashed where f < 0
    ax.clabel(contours, levels=LABELLED_LEVELS, fontsize=TEXT, fmt=lambda v: signed(v))
    notes = [
        "on the stable manifold:\nconverges to p",
        "lingers near p,\nthen escapes",
        "escapes sooner",
        "barely slows down",
    ]
    lines = []
    for start, note, colour in zip(TRAJECTORY_STARTS, notes, COLOURS, strict=True):
        path = paths[start]
        line, = ax.plot(
            path[:, 0],
            path[:, 1],
            marker="o",
            markersize=3,
            linewidth=1.2,
            color=colour,
            label=f"from ({signed(start[0])}, {signed(start[1])}):\n{note}",
        )
        draws(line, paths, x=lambda d, s=start: d[s][:, 0], y=lambda d, s=start: d[s][:, 1],
              beyond_view="a path ends at its first step outside |y| ≤ 1.5, the axes' edge")
        lines.append(line)
    saddle, = ax.plot([0], [0], marker="X", markersize=9, color=INK, linestyle="none",
                      label="saddle p = (0, 0)")
    draws(saddle, paths, x=lambda d: d["saddle"][:1], y=lambda d: d["saddle"][1:])
    ax.set(
        xlim=(-1.5, 1.5),
        ylim=(-1.5, 1.5),
        xlabel="x  (curvature +1)",
        ylabel="y  (curvature −1)",
        aspect="equal",
    )
    ax.grid(False)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncols=2, fontsize=TEXT, handlelength=1.5)
    return figure_html(
        fig,
        label=label,
        title="Gradient descent paths near the saddle of (x² − y²)/2",
        description=told(
            "Contour lines of f(x, y) = (x² − y²)/2 at levels {levels:signed} on the {square} from "
            "{low:signed} to {high:signed}, {styles}, with gradient descent paths (step size {eta:g}) "
            "from {starts} starts at x = {xs:signed|and}. {on_axis}. The paths that start {sides} "
            "{turn}; {closer}.",
            levels=contour_levels(contours),
            square=holds("square", lambda: sorted(ax.get_xlim()) == sorted(ax.get_ylim()), ax),
            low=low_limit(ax, "x"),
            high=high_limit(ax, "x"),
            styles=holds("solid where f is positive and dashed where it is negative",
                         lambda: dashed_exactly_where(contours, "negative"), contours),
            eta=parameter("step size", TRAJECTORY_ETA),
            starts=count(lines, "gradient descent paths"),
            xs=distinct_starts(lines, "x"),
            on_axis=holds("The path that starts at y = 0 runs along the x-axis straight into the saddle "
                          "at the origin and stays there", lambda: _runs_into_the_saddle(lines), *lines),
            sides=holds("slightly above or below the axis", lambda: _starts_on_both_sides(lines), *lines),
            turn=holds("first approach the saddle, then turn and leave along the y-axis",
                       lambda: _approach_then_leave_along_y(lines), *lines),
            closer=holds("the smaller the offset, the closer they get to the saddle and the longer they "
                         "stay near it", lambda: _smaller_offset_stays_longer(lines), *lines),
        ),
        caption=(
            f"Gradient descent on f = (x² − y²)/2 with η = {TRAJECTORY_ETA:g}, one dot per step. "
            "Solid contours: f > 0; dashed: f < 0. The x-axis is the saddle's stable manifold: a "
            "start on it converges to p. Starts just off it approach p along x, then leave along y, "
            "where the loss keeps falling; the smaller the offset, the longer they stay near p."
        ),
    )

"""Question 4a's figures: functions along a line against their quadratic models, and three landscapes."""

from __future__ import annotations

import numpy as np
import sympy as sp

from snippets.plumbing.checks import check, close, equal
from snippets.plumbing.figures import figure_html, new_figure
from snippets.q4a_calculus import along, quadratic_model, t
from snippets.q4a_examples import EXAMPLES

PAGE = "question-4/4a.md"
WIDTH = 5.0  # inches: text of 10 pt stays about 9.5 px on a 375 px phone and about 19 px on the desktop
TEXT = 10

# Closed forms of the curves drawn, written out so that a figure costs no symbolic work; the check
# q4a.figure-data compares what is drawn with sympy's expressions for the same functions.
ROOT_HALF = np.sqrt(0.5)
DIRECTIONS = {"v1": (ROOT_HALF, -ROOT_HALF), "v2": (ROOT_HALF, ROOT_HALF), "e_y": (0.0, 1.0)}
SYMBOLIC_DIRECTIONS = {
    "v1": (1 / sp.sqrt(2), -1 / sp.sqrt(2)),
    "v2": (1 / sp.sqrt(2), 1 / sp.sqrt(2)),
    "e_y": (0, 1),
}
NUMERIC = {
    "bowl": lambda u, w: u**2 + u * w + w**2 + w**4,
    "x2y4": lambda u, w: u**2 + w**4,
    "x2y3": lambda u, w: u**2 + w**3,
}
HESSIANS = {
    "bowl": np.array([[2.0, 1.0], [1.0, 2.0]]),
    "x2y4": np.diag([2.0, 0.0]),
    "x2y3": np.diag([2.0, 0.0]),
}
T_SAMPLES = np.linspace(-1, 1, 200)  # an even count: t = 0 is not sampled, so the quotient is defined
LEVELS = (-0.4, -0.1, -0.02, 0.0, 0.02, 0.1, 0.25, 0.5, 1.0, 1.5)
LABELLED_LEVELS = (-0.4, 0.02, 0.25)


def along_numeric(key: str, direction: str, ts: np.ndarray) -> np.ndarray:
    """f(tv) − f(0) for the examples with a critical point at the origin."""
    v = DIRECTIONS[direction]
    return NUMERIC[key](ts * v[0], ts * v[1])


def model_numeric(key: str, direction: str, ts: np.ndarray) -> np.ndarray:
    """½ t² vᵀHv (the gradient vanishes at the origin for all three)."""
    v = np.array(DIRECTIONS[direction])
    return 0.5 * ts**2 * (v @ HESSIANS[key] @ v)


def quadratic_model_plot():
    """The figure, and what each drawn line shows: (key, direction, "f" | "model" | "quotient", line)."""
    ts = T_SAMPLES
    fig, (top, middle, bottom) = new_figure(WIDTH, 7.4, nrows=3)
    drawn = []
    for direction, name, colour in (("v1", "v₁ (λ₁ = 1)", "C0"), ("v2", "v₂ (λ₂ = 3)", "C1")):
        drawn.append(
            (
                ("bowl", direction, "f"),
                top.plot(ts, along_numeric("bowl", direction, ts), color=colour, label=f"f along {name}")[0],
            )
        )
        drawn.append(
            (
                ("bowl", direction, "model"),
                top.plot(ts, model_numeric("bowl", direction, ts), color=colour, linestyle="--")[0],
            )
        )
    top.plot([], [], color="C5", linestyle="--", label="quadratic models")
    top.set(title="(a) bowl x² + xy + y² + y⁴", ylabel="f(xₚ + tv) − f(xₚ)", ylim=(-0.1, 2.3))
    top.legend(fontsize=TEXT, loc="upper center")

    for key, colour, name in (("x2y4", "C2", "x² + y⁴"), ("x2y3", "C3", "x² + y³")):
        drawn.append(
            ((key, "e_y", "f"), middle.plot(ts, along_numeric(key, "e_y", ts), color=colour, label=name)[0])
        )
    drawn.append(
        (
            ("x2y4", "e_y", "model"),
            middle.plot(
                ts,
                model_numeric("x2y4", "e_y", ts),
                color="C5",
                linestyle="--",
                label="quadratic model of both",
            )[0],
        )
    )
    middle.set(title="(b) both along the y-axis (λ = 0)", ylabel="f(tv) − f(0)", ylim=(-1.1, 1.1))
    middle.legend(fontsize=TEXT, loc="lower right")

    for key, direction, colour, name in (
        ("bowl", "v1", "C0", "bowl along v₁"),
        ("x2y4", "e_y", "C2", "x² + y⁴"),
        ("x2y3", "e_y", "C3", "x² + y³"),
    ):
        drawn.append(
            (
                (key, direction, "quotient"),
                bottom.plot(ts, along_numeric(key, direction, ts) / ts**2, color=colour, label=name)[0],
            )
        )
        bottom.plot(
            [0],
            [model_numeric(key, direction, np.ones(1))[0]],
            marker="o",
            color=colour,
            markerfacecolor="none",
            linestyle="none",
        )
    bottom.set(title="(c) the quotient (f(xₚ + tv) − f(xₚ)) / t²", xlabel="t", ylim=(-1.1, 1.75))
    bottom.legend(fontsize=TEXT, loc="upper center", ncols=3, handlelength=1.2, columnspacing=0.8)
    for panel in (top, middle, bottom):
        panel.set_xticks([-1, -0.5, 0, 0.5, 1])
    return fig, tuple(drawn)


def quadratic_model_figure() -> str:
    """f along a direction against its quadratic model, and the quotient whose limit is ½vᵀHv."""
    fig, _ = quadratic_model_plot()
    return figure_html(
        fig,
        figure_id="q4a-quadratic-model",
        title="Functions along a direction compared with their quadratic Taylor models",
        description=(
            "Three panels over t from -1 to 1. (a) For the bowl x^2 + xy + y^2 + y^4 along its two Hessian "
            "eigenvectors, the function (solid) and its quadratic model lambda t^2 / 2 (dashed) touch at "
            "t = 0 and separate slowly. (b) Along e_y, x^2 + y^4 equals t^4 and x^2 + y^3 equals t^3, "
            "while their common quadratic model is identically 0. (c) The quotient "
            "(f(x_p + t v) - f(x_p)) / t^2: for the bowl along v1 it tends to 1/2; for x^2 + y^4 it "
            "equals t^2, positive for every t other than 0 but with limit 0; for x^2 + y^3 it equals t "
            "and changes sign. Circles at t = 0 mark the limits."
        ),
        caption=(
            "(a) Near a non-singular minimum the quadratic model (dashed) follows f along every "
            "direction. (b) Along a zero-eigenvalue direction the model is flat and the o(t²) remainder "
            "decides: t⁴ keeps a minimum, t³ destroys it. (c) The quotient the limit argument uses; "
            "circles mark its limit ½vᵀHv at t = 0. For x² + y⁴ it is positive for every t ≠ 0, yet "
            "its limit is 0: a strict inequality survives the limit only as ≥."
        ),
    )


def drawn_against_sympy() -> tuple[np.ndarray, np.ndarray]:
    """Every drawn curve's y-values, and sympy's value of the same quantity at the same t."""
    _, drawn = quadratic_model_plot()
    plotted, reference = [], []
    for (key, direction, kind), line in drawn:
        v = SYMBOLIC_DIRECTIONS[direction]
        expr = {
            "f": along(EXAMPLES[key], v),
            "model": quadratic_model(EXAMPLES[key], v),
            "quotient": sp.cancel(along(EXAMPLES[key], v) / t**2),
        }[kind]
        ts = np.asarray(line.get_xdata(), float)
        plotted.append(np.asarray(line.get_ydata(), float))
        reference.append(np.broadcast_to(sp.lambdify(t, expr, "numpy")(ts), ts.shape))
    return np.concatenate(plotted), np.concatenate(reference)


def contour_levels(key: str) -> list[float]:
    """The levels drawn for one example: the negative ones only where f takes negative values."""
    return [level for level in LEVELS if key == "x2y3" or level > 0]


def landscape_plot(surface_grid: int = 15, contour_grid: int = 61):
    """Surfaces (left) and contours (right), one row per function; the grids drawn, for the check."""
    fig, axes = new_figure(WIDTH, 7.6, nrows=3, ncols=2)
    titles = {
        "bowl": "x² + xy + y² + y⁴:\nH positive definite",
        "x2y4": "x² + y⁴: H = diag(2, 0),\nstrict minimum",
        "x2y3": "x² + y³: H = diag(2, 0),\nno minimum",
    }
    coarse = np.meshgrid(np.linspace(-1, 1, surface_grid), np.linspace(-1, 1, surface_grid))
    fine = np.meshgrid(np.linspace(-1, 1, contour_grid), np.linspace(-1, 1, contour_grid))
    grids = {}
    for row, key in enumerate(("bowl", "x2y4", "x2y3")):
        axes[row, 0].remove()
        surface = fig.add_subplot(3, 2, 2 * row + 1, projection="3d")
        surface.plot_surface(
            *coarse, NUMERIC[key](*coarse), cmap="cividis", vmin=-1, vmax=2.5, linewidth=0, antialiased=False
        )
        surface.set(xticks=[-1, 1], yticks=[-1, 1], zticks=[0, 4], zlim=(-1, 4))
        surface.set_xlabel("x", labelpad=-6)
        surface.set_ylabel("y", labelpad=-6)
        surface.tick_params(pad=-2)
        surface.view_init(elev=28, azim=-60)
        for axis in (surface.xaxis, surface.yaxis, surface.zaxis):
            axis.set_pane_color((0, 0, 0, 0))
        contours = axes[row, 1]
        levels = contour_levels(key)
        # Sign by colour and dash, not by a colormap: palette colours read on light and dark pages.
        lines = contours.contour(
            *fine,
            NUMERIC[key](*fine),
            levels=levels,
            linewidths=1.1,
            colors=["C3" if level < 0 else "C4" if level == 0 else "C0" for level in levels],
            linestyles=["--" if level < 0 else "-" for level in levels],
        )
        contours.clabel(lines, levels=[lv for lv in levels if lv in LABELLED_LEVELS], fontsize=TEXT, fmt="%g")
        contours.plot([0], [0], marker="+", color="C3" if key == "x2y3" else "C0", markersize=10)
        contours.set(aspect="equal", xticks=[-1, 0, 1], yticks=[-1, 0, 1], title=titles[key])
        contours.title.set_fontsize(TEXT)
        grids[key] = {"coarse": coarse, "fine": fine, "levels": list(lines.levels)}
    return fig, grids


def landscape_figure() -> str:
    """Surfaces and contours of a non-singular minimum, x² + y⁴ and x² + y³."""
    fig, _ = landscape_plot()
    positive = ", ".join(f"{lv:g}" for lv in LEVELS if lv > 0)
    negative = ", ".join(f"{lv:g}" for lv in LEVELS if lv < 0)
    return figure_html(
        fig,
        figure_id="q4a-landscapes",
        title="Surfaces and contour lines of three functions with a critical point at the origin",
        description=(
            "One row per function: a surface over the square from -1 to 1 in x and y, and beside it contour "
            f"lines at levels {positive} (and, for x^2 + y^3, also the purple level 0 and the dashed "
            f"negative levels {negative}). Top, x^2 + xy + y^2 + y^4: a bowl whose small contours are tilted "
            "ellipses. Middle, x^2 + y^4: a bowl that is flat along the y axis, its small contours stretched "
            "in y but still closed around the origin. Bottom, x^2 + y^3: the zero level has a cusp at the "
            "origin and the function is negative below it, so the origin is not a minimum."
        ),
        caption=(
            "Top: a non-singular minimum looks like its quadratic model, a bowl with elliptical contours. "
            "Middle: x² + y⁴ is flat to second order along y (contours stretched in y), yet every contour "
            "closes around the origin: a strict minimum with a zero eigenvalue. Bottom: x² + y³ has the "
            "same Hessian, but it drops below 0 for y < 0 (dashed negative levels, below the cusped zero "
            f"level in purple): no minimum. The levels {', '.join(f'{lv:g}' for lv in LABELLED_LEVELS)} "
            "are labelled on the lines."
        ),
    )


@check(
    "q4a.figure-data",
    page=PAGE,
    statement="What the two figures draw is the page's functions: every curve and surface against sympy",
)
def figures_draw_the_page_functions():
    plotted, reference = drawn_against_sympy()
    _, grids = landscape_plot()
    drawn_heights, sympy_heights, levels, expected_levels = [], [], [], []
    for key, grid in grids.items():
        fn = sp.lambdify(EXAMPLES[key].variables, EXAMPLES[key].f, "numpy")
        for name in ("coarse", "fine"):
            drawn_heights.append(NUMERIC[key](*grid[name]).ravel())
            sympy_heights.append(np.asarray(fn(*grid[name]), float).ravel())
        levels.append([float(v) for v in grid["levels"]])
        expected_levels.append([v for v in LEVELS if key == "x2y3" or v > 0])
    _, drawn = quadratic_model_plot()
    return [
        close(
            plotted,
            reference,
            atol=1e-12,
            what=f"{len(drawn)} curves of the first figure vs sympy: f(tv) − f(0), ½t²vᵀHv, their quotient",
        ),
        close(
            np.concatenate(drawn_heights),
            np.concatenate(sympy_heights),
            atol=1e-12,
            what="surface and contour heights of the second figure vs sympy's f on the same grids",
        ),
        equal(
            levels,
            expected_levels,
            what="contour levels drawn, per function (negative ones only for x² + y³)",
        ),
    ]

"""Question 4a's figures: functions along a line against their quadratic models, and three landscapes."""

from __future__ import annotations

import numpy as np
import sympy as sp
from matplotlib import colors as mcolors

from snippets.plumbing.checks import check, close, equal, every
from snippets.plumbing.drawn import contour_levels as drawn_levels
from snippets.plumbing.drawn import (
    count,
    dashed_exactly_where,
    draws,
    ends,
    holds,
    one_value,
    read,
    starts,
    told,
    values,
)
from snippets.plumbing.figures import figure_html, new_figure
from snippets.plumbing.values import FigureData, computed, shown, value
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


# The curves of the first figure: (example, direction, "f" | "model" | "quotient").
CURVES = [("bowl", "v1", "f"), ("bowl", "v1", "model"), ("bowl", "v2", "f"), ("bowl", "v2", "model"),
          ("x2y4", "e_y", "f"), ("x2y3", "e_y", "f"), ("x2y4", "e_y", "model"),
          ("bowl", "v1", "quotient"), ("x2y4", "e_y", "quotient"), ("x2y3", "e_y", "quotient"),
          ("bowl", "v1", "limit"), ("x2y4", "e_y", "limit"), ("x2y3", "e_y", "limit")]


@value("q4a.model-curves", statement="the curves of the quadratic-model figure")
def model_curves() -> FigureData:
    ts = T_SAMPLES
    data = FigureData(t=ts)
    for key, direction, kind in CURVES:
        f, model = along_numeric(key, direction, ts), model_numeric(key, direction, ts)
        data[f"{key} {direction} {kind}"] = {"f": f, "model": model, "quotient": f / ts**2,
                                             "limit": model_numeric(key, direction, np.ones(1))}[kind]
    return data


def quadratic_model_plot():
    """The figure: (a) the bowl and its models, (b) the two singular examples, (c) the quotients."""
    return _quadratic_model_drawing()[0]


def _quadratic_model_drawing():
    """The figure and its artists, by what they draw."""
    data = shown("q4a.model-curves")
    artists = {}
    ts = data["t"]
    fig, (top, middle, bottom) = new_figure(WIDTH, 7.4, nrows=3)
    for direction, name, colour in (("v1", "v₁ (λ₁ = 1)", "C0"), ("v2", "v₂ (λ₂ = 3)", "C1")):
        for kind, style in (("f", "-"), ("model", "--")):
            line, = top.plot(ts, data[f"bowl {direction} {kind}"], color=colour, linestyle=style,
                             label=f"f along {name}" if kind == "f" else None)
            # Dashed is the quadratic model, as the caption says.
            draws(line, data, x="t", y=f"bowl {direction} {kind}", dashed=kind == "model")
            artists[f"bowl {direction} {kind}"] = line
    top.plot([], [], color="C5", linestyle="--", label="quadratic models")
    top.set(title="(a) bowl x² + xy + y² + y⁴", ylabel="f(xₚ + tv) − f(xₚ)", ylim=(-0.1, 2.3))
    top.legend(fontsize=TEXT, loc="upper center")

    for key, colour, name in (("x2y4", "C2", "x² + y⁴"), ("x2y3", "C3", "x² + y³")):
        line, = middle.plot(ts, data[f"{key} e_y f"], color=colour, label=name)
        draws(line, data, x="t", y=f"{key} e_y f", dashed=False)
        artists[f"{key} e_y f"] = line
    model, = middle.plot(ts, data["x2y4 e_y model"], color="C5", linestyle="--",
                         label="quadratic model of both")
    draws(model, data, x="t", y="x2y4 e_y model", dashed=True)
    artists["common model"] = model
    middle.set(title="(b) both along the y-axis (λ = 0)", ylabel="f(tv) − f(0)", ylim=(-1.1, 1.1))
    middle.legend(fontsize=TEXT, loc="lower right")

    for key, direction, colour, name in (("bowl", "v1", "C0", "bowl along v₁"),
                                         ("x2y4", "e_y", "C2", "x² + y⁴"),
                                         ("x2y3", "e_y", "C3", "x² + y³")):
        quotient, = bottom.plot(ts, data[f"{key} {direction} quotient"], color=colour, label=name)
        draws(quotient, data, x="t", y=f"{key} {direction} quotient", dashed=False)
        limit, = bottom.plot([0], data[f"{key} {direction} limit"], marker="o", color=colour,
                             markerfacecolor="none", linestyle="none")
        draws(limit, data, x=lambda _: [0.0], y=f"{key} {direction} limit", marker="o")  # "circles mark"
        artists[f"{key} quotient"], artists[f"{key} limit"] = quotient, limit
    bottom.set(title="(c) the quotient (f(xₚ + tv) − f(xₚ)) / t²", xlabel="t", ylim=(-1.1, 1.75))
    bottom.legend(fontsize=TEXT, loc="upper center", ncols=3, handlelength=1.2, columnspacing=0.8)
    for panel in (top, middle, bottom):
        panel.set_xticks([-1, -0.5, 0, 0.5, 1])
    artists["panels"] = [top, middle, bottom]
    return fig, artists


def _touch_and_separate(f, model) -> bool:
    """f and its model differ least at the samples nearest t = 0 (by under 10⁻³) and more with |t|."""
    t, gap = values(f, "x"), np.abs(values(f, "y") - values(model, "y"))
    by_distance = gap[np.argsort(np.abs(t), kind="stable")]
    return bool(by_distance[:2].max() < 1e-3 and np.all(np.diff(by_distance[::2]) >= 0))


def _equals(line, of_t) -> bool:
    """The drawn curve is the function of t, to rounding."""
    return bool(np.allclose(values(line, "y"), of_t(values(line, "x")), rtol=1e-12, atol=1e-15))


def _one_place(markers) -> float:
    """The one x at which all the markers are drawn."""
    (x,) = {float(x) for marker in markers for x in values(marker, "x")}
    return x


def quadratic_model_figure(label: str = "fig-q4a-quadratic-model") -> str:
    """f along a direction against its quadratic model, and the quotient whose limit is ½vᵀHv."""
    fig, drawn = _quadratic_model_drawing()
    limits = [drawn[f"{key} limit"] for key in ("bowl", "x2y4", "x2y3")]
    return figure_html(
        fig,
        label=label,
        title="Functions along a direction compared with their quadratic Taylor models",
        description=told(
            "{panels:Word} panels over t from {t_from:g} to {t_to:g}. (a) For the bowl x^2 + xy + y^2 + y^4 "
            "along its two Hessian eigenvectors, the function (solid) and its quadratic model lambda t^2 / 2 "
            "(dashed) {touch}. (b) Along e_y, {powers}, while their common quadratic model {zero}. (c) The "
            "quotient (f(x_p + t v) - f(x_p)) / t^2: for the bowl along v1 it tends to {bowl:frac}; for "
            "x^2 + y^4 it {square} but with limit {x2y4:frac}; for x^2 + y^3 it {linear}. Circles at "
            "t = {circles:g} mark the limits.",
            panels=count(drawn["panels"], "panels"),
            t_from=starts(drawn["bowl v1 f"], "x"), t_to=ends(drawn["bowl v1 f"], "x"),
            touch=holds("touch at t = 0 and separate slowly", lambda: all(
                _touch_and_separate(drawn[f"bowl {v} f"], drawn[f"bowl {v} model"]) for v in ("v1", "v2")),
                *(drawn[f"bowl {v} {k}"] for v in ("v1", "v2") for k in ("f", "model"))),
            powers=holds("x^2 + y^4 equals t^4 and x^2 + y^3 equals t^3",
                         lambda: _equals(drawn["x2y4 e_y f"], lambda t: t**4)
                         and _equals(drawn["x2y3 e_y f"], lambda t: t**3),
                         drawn["x2y4 e_y f"], drawn["x2y3 e_y f"]),
            zero=holds("is identically 0", lambda: bool(np.all(values(drawn["common model"], "y") == 0)),
                       drawn["common model"]),
            bowl=starts(drawn["bowl limit"], "y"), x2y4=starts(drawn["x2y4 limit"], "y"),
            square=holds("equals t^2, positive for every t other than 0",
                         lambda: _equals(drawn["x2y4 quotient"], lambda t: t**2)
                         and bool(np.all(values(drawn["x2y4 quotient"], "y") > 0)), drawn["x2y4 quotient"]),
            linear=holds("equals t and changes sign", lambda: _equals(drawn["x2y3 quotient"], lambda t: t)
                         and np.ptp(np.sign(values(drawn["x2y3 quotient"], "y"))) == 2,
                         drawn["x2y3 quotient"]),
            circles=read("the t at which every circle is drawn", lambda: _one_place(limits), *limits),
        ),
        caption=(
            "(a) Near a non-singular minimum the quadratic model (dashed) follows f along every "
            "direction. (b) Along a zero-eigenvalue direction the model is flat and the o(t²) remainder "
            "decides: t⁴ keeps a minimum, t³ destroys it. (c) The quotient the limit argument uses; "
            "circles mark its limit ½vᵀHv at t = 0. For x² + y⁴ it is positive for every t ≠ 0, yet "
            "its limit is 0: a strict inequality survives the limit only as ≥."
        ),
    )


def curves_by_sympy(ts: np.ndarray) -> dict[str, np.ndarray]:
    """The same curves from sympy's expressions: f(x_p + tv) − f(x_p), its Taylor model, their quotient."""
    reference = {}
    for key, direction, kind in CURVES:
        v = SYMBOLIC_DIRECTIONS[direction]
        change = along(EXAMPLES[key], v)
        model = quadratic_model(EXAMPLES[key], v)
        if kind == "limit":  # the circle at t = 0: the quotient, a polynomial in t once cancelled, at 0
            reference[f"{key} {direction} {kind}"] = np.array([float(sp.cancel(change / t**2).subs(t, 0))])
            continue
        expr = {"f": change, "model": model, "quotient": sp.cancel(change / t**2)}[kind]
        reference[f"{key} {direction} {kind}"] = np.broadcast_to(sp.lambdify(t, expr, "numpy")(ts), ts.shape)
    return reference


SURFACE_GRID, CONTOUR_GRID = 15, 61
LANDSCAPE_KEYS = ("bowl", "x2y4", "x2y3")
POINT_COLOURS = {True: "C0", False: "C3"}  # the landscape's marked critical point: a minimum, or not


def contour_levels(key: str) -> list[float]:
    """The levels drawn for one example: the negative ones only where f takes negative values."""
    return [level for level in LEVELS if key == "x2y3" or level > 0]


@value("q4a.landscape-heights", statement="the heights the landscape figure draws, on its two grids")
def landscape_heights() -> FigureData:
    data = FigureData()
    for name, size in (("coarse", SURFACE_GRID), ("fine", CONTOUR_GRID)):
        data[name] = np.meshgrid(np.linspace(-1, 1, size), np.linspace(-1, 1, size))
        for key in LANDSCAPE_KEYS:
            data[f"{key} {name}"] = NUMERIC[key](*data[name])
    for key in LANDSCAPE_KEYS:
        data[f"{key} point"] = np.zeros(2)  # the critical point each contour panel marks
        data[f"{key} is a minimum"] = np.array([key != "x2y3"])  # as the panels' titles say
    return data


def landscape_plot():
    """Surfaces (left) and contours (right), one row per function."""
    return _landscape_drawing()[0]


def _landscape_drawing():
    """The figure and its artists: per function, its surface, contour set and marked point."""
    data = shown("q4a.landscape-heights")
    artists = {}
    fig, axes = new_figure(WIDTH, 7.6, nrows=3, ncols=2)
    titles = {"bowl": "x² + xy + y² + y⁴:\nH positive definite",
              "x2y4": "x² + y⁴: H = diag(2, 0),\nstrict minimum",
              "x2y3": "x² + y³: H = diag(2, 0),\nno minimum"}
    for row, key in enumerate(LANDSCAPE_KEYS):
        axes[row, 0].remove()
        surface = fig.add_subplot(3, 2, 2 * row + 1, projection="3d")
        drawn_surface = surface.plot_surface(*data["coarse"], data[f"{key} coarse"], cmap="cividis", vmin=-1,
                                             vmax=2.5, linewidth=0, antialiased=False)
        draws(drawn_surface, data, x=lambda d: d["coarse"][0], y=lambda d: d["coarse"][1], z=f"{key} coarse")
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
        lines = contours.contour(*data["fine"], data[f"{key} fine"], levels=levels, linewidths=1.1,
                                 colors=["C3" if lv < 0 else "C4" if lv == 0 else "C0" for lv in levels],
                                 linestyles=["--" if level < 0 else "-" for level in levels])
        # What the caption says the styles mean, read back from the drawn contours.
        draws(lines, data, x=lambda d: d["fine"][0], y=lambda d: d["fine"][1], z=f"{key} fine",
              dashed="negative",
              colours={"C3": "negative", "C4": "zero", "C0": "positive"})
        contours.clabel(lines, levels=[lv for lv in levels if lv in LABELLED_LEVELS], fontsize=TEXT, fmt="%g")
        point, = contours.plot([0], [0], marker="+", color="C3" if key == "x2y3" else "C0", markersize=10)
        # The marked point's colour is its kind, as the contours': blue a minimum, red none.
        draws(point, data, x=lambda d, k=key: d[f"{k} point"][:1], y=lambda d, k=key: d[f"{k} point"][1:],
              colour=lambda d, k=key: POINT_COLOURS[bool(d[f"{k} is a minimum"])])
        contours.set(aspect="equal", xticks=[-1, 0, 1], yticks=[-1, 0, 1], title=titles[key])
        contours.title.set_fontsize(TEXT)
        artists[key] = {"surface": drawn_surface, "contours": lines, "point": point}
    return fig, artists


def _path_at(contours, level: float) -> np.ndarray:
    """The vertices of the contour drawn at `level`."""
    (index,) = np.flatnonzero(np.asarray(contours.levels) == level)
    return np.asarray(contours.get_paths()[index].vertices, float)


def _closed_around_origin(vertices: np.ndarray) -> bool:
    """One closed loop whose vertices lie on every side of the origin."""
    return bool(np.allclose(vertices[0], vertices[-1]) and (vertices.min(axis=0) < 0).all()
                and (vertices.max(axis=0) > 0).all())


def _tilted_ellipse(contours, level: float) -> bool:
    """The contour at `level` is closed around the origin, with axes tilted off x and y (correlated)."""
    vertices = _path_at(contours, level)
    return _closed_around_origin(vertices) and abs(np.corrcoef(vertices.T)[0, 1]) > 0.1


def _stretched_in_y(contours, level: float) -> bool:
    """The contour at `level` is closed around the origin and reaches farther in y than in x."""
    vertices = _path_at(contours, level)
    return _closed_around_origin(vertices) and bool(np.ptp(vertices[:, 1]) > np.ptp(vertices[:, 0]))


def _negative_below_the_cusp(contours, point) -> bool:
    """Every negative level is drawn where y < 0, the zero level passes through the marked point, and
    the point is drawn in the colour of a critical point that is no minimum."""
    negative = [level for level in contours.levels if level < 0]
    below = all((_path_at(contours, level)[:, 1] < 0).all() for level in negative)
    zero = _path_at(contours, 0.0)
    at_point = np.hypot(*(zero - [values(point, "x")[0], values(point, "y")[0]]).T).min() < 1e-2
    return bool(negative) and below and bool(at_point) and mcolors.same_color(
        point.get_color(), POINT_COLOURS[False])




def landscape_figure(label: str = "fig-q4a-landscapes") -> str:
    """Surfaces and contours of a non-singular minimum, x² + y⁴ and x² + y³."""
    fig, drawn = _landscape_drawing()
    surfaces = [drawn[key]["surface"] for key in LANDSCAPE_KEYS]
    bowl, flat, cusp = (drawn[key]["contours"] for key in LANDSCAPE_KEYS)
    small = min(level for level in bowl.levels if level not in LABELLED_LEVELS)  # a line not cut by a label
    return figure_html(
        fig,
        label=label,
        title="Surfaces and contour lines of three functions with a critical point at the origin",
        description=told(
            "One row per function: a surface over the {square} from {low:g} to {high:g} in x and y, and "
            "beside it contour lines at levels {positive:g} (and, for x^2 + y^3, also the {purple_zero} "
            "negative levels {negative:g}). Top, x^2 + xy + y^2 + y^4: a bowl whose small contours are "
            "{tilted}. Middle, x^2 + y^4: a bowl that is flat along the y axis, its small contours {closed}. "
            "Bottom, x^2 + y^3: {cusp}, so the origin is not a minimum.",
            square=holds("square", lambda: all(
                np.ptp(values(a, "x")) == np.ptp(values(a, "y")) for a in surfaces), *surfaces),
            low=read("the smallest x and y of the surfaces", lambda: one_value(
                values(a, c).min() for a in surfaces for c in "xy"), *surfaces),
            high=read("the largest x and y of the surfaces", lambda: one_value(
                values(a, c).max() for a in surfaces for c in "xy"), *surfaces),
            positive=drawn_levels(bowl, flat, cusp, meaning="positive"),
            purple_zero=holds("purple level 0 and the dashed", lambda: 0.0 in cusp.levels
                              and mcolors.same_color(cusp.get_edgecolor()[list(cusp.levels).index(0.0)], "C4")
                              and dashed_exactly_where(cusp, "negative"), cusp),
            negative=drawn_levels(cusp, meaning="negative"),
            tilted=holds("tilted ellipses", lambda: _tilted_ellipse(bowl, small), bowl),
            closed=holds("stretched in y but still closed around the origin",
                         lambda: _stretched_in_y(flat, small) and not _tilted_ellipse(flat, small), flat),
            cusp=holds("the zero level has a cusp at the origin and the function is negative below it",
                       lambda: _negative_below_the_cusp(cusp, drawn["x2y3"]["point"]), cusp,
                       drawn["x2y3"]["point"]),
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


@check("q4a.figure-data", page=PAGE,
       statement="What the two figures draw is the page's functions: every curve and height against sympy")
def figures_draw_the_page_functions():
    curves = computed("q4a.model-curves")
    by_sympy = curves_by_sympy(curves["t"])
    heights = computed("q4a.landscape-heights")
    drawn, expected = [], []
    points = [heights[f"{key} point"] for key in LANDSCAPE_KEYS]
    kinds = [bool(heights[f"{key} is a minimum"][0]) for key in LANDSCAPE_KEYS]
    table = computed("q4a.examples")
    verdicts = {label.strip("$"): cell.raw
                for label, cell in zip(table.column("f"), table.column("strict local min"), strict=True)}
    for key in LANDSCAPE_KEYS:
        fn = sp.lambdify(EXAMPLES[key].variables, EXAMPLES[key].f, "numpy")
        for grid in ("coarse", "fine"):
            drawn.append(heights[f"{key} {grid}"].ravel())
            expected.append(np.asarray(fn(*heights[grid]), float).ravel())
    return [
        close(np.concatenate([curves[name] for name in by_sympy]), np.concatenate(list(by_sympy.values())),
              atol=1e-12, what=f"{len(by_sympy)} curves of the first figure vs the same from sympy"),
        close(np.concatenate(drawn), np.concatenate(expected), atol=1e-12,
              what="surface and contour heights of the second figure vs sympy's f on the same grids"),
        close(np.concatenate(points),
              np.concatenate([np.array(EXAMPLES[k].point, float) for k in LANDSCAPE_KEYS]),
              atol=1e-15, what="the marked critical points vs the examples' points"),
        equal(kinds, [verdicts[EXAMPLES[k].label] for k in LANDSCAPE_KEYS],
              what="the kind each marked point is drawn as vs the examples table's certificate verdicts",
              over=every("function of the landscape figure", LANDSCAPE_KEYS)),
    ]

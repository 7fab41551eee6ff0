"""What a figure draws, read back from its Matplotlib artists and held to registered, checked data.

Every artist a figure block adds to an axes (a line, a marker, a contour set, a band, bars, a
surface, an annotation or a text) must be accounted for before the figure is saved, by one of:

    line, = ax.plot(data["t"], data["f"])
    draws(line, data, x="t", y="f", dashed=False)   # read back, equal to the registered series
    draws(note, data, y="minimum value")        # an annotation marks a registered, checked value
    draws(cs, data, x="x", y="y", z="heights", dashed="negative")   # contours, their meaning too
    read_back(bars, "q4b.index-figure")         # a check reads this artist back (drawn_line, ...)
    repeats(right_line, left_line)              # the same data as an accounted artist, redrawn
    decorative(grid_line, "a reference line at the tolerance parameter, not a result")

`data` is a `FigureData` registered with `@value` (so a check compares it with an independent
computation); a series is named by its key or computed from the data by a callable. An artist
that draws nothing (a legend proxy, an empty text) needs no account. Whatever a style means
(dashed = negative levels, a colour = a kind of level or of point, a marker) is stated with the
account and read back from the drawn artist. A figure that draws anything unaccounted for, or
something that differs from its account, fails the build, naming the snippet line that drew it;
so does registered data with a series that no account reads (a loop that drew none of its runs).

A figure's description (the SVG <desc>, its alt text) is told from the same drawing:

    description=told("Paths (step size {eta:g}) from {n} starts on the {square} from {low:signed} ...",
                     eta=parameter("step size", ETA), n=count(lines, "paths"), low=low_limit(ax, "x"),
                     square=holds("square", lambda: ax.get_xlim() == ax.get_ylim(), ax), ...)

Each {name} is a reading, taken when the figure is saved, after the audit above has held the artists
to checked data: from an accounted artist as drawn (starts, ends, highest, x_of_highest,
y_at_largest_x, first_x_where, contour_levels, count, or read(what, ...) for a quantity derived from
values()), from the axes (low_limit, high_limit, leftmost_x), or a declared parameter of the code
(parameter). A qualitative statement is holds(phrase, predicate, *artists): its phrase is shown only
where the predicate, computed from the drawn data, is true, and a false one fails the build. Readers
are named for what they read (the last y, the leftmost x on a possibly inverted axis), never an index,
so a description cannot pick the wrong element of a list and still read well. The template's own text
may hold numerals only as formula notation (x^2 + y^4, 2^n − 2, ln 3/4, 1/h: an exponent, a base, a
coefficient, a logarithm's argument); any other numeral, a number written as a power (10⁻⁵) included,
is a result typed instead of read and fails the build, as a plain-string description with one does.
Why one mechanism: the readings go through the same accounts, so what the description states is what
the audit has already compared with registered, checked data; the description adds no second source.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
from matplotlib import colors as mcolors
from matplotlib.axes._base import _AxesBase
from matplotlib.collections import Collection, PathCollection, PolyCollection
from matplotlib.container import BarContainer, Container, ErrorbarContainer
from matplotlib.contour import ContourSet
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.text import Annotation, Text

from snippets.plumbing import failures

ACCOUNT, SITE = "_drawn_account", "_drawn_at"
SNIPPETS = Path(__file__).resolve().parents[1]
PLUMBING = Path(__file__).resolve().parent

# What a style may be said to mean: a predicate on a contour level.
MEANINGS: dict[str, Callable[[float], bool]] = {
    "negative": lambda level: level < 0,
    "zero": lambda level: level == 0,
    "positive": lambda level: level > 0,
    "nonzero": lambda level: level != 0,
}
SPEC_WORDS = ("dashed", "marker", "colour", "colours", "levels", "beyond_view")  # not coordinates


def _creation_site() -> str:
    """`snippets/<file>.py:<line>` of the innermost question-module frame that is adding an artist."""
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.suffix == ".py" and path.parent == SNIPPETS:
            return f"snippets/{path.name}:{frame.f_lineno}"
        frame = frame.f_back
    return ""


_original_set_artist_props = _AxesBase._set_artist_props


def _set_artist_props(self, artist) -> None:
    _original_set_artist_props(self, artist)
    if not hasattr(artist, SITE):
        setattr(artist, SITE, _creation_site())


_AxesBase._set_artist_props = _set_artist_props  # every add_line/add_collection/add_patch/text/artist


def draws(artist, data, **spec):
    """Account for `artist`: what it draws equals the named series of registered `data`."""
    from snippets.plumbing.values import FigureData

    if not isinstance(data, FigureData) or not getattr(data, "key", ""):
        raise TypeError("draws() needs a registered FigureData (from shown(key))")
    setattr(artist, ACCOUNT, ("data", data, spec, _creation_site()))
    return artist


def read_back(artist, check_id: str):
    """Account for `artist`: the check `check_id` reads it back (by its label) and compares it."""
    setattr(artist, ACCOUNT, ("check", check_id, {}, _creation_site()))
    return artist


def repeats(artist, original):
    """Account for `artist`: it draws exactly what the accounted `original` draws (another panel)."""
    setattr(artist, ACCOUNT, ("repeat", original, {}, _creation_site()))
    return artist


def decorative(artist, reason: str):
    """Account for `artist` as drawing no result (a guide, a parameter's mark), with the reason."""
    if not reason.strip():
        raise ValueError("decorative() needs the reason the artist states no result")
    setattr(artist, ACCOUNT, ("decorative", reason, {}, _creation_site()))
    return artist


# --- Reading artists back ------------------------------------------------------------------------

READ: dict[str, set[str]] = {}  # check id -> labels of the artists it read back


def _record_read(label: str) -> None:
    from snippets.plumbing.checks import running

    check_id = running()
    if check_id is not None:
        READ.setdefault(check_id, set()).add(label)


def drawn_line(ax, label: str) -> np.ndarray:
    """The y values of the line with this legend label (for a check that reads a figure back)."""
    _record_read(label)
    return np.asarray(next(line for line in ax.lines if line.get_label() == label).get_ydata(), dtype=float)


def drawn_xy(ax, label: str) -> tuple[np.ndarray, np.ndarray]:
    """The x and y values of the line with this legend label."""
    _record_read(label)
    xy = next(line for line in ax.lines if line.get_label() == label).get_xydata()
    return np.asarray(xy[:, 0], dtype=float), np.asarray(xy[:, 1], dtype=float)


def drawn_x(ax, label: str) -> np.ndarray:
    """Where along x the line, error bars or bars with this legend label are drawn."""
    _record_read(label)
    for line in ax.lines:
        if line.get_label() == label:
            return np.asarray(line.get_xdata(), dtype=float)
    container = next(c for c in ax.containers if c.get_label() == label)
    if isinstance(container, BarContainer):
        return np.array([p.get_x() + p.get_width() / 2 for p in container.patches], dtype=float)
    return np.asarray(container.lines[0].get_xdata(), dtype=float)


def drawn_errorbars(ax, label: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centres, lower ends, upper ends) of the error bars with this legend label."""
    _record_read(label)
    container = next(c for c in ax.containers if c.get_label() == label)
    centre = np.asarray(container.lines[0].get_ydata(), dtype=float)
    segments = container.lines[2][0].get_segments()
    return centre, np.array([s[0][1] for s in segments]), np.array([s[1][1] for s in segments])


def drawn_bars(ax, label: str) -> np.ndarray:
    """The heights of the bars with this legend label."""
    _record_read(label)
    container = next(c for c in ax.containers if c.get_label() == label)
    return np.array([patch.get_height() for patch in container.patches], dtype=float)


# --- The audit -----------------------------------------------------------------------------------


def _series(data, spec) -> np.ndarray:
    found = spec(data) if callable(spec) else data[spec]
    return np.asarray(found, dtype=float)


def _same(drawn, expected) -> bool:
    drawn = np.asarray(drawn, dtype=float)
    try:
        expected = np.broadcast_to(np.asarray(expected, dtype=float), drawn.shape)
    except ValueError:
        return False
    return bool(np.array_equal(drawn, expected, equal_nan=True))


def _draws_nothing(artist) -> bool:
    if isinstance(artist, Text):
        return not artist.get_visible() or not artist.get_text().strip()
    if isinstance(artist, Line2D):
        return len(artist.get_xdata()) == 0
    return not artist.get_visible()


def _line_coordinates(line: Line2D) -> dict[str, np.ndarray]:
    """The coordinates of a line that are in data units (an axhline's x is in axes units)."""
    ax, xy = line.axes, np.asarray(line.get_xydata(), dtype=float)
    transform = line.get_transform()
    if transform == ax.get_yaxis_transform(which="grid"):
        return {"y": xy[:, 1]}
    if transform == ax.get_xaxis_transform(which="grid"):
        return {"x": xy[:, 0]}
    return {"x": xy[:, 0], "y": xy[:, 1]}


def _read(artist) -> dict[str, np.ndarray]:
    """The numbers an artist draws, by coordinate name."""
    if isinstance(artist, Line2D):
        return _line_coordinates(artist)
    if isinstance(artist, Annotation):
        return {"x": np.array([artist.xy[0]], float), "y": np.array([artist.xy[1]], float)}
    if isinstance(artist, Text):
        x, y = artist.get_position()
        return {"x": np.array([x], float), "y": np.array([y], float)}
    if isinstance(artist, PathCollection):
        offsets = np.asarray(artist.get_offsets(), float)
        return {"x": offsets[:, 0], "y": offsets[:, 1]}
    raise TypeError(f"no read-back for {type(artist).__name__}")


def _fill_between_mismatch(band: PolyCollection, data, spec) -> str:
    x, low, high = (_series(data, spec[name]) for name in ("x", "low", "high"))
    vertices = {tuple(v) for path in band.get_paths() for v in np.asarray(path.vertices, float)}
    expected = set(zip(x, low, strict=True)) | set(zip(x, high, strict=True))
    if vertices != expected:
        off, missed = len(vertices - expected), len(expected - vertices)
        return f"its polygon has {off} vertices off the band and misses {missed}"
    return ""


def _contour_mismatch(contours: ContourSet, data, spec) -> str:
    """Levels, their lines on the registered grid (interpolated heights) and the stated styles."""
    from scipy.interpolate import RegularGridInterpolator

    levels = np.asarray(contours.levels, float)
    if "levels" in spec and not _same(levels, _series(data, spec["levels"])):
        return f"levels {levels.tolist()} are not the registered {list(_series(data, spec['levels']))}"
    x, y, z = (_series(data, spec[name]) for name in ("x", "y", "z"))
    height = RegularGridInterpolator((y[:, 0], x[0]), z)
    # Marching squares puts vertices on grid edges, where the interpolated height is the level to
    # rounding; inline labels cut lines between them (off by 10⁻⁴ at most here). A line drawn at
    # another level is off by at least the gap between levels, 20 times this tolerance.
    gaps = np.diff(np.unique(levels))
    tolerance = (gaps.min() if gaps.size else float(np.ptp(z)) or 1.0) / 20
    for level, path in zip(levels, contours.get_paths(), strict=True):
        if len(path.vertices) and np.abs(height(path.vertices[:, ::-1]) - level).max() > tolerance:
            return f"the line drawn at level {level:g} does not follow that level of the registered heights"
    styles = contours.get_linestyles()
    for level, (_, dashes) in zip(levels, styles, strict=True):
        if "dashed" in spec and bool(dashes) != MEANINGS[spec["dashed"]](level):
            return f"level {level:g} is {'dashed' if dashes else 'solid'}, but dashed means {spec['dashed']}"
    for colour, meaning in spec.get("colours", {}).items():
        drawn = [mcolors.same_color(c, colour) for c in contours.get_edgecolor()]
        if drawn != [MEANINGS[meaning](level) for level in levels]:
            return f"the levels drawn in {colour} are not exactly the {meaning} ones"
    for label in getattr(contours, "labelTexts", []):
        number = float(label.get_text().replace("−", "-"))
        if not np.isclose(levels, number, rtol=1e-6).any():
            return f"a contour label reads {label.get_text()!r}, which is no level drawn"
    return ""


def _mismatch(artist, data, spec) -> str:
    """Why what `artist` draws is not what its account says ("" when it is)."""
    if isinstance(artist, ContourSet):
        return _contour_mismatch(artist, data, spec)
    if isinstance(artist, PolyCollection) and set(spec) == {"x", "low", "high"}:
        return _fill_between_mismatch(artist, data, spec)
    if isinstance(artist, ErrorbarContainer):
        centre = artist.lines[0]
        segments = artist.lines[2][0].get_segments()
        low = np.array([s[0][1] for s in segments])
        high = np.array([s[1][1] for s in segments])
        drawn = {"x": centre.get_xdata(), "y": centre.get_ydata(), "low": low, "high": high}
    elif isinstance(artist, BarContainer):
        drawn = {"x": [p.get_x() + p.get_width() / 2 for p in artist.patches],
                 "height": [p.get_height() for p in artist.patches]}
    elif type(artist).__name__ == "Poly3DCollection":
        faces = np.asarray(artist._faces, float)  # the surface's quadrilaterals, in data units
        drawn = {"x": faces[..., 0], "y": faces[..., 1], "z": faces[..., 2]}
        return _surface_mismatch(drawn, data, spec)
    else:
        drawn = _read(artist)
    missing = sorted(set(drawn) - set(spec) - set(SPEC_WORDS))  # every drawn coordinate is accounted for
    if missing:
        return f"its account names no series for {', '.join(missing)}"
    for name, values in drawn.items():
        if not _same(values, _series(data, spec[name])):
            return f"its {name} values differ from the registered series {spec[name]!r}" if isinstance(
                spec[name], str) else f"its {name} values differ from its account"
    if isinstance(artist, Line2D):
        return _outside_view(artist, drawn, spec) or _style_mismatch(artist, data, spec)
    return _outside_view(artist, drawn, spec)


def _outside_view(artist, drawn: dict, spec: dict) -> str:
    """A drawn value the axes' limits cut off, unless the account says why (`beyond_view="..."`)."""
    if "beyond_view" in spec or artist.axes is None or artist.axes.name != "rectilinear":
        return ""
    for name, (low, high) in (("x", artist.axes.get_xlim()), ("y", artist.axes.get_ylim())):
        values = np.asarray(drawn.get(name, []), dtype=float)
        low, high = sorted((low, high))
        outside = np.count_nonzero((values < low) | (values > high))
        if outside:
            return f"{outside} of its {name} values lie outside the axes (cut off)"
    return ""


def _style_mismatch(line: Line2D, data, spec) -> str:
    """A line's stated style: `dashed` (True or False), `marker` ("o", "v", ...), `colour` (of the data)."""
    if "dashed" in spec and (line.get_linestyle() not in ("-", "None", "")) != spec["dashed"]:
        return f"it is drawn {line.get_linestyle()!r}, but its account says dashed={spec['dashed']}"
    if "marker" in spec and line.get_marker() != spec["marker"]:
        return f"its marker is {line.get_marker()!r}, but its account says {spec['marker']!r}"
    if "colour" in spec:
        expected = spec["colour"](data) if callable(spec["colour"]) else spec["colour"]
        if not mcolors.same_color(line.get_color(), expected):
            return f"it is drawn in {line.get_color()}, but what it shows is drawn in {expected}"
    return ""


def _surface_mismatch(drawn, data, spec) -> str:
    """Every corner of the surface's faces is a registered grid point with its registered height."""
    columns = (_series(data, spec[n]).ravel() for n in ("x", "y", "z"))
    grid = {(a, b): c for a, b, c in zip(*columns, strict=True)}
    for a, b, c in zip(drawn["x"].ravel(), drawn["y"].ravel(), drawn["z"].ravel(), strict=True):
        if grid.get((a, b), np.nan) != c:
            return f"the surface has a corner ({a:g}, {b:g}, {c:g}) that is not a registered height"
    return ""


def _owned_by_containers(ax) -> dict[int, Container]:
    owner = {}
    for container in ax.containers:
        for child in container.get_children():
            owner[id(child)] = container
    return owner


def _contour_labels(ax) -> set[int]:
    return {id(t) for c in ax._children if isinstance(c, ContourSet) for t in getattr(c, "labelTexts", [])}


def _legend_repeats(fig) -> list[tuple[str, str, str]]:
    """A legend that names one entry twice (each entry must name one series)."""
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    found = []
    for legend in legends:
        names = [text.get_text() for text in legend.get_texts()]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            found.append((f"a figure's legend names {', '.join(map(repr, twice))} more than once", "", ""))
    return found


def _repeated_ticks(fig) -> list[tuple[str, str, str]]:
    """An axis with two ticks at one place (its labels then overprint or read twice)."""
    found = []
    for ax in fig.axes:
        for name in ("x", "y", "z"):
            axis = getattr(ax, f"{name}axis", None)
            ticks = axis.get_ticklocs() if axis is not None and axis.get_scale() == "linear" else []
            if len(set(np.asarray(ticks, float).tolist())) < len(ticks):
                at = ", ".join(f"{tick:g}" for tick in ticks)
                found.append((f"a figure's {name} axis has two ticks at one place: {at}", "", ""))
    return found


class _KeysRead(dict):
    """A FigureData's series, recording which of them an account reads."""

    def __init__(self, data) -> None:
        super().__init__(data)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)


def _undrawn_series(fig) -> list[tuple[str, str, str]]:
    """Registered series that no artist of the figure draws (a loop that drew none of its runs)."""
    artists = [a for ax in fig.axes for a in list(ax._children) + list(ax.containers)]
    accounts = [getattr(a, ACCOUNT, None) for a in artists]
    read: dict[int, tuple[object, set[str], str]] = {}
    for account in accounts:
        if account is None or account[0] != "data":
            continue
        _, data, spec, site = account
        probe = _KeysRead(data)
        for word, series in spec.items():
            if word in SPEC_WORDS and not callable(series):
                continue
            try:
                series(probe) if callable(series) else probe[series]
            except Exception:  # noqa: BLE001 (a broken account is reported by the audit itself)
                pass
        entry = read.setdefault(id(data), (data, set(), site))
        entry[1].update(probe.read)
    found = []
    for data, keys, site in read.values():
        missing = ", ".join(map(repr, sorted(set(data) - keys)))
        if missing:
            found.append((f"the figure of {data.key} draws none of its series {missing}", site,
                          "every registered series is drawn by an accounted artist"))
    return found


def _stray_legend_keys(fig) -> list[tuple[str, str, str]]:
    """A legend key (an artist that draws nothing, only names a style) explains nothing outside a
    legend: each must be listed by its axes' legend or a figure legend."""
    in_figure = {text.get_text() for legend in fig.legends for text in legend.get_texts()}
    found = []
    for ax in fig.axes:
        legend = ax.get_legend()
        listed = in_figure | ({text.get_text() for text in legend.get_texts()} if legend else set())
        for artist in ax._children:
            label = artist.get_label()
            if (isinstance(artist, Line2D | Collection) and _draws_nothing(artist) and label
                    and not label.startswith("_") and label not in listed):
                found.append((f"a legend key {label!r} sits on axes whose legend does not list it",
                              getattr(artist, SITE, ""), "draw the key on the axes whose legend shows it"))
    return found


def problems(fig) -> list[tuple[str, str, str]]:
    """(cause, snippet line, details) for every drawn artist that is unaccounted for or differs."""
    found = _legend_repeats(fig) + _repeated_ticks(fig) + _undrawn_series(fig) + _stray_legend_keys(fig)
    for ax in fig.axes:
        owner, labels = _owned_by_containers(ax), _contour_labels(ax)
        seen: set[int] = set()
        for artist in ax._children:
            if id(artist) in labels or _draws_nothing(artist) and id(artist) not in owner:
                continue
            target = owner.get(id(artist), artist)
            if id(target) in seen:
                continue
            seen.add(id(target))
            site = getattr(artist, SITE, "")
            account = getattr(target, ACCOUNT, None)
            kind = type(target).__name__
            if account is None:
                found.append((f"a figure draws a {kind} that no registered, checked data accounts for",
                              site, "account for it with draws(...), read_back(...), repeats(...) or "
                              "decorative(..., reason) (snippets/plumbing/drawn.py)"))
                continue
            why = _account_mismatch(target, account)
            if why:
                found.append((f"a figure's {kind} differs from its account: {why}", account[3] or site, ""))
    return found


def _account_mismatch(artist, account) -> str:
    how, subject, spec, _ = account
    if how == "data":
        from snippets.plumbing.values import shown

        shown(subject.key)  # the page displays this data: the page summary requires a check of it
        return _mismatch(artist, subject, spec)
    if how == "check":
        from snippets.plumbing.checks import CheckFailed, verify

        try:
            verify(subject)
        except CheckFailed:
            return ""  # the check reports its own failure, cause first; the figure is still drawn
        label = artist.get_label()
        if label not in READ.get(subject, set()):
            return f"the check {subject} does not read back the artist labelled {label!r}"
        return _outside_view(*_points(artist), {})
    if how == "repeat":
        if getattr(subject, ACCOUNT, None) is None:
            return "it repeats an artist that is itself unaccounted for"
        if _drawn_data(artist) != _drawn_data(subject):
            return "it does not draw what it repeats"
        return _outside_view(*_points(artist), {})
    return ""


def _points(artist) -> tuple[object, dict[str, np.ndarray]]:
    """An artist on the axes, and the data-unit coordinates a line, error bars or bars put there."""
    if isinstance(artist, ErrorbarContainer):
        artist = artist.lines[0]
    if isinstance(artist, BarContainer):
        return artist.patches[0], {"y": np.array([p.get_y() + p.get_height() for p in artist.patches])}
    return artist, _line_coordinates(artist) if isinstance(artist, Line2D) else {}


def _drawn_data(artist) -> list:
    """A comparable snapshot of what an artist draws (for repeats)."""
    if isinstance(artist, Container):
        return [_drawn_data(child) for child in artist.get_children()]
    if isinstance(artist, Line2D):
        return np.asarray(artist.get_xydata(), float).tolist()
    if isinstance(artist, Rectangle):
        return [artist.get_x(), artist.get_y(), artist.get_width(), artist.get_height()]
    if isinstance(artist, Collection):
        return [np.asarray(p.vertices, float).tolist() for p in artist.get_paths()]
    return [str(artist)]


def audit(fig) -> bool:
    """Report every problem of `fig` as a build failure (page, snippet line, cause first); True if none."""
    found = problems(fig)
    for cause, site, details in found:
        failures.report(cause, source=site, details=details, kind="figure")
    return not found


# --- The description, read from the drawing (see the module docstring) ----------------------------

NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?")
FIELD = "◊"  # a reading's place in the template, for the context of the text around it
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺ⁿ²³¹"
FORMULA_TOKEN = re.compile(rf"^[^\W\d]$|[)^_{SUPERSCRIPTS}]")  # a variable, or a formula's part


def _notation(text: str, start: int, end: int) -> bool:
    """Whether the numeral at text[start:end] is formula notation: an exponent, a base, a coefficient."""
    before, after = text[:start], text[end:]
    if re.match(r"\^[-−]?\d|[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]", after) or re.search(r"\d\^[({]?[-−]?$", before):
        return False  # a number written as a power (10⁻⁵, 10^-5) is a result, not a formula's base
    if re.search(r"[\^_][({]?$", before) or re.match(rf"\^|[{SUPERSCRIPTS}]", after):
        return True  # y^4, x_1, 2^n, 2⁻ⁿ
    if re.search(r"\bln $", before) or re.search(r"\bln \d+\s?/\s?$", before):
        return True  # ln 2, ln 3/4
    if re.match(r"\s?/\s?(?:[^\W\d]|\()", after):
        return True  # 1/h, 1/λ_max, 1/(1 + t)
    operand = re.search(r"(\S+)(?:\s?/\s?| [−+×*-] )$", before)
    return bool(operand and FORMULA_TOKEN.search(operand[1]))  # (x² − y²)/2, t^2 / 2, 2^n − 2


def typed_numerals(template: str) -> list[str]:
    """The numerals the template's own text states that are not formula notation (results typed)."""
    from string import Formatter

    text = "".join(literal + (FIELD if field is not None else "") for literal, field, _, _ in
                   Formatter().parse(template))
    return [m[0] for m in NUMBER.finditer(text) if not _notation(text, m.start(), m.end())]


class Reading:
    """One number or phrase of a description, read from the figure when it is saved."""

    def __init__(self, what: str, read: Callable[[], object], artists=()) -> None:
        self.what, self.read, self.artists, self.site = what, read, tuple(artists), _creation_site()


NUMBER_WORDS = dict(enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                "nine", "ten"]))


class Shown:
    """A read value as the description writes it: `{v:.2g}`, `{v:signed}`, `{v:sci3}`, `{v:frac}` (1/2),
    `{v:word}` (three),
    `{v:Word}` (Three); a list joined by
    commas, or by "and" with the suffix `|and` (`{v:signed|and}`)."""

    def __init__(self, value) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        from snippets.plumbing.values import scientific

        def one(v) -> str:
            if isinstance(v, str):
                return v
            if spec in ("word", "Word") and v in NUMBER_WORDS:
                return NUMBER_WORDS[v].capitalize() if spec == "Word" else NUMBER_WORDS[v]
            if spec == "signed":
                return f"{v:g}".replace("-", "−")
            if spec == "frac":
                return str(Fraction(float(v)).limit_denominator(10**6))
            if re.fullmatch(r"sci\d", spec):
                return scientific(float(v), int(spec[3:]))
            return format(v, spec)

        spec, joined = spec.removesuffix("|and"), " and " if spec.endswith("|and") else ", "
        if isinstance(self.value, (list, tuple, np.ndarray)):
            return joined.join(one(v) for v in self.value)
        return one(self.value)


class Told:
    """A description: a template whose numbers and statements are readings of the drawn figure."""

    def __init__(self, template: str, readings: dict[str, Reading], site: str) -> None:
        self.template, self.readings, self.site = template, readings, site

    def render(self, fig) -> tuple[str, list[tuple[str, str, str]]]:
        """The description's text, and (cause, snippet line, details) for what the drawing does not show."""
        found = [(f"a figure's description types the result {n!r} instead of reading it from the drawing",
                  self.site, "read it with a reader of snippets/plumbing/drawn.py (ends, levels, "
                  "parameter, ...)") for n in typed_numerals(self.template)]
        shown = {}
        for name, reading in self.readings.items():
            stray = [a for a in reading.artists if _figure_of(a) is not fig]
            unaccounted = [a for a in reading.artists if hasattr(a, "get_children") and not
                           isinstance(a, _AxesBase) and getattr(a, ACCOUNT, None) is None]
            if stray or unaccounted:
                found.append((f"a figure's description reads {reading.what} from an artist "
                              f"{'of another figure' if stray else 'no account holds to checked data'}",
                              reading.site, ""))
                shown[name] = Shown("?")
                continue
            try:
                value = reading.read()
            except Exception as error:  # noqa: BLE001 (reported as the description's failure)
                found.append((f"a figure's description cannot read {reading.what}: {error}",
                              reading.site, ""))
                value = "?"
            if isinstance(reading, Statement) and value is not True:
                found.append((f"a figure's description says {reading.phrase!r}, but the drawing does not "
                              f"show it ({reading.what} is false)", reading.site, ""))
            shown[name] = Shown(reading.phrase if isinstance(reading, Statement) else value)
        missing = sorted(set(_fields(self.template)) - set(shown))
        for name in missing:
            found.append((f"a figure's description names {{{name}}}, which no reading fills", self.site, ""))
            shown[name] = Shown("?")
        return self.template.format(**shown), found


class Statement(Reading):
    """A qualitative statement: its phrase is shown only when its predicate holds on the drawing."""

    def __init__(self, phrase: str, predicate: Callable[[], bool], artists=()) -> None:
        super().__init__(f"the predicate of {phrase!r}", lambda: bool(predicate()), artists)
        self.phrase = phrase


def _fields(template: str) -> list[str]:
    from string import Formatter

    return [field for _, field, _, _ in Formatter().parse(template) if field is not None]


def _figure_of(artist):
    if isinstance(artist, Container):
        artist = artist.get_children()[0]
    return artist.get_figure(root=True)


def told(template: str, **readings: Reading) -> Told:
    """A figure description: `template` with each {name} filled by its reading when the figure is saved."""
    for name, reading in readings.items():
        if not isinstance(reading, Reading):
            raise TypeError(f"told(): {name}= is a {type(reading).__name__}; a description states "
                            "readings of the drawing (ends, levels, parameter, holds, ...), not typed values")
    return Told(template, readings, _creation_site())


def describe(fig, description) -> str:
    """The text of a description (a Told, or a plain string held to the same numeral rule); its failures."""
    told_ = description if isinstance(description, Told) else Told(description, {}, _creation_site())
    text, found = told_.render(fig)
    for cause, site, details in found:
        failures.report(cause, source=site, details=details, kind="figure")
    return text


# Readers. Each is named for what it reads; coordinates are "x", "y" (or "height" for bars).


def labelled(ax, label: str):
    """The artist (a line or a container such as error bars or bars) with this legend label."""
    found = [a for a in list(ax.lines) + list(ax.containers) if a.get_label() == label]
    if len(found) != 1:
        raise LookupError(f"{len(found)} artists are labelled {label!r}")
    return found[0]


def values(artist, coordinate: str) -> np.ndarray:
    """What `artist` draws along `coordinate`, in data units (for predicates of holds()): "x" and "y" of
    a line or markers, "height" of bars, "low" and "high" of error bars and of a band (at each x)."""
    if isinstance(artist, BarContainer):
        drawn = {"x": [p.get_x() + p.get_width() / 2 for p in artist.patches],
                 "height": [p.get_height() for p in artist.patches]}
    elif isinstance(artist, ErrorbarContainer):
        segments = artist.lines[2][0].get_segments()
        drawn = {**_line_coordinates(artist.lines[0]), "low": [s[0][1] for s in segments],
                 "high": [s[1][1] for s in segments]}
    elif type(artist).__name__ == "Poly3DCollection":
        faces = np.asarray(artist._faces, float)  # the surface's quadrilaterals, in data units
        drawn = {"x": faces[..., 0].ravel(), "y": faces[..., 1].ravel(), "z": faces[..., 2].ravel()}
    elif isinstance(artist, PolyCollection) and not isinstance(artist, PathCollection):  # a band
        vertices = np.concatenate([np.asarray(p.vertices, float) for p in artist.get_paths()])
        x = np.unique(vertices[:, 0])
        drawn = {"x": x, "low": [vertices[vertices[:, 0] == at, 1].min() for at in x],
                 "high": [vertices[vertices[:, 0] == at, 1].max() for at in x]}
    else:
        drawn = _read(artist)
    return np.asarray(drawn[coordinate], dtype=float)


def starts(artist, coordinate: str) -> Reading:
    """The first value `artist` draws along `coordinate` (a line's first point)."""
    return Reading(f"the first {coordinate} of a drawn artist", lambda: values(artist, coordinate)[0],
                   [artist])


def ends(artist, coordinate: str) -> Reading:
    """The last value `artist` draws along `coordinate` (a line's last point)."""
    return Reading(f"the last {coordinate} of a drawn artist", lambda: values(artist, coordinate)[-1],
                   [artist])




def highest(artist, coordinate: str) -> Reading:
    """The largest value `artist` draws along `coordinate`."""
    return Reading(f"the highest {coordinate} of a drawn artist", lambda: values(artist, coordinate).max(),
                   [artist])




def _x_inverted(artist) -> bool:
    return _figure_axes(artist).xaxis_inverted()


def _figure_axes(artist):
    return (artist.get_children()[0] if isinstance(artist, Container) else artist).axes


def leftmost_x(artist) -> Reading:
    """The x of the point `artist` draws nearest the axes' left edge (the largest x on an inverted axis)."""
    return Reading("the leftmost x of a drawn artist",
                   lambda: (max if _x_inverted(artist) else min)(values(artist, "x")), [artist])


def rightmost_x(artist) -> Reading:
    """The x of the point `artist` draws nearest the axes' right edge."""
    return Reading("the rightmost x of a drawn artist",
                   lambda: (min if _x_inverted(artist) else max)(values(artist, "x")), [artist])


def y_at_smallest_x(artist) -> Reading:
    """The y value `artist` draws at its smallest x (the left end, unless the axis is inverted)."""
    return Reading("the y of a drawn artist at its smallest x",
                   lambda: values(artist, "y")[int(np.argmin(values(artist, "x")))], [artist])


def y_at_largest_x(artist) -> Reading:
    """The y value `artist` draws at its largest x."""
    return Reading("the y of a drawn artist at its largest x",
                   lambda: values(artist, "y")[int(np.argmax(values(artist, "x")))], [artist])


def width_at_end(band) -> Reading:
    """How wide a band (fill_between) is drawn at its largest x."""
    return Reading("the band's width at its last x",
                   lambda: values(band, "high")[-1] - values(band, "low")[-1], [band])


def x_of_lowest(artist, coordinate: str = "y") -> Reading:
    """The x at which `artist` draws its smallest `coordinate` (a minimum's place)."""
    def read():
        return values(artist, "x")[int(np.argmin(values(artist, coordinate)))]
    return Reading(f"the x of the lowest {coordinate} of a drawn artist", read, [artist])


def x_of_highest(artist, coordinate: str = "y") -> Reading:
    """The x at which `artist` draws its largest `coordinate` (a peak's place)."""
    def read():
        return values(artist, "x")[int(np.argmax(values(artist, coordinate)))]
    return Reading(f"the x of the highest {coordinate} of a drawn artist", read, [artist])


def distinct_starts(artists, coordinate: str) -> Reading:
    """The distinct first values, in increasing order, that the artists draw along `coordinate`."""
    artists = list(artists)
    return Reading(f"the distinct first {coordinate} values of drawn artists",
                   lambda: sorted({float(values(a, coordinate)[0]) for a in artists}), artists)


def first_x_where(artist, condition: str, holds_at: Callable[[np.ndarray], np.ndarray]) -> Reading:
    """The first drawn x at which the drawn y satisfies `holds_at` (said in words by `condition`)."""
    return Reading(f"the first x where {condition}",
                   lambda: values(artist, "x")[np.flatnonzero(holds_at(values(artist, "y")))[0]], [artist])


def last_x_where(artist, condition: str, holds_at: Callable[[np.ndarray], np.ndarray]) -> Reading:
    """The last drawn x at which the drawn y satisfies `holds_at`."""
    return Reading(f"the last x where {condition}",
                   lambda: values(artist, "x")[np.flatnonzero(holds_at(values(artist, "y")))[-1]], [artist])


def one_value(numbers) -> float:
    """The one number all of `numbers` are (several panels drawn over the same range, both tails of a
    distribution); a drawing where they differ fails the reading."""
    (number,) = {float(n) for n in numbers}
    return number


def dashed_exactly_where(contours, meaning: str) -> bool:
    """Whether the drawn contour levels are dashed exactly where their level is of the MEANINGS kind
    `meaning` ("negative"), for a description's holds() on the style a draws() account states."""
    return all(bool(dashes) == MEANINGS[meaning](level) for level, (_, dashes) in
               zip(contours.levels, contours.get_linestyles(), strict=True))


def read(what: str, compute: Callable[[], object], *artists) -> Reading:
    """A quantity derived from the drawn data of `artists` (via values()), named by `what` it is."""
    return Reading(what, compute, artists)


def contour_levels(*contour_sets, meaning: str | None = None) -> Reading:
    """The levels the contour sets draw (the same in each), or those of a MEANINGS kind ("negative")."""
    def read():
        keep = MEANINGS[meaning] if meaning else (lambda level: True)
        (levels,) = {tuple(float(lv) for lv in cs.levels if keep(lv)) for cs in contour_sets}
        return list(levels)
    kind = f"{meaning} " if meaning else ""
    return Reading(f"the drawn {kind}contour levels", read, contour_sets)


def low_limit(ax, axis: str) -> Reading:
    """The smaller end of the axes' `axis` ("x" or "y") as drawn."""
    return Reading(f"the low end of the {axis} axis", lambda: min(getattr(ax, f"get_{axis}lim")()), [ax])


def high_limit(ax, axis: str) -> Reading:
    """The larger end of the axes' `axis` ("x" or "y") as drawn."""
    return Reading(f"the high end of the {axis} axis", lambda: max(getattr(ax, f"get_{axis}lim")()), [ax])


def count(artists, what: str) -> Reading:
    """How many of `what` the figure draws (the accounted artists given)."""
    artists = list(artists)
    return Reading(f"the number of {what}", lambda: len(artists), artists)


def parameter(name: str, value) -> Reading:
    """A declared parameter of the code (a step size, a seed, a count it sets), shown as given."""
    if isinstance(value, Reading):
        raise TypeError("parameter() names a value the code sets, not a reading")
    return Reading(f"the parameter {name}", lambda: value)




def holds(phrase: str, predicate: Callable[[], bool], *artists) -> Statement:
    """A qualitative statement of the drawing, shown as `phrase`; false on the drawing, it fails the build."""
    return Statement(phrase, predicate, artists)

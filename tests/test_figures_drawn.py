"""What figures draw is read back and held to registered data: a mutated drawing must fail the build."""

from __future__ import annotations

import pytest

from snippets import q4a_figures, q4b_figures, q4c_plateau, q4c_stable_manifold
from snippets.plumbing import drawn
from snippets.plumbing.figures import new_figure
from snippets.plumbing.values import shown

FIGURES = [
    (q4a_figures.quadratic_model_plot, ()), (q4a_figures.landscape_plot, ()),
    (q4b_figures.saddle_ratio_plot, ()), (q4b_figures.probability_plot, ()),
    (q4b_figures.rate_plot, ()), (q4b_figures.index_plot, ()),
]


UNDRAWN = "draws none of its series"


def causes(fig, *, partial: bool = True) -> list[str]:
    """The figure's problems; a partial figure (a test's few artists) may leave series undrawn."""
    return [cause for cause, _, _ in drawn.problems(fig) if not (partial and UNDRAWN in cause)]


@pytest.mark.parametrize("plot", [f for f, _ in FIGURES], ids=lambda f: f.__name__)
def test_every_artist_of_the_real_figures_is_accounted_for(plot):
    assert causes(plot(), partial=False) == []


def test_an_unaccounted_line_fails_and_names_its_snippet_line():
    fig = q4a_figures.quadratic_model_plot()
    fig.axes[0].plot([0.0, 1.0], [0.0, 1.0])
    (problem,) = drawn.problems(fig)
    assert problem[0].startswith("a figure draws a Line2D that no registered, checked data accounts for")
    assert problem[1] == ""  # drawn here, outside the question modules: no snippet line to name


def test_a_line_that_differs_from_its_registered_series_fails():
    data = shown("q4a.model-curves")
    fig, ax = new_figure()
    line, = ax.plot(data["t"], -data["bowl v1 f"])
    drawn.draws(line, data, x="t", y="bowl v1 f")
    assert causes(fig) == ["a figure's Line2D differs from its account: its y values differ from the "
                           "registered series 'bowl v1 f'"]


def test_dashing_the_zero_level_instead_of_the_negative_ones_fails(monkeypatch):
    real = q4a_figures.landscape_plot()
    assert causes(real) == []
    data = shown("q4a.landscape-heights")
    fig, ax = new_figure()
    levels = q4a_figures.contour_levels("x2y3")
    lines = ax.contour(*data["fine"], data["x2y3 fine"], levels=levels,
                       colors=["C3" if lv < 0 else "C4" if lv == 0 else "C0" for lv in levels],
                       linestyles=["--" if lv == 0 else "-" for lv in levels])  # the mutant of the study
    drawn.draws(lines, data, x=lambda d: d["fine"][0], y=lambda d: d["fine"][1], z="x2y3 fine",
                dashed="negative", colours={"C3": "negative", "C4": "zero", "C0": "positive"})
    assert causes(fig) == ["a figure's QuadContourSet differs from its account: level -0.4 is solid, "
                           "but dashed means negative"]


def test_contours_of_other_heights_fail():
    data = shown("q4a.landscape-heights")
    fig, ax = new_figure()
    lines = ax.contour(*data["fine"], 2 * data["x2y3 fine"], levels=[0.1, 0.5])
    drawn.draws(lines, data, x=lambda d: d["fine"][0], y=lambda d: d["fine"][1], z="x2y3 fine")
    assert len(causes(fig)) == 1 and "does not follow that level" in causes(fig)[0]


def test_an_annotation_moved_off_its_level_fails():
    data = shown("q4c.plateau-curves")
    fig, ax = new_figure()
    note = ax.annotate("minimum value −1/4", (260, +0.25))  # the surviving mutant: +1/4 for −1/4
    drawn.draws(note, data, x=lambda d: [260], y="minimum value")
    assert causes(fig) == ["a figure's Annotation differs from its account: its y values differ from the "
                           "registered series 'minimum value'"]


def test_the_plateau_figure_marks_the_critical_values_sympy_finds():
    data = shown("q4c.plateau-curves")
    assert data["minimum value"] == pytest.approx(-0.25) and data["saddle value"] == pytest.approx(0.0)


def test_a_trajectory_start_off_the_checked_one_fails_the_stable_manifold_check(monkeypatch):
    starts = [(+1.4, 0.0), *q4c_stable_manifold.TRAJECTORY_STARTS[1:]]
    monkeypatch.setattr(q4c_stable_manifold, "TRAJECTORY_STARTS", starts)
    outcomes = q4c_stable_manifold.a_start_on_the_stable_manifold_converges_to_the_saddle()
    assert not all(o.passed for o in outcomes)


def test_a_band_off_its_series_fails():
    data = shown("q5c.small-batch-curves")
    fig, ax = new_figure()
    band = ax.fill_between(data["m"], data["low"], data["high"] + 0.5)
    drawn.draws(band, data, x="m", low="low", high="high")
    assert len(causes(fig)) == 1 and "polygon" in causes(fig)[0]


def test_a_read_back_artist_the_check_does_not_read_fails(monkeypatch):
    fig = q4b_figures.rate_plot()
    ax = fig.axes[0]
    extra, = ax.plot([1.0, 2.0], [0.1, 0.2], label="not read back")
    drawn.read_back(extra, "q4b.rate-figure")
    assert causes(fig) == ["a figure's Line2D differs from its account: the check q4b.rate-figure does "
                           "not read back the artist labelled 'not read back'"]


def test_decorative_needs_a_reason():
    fig, ax = new_figure()
    with pytest.raises(ValueError):
        drawn.decorative(ax.axhline(0.5), " ")


def test_plateau_figure_and_its_check_agree():
    assert all(o.passed for o in q4c_plateau.the_plateau_figure_draws_the_runs())


def test_a_solid_model_curve_fails_where_the_caption_says_dashed():
    data = shown("q4a.model-curves")
    fig, ax = new_figure()
    line, = ax.plot(data["t"], data["bowl v1 model"], linestyle="-")
    drawn.draws(line, data, x="t", y="bowl v1 model", dashed=True)
    assert causes(fig) == ["a figure's Line2D differs from its account: it is drawn '-', but its account "
                           "says dashed=True"]


def test_a_critical_point_drawn_in_the_wrong_kind_s_colour_fails():
    data = shown("q4a.landscape-heights")
    fig, ax = new_figure()
    point, = ax.plot([0], [0], marker="+", color="C0")  # x² + y³ has no minimum: C3
    drawn.draws(point, data, x=lambda d: d["x2y3 point"][:1], y=lambda d: d["x2y3 point"][1:],
                colour=lambda d: q4a_figures.POINT_COLOURS[bool(d["x2y3 is a minimum"])])
    assert len(causes(fig)) == 1 and "what it shows is drawn in C3" in causes(fig)[0]


def test_the_marked_kinds_are_the_certificates_verdicts():
    outcomes = q4a_figures.figures_draw_the_page_functions()
    assert all(o.passed for o in outcomes) and len(outcomes) == 4


def test_axes_limits_that_cut_off_drawn_data_fail():
    data = shown("q4c.plateau-curves")
    fig, ax = new_figure()
    line, = ax.plot(data["loss 0.01"])
    drawn.draws(line, data, x=lambda d: range(len(d["loss 0.01"])), y="loss 0.01")
    ax.set_ylim(-0.1, 0.6)  # the loss falls to −1/4
    assert len(causes(fig)) == 1 and "lie outside the axes (cut off)" in causes(fig)[0]


def test_the_probability_check_fails_when_the_estimates_are_drawn_a_whole_step_off(monkeypatch):
    from snippets import q4b_display_checks

    real = q4b_figures.probability_plot

    def shifted():
        fig = real()
        for container in fig.axes[0].containers:
            line = container.lines[0]
            line.set_xdata(line.get_xdata() + 1)
        return fig

    monkeypatch.setattr(q4b_display_checks, "probability_plot", shifted)
    assert not all(o.passed for o in q4b_display_checks._probability_figure())


def test_a_legend_that_names_a_series_twice_fails():
    data = shown("q5c.running-curves")
    fig, ax = new_figure()
    for run in range(3):  # the study's mutant: the label on runs 1 and 2 instead of run 0
        label = "three single runs" if run != 0 else None
        line, = ax.plot(data["t"], data["mean_three"][:, run], label=label)
        drawn.draws(line, data, x="t", y=lambda d, r=run: d["mean_three"][:, r])
    ax.legend()
    assert causes(fig) == ["a figure's legend names 'three single runs' more than once"]


def test_the_failure_names_page_snippet_line_and_cause_first(monkeypatch):
    import inspect

    from snippets.plumbing import failures, page_context

    monkeypatch.setattr(q4c_plateau, "decorative", lambda artist, reason: artist)  # an account forgotten
    monkeypatch.setattr(page_context, "current", page_context.PageContext(src_uri="question-4/4c.md"))
    monkeypatch.setattr(failures, "FAILURES", [])
    with failures.at_line(391):
        q4c_plateau.plateau_figure(label="fig-q4c-plateau")
    source = inspect.getsource(q4c_plateau.plateau_figure).splitlines()
    first = q4c_plateau.plateau_figure.__code__.co_firstlineno
    line = first + next(i for i, text in enumerate(source) if "tolerance = bottom.axhline" in text)
    texts = [f.text().splitlines() for f in failures.FAILURES]
    assert texts[0][0].endswith("a figure draws a Line2D that no registered, checked data accounts for")
    assert texts[0][1].strip() == f"at snippets/q4c_plateau.py:{line}"
    assert texts[0][2].strip() == "on docs/question-4/4c.md:391"
    # The tolerance line and its note, and the description's reading of the unaccounted line.
    assert len(texts) == 3
    assert texts[2][0].endswith("a figure's description reads the first y of a drawn artist from an artist "
                                "no account holds to checked data")


def test_a_log_scale_that_cuts_off_read_back_bars_fails():
    fig = q4b_figures.index_plot()
    fig.axes[1].set_ylim(1e-5, 1)  # the GOE tails (about 10⁻¹²) fall below it
    assert causes(fig) and all("lie outside the axes (cut off)" in cause for cause in causes(fig))


def test_two_ticks_at_one_place_fail():
    fig = q4a_figures.landscape_plot()
    fig.axes[-1].set_xticks([-0.0, 0, 1])  # the study's mutant of [-1, 0, 1]
    assert causes(fig) == ["a figure's x axis has two ticks at one place: -0, 0, 1"]


def test_a_failing_read_back_check_is_reported_by_the_check_not_by_the_figure(monkeypatch):
    from snippets.plumbing import checks

    def failing(check_id):
        raise checks.CheckFailed(f"check {check_id} failed")

    monkeypatch.setattr(checks, "verify", failing)
    assert causes(q4b_figures.rate_plot()) == []


def test_a_registered_series_no_artist_draws_fails():
    """The study's mutant: a loop over 5c's three single runs that drew none of them."""
    data = shown("q5c.running-curves")
    fig, axes = new_figure(ncols=2)
    for ax, key in zip(axes, ("mean", "var"), strict=True):
        for name in (f"{key}_runs",):
            line, = ax.plot(data["t"], data[name])
            drawn.draws(line, data, x="t", y=name)
        band = ax.fill_between(data["t"], data[f"{key}_expected"] - data[f"{key}_sd"],
                               data[f"{key}_expected"] + data[f"{key}_sd"])
        drawn.draws(band, data, x="t", low=lambda d, k=key: d[f"{k}_expected"] - d[f"{k}_sd"],
                    high=lambda d, k=key: d[f"{k}_expected"] + d[f"{k}_sd"])
    assert [c for c in causes(fig, partial=False) if UNDRAWN in c] == [
        "the figure of q5c.running-curves draws none of its series 'mean_three', 'var_three'"
    ]


# --- Descriptions are read from the drawing ---------------------------------------------------------


def description_failures(monkeypatch, build) -> list[list[str]]:
    """Build a figure on a page; the lines of each failure it reports (cause first)."""
    from snippets.plumbing import failures, page_context

    monkeypatch.setattr(page_context, "current", page_context.PageContext(src_uri="question-4/4c.md"))
    monkeypatch.setattr(failures, "FAILURES", [])
    with failures.at_line(7):
        build()
    return [f.text().splitlines() for f in failures.FAILURES]


def line_of(function, text: str) -> str:
    """`at snippets/<module>.py:<line>` of the one line of `function`'s source holding `text`."""
    import inspect

    source = inspect.getsource(function).splitlines()
    (index,) = [i for i, written in enumerate(source) if text in written]
    module = function.__module__.split(".")[-1]
    return f"at snippets/{module}.py:{function.__code__.co_firstlineno + index}"


def typing_in_the_template(monkeypatch, module, field: str, typed: str) -> list[str]:
    """The survivor's effect: the description states `typed` where it reads `field` (the old f-string)."""
    real, replaced = drawn.told, []

    def typed_told(template, **readings):
        if field in template:
            replaced.append(template)
        return real(template.replace(field, typed), **readings)

    monkeypatch.setattr(module, "told", typed_told)
    return replaced  # the templates that read `field`: a test expects exactly one


def test_the_four_survivor_figures_build_with_their_descriptions(monkeypatch):
    from snippets import q4c_escape

    builds = [lambda: q4c_stable_manifold.trajectories_figure(), lambda: q4c_escape.escape_figure(),
              lambda: q4b_figures.probability_figure("fig-q4b-probability")]
    for build in builds:
        assert description_failures(monkeypatch, build) == []


def test_the_square_s_far_side_typed_as_the_mutant_states_it_fails(monkeypatch):
    """Survivor: side[1] for side[-1] said "on the square from −1.5 to −1.45"."""
    replaced = typing_in_the_template(monkeypatch, q4c_stable_manifold, "{high:signed}", "−1.45")
    (failure,) = description_failures(monkeypatch, q4c_stable_manifold.trajectories_figure)
    assert failure[0].endswith("a figure's description types the result '1.45' instead of reading it "
                               "from the drawing")
    assert failure[1].strip() == line_of(q4c_stable_manifold.trajectories_figure, "description=told(")
    assert len(replaced) == 1


def test_the_square_is_read_from_the_axes_as_drawn(monkeypatch):
    """The far side follows the drawing: axes cut to 1.45 are described as the square to 1.45."""
    import re

    real = q4c_stable_manifold.figure_html

    def cut(fig, **kwargs):
        fig.axes[0].set(xlim=(-1.5, 1.45), ylim=(-1.5, 1.45))
        return real(fig, **kwargs)

    monkeypatch.setattr(q4c_stable_manifold, "figure_html", cut)
    html = []
    failures_ = description_failures(monkeypatch,
                                     lambda: html.append(q4c_stable_manifold.trajectories_figure()))
    assert "on the square from −1.5 to 1.45," in re.search(r"<desc[^>]*>([^<]*)", html[0])[1]
    assert [f for f in failures_ if "description" in f[0]] == []


def test_the_offsets_range_typed_as_the_mutant_states_it_fails(monkeypatch):
    """Survivor: FIGURE_EPSILONS[-0] for [-1] said "decreasing from 1e-09 to 1e-09"."""
    from snippets import q4c_escape

    replaced = typing_in_the_template(monkeypatch, q4c_escape, "{left:.2g}", "1e-09")
    (failure,) = description_failures(monkeypatch, q4c_escape.escape_figure)
    assert "types the result '1e-09'" in failure[0]
    assert failure[1].strip() == line_of(q4c_escape.escape_figure, "description=told(")
    assert len(replaced) == 1


def test_an_offset_axis_not_drawn_decreasing_fails_the_description(monkeypatch):
    from snippets import q4c_escape

    real = q4c_escape.figure_html

    def uninverted(fig, **kwargs):
        fig.axes[-1].invert_xaxis()  # back to increasing left to right
        return real(fig, **kwargs)

    monkeypatch.setattr(q4c_escape, "figure_html", uninverted)
    (failure,) = description_failures(monkeypatch, q4c_escape.escape_figure)
    assert failure[0].endswith("a figure's description says 'decreasing', but the drawing does not show it "
                               "(the predicate of 'decreasing' is false)")
    assert failure[1].strip() == line_of(q4c_escape.escape_figure, 'decreasing=holds("decreasing"')


def test_the_coin_line_s_end_typed_as_the_mutant_states_it_fails(monkeypatch):
    """Survivor: 3.0 ** -n for 2.0 ** -n said "ending near 2 × 10⁻⁵" of a line drawn to 2⁻¹⁰."""
    replaced = typing_in_the_template(monkeypatch, q4b_figures, "{coin_end:sci1}", "2 × 10⁻⁵")
    (failure, power) = description_failures(monkeypatch, lambda: q4b_figures.probability_figure("fig-x"))
    assert "types the result '2'" in failure[0] and "types the result '10'" in power[0]
    assert failure[1].strip() == line_of(q4b_figures.probability_figure, "description=told(")
    assert len(replaced) == 1


def test_the_coin_line_s_end_is_read_from_the_drawn_line(monkeypatch):
    import re

    real = q4b_figures.probability_plot

    def shorter():
        fig = real()
        coin = drawn.labelled(fig.axes[0], r"coin flips $2^{-n}$")
        coin.set_data(coin.get_xdata()[:100], coin.get_ydata()[:100])  # now ends near n = 5.5
        return fig

    monkeypatch.setattr(q4b_figures, "probability_plot", shorter)
    html = []
    description_failures(monkeypatch, lambda: html.append(q4b_figures.probability_figure("fig-x")))
    text = re.search(r"<desc[^>]*>([^<]*)", html[0])[1]
    assert "ending near 2 × 10⁻²." in text  # 2^-5.52 = 0.0219


def test_a_start_moved_above_the_axis_fails_the_both_sides_statement(monkeypatch):
    """Survivor: the third start −0.05 → +0.05 left "slightly above or below the axis" with none below."""
    from snippets.plumbing import values

    starts = [(x, +0.05 if y == -0.05 else y) for x, y in q4c_stable_manifold.TRAJECTORY_STARTS]
    assert starts != q4c_stable_manifold.TRAJECTORY_STARTS
    monkeypatch.setattr(q4c_stable_manifold, "TRAJECTORY_STARTS", starts)
    values._computed_once.cache_clear()  # the figure's data, recomputed from the mutated starts
    try:
        found = description_failures(monkeypatch, q4c_stable_manifold.trajectories_figure)
    finally:
        values._computed_once.cache_clear()
    (failure,) = [f for f in found if "description" in f[0]]
    assert failure[0].endswith("a figure's description says 'slightly above or below the axis', but the "
                               "drawing does not show it (the predicate of 'slightly above or below the "
                               "axis' is false)")
    assert failure[1].strip() == line_of(q4c_stable_manifold.trajectories_figure, 'sides=holds(')


def test_a_result_typed_in_a_description_fails():
    fig, ax = new_figure()
    line = drawn.decorative(ax.plot([0.0, 1.0], [0.0, 3.0])[0], "a test line")
    text, found = drawn.told("A line rising to 3 at x = {x:g}.", x=drawn.ends(line, "x")).render(fig)
    assert [cause for cause, _, _ in found] == [
        "a figure's description types the result '3' instead of reading it from the drawing"]
    assert text == "A line rising to 3 at x = 1."


@pytest.mark.parametrize("typed", ["peaks at 0.25", "within 1e-6", "5th percentile", "to 10⁻³",
                                   "tends to 1/2", "at t = 0", "from −1.5"])
def test_numerals_that_state_results_are_not_notation(typed):
    assert drawn.typed_numerals(typed)


@pytest.mark.parametrize("formula", ["x^2 + xy + y^2 + y^4", "2^n − 2", "theta = ln 3/4", "ln 2 / n",
                                     "(x² − y²)/2 + y⁴/4", "lambda t^2 / 2", "like 1/h", "2^-n",
                                     "η = 1/λ_max"])
def test_numerals_in_formulas_are_notation(formula):
    assert drawn.typed_numerals(formula) == []


def test_a_false_statement_fails_and_a_true_one_is_shown():
    fig, ax = new_figure()
    line = drawn.decorative(ax.plot([0.0, 1.0], [0.0, 3.0])[0], "a test line")
    rising = drawn.holds("rises", lambda: drawn.values(line, "y")[-1] > drawn.values(line, "y")[0], line)
    falling = drawn.holds("falls", lambda: drawn.values(line, "y")[-1] < drawn.values(line, "y")[0], line)
    text, found = drawn.told("The line {a} and {b}.", a=rising, b=falling).render(fig)
    assert text == "The line rises and falls."
    assert [cause for cause, _, _ in found] == [
        "a figure's description says 'falls', but the drawing does not show it (the predicate of 'falls' "
        "is false)"]


def test_a_reading_of_an_unaccounted_artist_or_another_figure_fails():
    fig, ax = new_figure()
    other, other_ax = new_figure()
    unaccounted, = ax.plot([0.0, 1.0], [0.0, 1.0])
    elsewhere = drawn.decorative(other_ax.plot([0.0, 1.0])[0], "a test line")
    told = drawn.told("{a:g} {b:g}", a=drawn.ends(unaccounted, "y"), b=drawn.ends(elsewhere, "y"))
    _, found = told.render(fig)
    assert [cause for cause, _, _ in found] == [
        "a figure's description reads the last y of a drawn artist from an artist no account holds to "
        "checked data",
        "a figure's description reads the last y of a drawn artist from an artist of another figure"]


def test_a_typed_value_is_not_a_reading():
    with pytest.raises(TypeError):
        drawn.told("ends at {y}", y=0.5)


def test_circles_drawn_a_step_off_the_staircase_fail_the_on_it_statement(monkeypatch):
    from snippets import q4c_escape

    real = q4c_escape.figure_html

    def shifted(fig, **kwargs):
        circles = [line for ax in fig.axes for line in ax.lines
                   if line.get_marker() == "o" and len(line.get_xdata())]
        for line in circles:
            line.set_ydata(line.get_ydata() + 1)
        return real(fig, **kwargs)

    monkeypatch.setattr(q4c_escape, "figure_html", shifted)
    found = description_failures(monkeypatch, q4c_escape.escape_figure)
    assert any(f[0].endswith("a figure's description says 'on it', but the drawing does not show it (the "
                             "predicate of 'on it' is false)") for f in found)


def test_a_tolerance_below_the_errors_fails_the_below_the_tolerance_statement(monkeypatch):
    from snippets import q5a_figure

    monkeypatch.setattr(q5a_figure, "FD_RTOL", 1e-12)  # the errors at the step used are about 10⁻¹¹
    (failure,) = [f for f in description_failures(monkeypatch, lambda: q5a_figure.error_figure("fig-x"))
                  if "description" in f[0]]
    assert "'below the dashed tolerance line'" in failure[0]
    assert failure[1].strip() == line_of(q5a_figure.error_figure, 'below=holds(')


def test_a_result_typed_into_a_figure_s_title_fails(monkeypatch):
    """The title (the SVG <title>, alt text too) is told from the drawing like the description."""
    real = drawn.told

    def typed_title(template, **readings):
        if template.startswith("Probability"):
            assert "{n_last:g}" in template
            template = template.replace("{n_last:g}", "11")  # the drawn points end at n = 10
        return real(template, **readings)

    monkeypatch.setattr(q4b_figures, "told", typed_title)
    (failure,) = description_failures(monkeypatch, lambda: q4b_figures.probability_figure("fig-x"))
    assert "types the result '11'" in failure[0]
    assert failure[1].strip() == line_of(q4b_figures.probability_figure, "title=told(")


def test_levels_of_a_kind_are_read_by_their_meaning_and_must_agree_across_sets():
    data = shown("q4a.landscape-heights")
    fig, ax = new_figure()
    levels = [-0.1, 0.0, 0.1, 0.5]
    cusp = ax.contour(*data["fine"], data["x2y3 fine"], levels=levels)
    bowl = ax.contour(*data["fine"], data["bowl fine"], levels=[0.1, 0.5])
    for contours in (cusp, bowl):
        drawn.decorative(contours, "a test's contours")
    text, found = drawn.told("{n:g} / {p:g}", n=drawn.contour_levels(cusp, meaning="negative"),
                             p=drawn.contour_levels(cusp, bowl, meaning="positive")).render(fig)
    assert (text, found) == ("-0.1 / 0.1, 0.5", [])
    _, found = drawn.told("{all:g}", all=drawn.contour_levels(cusp, bowl)).render(fig)
    assert len(found) == 1 and "cannot read the drawn contour levels" in found[0][0]


def test_a_legend_key_on_axes_whose_legend_does_not_list_it_fails():
    """The study's mutant drew the circles' legend key on the last panel: the first panel's legend
    lost the entry that says what the circles are, and the key on the last panel explained nothing."""
    data = shown("q5c.running-curves")
    fig, (top, bottom) = new_figure(nrows=2)
    for ax in (top, bottom):
        line, = ax.plot(data["t"], data["mean_three"][:, 0])
        drawn.draws(line, data, x="t", y=lambda d: d["mean_three"][:, 0])
    bottom.plot([], [], "o", label="simulation")  # the key, on the panel without a legend
    top.plot([], [], label="formula")
    top.legend()
    assert causes(fig) == ["a legend key 'simulation' sits on axes whose legend does not list it"]
    bottom.legend()
    assert "a legend key 'simulation' sits on axes whose legend does not list it" not in causes(fig)

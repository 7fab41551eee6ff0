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
    assert len(texts) == 2  # the tolerance line and its note


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

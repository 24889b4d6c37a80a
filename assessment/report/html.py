"""The report as one self-contained HTML file: styles inline, charts as PNG data URIs.

Nothing in it points outside the file (no stylesheet, font, script or image URL), so it opens
offline and can be mailed as an attachment. Every piece of text goes through ``html.escape``.
"""

from __future__ import annotations

import base64
from html import escape

from assessment import i18n, insight
from assessment.i18n import N_, _, ngettext
from assessment.numbers import NO_VALUE, fmt_date, fmt_number
from assessment.questionnaire import SIDE_LABELS
from assessment.report import tables
from assessment.report.images import CHART_SCALE, Progress, chart_images
from assessment.report.wording import (
    benchmark_note,
    benchmark_sentence,
    dimension_sections,
    few_people_sentence,
    flagged_dimensions,
    flagged_sentence,
    footer_text,
    gap_cell,
    gap_note,
    headline_text,
    level_bands,
    level_or_split,
    method_rules,
    next_step_line,
    organisation_text,
    overall_text,
    priority_detail,
    priority_heading,
    priority_lines,
    progress_header,
    progress_note,
    progress_rows,
    respondents_text,
    seed_citations,
    sides_line,
    sources_sentence,
    ties_note,
)
from assessment.rounds import ScoredRound

CHART_ALT = {
    "benchmark": N_("Scores per dimension against the benchmark's interquartile range and median"),
    "gap": N_("Perception gap per dimension: marketing mean minus IT mean"),
    "priority": N_("Dimensions by maturity and importance; the top three priorities are named"),
}
_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: #222;
       max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; }
h1 { color: var(--brand); font-size: 1.6rem; border-bottom: 2px solid var(--brand); padding-bottom: .2rem;
     margin-top: 2.5rem; }
h2 { color: var(--brand); font-size: 1.2rem; margin: 1.8rem 0 .4rem; }
.cover h1 { border: none; font-size: 2.2rem; margin: .2rem 0; color: #222; }
.kicker { color: var(--brand); font-weight: bold; font-size: .9rem; }
.muted { color: #646464; }
.note { background: #f1f5f9; padding: .6rem .8rem; border-radius: 4px; }
.note.synthetic { background: #fdecce; }
.metrics { display: flex; gap: 1rem; flex-wrap: wrap; }
.metric { background: #f1f5f9; padding: .6rem 1rem; flex: 1 1 12rem; border-radius: 4px; }
.metric .label { color: #646464; font-size: .85rem; }
.metric .value { color: var(--brand); font-size: 1.6rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid #cfcfcf; padding: .25rem .45rem; vertical-align: top; text-align: left; }
th { background: #e1e8f0; }
tbody tr:nth-child(even) { background: #f4f6f9; }
td.num, th.num { text-align: right; white-space: nowrap; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: .2rem .8rem; margin: .4rem 0; }
dt { font-weight: bold; }
dd { margin: 0; }
img.logo { float: right; max-width: 14rem; max-height: 5rem; }
img.chart { max-width: 100%; height: auto; display: block; margin: .6rem 0; }
@media print { h1 { page-break-before: always; } .cover h1, h1.first { page-break-before: avoid; } }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)




def _table(header: list[str], rows: list[list[object]], numeric: set[int] = frozenset()) -> str:
    def cell(tag: str, i: int, value: object) -> str:
        cls = ' class="num"' if i in numeric else ""
        return f"<{tag}{cls}>{_e(value)}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(header))
    body = "".join("<tr>" + "".join(cell("td", i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _note(data: ScoredRound, text: str) -> str:
    synthetic = data.benchmark is not None and data.benchmark.synthetic
    return f'<p class="note{" synthetic" if synthetic else ""}">{_e(text)}</p>'


def _img(images: dict[str, bytes], name: str) -> str:
    if name not in images:
        return ""
    png = images[name]
    # Drawn at CHART_SCALE pixels per CSS pixel: declare the CSS size so it stays sharp, not huge.
    width, height = (int.from_bytes(png[i : i + 4], "big") // CHART_SCALE for i in (16, 20))
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<img class="chart" width="{width}" height="{height}" alt="{_e(_(CHART_ALT[name]))}" '
        f'src="data:image/png;base64,{encoded}">'
    )


def _cover(d: ScoredRound) -> str:
    org = d.organisation
    facts = [
        (_("Report date"), fmt_date(d.generated_at)),
        (_("Scope"), d.scope),
        (_("Respondents"), respondents_text(d)),
        (_("Questionnaire"), f"{d.questionnaire.id} {d.questionnaire.version}"),
        (_("Organisation"), organisation_text(d)),
    ]
    if d.branding.custom:
        facts.insert(1, (_("Prepared by"), d.branding.name))
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
    logo = d.branding.logo
    image = (
        f'<img class="logo" alt="{_e(_("{name} logo").format(name=d.branding.name))}" '
        f'src="data:{logo.media_type};base64,{base64.b64encode(logo.data).decode("ascii")}">'
        if logo is not None
        else ""
    )
    return (
        f'<section class="cover">{image}<p class="kicker">Tandem · {_e(d.questionnaire.title)}</p>'
        f'<h1 class="first">{_e(org.name)}</h1><p class="muted">{_e(d.round.name)}</p>'
        f"<dl>{items}</dl>{_note(d, benchmark_note(d))}</section>"
    )


def _brief(d: ScoredRound) -> str:
    """The board brief: what a board member reads in a minute."""
    b = insight.board_brief(d)
    parts = [f'<section class="brief"><h1>{_e(_("Board brief"))}</h1>', f'<p class="verdict">{_e(b.verdict)}</p>']
    if b.risk:
        parts.append(f"<h2>{_e(_('The biggest risk'))}</h2><p>{_e(b.risk)}</p>")
    if b.decisions:
        parts.append(f"<h2>{_e(_('Three decisions for the next 90 days'))}</h2><ol>")
        for x in b.decisions:
            parts.append(
                f"<li><strong>{_e(x.title)}</strong><br>{_e(_('Owner: {owner}.').format(owner=x.owner))} "
                f"{_e(_('First step: {step}').format(step=x.first_step))}"
                f"<br>{_e(_('Measure after 90 days: {measure}').format(measure=x.measure))}</li>"
            )
        parts.append("</ol>")
        if b.equal_note:
            parts.append(f'<p class="muted">{_e(b.equal_note)}</p>')
    if b.strengths:
        parts.append(f"<h2>{_e(_('Strengths to protect'))}</h2><p>{_e('; '.join(b.strengths))}.</p>")
    if b.change:
        parts.append(f"<h2>{_e(_('Since the last round'))}</h2><p>{_e(b.change)}</p>")
    for caveat in b.caveats:
        parts.append(_note(d, caveat))
    parts.append("</section>")
    return "".join(parts)


def _summary(d: ScoredRound) -> str:
    q = d.questionnaire
    metrics = [
        (_("Overall score (1–5, both sides balanced)"), overall_text(d)),
        (_("Maturity level"), level_or_split(d)),
        (_("IT–marketing alignment"), insight.headline(d.result).alignment_text),
    ]
    for side in ("it", "marketing"):
        if d.result.split:
            metrics.append((_("{side} sees").format(side=_(SIDE_LABELS[side])), insight.side_score(d.result, side)))
    boxes = "".join(
        f'<div class="metric"><div class="label">{_e(k)}</div><div class="value">{_e(v)}</div></div>'
        for k, v in metrics
    )
    parts = [f'<h1>{_e(_("Executive summary"))}</h1><div class="metrics">{boxes}</div>',
             f"<p><strong>{_e(headline_text(d))}</strong></p>"]  # fmt: skip
    if d.result.level is not None and not d.result.split:
        parts.append(f"<p>{_e(q.level_name(d.result.level))}: {_e(q.levels[d.result.level - 1].summary)}</p>")
    if benchmark_sentence(d):
        parts.append(f"<p>{_e(benchmark_sentence(d))}</p>")
    flagged = flagged_dimensions(d)
    if flagged:
        parts.append(f"<p>{_e(flagged_sentence(flagged))}</p>")
    elif gap_note(d):
        parts.append(f"<p>{_e(gap_note(d))}</p>")
    parts.append(f"<h2>{_e(_('Priorities'))}</h2>")
    if not d.recommendations:
        parts.append(f"<p>{_e(_('Priorities appear once at least one dimension has enough answers.'))}</p>")
    if ties_note(d):
        parts.append(f'<p class="muted">{_e(ties_note(d))}</p>')
    parts.append("<ul>")
    for item in d.recommendations:
        steps = "".join(f"<li>{_e(line)}</li>" for line in priority_lines(item))
        parts.append(
            f"<li><strong>{_e(priority_heading(item))}</strong>. {_e(priority_detail(item))}<ul>{steps}</ul></li>"
        )
    parts.append("</ul>")
    return "".join(parts)


def _charts(d: ScoredRound, images: dict[str, bytes]) -> str:
    parts = [f"<h1>{_e(_('Against the benchmark'))}</h1>", _img(images, "benchmark"), _note(d, benchmark_note(d))]
    if d.benchmark is not None:
        rows = [
            [r["dimension"], fmt_number(r["score"]), fmt_number(r["mean"]),
             f"{fmt_number(r['p25'])} – {fmt_number(r['p75'])}" if r["p25"] is not None else NO_VALUE, r["band"] or NO_VALUE, r["n"]]
            for r in d.benchmark_table.to_dict("records")
        ]  # fmt: skip
        header = [_("Dimension"), _("Score"), _("Peer mean"), _("Middle half (p25–p75)"), _("Where you stand"), "n"]
        parts.append(_table(header, rows, {1, 2, 3, 4, 5}))
    parts.append(f"<h1>{_e(_('Where IT and marketing see things differently'))}</h1>")
    parts.append(_img(images, "gap") if "gap" in images else f"<p>{_e(gap_note(d))}</p>")
    if few_people_sentence(d):
        parts.append(f"<p>{_e(few_people_sentence(d))}</p>")
    top = d.top_disagreements
    if not top.empty:
        heading = ngettext(
            "The {n} question with the largest disagreement", "The {n} questions with the largest disagreements", len(top)
        ).format(n=len(top))
        parts.append(f"<h2>{_e(heading)}</h2>")
        rows = [
            [i, r["question"], r["dimension"], fmt_number(r["it"]), fmt_number(r["marketing"]),
             gap_cell(r["gap"], r["flagged"])]
            for i, r in enumerate(top.to_dict("records"), start=1)
        ]  # fmt: skip
        header = ["#", _("Question"), _("Dimension"), _("IT"), _("Marketing"), _("Gap")]
        parts.append(_table(header, rows, {0, 3, 4, 5}))
        parts.append(
            f'<p class="muted">{_e(_("Gap = marketing mean − IT mean; ! marks a gap of a full level or more."))}</p>'
        )
    parts.append(f"<h1>{_e(_('Where to act first'))}</h1>")
    parts.append(_img(images, "priority"))
    rows = [
        [r["rank_label"], _("{dimension} (reconcile first)").format(dimension=r["dimension"]) if r["kind"] == "reconcile" else r["dimension"],
         fmt_number(r["score"]), fmt_number(r["importance"], ".1f"), fmt_number(r["priority"])]
        for r in d.priorities.to_dict("records")
    ]  # fmt: skip
    if rows:
        header = [_("Rank"), _("Dimension"), _("Score"), _("Importance"), _("Priority")]
        parts.append(_table(header, rows, {0, 2, 3, 4}))
    return "".join(parts)


def _progress(d: ScoredRound) -> str:
    parts = [f"<h2>{_e(_('Targets and progress'))}</h2>", f"<p>{_e(progress_note(d))}</p>"]
    if d.targets or (d.previous is not None and d.previous.comparable):
        parts.append(_table(list(progress_header()), [list(r) for r in progress_rows(d)], {1, 2, 3, 4, 5}))
    return "".join(parts)


def _dimensions(d: ScoredRound) -> str:
    intro = _(
        "Each dimension's score against the benchmark, what each side sees, and the "
        "next step: the next level's description of the dimension's weakest question."
    )
    parts = [f"<h1>{_e(_('Dimension by dimension'))}</h1>", f'<p class="muted">{_e(intro)}</p>']
    for s in dimension_sections(d):
        facts = [
            (_("Score"), s.score_line),
            (_("IT vs marketing"), sides_line(s)),
            (_("Benchmark"), s.benchmark),
        ]
        if s.recommendation:
            facts += [
                (_("Weakest question"), s.weakest),
                (_("Next step"), next_step_line(s)),
            ]
        else:
            facts.append((_("Next step"), s.no_step or NO_VALUE))
        items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts)
        table = _table(
            [_("Question"), _("Score"), _("IT"), _("Marketing"), _("Gap")], [list(r) for r in s.questions], {1, 2, 3, 4}
        )
        parts.append(
            f'<section><h2>{_e(s.title)}</h2><p class="muted">{_e(s.description)}</p><dl>{items}</dl>{table}</section>'
        )
    return "".join(parts)


def _references(d: ScoredRound) -> str:
    if d.references.empty:
        return ""
    header, *rows = tables.reference_rows(d)
    intro = _(
        "Published survey figures beside the comparable share of this organisation's own answers (for a "
        "figure about IT executives, read the IT side). Full citations are in the Method appendix."
    )
    return (
        f'<h1>{_e(_("You and the published surveys"))}</h1><p class="muted">{_e(intro)}</p>'
        + _table(list(header), [list(r) for r in rows])
    )


def _method(d: ScoredRound) -> str:
    q = d.questionnaire
    rules = "".join(f"<li>{_e(r)}</li>" for r in method_rules())
    parts = [
        f"<h1>{_e(_('Method'))}</h1><h2>{_e(_('Scoring rules'))}</h2><ul>{rules}</ul>",
        f"<h2>{_e(_('Maturity levels'))}</h2>",
        _table([_("Level"), _("Score range"), _("What it looks like")], [list(r) for r in level_bands(q)]),
        f"<h2>{_e(_('Benchmark source'))}</h2><p>{_e(benchmark_note(d))}</p>",
        f"<h2>{_e(_('Sources'))}</h2><p>{_e(sources_sentence(q))}</p>",
        _table([_("Seed article"), _("Title"), _("Cited by questions")], [list(r) for r in seed_citations(q)]),
    ]
    if q.references:
        rows = [[r.statement, f"{r.citation} ({r.source})"] for r in q.references]
        parts.append(_table([_("Figure"), _("Citation")], rows))
    return "".join(parts)


def render(data: ScoredRound, progress: Progress | None = None) -> bytes:
    """The whole HTML document as UTF-8 bytes."""
    images = chart_images(data, progress, (0.25, 0.8))
    if progress:
        progress(0.85, _("Writing the HTML file"))
    title = _("Tandem report: {organisation}, {round}").format(organisation=data.organisation.name, round=data.round.name)
    body = "".join(
        [
            _cover(data),
            _brief(data),
            _summary(data),
            _charts(data, images),
            _progress(data),
            _dimensions(data),
            _references(data),
            _method(data),
        ]
    )
    brand = data.branding
    footer = f'<p class="muted">{_e(brand.footer) + " · " if brand.footer else ""}{_e(footer_text(data))}</p>'
    document = (
        f'<!DOCTYPE html>\n<html lang="{i18n.current()}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>:root {{ --brand: {brand.ink}; }}{_CSS}</style></head><body>{body}{footer}</body></html>\n"
    )
    return document.encode("utf-8")

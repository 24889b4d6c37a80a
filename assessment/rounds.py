"""One scored round: the single read model every view of a round draws.

``load_round`` goes round → organisation → questionnaire → respondents → scores → the chosen
benchmark → targets → the previous round, once, and returns a frozen ``ScoredRound``
(``load_round_and_own``: the round and one respondent's part of it from the same read). The
results page, the workshop, the Benchmarks page, every report format, the CLI and the bench
take that object; none of them re-reads or re-scores a round, so what a consultant shows on
screen is what the downloaded report says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property

import pandas as pd

from assessment import benchmarks, progress, translations, views
from assessment.benchmarks import Benchmark, Comparison, Source
from assessment.branding import Branding
from assessment.i18n import _, ngettext
from assessment.profile import INDUSTRIES, REGIONS, SIZE_BANDS
from assessment.questionnaire import SIDES, Correspondence, Questionnaire, correspondence
from assessment.scoring import Respondent, Result, score_round
from assessment.store import Organisation, Round, Store

TOP_DISAGREEMENTS = 10
SEGMENT_VALUES = {"industry": INDUSTRIES, "size": SIZE_BANDS, "region": REGIONS}
_SEGMENT_FIELD = {"industry": "industry", "size": "size_band", "region": "region"}


class RoundError(ValueError):
    """A round cannot be read as asked (unknown round, respondent, questionnaire or benchmark);
    the message says why and, where there is a choice, lists the valid ones."""


@dataclass(frozen=True)
class BenchmarkChoice:
    """What to compare with: a source key (None: the default source) and a peer group.

    ``segment_value`` is None for the organisation's own value of ``segment``; a consultant
    may name another (``industry:Retail``) from the command line."""

    source: str | None = None
    segment: str = "all"
    segment_value: str | None = None

    @classmethod
    def parse(cls, source: str | None, segment: str | None) -> BenchmarkChoice:
        """From the CLI's ``--benchmark`` and ``--segment TYPE[:VALUE]``; errors list the valid forms."""
        kind, _sep, value = (segment or "all").partition(":")
        if kind not in benchmarks.SEGMENT_TYPES:
            raise RoundError(
                f"Unknown segment type {kind!r}: choose one of {', '.join(benchmarks.SEGMENT_TYPES)} "
                "(with :VALUE for another value than the organisation's own, e.g. industry:Retail)."
            )
        if value and kind == "all":
            raise RoundError("The segment 'all' takes no value.")
        if value and value not in SEGMENT_VALUES[kind]:
            raise RoundError(
                f"Unknown {kind} {value!r}: choose one of {', '.join(SEGMENT_VALUES[kind])}."
            )
        return cls(source or None, kind, value or None)


@dataclass(frozen=True)
class PreviousRound:
    """The organisation's round before this one, scored, for the change since then."""

    round: Round
    result: Result
    correspondence: Correspondence  # what compares with this round (other versions: declared only)

    @property
    def comparable(self) -> bool:
        return self.correspondence.comparable


@dataclass(frozen=True, eq=False)  # eq=False: cached DataFrames cannot be compared or hashed
class ScoredRound:
    """A round (or one respondent's part of it) scored once, with everything a view draws."""

    organisation: Organisation
    round: Round
    questionnaire: Questionnaire
    respondents: tuple[Respondent, ...]  # those whose answers are scored
    respondent_id: str | None  # None: the whole round
    result: Result
    sources: tuple[Source, ...]
    choice: BenchmarkChoice  # as resolved: the source is never None here
    comparison: Comparison  # what is shown (the requested segment, or "all" when it is withheld)
    fallback_reason: str | None  # why the requested segment is not the one shown
    targets: dict[str, float]
    targets_carried_from: str | None  # the earlier round's name when its targets were carried over
    previous: PreviousRound | None
    finished: dict[str, int]  # side -> respondents who have finished
    generated_at: datetime
    store: Store = field(repr=False)
    viewer_id: str | None = None  # the respondent looking at it: raw answers are only their own
    results_released: bool = True  # False: a consultant's round not yet shown to its respondents

    # -- who and what ---------------------------------------------------------------------

    @property
    def benchmark(self) -> Benchmark | None:
        return self.comparison.benchmark

    @property
    def counts(self) -> dict[str, int]:
        """Respondents per side whose answers are scored."""
        return {side: sum(r.side == side for r in self.respondents) for side in SIDES}

    @property
    def scope(self) -> str:
        if self.respondent_id is None:
            n = len(self.respondents)
            return ngettext("All {n} respondent of the round", "All {n} respondents of the round", n).format(n=n)
        return _("One respondent's answers ({respondent})").format(respondent=self.respondent_id)

    @property
    def own_answers(self) -> Mapping[str, int | None] | None:
        return self.respondents[0].answers if self.respondent_id is not None else None

    @property
    def few_people(self) -> dict[str, int]:
        """Sides whose figures rest on one or two people (their view, not a team's)."""
        return {side: n for side, n in self.counts.items() if 1 <= n <= 2}

    @property
    def few_people_note(self) -> str | None:
        """"The IT side is one person's view." for every side of one or two respondents."""
        if self.respondent_id is not None or not self.few_people:
            return None
        views = {
            ("it", 1): _("the IT side is one person's view"),
            ("it", 2): _("the IT side is two people's view"),
            ("marketing", 1): _("the marketing side is one person's view"),
            ("marketing", 2): _("the marketing side is two people's view"),
            ("other", 1): _("the other side is one person's view"),
            ("other", 2): _("the other side is two people's view"),
        }
        parts = "; ".join(views[(side, n)] for side, n in self.few_people.items())
        return _("{sides}, not a team's: read it as such.").format(sides=parts[0].upper() + parts[1:])

    @property
    def has_answers(self) -> bool:
        return any(level is not None for r in self.respondents for level in r.answers.values())

    # -- the tables every view draws (built once, on first use) ----------------------------

    @cached_property
    def dimensions(self) -> pd.DataFrame:
        return views.dimension_table(self.result)

    @cached_property
    def benchmark_table(self) -> pd.DataFrame:
        return views.benchmark_frame(self.result, self.benchmark)

    @cached_property
    def gaps(self) -> pd.DataFrame:
        return views.gap_frame(self.result)

    @cached_property
    def priorities(self) -> pd.DataFrame:
        return views.priority_frame(self.result)

    @cached_property
    def question_gaps(self) -> pd.DataFrame:
        return views.question_gap_frame(self.result)

    @property
    def top_disagreements(self) -> pd.DataFrame:
        frame = self.question_gaps[self.question_gaps["gap"].notna()]
        return frame.head(TOP_DISAGREEMENTS).reset_index(drop=True)

    @cached_property
    def recommendations(self) -> list[dict[str, object]]:
        return views.recommendations(self.result)

    @cached_property
    def references(self) -> pd.DataFrame:
        return views.reference_rows(self.result, self.respondents, self.own_answers)

    @cached_property
    def choices(self) -> pd.DataFrame:
        return views.choice_frame(self.result, self.respondents)

    @cached_property
    def branding(self) -> Branding:
        """The consultancy's name, logo, colour and footer for deliverables (neutral when unset)."""
        return self.store.branding.current()

    @cached_property
    def responses(self) -> pd.DataFrame:
        """The raw long format (BRIEF), read only when a report or download asks for it. A
        respondent (``viewer_id``) only ever gets their own answers, whatever the scope."""
        return self.store.responses_frame(self.round.id, self.respondent_id or self.viewer_id)

    @cached_property
    def target_table(self) -> pd.DataFrame:
        if self.previous is None or not self.previous.comparable:
            return progress.target_table(self.result, self.targets)
        p = self.previous
        return progress.target_table(self.result, self.targets, p.result, p.correspondence)

    @property
    def percent_of_target(self) -> float | None:
        return progress.percent_to_target(self.target_table) if self.targets else None

    @cached_property
    def change(self) -> pd.DataFrame:
        """Dimension by dimension: the previous round, this round and the signed change."""
        if self.previous is None or not self.previous.comparable:
            return progress.empty_change()
        return progress.dimension_change(self.previous.result, self.result, self.previous.correspondence)


_CARRIED = ("responses", "branding")  # read from the store: kept, a portable copy has no store


def in_language(scored: ScoredRound, lang: str | None) -> ScoredRound:
    """The same scored round, to be read in ``lang``: the questionnaire's words (dimension
    titles, levels, questions, actions, figures) from its translation for that language, the
    tables rebuilt on first use in the language then in force. Nothing is re-read or re-scored:
    a translation changes words only, so every figure is the one the round was scored with."""
    q = translations.displayed(scored.questionnaire, lang)
    twin = replace(scored, questionnaire=q, result=replace(scored.result, questionnaire=q))
    for name in _CARRIED:
        if name in scored.__dict__:
            twin.__dict__[name] = scored.__dict__[name]
    return twin


def _pick_source(sources: list[Source], wanted: str | None) -> str:
    if wanted is None:
        return benchmarks.default_source(sources)
    found = [s.key for s in sources if wanted in (s.key, s.name)]
    if len(found) == 1:
        return found[0]
    valid = ", ".join(f"{s.key} ({s.label})" for s in sources)
    raise RoundError(f"Unknown benchmark source {wanted!r}: choose one of {valid}.")


def _segment_organisation(org: Organisation, choice: BenchmarkChoice) -> Organisation:
    """The organisation as the benchmark sees it: its own segment, or the one named."""
    if choice.segment_value is None or choice.segment == "all":
        return org
    return replace(org, **{_SEGMENT_FIELD[choice.segment]: choice.segment_value})


def compare(
    store: Store,
    result: Result,
    org: Organisation,
    choice: BenchmarkChoice,
    sources: list[Source] | None = None,
) -> tuple[list[Source], BenchmarkChoice, Comparison, str | None]:
    """The sources on offer, the resolved choice, the comparison shown and, when the requested
    peer group is withheld, why (the comparison then falls back to all organisations).
    ``sources``: the sources on offer when the caller has just read them."""
    q = result.questionnaire
    if sources is None:
        sources = benchmarks.available_sources(store, q.key)
    resolved = replace(choice, source=_pick_source(sources, choice.source))
    as_seen = _segment_organisation(org, resolved)
    wanted = (resolved.segment, "all") if resolved.segment != "all" else ("all",)
    panel = benchmarks.benchmark_panel(
        store, q.key, resolved.source, as_seen, benchmarks.scores_of(result), segment_types=wanted
    )
    shown = panel[resolved.segment]
    reason = None
    if shown.benchmark is None and resolved.segment != "all":
        reason, shown = shown.reason, panel["all"]
    return sources, resolved, shown, reason


def questionnaire_of(questionnaires: Mapping[tuple[str, str], Questionnaire], rnd: Round) -> Questionnaire:
    found = questionnaires.get(rnd.questionnaire_key)
    if found is None:
        raise RoundError(
            _(
                "Round {round} was answered with questionnaire {questionnaire} version {version}, which is "
                "not installed here. Its answers are kept."
            ).format(round=rnd.id, questionnaire=rnd.questionnaire_id, version=rnd.questionnaire_version)
        )
    return found


def _previous(
    store: Store, questionnaires: Mapping[tuple[str, str], Questionnaire], rnd: Round, q: Questionnaire
) -> PreviousRound | None:
    earlier = [r for r in store.rounds_of(rnd.organisation_id) if r.created_at < rnd.created_at]
    if not earlier:
        return None
    before = earlier[-1]
    older = questionnaires.get(before.questionnaire_key)
    if older is None:
        return None
    result = score_round(older, store.respondents_of(before.id))
    return PreviousRound(before, result, correspondence(older, q, questionnaires))


def load_round(
    store: Store,
    questionnaires: Mapping[tuple[str, str], Questionnaire],
    round_id: str,
    *,
    respondent_id: str | None = None,
    choice: BenchmarkChoice | None = None,
    viewer_id: str | None = None,
    sources: list[Source] | None = None,
) -> ScoredRound:
    """Read and score one round (only one respondent's answers when ``respondent_id`` is
    given), with the chosen benchmark, targets and the previous round. ``viewer_id`` names the
    respondent looking at it: the raw answers it hands out are then that person's only."""
    return _scored(_read(store, questionnaires, round_id, sources=sources), respondent_id, choice, viewer_id)


def load_round_and_own(
    store: Store,
    questionnaires: Mapping[tuple[str, str], Questionnaire],
    round_id: str,
    respondent_id: str,
    *,
    choice: BenchmarkChoice | None = None,
    sources: list[Source] | None = None,
) -> tuple[ScoredRound | None, ScoredRound]:
    """The whole round as ``respondent_id`` sees it (their raw answers only) and their own part
    of it: the same as ``load_round(..., viewer_id=respondent_id)`` and
    ``load_round(..., respondent_id=respondent_id)``, from one read of the round. The whole
    round is None while its results are not released to respondents: it is then neither scored
    nor compared, which is most of the work when a workshop room finishes together."""
    released = store.pool.results_released(round_id)
    # Unreleased, only the respondent's own answers are read: the room's are not shown.
    only = None if released else respondent_id
    read = _read(store, questionnaires, round_id, released=released, only=only, sources=sources)
    mine = _scored(read, respondent_id, choice, None)
    if not released:
        return None, mine
    return _scored(read, None, choice, respondent_id), mine


@dataclass(frozen=True)
class _Read:
    """What every view of a round shares, read once."""

    store: Store
    round: Round
    organisation: Organisation
    questionnaire: Questionnaire
    everyone: tuple[Respondent, ...]
    sources: list[Source]
    previous: PreviousRound | None
    targets: dict[str, float]
    targets_carried_from: str | None
    finished: dict[str, int]
    results_released: bool


def _read(
    store: Store,
    questionnaires: Mapping[tuple[str, str], Questionnaire],
    round_id: str,
    *,
    released: bool | None = None,
    only: str | None = None,
    sources: list[Source] | None = None,
) -> _Read:
    """``released``: whether the round's results are released, when the caller has just read
    it. ``only``: read that respondent's answers alone (and no one's progress), for a view of
    their own part only. ``sources``: the benchmark sources on offer for the round's
    questionnaire version, when the caller has just read them (a page's picker has)."""
    rnd = store.round(round_id)
    if rnd is None:
        raise RoundError(f"No round {round_id}; `python -m assessment rounds` lists them.")
    org = store.organisation(rnd.organisation_id)
    if org is None:
        raise RoundError(_("Round {round} belongs to no known organisation.").format(round=round_id))
    q = questionnaire_of(questionnaires, rnd)
    everyone = store.respondents_of(round_id, only=only)
    previous = _previous(store, questionnaires, rnd, q)
    targets, carried = store.engagements.targets(rnd.id), None
    if not targets and previous is not None and previous.comparable:
        # Carried over where the dimension compares (another version: declared equivalents only).
        earlier = store.engagements.targets(previous.round.id).items()
        targets = {new: v for old, v in earlier if (new := previous.correspondence.dimension(old))}
        carried = previous.round.name if targets else None
    finished = {}
    if only is None:
        done = store.engagements.progress_by_side(round_id)
        finished = dict(zip(done["side"], done["finished"], strict=True))
    return _Read(
        store=store,
        round=rnd,
        organisation=org,
        questionnaire=q,
        everyone=tuple(everyone),
        sources=benchmarks.available_sources(store, q.key) if sources is None else sources,
        previous=previous,
        targets=targets,
        targets_carried_from=carried,
        finished=finished,
        results_released=store.pool.results_released(round_id) if released is None else released,
    )


def _scored(
    read: _Read, respondent_id: str | None, choice: BenchmarkChoice | None, viewer_id: str | None
) -> ScoredRound:
    store, rnd, org, q = read.store, read.round, read.organisation, read.questionnaire
    everyone, finished = read.everyone, read.finished
    if respondent_id is not None:
        everyone = tuple(r for r in everyone if r.id == respondent_id)
        if not everyone:
            raise RoundError(
                _("Respondent {respondent} did not take part in round {round}.").format(
                    respondent=respondent_id, round=rnd.id
                )
            )
        record = store.respondent(respondent_id)
        finished = {record.side: 1} if record is not None and record.completed_at is not None else {}
    result = score_round(q, list(everyone))
    sources, resolved, shown, reason = compare(store, result, org, choice or BenchmarkChoice(), read.sources)
    return ScoredRound(
        organisation=org,
        round=rnd,
        questionnaire=q,
        respondents=everyone,
        respondent_id=respondent_id,
        result=result,
        sources=tuple(sources),
        choice=resolved,
        comparison=shown,
        fallback_reason=reason,
        targets=read.targets,
        targets_carried_from=read.targets_carried_from,
        previous=read.previous,
        finished={side: int(finished.get(side, 0)) for side in SIDES},
        generated_at=datetime.now(UTC),
        store=store,
        viewer_id=viewer_id,
        results_released=read.results_released,
    )


def load_history(
    store: Store, questionnaires: Mapping[tuple[str, str], Questionnaire], organisation_id: str
) -> list[tuple[Round, Result]]:
    """Every round of an organisation scored, oldest first (rounds whose questionnaire is not
    installed are left out): the input of the over-time views."""
    out = []
    for rnd in store.rounds_of(organisation_id):
        q = questionnaires.get(rnd.questionnaire_key)
        if q is not None:
            out.append((rnd, score_round(q, store.respondents_of(rnd.id))))
    return out


@dataclass(frozen=True, eq=False)
class PeerView:
    """A benchmark seen without an organisation of one's own (the Benchmarks page before an
    assessment): the sources, the resolved choice, the comparison and its table."""

    sources: tuple[Source, ...]
    choice: BenchmarkChoice
    comparison: Comparison
    table: pd.DataFrame

    @property
    def benchmark(self) -> Benchmark | None:
        return self.comparison.benchmark


def load_peers(store: Store, questionnaire: Questionnaire, choice: BenchmarkChoice | None = None) -> PeerView:
    """All organisations of a source, with no organisation compared."""
    sources = benchmarks.available_sources(store, questionnaire.key)
    resolved = BenchmarkChoice(_pick_source(sources, (choice or BenchmarkChoice()).source), "all")
    shown = benchmarks.benchmark_panel(store, questionnaire.key, resolved.source, segment_types=("all",))["all"]
    nobody = score_round(questionnaire, [])
    return PeerView(tuple(sources), resolved, shown, views.benchmark_frame(nobody, shown.benchmark))

"""Schema 2: every new rule refuses a broken copy of the tiny fixture with the file and the dotted field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assessment.questionnaire import (
    QuestionnaireError,
    correspondence,
    latest,
    load_all,
    load_questionnaire,
)
from assessment.questionnaire_schema import MAX_BYTES, MAX_DEPTH
from tests.conftest import REAL, TINY, TINY2

STRATEGY_1 = "dimensions[0].questions[0]"
CHOICE = "dimensions[0].questions[3]"  # strategy-4


def _write(tmp_path: Path, text: str, name: str = "broken.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def _broken(tmp_path: Path, old: str, new: str, count: int = 1, source: Path = TINY2) -> Path:
    text = source.read_text()
    assert old in text, f"fixture text {old!r} not found"
    return _write(tmp_path, text.replace(old, new, count))


def _error(path: Path) -> str:
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    message = str(info.value)
    assert str(path) in message  # every message names the file
    return message


def _action_block(qid: str, step: int) -> str:
    text = TINY2.read_text()
    match = re.search(
        rf"\[\[dimensions\.questions\.actions\]\]\nstep = {step}\n(?:.*\n){{1}}action = \"Move {qid} from[^\n]*\n(?:.*\n){{2}}\n",
        text,
    )
    assert match, (qid, step)
    return match.group(0)


# The fixture and 1.0.0 ------------------------------------------------------------------------


def test_fixture_loads_with_every_new_field(tiny2):
    assert tiny2.schema == 2
    s1 = tiny2.question("strategy-1")
    assert [a.step for a in s1.actions] == [1, 2, 3, 4]
    assert [a.owner for a in s1.actions] == ["CIO", "CMO", "both", "both"]
    assert s1.action_for(2).action == "Move strategy-1 from level 2 to 3."
    assert s1.action_for(2).measure == "Measure for strategy-1 step 2."
    choice = tiny2.question("strategy-4")
    assert (choice.kind, choice.audience, choice.scored, choice.levels, choice.actions) == (
        "choice",
        "leaders",
        False,
        (),
        (),
    )
    assert choice.describe(5) == "The CIO and CMO jointly"
    assert tiny2.question("governance-3").leaders_only
    assert tiny2.dimension("privacy").reconcile.owner == "both"
    assert "strategy-4" not in {q.id for q in tiny2.scored_questions}
    fig = tiny2.references[0]
    assert (fig.publisher, fig.year, str(fig.compare)) == (
        "CMO Council and Accenture",
        2010,
        "share_at_or_below:2",
    )
    assert fig.attribution.endswith("(2010)")
    assert tiny2.references[1].source == ""  # the seed file is optional in schema 2
    assert tiny2.continuity.from_version == "1.0.0"


def test_released_1_0_0_loads_as_before(real):
    assert real.schema == 1 and real.continuity is None
    assert all(q.kind == "scale" and q.audience == "all" and not q.actions for q in real.questions)
    assert all(d.reconcile is None for d in real.dimensions)
    assert all(r.compare is None and r.year is None for r in real.references)
    assert len(real.questions) == 32 and real.word_count() == 2856


def test_questions_for_a_team_member_leave_out_leaders_only(tiny2):
    team = {q.id for q in tiny2.questions_for("Marketing team member")}
    leader = {q.id for q in tiny2.questions_for("CMO")}
    assert leader == {q.id for q in tiny2.questions}
    assert leader - team == {"strategy-2", "strategy-4", "governance-3"}


# Question kinds and audiences -----------------------------------------------------------------


def test_unknown_schema(tmp_path):
    assert "schema: expected 1 or 2, found 3" in _error(_broken(tmp_path, "schema = 2", "schema = 3"))


def test_bad_kind_and_audience(tmp_path):
    text = (
        TINY2.read_text()
        .replace('kind = "choice"', 'kind = "multiple"')
        .replace('audience = "leaders"', 'audience = "board"', 1)
    )
    message = _error(_write(tmp_path, text))
    assert f"{CHOICE}.kind: expected one of 'scale', 'choice', found 'multiple'" in message
    assert "dimensions[0].questions[1].audience: expected one of 'all', 'leaders', found 'board'" in message


def test_choice_question_has_no_levels_weight_or_actions(tmp_path):
    path = _broken(
        tmp_path,
        'options = ["The CIO"',
        'weight = 2\nlevels = ["a", "b", "c", "d", "e"]\noptions = ["The CIO"',
    )
    message = _error(path)
    assert f"{CHOICE}.levels: not allowed on a choice question" in message
    assert f"{CHOICE}.weight: not allowed on a choice question" in message


def test_choice_question_needs_five_distinct_options(tmp_path):
    path = _broken(tmp_path, '"The CEO", ', "")
    assert f"{CHOICE}.options: expected 5 options, found 4" in _error(path)
    path = _broken(tmp_path, '"The CEO", ', '"The CIO", ')
    assert f"{CHOICE}.options[3]: duplicate option 'The CIO'" in _error(path)


def test_scale_question_cannot_have_options(tmp_path):
    path = _broken(
        tmp_path,
        'text = "Shared strategy question 1?"',
        'text = "Shared strategy question 1?"\noptions = ["a"]',
    )
    assert f"{STRATEGY_1}.options: only a choice question" in _error(path)


def test_dimension_needs_a_scale_question(tmp_path):
    text = TINY2.read_text()
    for qid in ("privacy-1", "privacy-2", "privacy-3"):
        text = re.sub(
            rf'id = "{qid}"\ntext = "([^"]*)"\nlevels = \[[^\]]*\]\n',
            rf'id = "{qid}"\nkind = "choice"\ntext = "\1"\noptions = ["a", "b", "c", "d", "e"]\n',
            text,
        )
        for step in (1, 2, 3, 4):
            text = text.replace(_action_block(qid, step), "")
    message = _error(_write(tmp_path, text))
    assert "dimensions[2].questions: no scale question" in message


# The action library ---------------------------------------------------------------------------


def test_schema_2_scale_question_needs_actions(tmp_path):
    text = TINY2.read_text()
    for step in (1, 2, 3, 4):
        text = text.replace(_action_block("strategy-1", step), "")
    assert f"{STRATEGY_1}.actions: missing: a scale question needs one action per step 1 to 4" in _error(
        _write(tmp_path, text)
    )


def test_every_step_needs_exactly_one_action(tmp_path):
    text = TINY2.read_text().replace(_action_block("strategy-1", 3), "")
    assert f"{STRATEGY_1}.actions: no action for step 3" in _error(_write(tmp_path, text))
    block = _action_block("strategy-1", 2)
    text = TINY2.read_text().replace(block, block + block)
    assert f"{STRATEGY_1}.actions[2].step: step 2 already has an action" in _error(_write(tmp_path, text))


@pytest.mark.parametrize("step", ["0", "5", '"1"', "true"])
def test_action_step_is_1_to_4(tmp_path, step):
    block = _action_block("strategy-1", 1)
    path = _broken(tmp_path, block, block.replace("step = 1", f"step = {step}"))
    message = _error(path)
    assert f"{STRATEGY_1}.actions[0].step: expected 1, 2, 3 or 4" in message
    assert f"{STRATEGY_1}.actions: no action for step 1" in message


def test_action_owner_and_fields(tmp_path):
    block = _action_block("strategy-1", 1)
    broken = block.replace('owner = "CIO"', 'owner = "CDO"').replace(
        'measure = "Measure for strategy-1 step 1."\n', ""
    )
    message = _error(_broken(tmp_path, block, broken))
    assert f"{STRATEGY_1}.actions[0].owner: expected one of 'CIO', 'CMO', 'both', found 'CDO'" in message
    assert f"{STRATEGY_1}.actions[0].measure: missing required key" in message
    path = _broken(tmp_path, 'first_step = "First step for strategy-1 step 4."', 'first_step = "  "')
    assert f"{STRATEGY_1}.actions[3].first_step: expected non-empty text" in _error(path)


def test_schema_1_actions_are_optional_but_checked(tmp_path, tiny):
    assert all(not q.actions for q in tiny.questions)
    block = '\n[[dimensions.questions.actions]]\nstep = 1\nowner = "CFO"\naction = "a"\nfirst_step = "b"\nmeasure = "c"\n'
    path = _broken(tmp_path, 'reference = "agenda-it"\n', 'reference = "agenda-it"\n' + block, source=TINY)
    message = _error(path)
    assert f"{STRATEGY_1}.actions[0].owner: expected one of" in message
    assert f"{STRATEGY_1}.actions: no action for step 2, 3, 4" in message


def test_reconcile_action(tmp_path):
    text = TINY2.read_text()
    block = re.search(r"\[dimensions\.reconcile\]\n(?:.+\n)+\n", text).group(0)
    message = _error(_write(tmp_path, text.replace(block, "", 1)))
    assert "dimensions[0].reconcile: missing: schema 2 needs a 'reconcile first' action" in message
    message = _error(
        _write(tmp_path, text.replace(block, block.replace("owner = ", "step = 1\nowner = "), 1))
    )
    assert "dimensions[0].reconcile.step: unknown key" in message


# Published figures ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["publisher", "survey", "year", "compare"])
def test_schema_2_figures_must_be_traceable(tmp_path, field):
    text = TINY2.read_text()
    line = re.search(rf"^{field} = .*\n", text, re.M).group(0)
    assert f"references[0].{field}: missing required key" in _error(
        _write(tmp_path, text.replace(line, "", 1))
    )


def test_schema_1_figures_still_need_seed_and_citation(tmp_path):
    path = _broken(tmp_path, 'citation = "CIO & CMO: Are you Soul Mates? (2012)"\n', "", source=TINY)
    assert "references[0].citation: missing required key" in _error(path)


@pytest.mark.parametrize("year", ["1890", '"2010"', "2010.5"])
def test_figure_year(tmp_path, year):
    assert "references[0].year: expected the year of publication" in _error(
        _broken(tmp_path, "year = 2010", f"year = {year}")
    )


@pytest.mark.parametrize(
    ("compare", "message"),
    [
        ('"share_below:2"', "expected 'share_at_or_below:N' or 'share_option:N'"),
        ('"share_at_or_below:5"', "level 5: expected 1 to 4"),
        ('"share_at_or_below:0"', "level 0: expected 1 to 4"),
        ('"share_option:2"', "'share_option' needs a choice question; 'strategy-1' is a scale question"),
        ("2", "expected 'share_at_or_below:N' or 'share_option:N', found 2"),
    ],
)
def test_compare_on_a_scale_question(tmp_path, compare, message):
    assert f"references[0].compare: {message}" in _error(
        _broken(tmp_path, 'compare = "share_at_or_below:2"', f"compare = {compare}")
    )


@pytest.mark.parametrize(
    ("compare", "message"),
    [
        ('"share_option:6"', "option 6: expected 1 to 5"),
        (
            '"share_at_or_below:2"',
            "'share_at_or_below' needs a scale question; 'strategy-4' is a choice question",
        ),
    ],
)
def test_compare_on_a_choice_question(tmp_path, compare, message):
    assert f"references[1].compare: {message}" in _error(
        _broken(tmp_path, 'compare = "share_option:2"', f"compare = {compare}")
    )


def test_compare_needs_the_published_percent(tmp_path):
    assert "references[0].percent: missing: a figure with 'compare' needs the published percentage" in _error(
        _broken(tmp_path, "percent = 58\n", "")
    )


def test_figure_url_must_be_http(tmp_path):
    path = _broken(tmp_path, "year = 2010\n", 'year = 2010\nurl = "javascript:alert(1)"\n')
    assert "references[0].url: expected an http(s) address" in _error(path)


# Continuity -----------------------------------------------------------------------------------


def test_continuity_maps_older_to_newer(tiny, tiny2):
    c = correspondence(tiny, tiny2)
    assert c.older == ("tiny", "1.0.0") and c.newer == ("tiny", "2.0.0")
    assert c.dimension("strategy") == "strategy"
    assert c.dimension("data") is None  # dropped in 2.0.0: not comparable
    assert c.question("governance-2") == "governance-1"  # renumbered, meaning kept
    assert c.question("governance-1") is None
    assert correspondence(tiny2, tiny) == c  # either order
    same = correspondence(tiny2, tiny2)
    assert same.dimensions == {d: d for d in tiny2.dimension_ids}
    assert "strategy-4" in same.questions


def test_continuity_chains_through_installed_versions(tmp_path, tiny, tiny2):
    three = TINY2.read_text().replace('version = "2.0.0"', 'version = "3.0.0"')
    three = three.replace('from = "1.0.0"', 'from = "2.0.0"').replace(
        'dimensions = { strategy = "strategy", governance = "governance" }',
        'dimensions = { governance = "governance", privacy = "privacy" }',
    )
    three = three.replace(
        'questions = { "strategy-1" = "strategy-1", "governance-1" = "governance-2" }',
        'questions = { "governance-2" = "governance-1" }',
    )
    (tmp_path / "a.toml").write_text(TINY.read_text())
    (tmp_path / "b.toml").write_text(TINY2.read_text())
    (tmp_path / "c.toml").write_text(three)
    installed = load_all(tmp_path)
    v3 = latest(installed, "tiny")
    assert v3.version == "3.0.0"
    c = correspondence(tiny, v3, installed)
    assert c.dimensions == {"governance": "governance"}  # strategy was dropped by the 2 -> 3 step
    assert c.questions == {
        "governance-2": "governance-2"
    }  # 1.0 governance-2 -> 2.0 governance-1 -> 3.0 governance-2
    assert not correspondence(tiny, v3).comparable  # without the middle version: not comparable


def test_continuity_ids_must_exist_in_this_file(tmp_path):
    path = _broken(
        tmp_path,
        'dimensions = { strategy = "strategy", governance = "governance" }',
        'dimensions = { strategy = "strategy", budget = "governance", privacy = "Gov!" }',
    )
    message = _error(path)
    assert "continuity.dimensions.budget: 'budget' is not a dimension of this file" in message
    assert (
        "continuity.dimensions.privacy: expected the id of a dimension of the earlier version, found 'Gov!'"
        in message
    )
    path = _broken(tmp_path, '"governance-1" = "governance-2"', '"governance-9" = "governance-2"')
    assert "continuity.questions.governance-9: 'governance-9' is not a question of this file" in _error(path)


def test_continuity_is_one_to_one(tmp_path):
    path = _broken(
        tmp_path, 'governance = "governance" }', 'governance = "governance", privacy = "governance" }'
    )
    assert "continuity.dimensions.privacy: 'governance' is already mapped to 'governance'" in _error(path)


def test_continuity_leaves_out_choice_questions(tmp_path):
    path = _broken(tmp_path, '"governance-1" = "governance-2"', '"strategy-4" = "strategy-3"')
    assert "continuity.questions.strategy-4: a choice question is unscored" in _error(path)


@pytest.mark.parametrize("version", ['"2.0.0"', '"3.1.0"', '"one"'])
def test_continuity_comes_from_an_earlier_version(tmp_path, version):
    message = _error(_broken(tmp_path, 'from = "1.0.0"', f"from = {version}"))
    assert "continuity.from:" in message


def test_continuity_checked_against_the_installed_older_version(tmp_path):
    (tmp_path / "a.toml").write_text(TINY.read_text())
    (tmp_path / "b.toml").write_text(
        TINY2.read_text()
        .replace('governance = "governance" }', 'governance = "govern" }')
        .replace('"governance-1" = "governance-2"', '"governance-1" = "governance-7"')
    )
    with pytest.raises(QuestionnaireError) as info:
        load_all(tmp_path)
    message = str(info.value)
    assert str(tmp_path / "b.toml") in message
    assert "continuity.dimensions.governance: 'govern' is not a dimension of 1.0.0" in message
    assert "continuity.questions.governance-1: 'governance-7' is not a question of 1.0.0" in message


def test_sources_are_optional_in_schema_2(tmp_path, tiny2):
    assert tiny2.question("strategy-1").sources == ()
    path = _broken(
        tmp_path,
        'text = "Shared strategy question 1?"',
        'text = "Shared strategy question 1?"\nsources = ["forbes"]',
    )
    assert f"{STRATEGY_1}.sources[0]: expected a seed file name" in _error(path)


# Hostile files --------------------------------------------------------------------------------


def test_huge_file_is_refused_before_parsing(tmp_path):
    path = _write(tmp_path, TINY2.read_text() + "# " + "x" * MAX_BYTES + "\n")
    message = _error(path)
    assert f"larger than {MAX_BYTES:,} bytes" in message


def test_deeply_nested_file_is_refused(tmp_path):
    deep = TINY2.read_text() + "\n[extra]\nvalue = " + "[" * 30 + "]" * 30 + "\n"
    message = _error(_write(tmp_path, deep))
    assert f"at most {MAX_DEPTH} are allowed" in message
    assert "extra" not in message  # refused whole, before any field is looked at


def test_very_deeply_nested_file_does_not_crash(tmp_path):
    path = _write(tmp_path, "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    message = _error(path)
    assert "nested" in message


def test_real_1_0_0_is_not_affected_by_the_caps():
    assert REAL.stat().st_size < MAX_BYTES / 10


def test_schema_2_figure_source_may_be_a_web_address(tmp_path):
    path = _broken(
        tmp_path, 'source = "004_a69fc6c933fa0db2.txt"', 'source = "https://example.org/survey-2021"'
    )
    assert load_questionnaire(path).references[0].source == "https://example.org/survey-2021"
    path = _broken(tmp_path, 'source = "004_a69fc6c933fa0db2.txt"', 'source = "a blog"')
    assert "references[0].source: expected a seed file name or an http(s) address, found 'a blog'" in _error(
        path
    )
    path = _broken(
        tmp_path, 'source = "004_a69fc6c933fa0db2.txt"', 'source = "https://example.org"', source=TINY
    )
    assert "references[0].source: expected a seed file name, found" in _error(path)  # schema 1 as released


# Fuzzing the schema-2 fields: a mutated file loads whole or is refused with the file named.

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as hst  # noqa: E402


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=hst.integers(0, 20_000),
    length=hst.integers(0, 60),
    insert=hst.text(alphabet=hst.sampled_from(list('=[]{}"\\,.-_ \n\t#:abc0123456789')), max_size=30),
)
def test_mutated_schema_2_file_is_loaded_or_refused_whole(tmp_path, cut, length, insert):
    text = TINY2.read_text()
    cut = min(cut, len(text))
    path = _write(tmp_path, text[:cut] + insert + text[cut + length :], "fuzz.toml")
    try:
        q = load_questionnaire(path)
    except QuestionnaireError as exc:
        assert str(path) in str(exc)
        return
    assert all(len(x.answers) == 5 for x in q.questions)
    assert all(len(x.actions) == 4 for x in q.scored_questions)


@settings(max_examples=200, deadline=None)
@given(
    value=hst.recursive(
        hst.none() | hst.booleans() | hst.integers() | hst.floats(allow_nan=True) | hst.text(max_size=5),
        lambda inner: (
            hst.lists(inner, max_size=3) | hst.dictionaries(hst.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=8,
    ),
    field=hst.sampled_from(
        [
            "kind",
            "audience",
            "options",
            "actions",
            "reconcile",
            "compare",
            "year",
            "question",
            "continuity",
            "schema",
        ]
    ),
)
def test_any_value_in_a_new_field_is_a_named_problem_not_a_crash(value, field):
    import tomllib

    from assessment.questionnaire import parse_questionnaire

    data = tomllib.loads(TINY2.read_text())
    if field in ("kind", "audience", "options", "actions"):
        data["dimensions"][0]["questions"][3 if field in ("kind", "options") else 0][field] = value
    elif field == "reconcile":
        data["dimensions"][1]["reconcile"] = value
    elif field in ("compare", "year", "question"):
        data["references"][0][field] = value
    else:
        data[field] = value
    try:
        parse_questionnaire(data, "fuzz.toml")
    except QuestionnaireError as exc:
        assert exc.problems and all(": " in p for p in exc.problems)

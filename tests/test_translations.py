"""Questionnaire translations: complete or refused, words only, one round whatever the language."""

from __future__ import annotations

import json
import shutil

import pytest

from assessment import i18n, translations
from assessment.questionnaire import QuestionnaireError, load_all, load_questionnaire
from assessment.scoring import Respondent, score_round
from tests.conftest import ROOT

SOURCE = ROOT / "tests" / "data" / "tiny-2.0.0.toml"


def _toml(value) -> str:
    # A JSON string is a valid TOML basic string (same escapes).
    return json.dumps(value, ensure_ascii=False)


def write_translation(q, lang: str, drop: str | None = None, extra: str = "") -> str:
    """A complete translation of ``q`` with every text prefixed by the language code."""
    t = lambda text: f"[{lang}] {text}"  # noqa: E731
    lines = [f'language = "{lang}"', f'source_version = "{q.version}"', f"title = {_toml(t(q.title))}",
             f"description = {_toml(t(q.description))}"]  # fmt: skip
    for lv in q.levels:
        lines += [f"[levels.{lv.value}]", f"name = {_toml(t(lv.name))}", f"summary = {_toml(t(lv.summary))}"]
    for d in q.dimensions:
        lines += [f"[dimensions.{d.id}]", f"title = {_toml(t(d.title))}", f"description = {_toml(t(d.description))}"]
        if d.reconcile:
            lines += [f"[dimensions.{d.id}.reconcile]"] + [
                f"{f} = {_toml(t(getattr(d.reconcile, f)))}" for f in ("action", "first_step", "measure")
            ]
    for x in q.questions:
        field = "levels" if x.kind == "scale" else "options"
        lines += [f'[questions."{x.id}"]', f"text = {_toml(t(x.text))}", f"{field} = {_toml([t(a) for a in x.answers])}"]
        for a in x.actions:
            lines += [f'[questions."{x.id}".actions.{a.step}]'] + [
                f"{f} = {_toml(t(getattr(a, f)))}" for f in ("action", "first_step", "measure")
            ]
    for ref in q.references:
        lines += [f"[references.{ref.id}]"] + [
            f"{f} = {_toml(t(getattr(ref, f)))}" for f in ("statement", "population", "citation")
        ]
    text = "\n".join(line for line in lines if drop is None or not line.startswith(drop)) + "\n" + extra
    return text


@pytest.fixture
def tiny2(tmp_path):
    shutil.copy(SOURCE, tmp_path / SOURCE.name)
    return load_questionnaire(tmp_path / SOURCE.name)


def test_a_complete_translation_changes_words_only(tiny2, tmp_path):
    (tmp_path / "tiny-2.0.0.fr.toml").write_text(write_translation(tiny2, "fr"))
    assert translations.available(tiny2) == ["en", "fr"]
    fr = translations.load_translation(tiny2, "fr")
    assert fr.key == tiny2.key and fr.title.startswith("[fr] ")
    assert [x.id for x in fr.questions] == [x.id for x in tiny2.questions]
    first = fr.questions[0]
    assert all(a.startswith("[fr] ") for a in first.answers)
    assert first.weight == tiny2.questions[0].weight and first.audience == tiny2.questions[0].audience
    assert all(a.action.startswith("[fr] ") and a.owner in ("CIO", "CMO", "both") for a in first.actions)
    assert fr.level_name(1) == f"[fr] {tiny2.level_name(1)}"
    # The same answers score the same in either language: one round, whatever people read.
    answers = {x.id: 3 for x in tiny2.scored_questions}
    people = [Respondent("a", "it", answers, {}), Respondent("b", "marketing", {k: 4 for k in answers}, {})]
    assert score_round(fr, people).overall == score_round(tiny2, people).overall
    # A translation file is not a questionnaire of its own.
    assert set(load_all(tmp_path)) == {tiny2.key}


def test_a_missing_text_is_refused_naming_file_and_field(tiny2, tmp_path):
    (tmp_path / "tiny-2.0.0.de.toml").write_text(write_translation(tiny2, "de", drop="summary"))
    with pytest.raises(QuestionnaireError) as err:
        translations.load_translation(tiny2, "de")
    assert "tiny-2.0.0.de.toml" in str(err.value) and "levels.1.summary: missing or empty text" in str(err.value)


def test_an_extra_or_wrong_field_is_refused(tiny2, tmp_path):
    (tmp_path / "tiny-2.0.0.es.toml").write_text(
        write_translation(tiny2, "es", extra='[questions."strategy-99"]\ntext = "?"\n')
    )
    with pytest.raises(QuestionnaireError, match=r"questions.strategy-99: not in the source"):
        translations.load_translation(tiny2, "es")
    (tmp_path / "tiny-2.0.0.es.toml").write_text(write_translation(tiny2, "fr"))
    with pytest.raises(QuestionnaireError, match="language: expected 'es'"):
        translations.load_translation(tiny2, "es")


def test_language_choice_takes_the_first_supported_candidate():
    # link, session, round default, browser: in that order, unknown ones skipped
    assert translations.pick_language("de", "fr", None, "fr-FR") == "de"
    assert translations.pick_language(None, None, "es", "fr-FR") == "es"
    assert translations.pick_language("xx", None, None, "fr_CA") == "fr"
    assert translations.pick_language("xx", None, None, "pt-BR") == "en"


def test_installed_translations_are_complete(current):
    """Every translation shipped beside the current questionnaire loads and is complete."""
    for lang in translations.available(current)[1:]:
        q = translations.load_translation(current, lang)
        assert len(q.questions) == len(current.questions)


def test_a_respondent_answers_in_the_language_of_the_link(tmp_path, monkeypatch, db_path, current):
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP

    shutil.copy(current.path, tmp_path / "q.toml")
    q = load_questionnaire(tmp_path / "q.toml")
    (tmp_path / "q.fr.toml").write_text(write_translation(q, "fr"))
    monkeypatch.setenv("TANDEM_QUESTIONNAIRES", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=30)
    # AppTest formats widget options in the test's thread: read them in the page's language.
    with i18n.using("fr"):
        at.query_params["lang"] = "fr"
        at.run()
        assert not at.exception
        assert at.selectbox(key="tandem_language_pick").value == "fr"
        at.text_input(key="start_org").input("Lyon Co")
        at.button(key="start_go").click().run()
        assert not at.exception
        first = q.dimensions[0]
        assert any(s.value.endswith(f"[fr] {first.title}") for s in at.header)
        radio = next(r for r in at.radio if r.key and r.key.startswith("qn_"))
        assert all("[fr]" in o for o in radio.options[:-1])  # the last: "don't know", from the app's catalog
        radio.set_value(3)
        at.button(key="qn_next").click().run()
        at.button(key="qn_back").click().run()
        assert not at.exception
    # Back to English as the sidebar picker does it (AppTest's reruns skip app.py, which draws
    # the sidebar): the same answer, in English words.
    at.session_state["tandem_language"] = "en"
    at.query_params["lang"] = "en"
    at.run()
    assert any(s.value.endswith(first.title) and "[fr]" not in s.value for s in at.header)
    assert at.radio(key=radio.key).value == 3


def test_questionnaire_check_lang_names_the_file_and_the_id(tmp_path, capsys, current):
    from assessment.cli import main

    shutil.copy(current.path, tmp_path / "q.toml")
    q = load_questionnaire(tmp_path / "q.toml")
    (tmp_path / "q.fr.toml").write_text(write_translation(q, "fr"))
    assert main(["questionnaire", "check", str(tmp_path / "q.toml"), "--lang", "fr"]) == 0
    assert "Français (fr): complete: q.fr.toml" in capsys.readouterr().out

    first = q.questions[0]
    broken = write_translation(q, "fr", drop=f"text = {_toml(f'[fr] {first.text}')}", extra='[questions."nope"]\ntext = "x"\n')
    (tmp_path / "q.fr.toml").write_text(broken)
    assert main(["questionnaire", "check", str(tmp_path / "q.toml"), "--lang", "fr", "--lang", "de"]) == 1
    err = capsys.readouterr().err
    assert "q.fr.toml" in err and first.id in err and "nope" in err
    assert "Deutsch (de): no translation file" in err

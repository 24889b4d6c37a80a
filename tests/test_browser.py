"""Real browser: a CIO's whole journey, a CMO joining and the gap appearing, a bad personal link.

Drives Debian's Chromium (never a downloaded browser) against `streamlit run app.py` on a free
port, with a fresh database seeded with the labelled synthetic sample.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pptx import Presentation

from assessment import auth, config
from assessment.questionnaire import latest, load_all

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT = 15_000  # ms; the machine has two cores and every answer reruns the app
CURRENT = latest(load_all(ROOT / "questionnaires"), config.QUESTIONNAIRE_ID)  # what new rounds use
PER_STEP = [len(d.questions) for d in CURRENT.dimensions]  # a CIO or CMO is asked every question
TOTAL = sum(PER_STEP)
STEPS = len(PER_STEP)
CSV_HEADER = (
    "questionnaire_id,questionnaire_version,organisation,round,respondent,side,question_id,"
    "dimension_id,level,answered_at"
)

CONSOLE_PASSWORD = "browser console password"

# Accessibility: axe-core from node_modules (`make test-tools` installs the version pinned in
# package-lock.json); it is injected into the page, never fetched at test time.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
AXE_RESULTS: dict[str, list[dict]] = {}

expect.set_options(timeout=TIMEOUT)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


@contextmanager
def _app_server(port: int, env: dict[str, str], args: list[str], log_path: Path):
    """A Tandem server on loopback, healthy before it is used, stopped by its PID."""
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "assessment", "serve", "--server.headless", "true",
             "--server.address", "127.0.0.1", "--server.port", str(port),
             "--browser.gatherUsageStats", "false", *args],
            cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                if proc.poll() is not None:
                    pytest.fail(f"streamlit exited with {proc.returncode}:\n{_tail(log_path)}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                        if resp.read().decode().strip() == "ok":
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"streamlit not healthy after 30 s:\n{_tail(log_path)}")
                time.sleep(0.25)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)



@pytest.fixture(scope="module")
def base_url():
    """The shared server of the journeys below: a seeded database, the console password set."""
    with tempfile.TemporaryDirectory(prefix="tandem-browser-") as tmp:
        db = str(Path(tmp) / "tandem.duckdb")
        subprocess.run(
            [sys.executable, "-m", "assessment", "seed-demo", "--db", db, "--orgs", "30"],
            cwd=ROOT,
            check=True,
        )
        env = {"TANDEM_DB": db, auth.ENV_VAR: auth.hash_password(CONSOLE_PASSWORD)}
        with _app_server(_free_port(), env, ["--server.fileWatcherType", "none"], Path(tmp) / "streamlit.log") as url:
            yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    yield context.new_page()
    context.close()


def progress(page: Page) -> int:
    """How many questions the progress bar says are answered."""
    text = page.get_by_text(re.compile(rf"\d+ of {TOTAL} questions answered")).inner_text()
    return int(text.split(" of ")[0])


def wait_for_rerun(page: Page, answered: int | None = None) -> None:
    """Every button reruns the app: wait until the progress text shows `answered` (redrawn once
    the step is saved) and no element of the previous run is left over."""
    if answered is not None:
        expect(page.get_by_text(f"{answered} of {TOTAL} questions answered", exact=True)).to_be_visible()
    expect(page.locator("[data-stale='true']")).to_have_count(0)
    expect(page.get_by_test_id("stStatusWidgetRunningIcon")).to_have_count(0)


def option(group, level: int):
    """A question's answer ``level`` (1-5): its level, or a choice question's option, by position."""
    return group.locator("label:has(input[type=radio])").nth(level - 1)


def alternate(a: int, b: int) -> list[int]:
    """One level per step: a, b, a, b, ..."""
    return [a if i % 2 == 0 else b for i in range(STEPS)]


def answer_step(page: Page, level: int, step: int) -> None:
    """Pick the given level for every question of the current step. The step is a form: a pick
    stays in the browser (no rerun, the progress does not move) until a button saves the step."""
    wait_for_rerun(page)
    groups = page.get_by_test_id("stRadio")
    expect(groups).to_have_count(PER_STEP[step - 1])
    done = progress(page)
    for i in range(PER_STEP[step - 1]):
        option(groups.nth(i), level).click()
        expect(option(groups.nth(i), level).locator("input[type=radio]")).to_be_checked()
    assert progress(page) == done


def expect_step(page: Page, step: int) -> None:
    expect(page.get_by_text(re.compile(rf"^Step {step} of {STEPS}"))).to_be_visible()
    wait_for_rerun(page)


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()


def expect_charts(page: Page, at_least: int) -> None:
    drawn = page.get_by_test_id("stVegaLiteChart").locator("canvas, svg")
    expect(drawn.nth(at_least - 1)).to_be_attached()
    assert drawn.count() >= at_least


def screenshot(page: Page, name: str) -> None:
    """The whole page: Streamlit scrolls inside stMain, so grow the viewport to its height first."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    height = page.get_by_test_id("stMain").evaluate("el => el.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        wait_for_rerun(page)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
    finally:
        page.set_viewport_size(size)


def check_accessibility(page: Page, state: str, lang: str = "en") -> None:
    """Run axe-core on the page as it is now; fail on any serious or critical violation. Every
    state's findings go to test-artifacts/axe.json."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make test-tools` (npm ci) to install axe-core.")
    # axe judges the page at rest: the pointer left on the tab just clicked would otherwise be
    # judged in Streamlit's own hover colours (listed in the README's accessibility notes).
    page.mouse.move(0, 0)
    wait_for_rerun(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    AXE_RESULTS[state] = found
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe.json").write_text(json.dumps(AXE_RESULTS, indent=1), encoding="utf-8")
    blocking = [v for v in found if v["impact"] in BLOCKING]
    assert not blocking, f"{state}: " + "; ".join(
        f"{v['id']} ({v['nodes']}): {v['targets']}" for v in blocking
    )
    # Every chart shown (hidden tabs may not draw theirs) has an accessible name, its summary,
    # and a table of its figures beside it.
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
            .filter(c => c.checkVisibility()).every(c => c.querySelector('svg, canvas'))"""
    )
    names = page.get_by_test_id("stVegaLiteChart").evaluate_all(
        "charts => charts.filter(c => c.checkVisibility()).map(c => c.ariaLabel || '')"
    )
    assert all(len(name) > 40 for name in names), f"{state}: a chart without a summary as its name: {names}"
    tables = page.get_by_test_id("stExpander").filter(has_text=figures_table_words(lang))
    assert tables.count() >= len(names), f"{state}: {len(names)} charts, {tables.count()} tables of figures"


def figures_table_words(lang: str) -> str:
    """The fixed words of a chart's "{chart}: the figures as a table" expander in ``lang``."""
    from assessment import i18n

    with i18n.using(lang):
        template = i18n._("{chart}: the figures as a table")
    return max(template.split("{chart}"), key=len).strip(" :\u00a0\u202f")


PHONE = {"width": 390, "height": 844}
CHARTS_JS = """[...document.querySelectorAll('[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')]"""


def phone_width(page: Page, name: str) -> None:
    """The page at a phone's 390 px: nothing scrolls sideways and no chart runs off the screen."""
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        wait_for_rerun(page)
        try:  # Vega redraws charts at the new width: wait for that, then measure
            page.wait_for_function(f"() => {CHARTS_JS}.every(e => e.getBoundingClientRect().right <= innerWidth + 1)",
                                   timeout=5_000)  # fmt: skip
        except PlaywrightTimeoutError:
            pass  # measured below: the assertion says what is off
        measured = page.evaluate(
            """() => {
                const CHARTS = """ + CHARTS_JS + """;
                const main = document.querySelector('[data-testid="stMain"]');
                const off = CHARTS.filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).length;
                return {sideways: main.scrollWidth - main.clientWidth, charts_off_screen: off};
            }"""
        )
        screenshot(page, name)
    finally:
        page.set_viewport_size(size)
    assert measured == {"sideways": 0, "charts_off_screen": 0}, measured


def expect_no_exception(page: Page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)


def start_new(page: Page, url: str, organisation: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name=re.compile("Tandem"))).to_be_visible()
    check_accessibility(page, "start: new assessment")
    page.get_by_label("Organisation name").fill(organisation)
    side = page.get_by_test_id("stRadio").filter(has_text="Which side of the house are you on?")
    expect(side.get_by_role("radio", name="IT (CIO and IT leadership)")).to_be_checked()
    click(page, "Start the assessment")
    expect_step(page, 1)
    wait_for_rerun(page, 0)


def answer_all(page: Page, levels: list[int]) -> None:
    """From step 1, answer every step (levels[i] for step i + 1) and finish."""
    for step, level in enumerate(levels, start=1):
        expect_step(page, step)
        answer_step(page, level, step)
        click(page, "Next →" if step < STEPS else "Finish and see results")
    expect_results(page)


def expect_results(page: Page) -> None:
    expect(page.get_by_role("heading", name="Against the benchmark")).to_be_visible()
    expect_no_exception(page)


def test_a_deep_link_first_after_start_shows_tandems_own_navigation(base_url: str, page: Page) -> None:
    """The first visit after the server starts is to /console (this test runs first in the file):
    the page is routed like any other, with Tandem's sidebar and no list of raw file names."""
    page.goto(base_url + "/console")
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name="Consultant sign-in")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Start")).to_be_visible()
    for raw in ("app", "console", "workshop", "about"):
        expect(sidebar.get_by_role("link", name=raw, exact=True)).to_have_count(0)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)
    expect_no_exception(page)


def test_self_assessment_journey(base_url: str, page: Page) -> None:
    start_new(page, base_url, "Acme Browser Test")

    answer_step(page, 3, 1)
    screenshot(page, "questionnaire.png")
    check_accessibility(page, "questionnaire")
    phone_width(page, "questionnaire-phone.png")
    click(page, "Next →")
    expect_step(page, 2)
    wait_for_rerun(page, PER_STEP[0])  # Next saved the step
    answer_step(page, 2, 2)
    click(page, "Next →")
    expect_step(page, 3)

    # Closing the tab and coming back with the personal link: the URL carries ?r=TOKEN&step=3.
    assert re.search(r"[?&]r=[^&]+", page.url) and "step=3" in page.url
    page.reload()
    expect_step(page, 3)
    wait_for_rerun(page, PER_STEP[0] + PER_STEP[1])
    click(page, "← Back")
    expect_step(page, 2)
    groups = page.get_by_test_id("stRadio")
    expect(groups).to_have_count(PER_STEP[1])
    for i in range(PER_STEP[1]):
        expect(option(groups.nth(i), 2).locator("input[type=radio]")).to_be_checked()
    click(page, "← Back")
    expect_step(page, 1)
    expect(groups).to_have_count(PER_STEP[0])
    for i in range(PER_STEP[0]):
        expect(option(groups.nth(i), 3).locator("input[type=radio]")).to_be_checked()
    click(page, "Next →")
    expect_step(page, 2)
    click(page, "Next →")

    for step, level in zip(range(3, STEPS + 1), [(4, 3, 5, 2)[i % 4] for i in range(STEPS - 2)], strict=True):
        expect_step(page, step)
        answer_step(page, level, step)
        click(page, "Next →" if step < STEPS else "Finish and see results")

    expect_results(page)
    expect(page.get_by_text("Acme Browser Test ·", exact=False).first).to_be_visible()
    # The benchmark's caption names the source (the chart's own table caption may repeat it).
    expect(page.get_by_test_id("stCaptionContainer").filter(has_text="Benchmark: Synthetic sample")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="Maturity level")).to_be_visible()
    expect_charts(page, 2)
    expect_no_exception(page)
    screenshot(page, "results-self-assessment.png")
    check_accessibility(page, "results: one side")
    phone_width(page, "results-phone.png")

    with page.expect_download() as info:
        click(page, "Download my answers (CSV)")
    csv_text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith(CSV_HEADER)
    assert len(lines) == 1 + TOTAL
    assert all(",Acme Browser Test," in line for line in lines[1:])

    # The HTML report: one click from the format to the file, then opened offline in the browser.
    page.get_by_test_id("stRadio").filter(has_text="Format").get_by_text("HTML report", exact=False).click()
    wait_for_rerun(page)
    with page.expect_download() as info:
        click(page, "Download the HTML report (one file, opens offline)")
    assert re.fullmatch(r"tandem-acme-browser-test-.+-report-\d{4}-\d\d-\d\d\.html", info.value.suggested_filename)
    report = ARTIFACTS / "report.html"
    ARTIFACTS.mkdir(exist_ok=True)
    info.value.save_as(report)
    html = report.read_text(encoding="utf-8")
    assert "Acme Browser Test" in html
    # Nothing is fetched from the network (a figure's source address may be printed as text).
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", html)
    page.goto(report.as_uri())
    images = page.locator("img[src^='data:image/png;base64,']")
    expect(images.first).to_be_visible()
    assert images.count() >= 2
    widths = images.evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
    assert all(w > 100 for w in widths), widths  # every chart image decoded and drawn
    page.screenshot(path=str(ARTIFACTS / "report-html.png"), full_page=True)


def test_cmo_joins_and_gap_appears(base_url: str, browser: Browser, page: Page) -> None:
    start_new(page, base_url, "Gap Test Org")
    answer_all(page, alternate(4, 5))
    expect(page.get_by_text("The gap appears once")).to_be_visible()
    code_block = page.get_by_test_id("stCode").filter(has_text="?join=")
    expect(code_block).to_be_visible()
    join_link = code_block.inner_text().strip()
    assert join_link.startswith(base_url + "/?join="), join_link
    params = urllib.parse.parse_qs(join_link.split("?", 1)[1])
    code, side = params["join"][0], params["side"][0]
    assert side == "marketing"  # the invite is for the other side of the house
    assert params["lang"] == ["en"]  # and in the language the sender reads

    other = browser.new_context(viewport={"width": 1280, "height": 900})  # a different person
    other.set_default_timeout(TIMEOUT)
    try:
        cmo = other.new_page()
        cmo.goto(join_link)
        mode = cmo.get_by_test_id("stRadio").filter(has_text="How are you taking part?")
        expect(
            mode.get_by_role("radio", name="Join my organisation's assessment with a code")
        ).to_be_checked()
        expect(cmo.get_by_label("Join code")).to_have_value(code)
        check_accessibility(cmo, "start: join with a code")
        expect(cmo.get_by_text("You are invited to Gap Test Org's assessment")).to_be_visible()
        sides = cmo.get_by_test_id("stRadio").filter(has_text="Which side of the house are you on?")
        expect(sides.get_by_role("radio", name="Marketing (CMO and marketing leadership)")).to_be_checked()
        cmo.get_by_test_id("stRadio").filter(has_text="Which side of the house are you on?").locator(
            "label"
        ).filter(has_text="Marketing (CMO and marketing leadership)").click()
        side = cmo.get_by_role("radio", name="Marketing (CMO and marketing leadership)")
        expect(side).to_be_checked()
        expect(cmo.get_by_label("Join code")).to_have_value(code)
        expect(cmo.get_by_text("You are invited to Gap Test Org's assessment")).to_be_visible()
        sides = cmo.get_by_test_id("stRadio").filter(has_text="Which side of the house are you on?")
        expect(sides.get_by_role("radio", name="Marketing (CMO and marketing leadership)")).to_be_checked()
        click(cmo, "Join")
        expect_step(cmo, 1)
        wait_for_rerun(cmo, 0)
        answer_all(cmo, alternate(1, 2))

        heading = cmo.get_by_role("heading", name="Where IT and marketing see things differently")
        expect(heading).to_be_visible()
        expect(cmo.get_by_text("(all 2 respondents)")).to_be_visible()
        expect(cmo.get_by_text("The gap appears once")).to_have_count(0)
        expect(cmo.get_by_text("gap of a full level or more")).to_be_visible()
        # The CIO answered 4-5, the CMO 1-2: the headline is each side's view, not one level.
        expect(cmo.get_by_text(re.compile(r"^IT sees \d\.\d\d · .*; marketing sees \d\.\d\d"))).to_be_visible()
        expect(cmo.get_by_test_id("stMetric").filter(has_text="Maturity level")).to_contain_text("Two views")
        expect_charts(cmo, 3)
        expect_no_exception(cmo)
        screenshot(cmo, "results-gap.png")
        check_accessibility(cmo, "results: both sides")
    finally:
        other.close()


def test_bad_personal_link(base_url: str, page: Page) -> None:
    page.goto(base_url + "/?r=not-a-real-token")
    expect(page.get_by_text("That personal link is not valid")).to_be_visible()
    expect_no_exception(page)
    check_accessibility(page, "start: bad personal link")


def join_and_answer(browser: Browser, join_link: str, side_label: str, levels: list[int]) -> None:
    """A separate person (a new browser context) joins with the link and finishes."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT)
    try:
        person = context.new_page()
        person.goto(join_link)
        sides = person.get_by_test_id("stRadio").filter(has_text="Which side of the house are you on?")
        sides.locator("label").filter(has_text=side_label).click()
        expect(person.get_by_role("radio", name=side_label)).to_be_checked()
        wait_for_rerun(person)
        click(person, "Join")
        expect_step(person, 1)
        wait_for_rerun(person, 0)
        answer_all(person, levels)
    finally:
        context.close()


def test_consultant_round_with_cio_and_cmo_shows_the_gap(base_url: str, browser: Browser, page: Page) -> None:
    page.goto(base_url)
    # Tandem draws its own sidebar: no consultant pages until signed in.
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("link", name="Workshop")).to_have_count(0)
    sidebar.get_by_role("link", name="Consultant sign-in").click()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    check_accessibility(page, "console: sign-in")
    page.get_by_label("Password", exact=True).fill(CONSOLE_PASSWORD)
    click(page, "Sign in")
    expect(page.get_by_role("heading", name="Consultant console")).to_be_visible()
    check_accessibility(page, "console: signed in")

    create = page.get_by_role("button", name="Create organisation", exact=True)
    wait_for_rerun(page)  # the expander opens by itself when there is no client yet
    if not create.is_visible():
        page.get_by_text("New client organisation").click()
    page.get_by_test_id("stForm").get_by_label("Organisation name").fill("Workshop Browser Co")
    create.click()
    expect(page.get_by_text("Created Workshop Browser Co.")).to_be_visible()
    wait_for_rerun(page)
    click(page, "Open a new round")
    expect(page.get_by_role("heading", name=re.compile("Open round:"))).to_be_visible()
    check_accessibility(page, "console: open round")
    code_block = page.get_by_test_id("stCode").filter(has_text="?join=")
    join_link = code_block.inner_text().strip()
    assert join_link.startswith(base_url + "/?join="), join_link

    join_and_answer(browser, join_link, "IT (CIO and IT leadership)", alternate(5, 4))
    join_and_answer(browser, join_link, "Marketing (CMO and marketing leadership)", alternate(2, 1))

    # The live panel refreshes by itself (every 5 s): no reload needed.
    it_done = page.get_by_test_id("stMetric").filter(has_text="IT: finished")
    expect(it_done).to_contain_text("1 of 1 started", timeout=20_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Marketing: finished")).to_contain_text(
        "1 of 1 started"
    )

    click(page, "Open the workshop view")
    expect(page.get_by_role("heading", name="Workshop")).to_be_visible()
    expect(page.get_by_test_id("stMetric").filter(has_text="IT–marketing alignment")).to_be_visible()
    page.get_by_role("tab", name="Perception gap").click()
    expect(page.get_by_role("heading", name="Largest disagreements")).to_be_visible()
    # Charts in hidden tabs may not be drawn yet: count those of the open tab (gap, heatmap).
    shown = page.locator("[role='tabpanel']:visible").get_by_test_id("stVegaLiteChart").locator("canvas, svg")
    expect(shown.nth(1)).to_be_attached()
    expect(page.get_by_text("IT rates higher").first).to_be_visible()
    expect_no_exception(page)
    screenshot(page, "workshop-gap.png")
    for tab in ("Scores", "Perception gap", "Spread", "Priorities", "Targets", "Over time", "Report"):
        page.get_by_role("tab", name=tab).click()
        check_accessibility(page, f"workshop: {tab}")

    # The workshop deck: one click, a native PowerPoint file named for the client, round and date.
    page.get_by_role("tab", name="Report").click()
    page.get_by_test_id("stRadio").filter(has_text="Format").get_by_text("Workshop deck", exact=False).click()
    wait_for_rerun(page)
    with page.expect_download() as info:
        click(page, "Download the Workshop deck (PowerPoint)")
    assert re.fullmatch(r"tandem-workshop-browser-co-.+-workshop-deck-\d{4}-\d\d-\d\d\.pptx",
                        info.value.suggested_filename)  # fmt: skip
    deck = Presentation(info.value.path())
    assert deck.slides[0].shapes.title.text == "Workshop Browser Co"
    assert sum(shape.has_chart for slide in deck.slides for shape in slide.shapes) >= 3


    # Targets agreed in the workshop carry into the next round.
    page.get_by_role("tab", name="Targets").click()
    click(page, "Save targets")
    expect(page.get_by_text("Targets saved.")).to_be_visible()

    # A reload keeps the consultant signed in, on the same page.
    page.reload()
    expect(page.get_by_role("heading", name="Workshop")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_have_count(0)

    # The follow-up round: close the first, open a second, the same two people answer again.
    page.get_by_test_id("stSidebar").get_by_role("link", name="Console").click()
    expect(page.get_by_role("heading", name="Consultant console")).to_be_visible()
    # The reload started a new session: pick the client again.
    page.get_by_test_id("stSelectbox").filter(has_text="Organisation").click()
    page.get_by_role("option", name=re.compile("^Workshop Browser Co")).click()
    wait_for_rerun(page)
    page.get_by_text("I want to close this round").click()
    click(page, "Close the round")
    page.get_by_label("Round name").fill("Follow-up round")
    click(page, "Open a new round")
    expect(page.get_by_role("heading", name=re.compile("Open round: Follow-up round"))).to_be_visible()
    join_link = page.get_by_test_id("stCode").filter(has_text="?join=").inner_text().strip()
    join_and_answer(browser, join_link, "IT (CIO and IT leadership)", alternate(5, 5))
    join_and_answer(browser, join_link, "Marketing (CMO and marketing leadership)", alternate(3, 3))
    click(page, "Open the workshop view")
    expect(page.get_by_role("heading", name="Workshop")).to_be_visible()

    page.get_by_role("tab", name="Targets").click()
    expect(page.get_by_text(re.compile("carried over from"))).to_be_visible()
    page.get_by_role("tab", name="Over time").click()
    trend = page.locator("[role='tabpanel']:visible").get_by_test_id("stVegaLiteChart").first
    expect(trend.locator("canvas, svg").first).to_be_attached()
    box = trend.bounding_box()
    assert box is not None and box["height"] > 300, box  # small multiples, not a 50 px strip
    expect(page.get_by_role("heading", name="Compare two rounds")).to_be_visible()
    expect_no_exception(page)
    screenshot(page, "workshop-over-time.png")

    page.get_by_role("tab", name="Report").click()
    panel = page.locator("[role='tabpanel']:visible")
    panel.get_by_text("HTML report (one file, opens offline)").click()
    wait_for_rerun(page)
    with page.expect_download() as info:
        panel.get_by_role("button", name="Download the HTML report (one file, opens offline)").click()
    html = Path(info.value.path()).read_text(encoding="utf-8")
    assert "Targets and progress" in html and "Change since the previous round" in html
    assert "carried over from" in html and "Workshop Browser Co" in html


def test_reference_pages(base_url: str, page: Page) -> None:
    for name, heading in (("Benchmarks", "Benchmarks"), ("Method", "Method")):
        page.goto(base_url)
        page.get_by_test_id("stSidebar").get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", name=re.compile(heading)).first).to_be_visible()
        expect_no_exception(page)
        if name == "Benchmarks":
            expect_charts(page, 1)
        check_accessibility(page, name.lower())


# Accounts: sign-in through an OpenID Connect provider started on loopback -----------------------


def _loopback_only(context) -> None:  # noqa: ANN001 - a BrowserContext
    """The provider's pages link a stylesheet from a CDN: nothing leaves the machine."""

    def route(r) -> None:  # noqa: ANN001
        host = urllib.parse.urlsplit(r.request.url).hostname
        r.continue_() if host in ("127.0.0.1", "localhost") else r.abort()

    context.route("**/*", route)


def test_two_consultants_sign_in_with_the_provider_and_see_only_their_clients(browser: Browser) -> None:
    import oidc_provider_mock

    from assessment import accounts
    from assessment.store import Store

    people = {
        "ana": {"email": "ana@example.com", "email_verified": True, "name": "Ana"},
        "bob": {"email": "bob@example.com", "email_verified": True, "name": "Bob"},
    }
    users = [oidc_provider_mock.User(sub=sub, claims=claims) for sub, claims in people.items()]
    with (
        tempfile.TemporaryDirectory(prefix="tandem-oidc-") as tmp,
        oidc_provider_mock.run_server_in_thread(user_claims=users) as provider,
    ):
        db = str(Path(tmp) / "tandem.duckdb")
        store = Store(db)
        for claims in people.values():
            person = accounts.add_account(store, accounts.CLI, claims["email"], "consultant", claims["name"])
            accounts.create_organisation(store, person, f"{claims['name']} Client Co", "Retail", "1-249", "Europe")
        store.close()
        port = _free_port()
        secrets = Path(tmp) / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "browser test cookie secret, not a real one"\n'
            'client_id = "tandem"\nclient_secret = "tandem-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
        )
        with _app_server(port, {"TANDEM_DB": db}, ["--secrets.files", str(secrets)], Path(tmp) / "log") as url:
            pages = {}
            for sub in people:  # one browser context each: the sign-in cookie is per host
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.set_default_timeout(TIMEOUT)
                _loopback_only(context)
                page = context.new_page()
                page.goto(f"{url}/console")
                click(page, "Sign in with your organisation's account")
                page.wait_for_url("**/oauth2/authorize?**")
                page.locator('input[name="sub"]').fill(sub)
                page.locator('input[name="sub"]').press("Enter")
                expect(page.get_by_role("heading", name="Consultant console")).to_be_visible()
                pages[sub] = page
            for sub, page in pages.items():
                picker = page.get_by_role("combobox", name="Organisation")
                mine, theirs = (("Ana", "Bob") if sub == "ana" else ("Bob", "Ana"))
                expect(picker).to_have_value(re.compile(f"^{mine} Client Co"))
                picker.click()
                expect(page.get_by_role("option")).to_have_count(1)  # their own client, nothing else
                expect(page.get_by_role("option", name=re.compile(f"^{theirs} Client Co"))).to_have_count(0)
                page.keyboard.press("Escape")
                expect(page.get_by_text(f"Signed in as {people[sub]['name']}")).to_be_visible()
                screenshot(page, f"console-{sub}.png")
            pages["ana"].reload()  # the provider's sign-in survives a reload
            expect(pages["ana"].get_by_role("heading", name="Consultant console")).to_be_visible()
            expect(pages["ana"].get_by_role("combobox", name="Organisation")).to_have_value(re.compile("^Ana Client"))
            expect_no_exception(pages["ana"])
            for page in pages.values():
                page.context.close()
        check = Store(db)
        log = check.accounts.audit_entries(action="sign in")
        check.close()
        # Each new browser session of a provider sign-in is recorded, the reload's included.
        assert sorted(log["actor"]) == ["ana@example.com", "ana@example.com", "bob@example.com"]
        assert set(log["detail"]) == {"identity provider"}


def said(lang: str, message: str, **values: object) -> str:
    """What the app shows for ``message`` in ``lang``: read from the same compiled catalog."""
    from assessment import i18n

    with i18n.using(lang):
        return i18n._(message).format(**values)


def test_answer_in_french_then_read_results_and_report_in_german(base_url: str, page: Page) -> None:
    """A respondent opens a French link, answers in French and finishes; then the sidebar's
    picker turns the same results into German, and the PDF downloaded there is German too."""
    from pypdf import PdfReader

    from assessment import i18n
    from assessment.translations import load_translation

    french = load_translation(CURRENT, "fr")
    page.goto(base_url + "/?lang=fr")
    page.get_by_label(said("fr", "Organisation name")).fill("Lyon Conseil")
    click(page, said("fr", "Start the assessment"))
    done = 0
    for step, d in enumerate(french.dimensions, start=1):
        heading = said("fr", "Step {step} of {steps}: {dimension}", step=step, steps=STEPS, dimension=d.title)
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        if step == 1:
            # The questions and their levels are the French translation's words.
            expect(page.get_by_text(d.questions[0].text, exact=False).first).to_be_visible()
        groups = page.get_by_test_id("stRadio")
        expect(groups).to_have_count(PER_STEP[step - 1])
        # The progress counts what earlier steps saved (this step's picks travel with "Next").
        with i18n.using("fr"):
            shown = i18n.ngettext(
                "{done} of {total} question answered", "{done} of {total} questions answered", TOTAL
            ).format(done=done, total=TOTAL)
        expect(page.get_by_text(shown, exact=True)).to_be_visible()
        expect(page.locator("[data-stale='true']")).to_have_count(0)
        for i in range(PER_STEP[step - 1]):
            option(groups.nth(i), 2 + (step + i) % 3).click()
            expect(option(groups.nth(i), 2 + (step + i) % 3).locator("input[type=radio]")).to_be_checked()
            done += 1
        if step == 1:
            screenshot(page, "questionnaire-fr.png")
        click(page, said("fr", "Next →") if step < STEPS else said("fr", "Finish and see results"))
    expect(page.get_by_role("heading", name=said("fr", "Against the benchmark"))).to_be_visible()
    expect_no_exception(page)
    expect_charts(page, 2)
    assert "lang=fr" in page.url
    screenshot(page, "results-fr.png")

    picker = page.get_by_test_id("stSidebar").get_by_label("Language · Langue · Sprache · Idioma")
    picker.click()
    page.get_by_role("option", name="Deutsch").click()
    expect(page.get_by_role("heading", name=said("de", "Against the benchmark"))).to_be_visible()
    expect_no_exception(page)
    assert "lang=de" in page.url
    german = load_translation(CURRENT, "de")
    expect(page.get_by_text(german.dimensions[0].title, exact=False).first).to_be_visible()
    expect_charts(page, 2)
    screenshot(page, "results-de.png")
    check_accessibility(page, "results in German", "de")

    formats = page.get_by_test_id("stRadio").filter(has_text=said("de", "Format"))
    formats.get_by_text(said("de", "PDF report"), exact=True).click()
    wait_for_rerun(page)
    with page.expect_download() as info:
        click(page, said("de", "Download the PDF report"))
    assert info.value.suggested_filename.endswith("-de.pdf")
    pdf = ARTIFACTS / "report-de.pdf"
    info.value.save_as(pdf)
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    text = re.sub(r"\s+", " ", text)
    assert said("de", "Board brief") in text
    assert german.dimensions[0].title in text
    assert "Lyon Conseil" in text

"""The chat UI, end to end: the real `python app.py` on a small corpus, driven by headless
Debian Chromium (Playwright, never a downloaded browser) and by gradio_client."""

import contextlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, free_port, running_server, write_jsonl

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>window.__xss = 1; alert(2)</script>"
PAPERS = [
    {"title": "Sparse Mixture of Experts for Efficient Language Models", "date": "Mar 3, 2024", "year": 2024, "authors": 5, "upvotes": 12,
     "abstract": "We route each token to two of sixty-four experts. Sparse mixture of experts layers cut training compute by a factor of four at equal quality. A load balancing loss keeps experts busy."},
    {"title": "Grokking in Small Transformers", "date": "Jun 9, 2023", "year": 2023, "authors": 3, "upvotes": 4,
     "abstract": "Small transformers trained on modular arithmetic generalize long after they memorize the training set. We call this delayed generalization grokking. Weight decay makes grokking happen sooner."},
    {"title": "Vision Transformers for Image Segmentation", "date": "Jan 20, 2025", "year": 2025, "authors": 7, "upvotes": 30,
     "abstract": f"We segment images with a plain vision transformer and a light mask decoder {IMG} {SCRIPT}. Image segmentation quality matches convolutional networks on three benchmarks."},
    {"title": "Process Reward Models for Math Reasoning", "date": "Oct 2, 2024", "year": 2024, "authors": 6, "upvotes": 8,
     "abstract": "Process reward models score every step of a solution. Trained on step labels, they pick better math solutions than outcome reward models."},
    {"title": "Continual Learning without Catastrophic Forgetting", "date": "Feb 14, 2023", "year": 2023, "authors": 4, "upvotes": 2,
     "abstract": "Networks trained on a sequence of tasks forget earlier tasks. Replaying a small memory of old examples prevents catastrophic forgetting in continual learning."},
]


@contextlib.contextmanager
def running_app(*args, env=None, log_path, port_from_env=False):
    """`python app.py ARGS` on a free port (given by --port or Gradio's GRADIO_SERVER_PORT), as a
    user would start it; stopped on exit."""
    port = free_port()
    env = dict(env or {})
    if port_from_env:
        env["GRADIO_SERVER_PORT"] = str(port)
    else:
        args = ("--port", port, *args)
    url = f"http://127.0.0.1:{port}"
    with running_server([sys.executable, "app.py", *args], url, log_path, env=env):
        yield url


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The app on a fresh index of PAPERS, which it builds itself on first start."""
    tmp = tmp_path_factory.mktemp("ui")
    write_jsonl(tmp / "papers.jsonl", PAPERS)
    with running_app("--corpus", tmp / "papers.jsonl", "--index-dir", tmp / "index", log_path=tmp / "app.log") as url:
        yield url, tmp


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(app, browser):
    """A fresh page on the app that records every dialog (alert) and page error."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.dialogs, page.errors = [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(app[0])
    page.wait_for_selector("#question textarea")
    yield page
    page.close()


def ask_in_page(page, question: str):
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")
    # The final answer is the one whose markers became links (the streamed text has none yet).
    page.wait_for_selector("#chat .bot a.cite, #chat [data-testid='bot'] a.cite", timeout=60_000)
    return page.locator("#chat [data-testid='bot']").last


def test_app_help_explains_the_options():
    result = subprocess.run([sys.executable, "app.py", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    for option in ("--host", "--port", "--corpus", "GRADIO_SERVER_NAME", "ASSISTANT_UI_PASSWORD"):
        assert option in result.stdout


def test_first_start_builds_the_index_with_progress(app):
    url, tmp = app
    log = (tmp / "app.log").read_text()
    assert "building it from the corpus" in log and "Embedding" in log
    assert (tmp / "index" / "papers.sqlite").exists()


def test_browser_chat_cites_papers_in_the_sources_panel(page, app, tmp_path):
    assert "Which papers study" in page.locator("#chat").inner_text()  # example questions on the empty chat
    reply = ask_in_page(page, "How do sparse mixture of experts layers save compute?")
    assert "[1]" in reply.inner_text()
    marker = reply.locator("a.cite").first
    target = marker.get_attribute("href")
    assert re.fullmatch(r"#src-1-\d+", target)
    assert "Sparse Mixture of Experts" in marker.get_attribute("title")
    card = page.locator(target)
    assert "Sparse Mixture of Experts for Efficient Language Models" in card.inner_text()
    assert "12 upvotes" in card.inner_text() and "5 authors" in card.inner_text()
    assert card.locator("mark").count() >= 1  # the sentences the answer used, highlighted
    assert "Retrieved, not cited" in page.locator("#sources").inner_text()
    marker.click()
    page.wait_for_function(f"document.querySelector('{target}').classList.contains('flash')")
    with page.expect_download() as download:
        page.click("button:has-text('Export as Markdown'), a:has-text('Export as Markdown')")
    exported = Path(download.value.path()).read_text()
    assert "## 1. How do sparse mixture" in exported and "1. Sparse Mixture of Experts for Efficient Language Models" in exported
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    assert (tmp_path / "chat.png").stat().st_size > 10_000
    assert not page.errors


def test_second_question_keeps_the_first_answers_markers_working(page):
    page.locator("#chat button:has-text('Which papers study')").first.click()  # an example question
    page.wait_for_selector("#chat a.cite", timeout=60_000)
    page.fill("#question textarea", "What makes grokking happen sooner?")
    page.press("#question textarea", "Enter")
    page.wait_for_selector("#sources details", timeout=60_000)  # the first answer's sources folded below
    page.wait_for_function("document.querySelectorAll('#chat a.cite').length >= 2", timeout=60_000)
    assert page.locator("#src-1-1").count() == 1 and page.locator("#src-2-1").count() == 1


def test_untrusted_html_in_abstract_and_question_stays_text(page):
    reply = ask_in_page(page, f"how do vision transformers do image segmentation {IMG} {SCRIPT}")
    page.wait_for_timeout(500)
    assert IMG in reply.inner_text()  # the abstract's sentence, shown literally
    assert IMG in page.locator("#sources").inner_text()
    assert IMG in page.locator("#chat [data-testid='user']").last.inner_text()  # the question
    assert page.locator("img[src='x']").count() == 0
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == []


def test_api_returns_answer_with_sources(app):
    from gradio_client import Client

    client = Client(app[0], verbose=False)
    answer = client.predict("Which papers study catastrophic forgetting?", None, 3, "", "extractive", api_name="/ask")
    assert answer["citations"][0]["title"] == "Continual Learning without Catastrophic Forgetting"
    assert "[1]" in answer["text"] and answer["citations"][0]["sentences"]
    assert len(answer["citations"]) + len(answer["uncited"]) <= 3
    only_2023 = client.predict("Which papers study catastrophic forgetting?", None, 5, "2023", "", api_name="/ask")
    assert {s["title"] for s in only_2023["citations"] + only_2023["uncited"]} <= {p["title"] for p in PAPERS if p["year"] == 2023}


def test_api_answers_metadata_follow_ups_and_sorts(app):
    from gradio_client import Client

    client = Client(app[0], verbose=False)
    first = client.predict("Which papers study transformers?", None, 5, "", "extractive", api_name="/ask")
    ids = [s["paper_id"] for s in first["citations"]]
    follow = client.predict("Which of these papers is the most recent?", [[first["question"], first["text"], ids]], 5, "",
                            "extractive", api_name="/ask")
    newest = max((p for p in PAPERS if p["title"] in {s["title"] for s in first["citations"]}), key=lambda p: (p["year"], p["date"]))
    assert follow["citations"][0]["title"] == newest["title"] and f"({newest['date']}) [1]" in follow["text"]
    assert {s["paper_id"] for s in follow["citations"]} == set(ids)
    ranked = client.predict("Which papers are there?", None, 5, "", "extractive", "", "", "", "upvotes", api_name="/ask")
    assert [s["title"] for s in ranked["citations"]][:2] == ["Vision Transformers for Image Segmentation",
                                                             "Sparse Mixture of Experts for Efficient Language Models"]


def test_api_reports_bad_input_as_one_error(app):
    from gradio_client import Client

    with pytest.raises(Exception, match="the question is empty"):
        Client(app[0], verbose=False).predict("   ", api_name="/ask")


def test_settings_show_whether_the_model_endpoint_is_reachable(page, models_endpoint):
    page.click("text=Settings")
    page.wait_for_selector("#reach:has-text('no model endpoint set')")
    endpoint = page.get_by_label("Model endpoint (OpenAI-compatible base URL)")
    endpoint.fill(models_endpoint)
    page.click("button:has-text('Check endpoint')")
    page.wait_for_selector("#reach .reach-ok:has-text('reachable')")
    endpoint.fill(f"http://127.0.0.1:{free_port()}/v1")
    endpoint.press("Enter")
    page.wait_for_selector("#reach .reach-bad:has-text('unreachable')")


def test_password_from_the_environment_protects_the_app(app):
    from gradio_client import Client

    url, tmp = app
    env = {"ASSISTANT_UI_PASSWORD": "s3cret", "ASSISTANT_UI_USER": "ada"}
    with running_app("--corpus", tmp / "papers.jsonl", "--index-dir", tmp / "index", env=env, log_path=tmp / "auth.log", port_from_env=True) as url:
        with pytest.raises(Exception):
            Client(url, verbose=False)
        answer = Client(url, auth=("ada", "s3cret"), verbose=False).predict("Which papers study grokking?", api_name="/ask")
        assert answer["citations"][0]["title"] == "Grokking in Small Transformers"

"""The Gradio chat UI: streamed answers on the left, the papers they rest on beside them.

Everything shown in the page that comes from the corpus, the model or the user is passed
through `safe()` before it meets any markup; the only HTML is built here. Every [n] marker of
an answer becomes a link to the card of its paper (`#src-<turn>-<n>`) with the title on hover;
cards of earlier answers stay in the panel so old markers keep their target.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr  # noqa: E402

from .text import STOPWORDS, words  # noqa: E402
from .metadata import PaperFilter  # noqa: E402
from .types import Answer  # noqa: E402
from .errors import AssistantError  # noqa: E402

MARKER = re.compile(r"\[(\d+)\]")
# Characters that mean something to HTML or to the Markdown (and LaTeX) renderer of the chat.
# Untrusted text carries them as numeric entities, so it shows literally and never becomes markup.
MARKUP_CHARS = set("&<>\"'`*_[](){}#!|~$\\=:")
MODES = ["model", "extractive"]
PASSWORD_ENV = "ASSISTANT_UI_PASSWORD"
USER_ENV = "ASSISTANT_UI_USER"

CSS = """
#sources .card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin: 0 0 8px; }
#sources .card:target, #sources .card.flash { outline: 2px solid var(--color-accent); }
#sources .meta { color: var(--body-text-color-subdued); font-size: 0.85em; }
#sources mark { background: #fff3a3; color: inherit; padding: 0 2px; }
#sources .uncited li { margin: 2px 0; }
.unsupported { margin-top: 6px; font-size: 0.9em; color: #9a3412; }
#sources .num { font-weight: 700; margin-right: 4px; }
a.cite { text-decoration: none; font-weight: 600; font-size: 0.8em; padding: 0 4px; border-radius: 6px;
         background: var(--color-accent-soft); color: var(--color-accent); vertical-align: 1px; }
.status { font-size: 0.85em; color: var(--body-text-color-subdued); }
.reach-ok { color: #15803d; } .reach-bad { color: #b91c1c; }
"""

# Markers link to cards in another component; follow them in-page (Gradio opens links in new tabs).
HEAD = """<script>
document.addEventListener("click", (event) => {
  const link = event.target.closest && event.target.closest("a.cite");
  if (!link) return;
  event.preventDefault();
  event.stopPropagation();
  const card = document.getElementById(link.getAttribute("href").slice(1));
  if (!card) return;
  card.scrollIntoView({behavior: "smooth", block: "center"});
  card.classList.add("flash");
  setTimeout(() => card.classList.remove("flash"), 1500);
}, true);
</script>"""


def safe(text) -> str:
    """Untrusted text as inert page text: no HTML, Markdown or LaTeX from it takes effect."""
    return "".join(f"&#{ord(c)};" if c in MARKUP_CHARS else c for c in str(text))


# ---- rendering (pure functions of an Answer's dict, so they are easy to test) ----------
def anchor(turn: int, number: int) -> str:
    return f"src-{turn}-{number}"


def render_answer(answer: dict, turn: int) -> str:
    """The answer text with each [n] of a cited paper as a link to its card."""
    cited = {s["number"]: s for s in answer["citations"]}
    parts, last = [], 0
    for m in MARKER.finditer(answer["text"]):
        parts.append(safe(answer["text"][last : m.start()]))
        source = cited.get(int(m.group(1)))
        if source:
            hover = safe(f"[{source['number']}] {source['title']} ({source['date'] or 'undated'})")
            parts.append(f'<a class="cite" href="#{anchor(turn, source["number"])}" title="{hover}">[{source["number"]}]</a>')
        else:
            parts.append(safe(m.group(0)))
        last = m.end()
    parts.append(safe(answer["text"][last:]))
    text = "".join(parts)
    unsupported = [s["text"] for s in answer.get("sentences") or [] if not s["supported"]]
    if unsupported:  # shown, struck through, so the reader sees what the model said and was not kept
        text += ('<div class="unsupported">Not supported by the sources, left out of the answer:'
                 + "".join(f"<div><s>{safe(sentence)}</s></div>" for sentence in unsupported) + "</div>")
    if answer.get("note"):
        text += f"<br><em>note: {safe(answer['note'])}</em>"
    return text


def paper_meta(source: dict) -> str:
    bits = [source["date"] or "undated"]
    if source["authors"] is not None:
        bits.append(f"{source['authors']} author{'s' if source['authors'] != 1 else ''}")
    if source["upvotes"] is not None:
        bits.append(f"{source['upvotes']} upvote{'s' if source['upvotes'] != 1 else ''}")
    return safe(" · ".join(bits))


def render_sources(turns: list[dict]) -> str:
    """Cards for the latest answer's cited papers, then its uncited ones; earlier answers folded below."""
    if not turns:
        return '<p class="meta">The papers an answer rests on appear here.</p>'
    blocks = []
    for turn in range(len(turns), 0, -1):
        answer = turns[turn - 1]["answer"]
        cards = [
            f'<div class="card" id="{anchor(turn, s["number"])}"><div><span class="num">[{s["number"]}]</span>'
            f'<strong>{safe(s["title"])}</strong></div><div class="meta">{paper_meta(s)}</div>'
            + "".join(f"<div><mark>{safe(sentence)}</mark></div>" for sentence in s["sentences"])
            + "</div>"
            for s in answer["citations"]
        ]
        if not cards:
            cards = ['<p class="meta">No paper cited.</p>']
        if answer["uncited"]:
            items = "".join(f"<li>{safe(s['title'])} <span class='meta'>({paper_meta(s)})</span></li>" for s in answer["uncited"])
            cards.append(f'<div class="uncited"><div class="meta">Retrieved, not cited:</div><ul>{items}</ul></div>')
        body = "".join(cards)
        if turn == len(turns):
            blocks.append(f"<h3>Sources</h3>{body}")
        else:
            blocks.append(f"<details><summary>Sources of answer {turn}: {safe(turns[turn - 1]['question'])}</summary>{body}</details>")
    return "".join(blocks)


def conversation_markdown(turns: list[dict]) -> str:
    """The conversation as Markdown: each question, its answer and the numbered references."""
    out = ["# Conversation with the paper assistant", ""]
    for i, turn in enumerate(turns, 1):
        answer = turn["answer"]
        out += [f"## {i}. {turn['question']}", "", answer["text"], ""]
        if answer["citations"]:
            out += ["References:", ""]
            out += [f"{s['number']}. {s['title']} ({s['date'] or 'undated'}), id {s['paper_id']}" for s in answer["citations"]]
            out.append("")
    return "\n".join(out)


def example_questions(papers, n: int = 4) -> list[str]:
    """Questions on the corpus's most frequent title topics: pairs of adjacent content words,
    leaving out words so common in titles that they name the whole corpus, not a topic."""
    titles = [words(paper.title) for paper in papers]
    spread = Counter(w for tokens in titles for w in set(tokens))
    common = max(3, len(titles) // 10)
    topical = {w for w, n in spread.items() if n <= common and w not in STOPWORDS and len(w) > 2 and not w.isdigit()}
    counts = Counter(f"{a} {b}" for tokens in titles for a, b in zip(tokens, tokens[1:]) if a != b and {a, b} <= topical)
    chosen: list[str] = []
    used: set[str] = set()
    for topic, _ in counts.most_common():
        if used.isdisjoint(topic.split()):
            chosen.append(topic)
            used.update(topic.split())
        if len(chosen) == n:
            break
    return [f"Which papers study {topic}?" for topic in chosen]


# ---- the model endpoint ------------------------------------------------------------
def endpoint_state(base_url: str | None, api_key: str | None = None, timeout: float = 2.0) -> tuple[bool, str]:
    """Whether an OpenAI-compatible endpoint answers GET /models. A plain request, not llm.Endpoint:
    the page checks on load, and llama-index costs about 2 s to import."""
    if not base_url:
        return False, "no model endpoint set: answers are extractive"
    import httpx

    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = httpx.get(base_url.rstrip("/") + "/models", headers=headers, timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        return False, f"unreachable: {type(exc).__name__}"
    return True, "reachable"


def render_reach(base_url: str | None, api_key: str | None = None) -> str:
    ok, message = endpoint_state(base_url, api_key)
    return f'<span class="{"reach-ok" if ok else "reach-bad"}">● {safe(base_url or "")} {safe(message)}</span>'


class Session:
    """What the UI needs from the Assistant, with per-page model endpoint choices."""

    def __init__(self, assistant):
        self.assistant = assistant
        self._variants: dict[tuple, object] = {}

    def for_model(self, base_url: str, model: str):
        """An Assistant for this endpoint and model sharing the loaded index (so a user's
        endpoint change affects only that user's questions)."""
        s = self.assistant.settings
        key = (base_url.strip() or None, model.strip() or None)
        if key == (s.llm_base_url, s.llm_model):
            return self.assistant
        if key not in self._variants:
            self._variants[key] = self.assistant.with_settings(llm_base_url=key[0], llm_model=key[1])
        return self._variants[key]

    def status(self) -> str:
        s = self.assistant.settings
        papers = len(self.assistant.index.papers)
        model = f"{s.llm_model or 'default model'} at {s.llm_base_url}" if s.llm_base_url else "none (extractive answers)"
        return (f'<div class="status">Corpus: {papers} papers · Index: ready at {safe(s.index_dir)} '
                f"({safe(s.embedding)}) · Model: {safe(model)}</div>")


def build(assistant):
    session = Session(assistant)
    s = assistant.settings
    examples = example_questions(assistant.index.papers.values())

    def respond(message, chat, turns, base_url, model, mode, k, years, month, sort):
        chat, turns = list(chat or []), list(turns or [])
        if not (message or "").strip():
            yield chat, "", gr.skip(), turns, gr.skip()
            return
        chat += [{"role": "user", "content": safe(message)}, {"role": "assistant", "content": "…"}]
        yield chat, "", gr.skip(), turns, gr.skip()
        # Each turn keeps its cited papers, so "Which of these is the most recent?" knows "these".
        history = [(t["question"], t["answer"]["text"], [c["paper_id"] for c in t["answer"]["citations"]]) for t in turns]
        text = ""
        try:
            filters = PaperFilter.build(years or None, month or None, sort or None)
            for event in session.for_model(base_url, model).stream(message, k=int(k), filters=filters, mode=mode, history=history):
                if isinstance(event, Answer):
                    answer = event.to_dict()
                else:
                    text += event
                    chat[-1] = {"role": "assistant", "content": safe(text)}
                    yield chat, gr.skip(), gr.skip(), turns, gr.skip()
        except AssistantError as exc:
            chat[-1] = {"role": "assistant", "content": f"<em>error: {safe(exc)}</em>"}
            yield chat, gr.skip(), gr.skip(), turns, gr.skip()
            return
        turns.append({"question": message.strip(), "answer": answer})
        chat[-1] = {"role": "assistant", "content": render_answer(answer, len(turns))}
        yield chat, gr.skip(), render_sources(turns), turns, export_file(turns)

    def ask(question: str, history: list[list] | None = None, k: int = 0, years: str = "", mode: str = "",
            base_url: str = "", model: str = "", month: str = "", sort: str = "") -> dict:
        """Answer a question; returns the answer with its sources. history: earlier turns as
        [question, answer] or [question, answer, [cited paper ids]] (the ids let a follow-up
        such as "Which of these is the most recent?" know the papers); years ("2024",
        "2023-2025"), month ("Oct") and sort (relevance, recent, oldest, upvotes, authors) filter
        and order the papers."""
        try:
            filters = PaperFilter.build(years or None, month or None, sort or None)
            answer = session.for_model(base_url or s.llm_base_url or "", model or s.llm_model or "").chat(
                question, [tuple(turn) for turn in history or []], k=k or None, filters=filters, mode=mode or None)
        except AssistantError as exc:
            raise gr.Error(str(exc)) from None
        return answer.to_dict()

    # delete_cache: exported conversations are copied into Gradio's cache; drop them after a day.
    with gr.Blocks(title="Paper assistant", delete_cache=(3600, 86400)) as demo:
        gr.HTML(f"<h2 style='margin:0'>Paper assistant</h2>{session.status()}")
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    elem_id="chat", height=560, label="Chat", latex_delimiters=[], feedback_options=None,
                    examples=[{"text": q} for q in examples], buttons=["copy"],
                    placeholder="Ask about the papers in the corpus, or pick an example.",
                )
                question = gr.Textbox(placeholder="Ask a question about the papers…", show_label=False,
                                      elem_id="question", submit_btn="Ask", autofocus=True)
                with gr.Row():
                    new_chat = gr.Button("New chat", size="sm")
                    export = gr.DownloadButton("Export as Markdown", size="sm", interactive=False)
            with gr.Column(scale=2):
                sources = gr.HTML(render_sources([]), elem_id="sources")
                with gr.Accordion("Settings", open=False):
                    base_url = gr.Textbox(label="Model endpoint (OpenAI-compatible base URL)", value=s.llm_base_url or "",
                                          placeholder="http://127.0.0.1:8080/v1")
                    model = gr.Textbox(label="Model", value=s.llm_model or "")
                    reach = gr.HTML(elem_id="reach")
                    check = gr.Button("Check endpoint", size="sm")
                    mode = gr.Radio(MODES, label="Answer mode", elem_id="mode",
                                    value="model" if assistant.uses_model() else "extractive")
                    k = gr.Slider(1, 20, value=s.top_k, step=1, label="Papers retrieved")
                    years = gr.Textbox(label="Years", placeholder="2024, 2023-2025, 2024-, -2023")
                    month = gr.Textbox(label="Month", placeholder="Oct, October or 10")
                    sort = gr.Dropdown(["relevance", "recent", "oldest", "upvotes", "authors"], value="relevance",
                                       label="Order papers by", elem_id="sort")

        settings = [base_url, model, mode, k, years, month, sort]
        outputs = [chat, question, sources, turns, export]
        question.submit(respond, [question, chat, turns, *settings], outputs, api_visibility="undocumented")
        chat.example_select(pick_example, None, question, api_visibility="undocumented").then(
            respond, [question, chat, turns, *settings], outputs, api_visibility="undocumented")
        for event in (new_chat.click, chat.clear):
            event(lambda: ([], "", render_sources([]), [], gr.DownloadButton(value=None, interactive=False)),
                  None, outputs, api_visibility="undocumented")
        for event in (check.click, base_url.submit, demo.load):
            # Off the queue: a slow endpoint check must not hold a slot that a chat could use.
            event(lambda url: render_reach(url, s.llm_api_key), base_url, reach, api_visibility="undocumented", queue=False)
        gr.api(ask, api_name="ask")
    return demo


def pick_example(event: gr.SelectData) -> str:
    return event.value["text"]


def export_file(turns: list[dict]):
    with tempfile.NamedTemporaryFile("w", suffix=".md", prefix="conversation-", delete=False, encoding="utf-8") as f:
        f.write(conversation_markdown(turns))
    return gr.DownloadButton(value=f.name, interactive=True)


def auth_from_env() -> tuple[str, str] | None:
    password = os.environ.get(PASSWORD_ENV)
    return (os.environ.get(USER_ENV) or "assistant", password) if password else None


def serve(assistant, host: str, port: int) -> None:
    """Build the index if there is none (with a progress bar), then serve the UI until stopped."""
    if not assistant.index.exists():
        print(f"No index at {assistant.settings.index_dir}: building it from the corpus (first start only)...", flush=True)
    # Load the embedder and stores now, once, instead of inside several first requests at once.
    assistant.warm_up()
    demo = build(assistant)
    demo.queue(default_concurrency_limit=4, max_size=100)
    auth = auth_from_env()
    print(f"Paper assistant on http://{host}:{port}" + (" (password protected)" if auth else ""), flush=True)
    demo.launch(server_name=host, server_port=port, auth=auth, css=CSS, head=HEAD, footer_links=["api"], quiet=True)


def main() -> None:
    """`python app.py [OPTIONS]` is `assistant serve [OPTIONS]`."""
    import sys

    from .cli import main as cli_main

    sys.argv[1:1] = ["serve"]
    cli_main()

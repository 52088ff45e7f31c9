"""The `assistant` command: a thin Click layer over assistant.api.Assistant."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .errors import AssistantError


def settings_options(f):
    """Options every command shares; each overrides the config file and ASSISTANT_* variables."""
    options = [
        click.option("--config", type=click.Path(dir_okay=False), help="TOML config file (default: ./assistant.toml if present; installed, then the user config folder's)."),
        click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
                     help="Corpus file or folder (.txt Daily Papers dumps, .jsonl, .csv); repeatable. Default: the shipped corpus."),
        click.option("--index-dir", type=click.Path(path_type=Path), help="Index folder (default: ./index in the project; installed, the user data folder)."),
        click.option("--embedding", help="minilm-onnx (default: all-MiniLM-L6-v2 in int8), minilm (the same through PyTorch) or openai:MODEL."),
        click.option("--embed-base-url", help="OpenAI-compatible endpoint for openai:MODEL embeddings."),
        click.option("--chroma-url", help="Use a Chroma server (http://host:port) instead of the embedded store."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def make_assistant(config=None, corpus=(), **overrides):
    from .api import Assistant
    from .config import load_settings

    return Assistant(load_settings(config, corpus=list(corpus) or None, **overrides))


def emit_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Answer questions about research-paper abstracts, citing the papers each answer rests on.

    \b
    First run:   assistant ask "Which papers study grokking?"   (builds ./index on first use)
    Your corpus: assistant --help; every command takes --corpus PATH
    """


@cli.command()
@settings_options
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def corpus(as_json, config, corpus, **overrides):
    """Read the corpus and report files, entries, unique papers, duplicates and problems."""
    from .config import load_settings
    from .corpus import load_corpus

    settings = load_settings(config, corpus=list(corpus) or None, **overrides)
    report = load_corpus(settings.corpus)
    summary = report.summary()
    if as_json:
        return emit_json(summary)
    click.echo(f"files:         {summary['files']}")
    click.echo(f"entries:       {summary['entries']}")
    click.echo(f"unique papers: {summary['unique_papers']}")
    click.echo(f"duplicates:    {summary['duplicates']}")
    click.echo(f"problems:      {len(report.problems)}")
    for problem in report.problems:
        click.echo(f"  {problem}")


@cli.command()
@settings_options
@click.option("--rebuild", is_flag=True, help="Drop the index and embed everything again (needed after changing the embedding or chunking).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def index(rebuild, quiet, as_json, config, corpus, **overrides):
    """Build or update the index. Only new or changed papers are embedded; removed ones are deleted."""
    import dataclasses

    assistant = make_assistant(config, corpus, **overrides)
    report = assistant.index.sync(progress=assistant.settings.progress and not quiet and not as_json, rebuild=rebuild)
    for problem in report.problems:
        click.echo(f"warning: {problem}", err=True)
    if as_json:
        return emit_json(dataclasses.asdict(report))
    click.echo(str(report))


def model_options(f):
    """Options for the OpenAI-compatible model; each overrides the config file and ASSISTANT_* variables."""
    options = [
        click.option("--llm-base-url", help="OpenAI-compatible endpoint, e.g. http://127.0.0.1:8080/v1 (none: extractive answers)."),
        click.option("--llm-model", help="Model name (default: the first one the endpoint lists)."),
        click.option("--llm-api-key", help="API key, if the endpoint needs one."),
        click.option("--llm-timeout", type=click.FloatRange(min=0.1), help="Seconds the model may take for an answer, retries included (default 30)."),
        click.option("--mode", type=click.Choice(["auto", "model", "extractive"]),
                     help="auto (default): the model when an endpoint is set, else extractive; model: fail rather than fall back."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def filter_options(f):
    """Metadata filters and ordering (metadata.PaperFilter), the same as the chat UI's and the API's."""
    options = [
        click.option("--year", help="Only papers from this year or range: 2023, 2022-2024, 2023-, -2022."),
        click.option("--month", help="Only papers from this month: Oct, October or 10."),
        click.option("--sort", type=click.Choice(["relevance", "recent", "oldest", "upvotes", "authors"]),
                     help="Rank the matching papers by date, upvotes or author count instead of quoting abstracts."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def paper_filter(year, month, sort):
    from .metadata import PaperFilter

    return PaperFilter.build(year, month, sort)  # bad values are one-line errors, before any work


def print_answer(answer, streamed: str = "") -> None:
    click.echo(answer.after(streamed))
    if answer.note:
        click.echo(f"note: {answer.note}", err=True)
    if answer.citations:
        click.echo("\nSources:")
        for s in answer.citations:
            click.echo(f"  [{s.number}] {s.title} ({s.date or 'undated'}) id:{s.paper_id}")
    if answer.uncited:
        click.echo("Also retrieved, not cited:")
        for s in answer.uncited:
            click.echo(f"  - {s.title} ({s.date or 'undated'}) id:{s.paper_id}")


@cli.command()
@settings_options
@model_options
@click.argument("question")
@click.option("-k", "--top-k", type=click.IntRange(1, 50), help="Papers to retrieve (default 5).")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print the answer and its sources as JSON.")
def ask(question, top_k, year, month, sort, as_json, config, corpus, **overrides):
    """Answer QUESTION from the corpus, with [n] citations and the numbered sources.

    With a model endpoint (--llm-base-url) the answer streams in as the model writes it.
    Questions about the papers' metadata ("Which paper on X has the most upvotes?", "... from
    2024", "... in October") are answered from the dates, upvotes and author counts."""
    from .api import Answer

    filters = paper_filter(year, month, sort)
    assistant = make_assistant(config, corpus, top_k=top_k, **overrides)
    answer, streamed = None, ""
    for event in assistant.stream(question, filters=filters):
        if isinstance(event, Answer):
            answer = event
        elif not as_json:
            click.echo(event, nl=False)
            streamed += event
    if as_json:
        return emit_json(answer.to_dict())
    print_answer(answer, streamed)


@cli.command()
@settings_options
@model_options
def doctor(config, corpus, **overrides):
    """Check the index and the model endpoint, and say plainly what is wrong."""
    from .api import Assistant
    from .config import load_settings

    settings = load_settings(config, corpus=list(corpus) or None, **overrides)
    problems = 0

    def report(ok: bool, what: str) -> None:
        nonlocal problems
        problems += not ok
        click.echo(f"{'ok     ' if ok else 'PROBLEM'}  {what}")

    try:
        assistant = Assistant(settings)
        if not assistant.index.exists():
            report(False, f"index: none at {settings.index_dir}; build it with `assistant index`")
        else:
            assistant.index.check_compatible()
            report(True, f"index: {len(assistant.index.papers)} papers at {settings.index_dir}")
    except AssistantError as exc:
        report(False, f"index: {exc}")
    try:
        embedder = Assistant(settings).index.embedder
        embedder.embed(["ready"])
        report(True, f"embedding: {embedder.name} embeds text")
    except AssistantError as exc:
        report(False, f"embedding: {exc}")
    if not settings.llm_base_url:
        click.echo("-        model: none configured (answers are extractive); set --llm-base-url or ASSISTANT_LLM_BASE_URL")
    else:
        from .llm import Endpoint

        with Endpoint(settings) as endpoint:
            try:
                names = endpoint.models()
                report(True, f"endpoint {endpoint.url}: lists {len(names)} model(s): {', '.join(names[:5]) or 'none'}")
                if settings.llm_model and names and settings.llm_model not in names:
                    click.echo(f"warning  model {settings.llm_model!r} is not among the listed models")
                reply = "".join(endpoint.stream("Reply with the word ready.", max_tokens=8, require_text=False)).strip()
                report(True, f"model {endpoint.model}: answers chat requests (replied {reply[:60]!r})")
                if not reply:
                    click.echo("warning  the model replied with no text; answers will fall back to extractive if it does so again")
            except AssistantError as exc:
                report(False, f"model: {exc}")
    if problems:
        raise AssistantError(f"doctor found {problems} problem(s)")


@cli.command()
@settings_options
@click.option("--host", envvar="GRADIO_SERVER_NAME", default="127.0.0.1", show_default=True,
              help="Interface to listen on (env GRADIO_SERVER_NAME); 0.0.0.0 serves all interfaces, only when you mean it.")
@click.option("--port", envvar="GRADIO_SERVER_PORT", type=click.IntRange(1, 65535), default=7860, show_default=True,
              help="Port (env GRADIO_SERVER_PORT).")
def serve(host, port, config, corpus, **overrides):
    """Open the chat UI in the browser; builds the index on first start.

    \b
    Password protection: set ASSISTANT_UI_PASSWORD (and optionally ASSISTANT_UI_USER, default "assistant").
    The model endpoint comes from ASSISTANT_LLM_BASE_URL / ASSISTANT_LLM_MODEL or the config file,
    and can be changed in the page.
    """
    from .ui import serve as serve_ui

    serve_ui(make_assistant(config, corpus, **overrides), host, port)


@cli.command()
@settings_options
@model_options
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; 0.0.0.0 serves all interfaces, only when you mean it.")
@click.option("--port", type=click.IntRange(1, 65535), default=8800, show_default=True, help="Port.")
@click.option("--api-key", envvar="ASSISTANT_API_KEY", help="Require this bearer key from clients (env ASSISTANT_API_KEY).")
def api(host, port, api_key, config, corpus, **overrides):
    """Serve an OpenAI-compatible API: /v1/models and /v1/chat/completions (streaming or not).

    \b
    The model is the corpus ("papers"); replies carry [n] markers and a "citations" field:
      openai.OpenAI(base_url="http://127.0.0.1:8800/v1", api_key="-").chat.completions.create(
          model="papers", messages=[{"role": "user", "content": "Which papers study grokking?"}])
    """
    from .openai_api import serve as serve_api

    serve_api(make_assistant(config, corpus, **overrides), host, port, api_key)


@cli.command()
@settings_options
@model_options
@click.option("--http", "http", is_flag=True, help="Serve streamable HTTP at http://HOST:PORT/mcp instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface for --http.")
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port for --http.")
def mcp(http, host, port, config, corpus, **overrides):
    """Serve the corpus to MCP clients (Claude Desktop, IDE agents): tools search_papers, ask, get_paper.

    \b
    stdio by default, for a client that starts the server itself, e.g.
      {"mcpServers": {"papers": {"command": "assistant", "args": ["mcp"]}}}
    """
    from .mcp_server import serve as serve_mcp

    serve_mcp(make_assistant(config, corpus, **overrides), "streamable-http" if http else "stdio", host, port)


@cli.command()
@settings_options
@model_options
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="Answers file: .jsonl (default), .csv or .md by its extension or --format.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "md"]), help="Output format, whatever the extension.")
@click.option("-w", "--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Questions answered in parallel.")
@click.option("--resume", is_flag=True, help="Keep the answers already in OUTPUT; ask only missing and failed questions.")
@click.option("--overwrite", is_flag=True, help="Replace an existing OUTPUT.")
@click.option("--no-fallback", is_flag=True, help="Record a failed model call as a failure instead of answering extractively (same as --mode model).")
@click.option("-k", "--top-k", type=click.IntRange(1, 50), help="Papers to retrieve per question (default 5).")
@filter_options
@click.option("--quiet", is_flag=True, help="No progress bar.")
def batch(input_path, output, fmt, workers, resume, overwrite, no_fallback, top_k, year, month, sort, quiet, config, corpus,
          **overrides):
    """Answer every question of INPUT into OUTPUT, with citations.

    \b
    INPUT: .txt (one question a line), .jsonl (objects with "question" and optional "id"; other
    fields are carried through) or .csv (a "question" column, optional "id").
    Each answer is saved as soon as it is done; after an interruption, run again with --resume.
    Exit code 1 when any question failed (each failure is recorded with its error).
    """
    from .batch import run_batch

    years = paper_filter(year, month, sort)  # a bad filter is bad input, not 200 failed questions
    mode = overrides.pop("mode")
    mode = "model" if no_fallback else mode
    assistant = make_assistant(config, corpus, top_k=top_k, mode=mode, **overrides)
    summary = run_batch(assistant, input_path, output, fmt=fmt, workers=workers, resume=resume, overwrite=overwrite,
                        progress=assistant.settings.progress and not quiet, years=years, mode=mode)
    click.echo(f"{summary} -> {output}")
    if summary.failed:
        sys.exit(1)


@cli.command("eval")
@settings_options
@model_options
@click.argument("questions", type=click.Path(path_type=Path))
@click.option("--details", type=click.Path(dir_okay=False, path_type=Path),
              help="Per-question results as JSONL (default: out/eval-<QUESTIONS name>.jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def eval_command(questions, details, as_json, config, corpus, **overrides):
    """Measure retrieval, refusals, answer keywords, citations and latency on QUESTIONS (JSONL
    with question, gold_titles, type, answer_keywords; see assistant/evaluate.py)."""
    from .evaluate import evaluate, format_table, load_questions

    items = load_questions(questions)
    assistant = make_assistant(config, corpus, **overrides)
    details = details or Path("out") / f"eval-{questions.stem}.jsonl"
    summary, _ = evaluate(assistant, items, progress=not as_json and sys.stderr.isatty(), details=details)
    summary["details"] = str(details)
    if as_json:
        return emit_json(summary)
    click.echo(format_table(summary))
    click.echo(f"details: {details}")


def main() -> None:
    try:
        sys.exit(cli.main(standalone_mode=False) or 0)  # standalone_mode=False returns ctx.exit codes
    except AssistantError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)

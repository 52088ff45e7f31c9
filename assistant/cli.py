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
        click.option("--config", type=click.Path(dir_okay=False), help="TOML config file (default: ./assistant.toml if present)."),
        click.option("--corpus", "corpus", multiple=True, type=click.Path(path_type=Path),
                     help="Corpus file or folder (.txt Daily Papers dumps, .jsonl, .csv); repeatable. Default: the shipped corpus."),
        click.option("--index-dir", type=click.Path(path_type=Path), help="Index folder (default: ./index in the project)."),
        click.option("--embedding", help="minilm-onnx (default), minilm (PyTorch) or openai:MODEL."),
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

    from .corpus import load_corpus

    assistant = make_assistant(config, corpus, **overrides)
    problems = load_corpus(assistant.settings.corpus).problems
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    report = assistant.index.sync(progress=not quiet and not as_json, rebuild=rebuild)
    if as_json:
        return emit_json(dataclasses.asdict(report) | {"problems": [str(p) for p in problems]})
    click.echo(str(report))


def print_answer(answer) -> None:
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
@click.argument("question")
@click.option("-k", "--top-k", type=click.IntRange(1, 50), help="Papers to retrieve (default 5).")
@click.option("--year", help="Only papers from this year or range: 2023, 2022-2024, 2023-, -2022.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer and its sources as JSON.")
def ask(question, top_k, year, as_json, config, corpus, **overrides):
    """Answer QUESTION from the corpus, with [n] citations and the numbered sources."""
    from .api import Answer

    assistant = make_assistant(config, corpus, top_k=top_k, **overrides)
    answer = None
    for event in assistant.stream(question, years=year):
        if isinstance(event, Answer):
            answer = event
        elif not as_json:
            click.echo(event, nl=False)
    if as_json:
        return emit_json(answer.to_dict())
    click.echo()
    print_answer(answer)


@cli.command("eval")
@settings_options
@click.argument("questions", type=click.Path(path_type=Path))
@click.option("--mode", type=click.Choice(["auto", "model", "extractive"]), help="Answer mode (default: the configured one, auto).")
@click.option("--details", type=click.Path(dir_okay=False, path_type=Path),
              help="Per-question results as JSONL (default: out/eval-<QUESTIONS name>.jsonl).")
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
def eval_command(questions, mode, details, as_json, config, corpus, **overrides):
    """Measure retrieval, refusals, answer keywords, citations and latency on QUESTIONS (JSONL
    with question, gold_titles, type, answer_keywords; see assistant/evaluate.py)."""
    from .evaluate import evaluate, format_table, load_questions, write_details

    items = load_questions(questions)
    assistant = make_assistant(config, corpus, mode=mode, **overrides)
    summary, results = evaluate(assistant, items, progress=not as_json and sys.stderr.isatty())
    details = details or Path("out") / f"eval-{questions.stem}.jsonl"
    write_details(results, details)
    summary["details"] = str(details)
    if as_json:
        return emit_json(summary)
    click.echo(format_table(summary))
    click.echo(f"details: {details}")


def main() -> None:
    try:
        cli.main(standalone_mode=False)
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

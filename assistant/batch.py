"""Batch questions: a file of questions in, a file of cited answers out.

From Python:

    >>> from assistant.api import Assistant
    >>> from assistant.batch import answer_questions
    >>> for record in answer_questions(Assistant(), ["Which papers study grokking?"], workers=4):
    ...     print(record["id"], record["status"], record["answer"])

`answer_questions` yields one record (a JSON-ready dict, see `RECORD_FIELDS`) per question as
soon as it is done, in completion order. `run_batch` adds what `assistant batch` needs around
it: reading the input file, the resumable output, the summary.

Nothing is lost: every record is appended to a JSONL record log and flushed as soon as it is
done (flushed, not fsynced: a killed process loses nothing, and an fsync per record would cost
more than some answers). For JSONL output the log is the output; for CSV or Markdown it sits beside it
(`OUTPUT.records.jsonl`) and the output is rendered from it at the end of each run. A kill can
only tear the log's last line (it has no newline yet); `--resume` drops that line and any failed
records, rewrites the log atomically, and answers what is missing.
"""

from __future__ import annotations

import csv
import json
import re
import sys
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import jsonl_objects, read_text
from .errors import AssistantError

RECORD_FIELDS = ("id", "question", "status", "answer", "citations", "uncited", "mode", "model", "note", "latency", "error", "fallback")
FORMATS = {".jsonl": "jsonl", ".csv": "csv", ".md": "md"}


@dataclass
class Question:
    id: str
    text: str
    line: int = 0  # where it is in the input file, for error messages
    extra: dict = field(default_factory=dict)  # other input fields, carried through to the record


@dataclass
class Summary:
    total: int
    answered: int = 0
    fallback: int = 0  # answered extractively because the model could not be used
    refused: int = 0
    failed: int = 0
    resumed: int = 0  # already done by an earlier run

    def count(self, record: dict) -> None:
        setattr(self, record["status"], getattr(self, record["status"]) + 1)
        self.fallback += record["status"] == "answered" and bool(record.get("fallback"))

    def __str__(self) -> str:
        fallback = f" ({self.fallback} by extractive fallback)" if self.fallback else ""
        resumed = f", {self.resumed} of them from the earlier run" if self.resumed else ""
        return (f"{self.total} questions: {self.answered} answered{fallback}, {self.refused} refused, "
                f"{self.failed} failed{resumed}")


# ---- input ------------------------------------------------------------------------------
def read_questions(path: Path) -> list[Question]:
    """Questions from a .txt (one a line), .jsonl (objects with `question`, optional `id`) or
    .csv (a `question` column, optional `id`) file. Questions without an id get `q` + their line
    number, so ids are stable across runs of the same file."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in (".txt", ".jsonl", ".csv"):
        raise AssistantError(f"{path}: questions must be in a .txt, .jsonl or .csv file")
    rows = {".txt": _txt_rows, ".jsonl": _jsonl_rows, ".csv": _csv_rows}[kind](path, read_text(path))
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        asked = row.pop("question", None)
        if not isinstance(asked, str) or not asked.strip():
            raise AssistantError(f"{path}:{line}: missing or empty 'question'")
        qid = row.pop("id", None)
        qid = f"q{line:04d}" if qid in (None, "") else str(qid)
        if qid in first_line:
            raise AssistantError(f"{path}:{line}: duplicate id {qid!r} (first on line {first_line[qid]})")
        first_line[qid] = line
        questions.append(Question(qid, asked.strip(), line, row))
    if not questions:
        raise AssistantError(f"{path}: no questions in the file")
    return questions


def _txt_rows(path: Path, text: str):
    return [(n, {"question": line}) for n, line in enumerate(text.splitlines(), 1) if line.strip()]


def _jsonl_rows(path: Path, text: str):
    return jsonl_objects(text, str(path), "a 'question'")


def _csv_rows(path: Path, text: str):
    reader = csv.DictReader(text.splitlines(keepends=True))
    if reader.fieldnames is None or "question" not in reader.fieldnames:
        raise AssistantError(f"{path}:1: no 'question' column (columns: {', '.join(reader.fieldnames or []) or 'none'})")
    rows = []
    start = 2
    for row in reader:
        rows.append((start, {k: v for k, v in row.items() if k is not None}))  # None holds surplus cells
        start = reader.line_num + 1  # a quoted cell may span lines
    return rows


# ---- answering --------------------------------------------------------------------------
def answer_one(assistant, question: Question, **options) -> dict:
    """Answer one question; any failure becomes the record's error instead of an exception."""
    started = time.perf_counter()
    try:
        answer = assistant.ask(question.text, **options)
    except AssistantError as exc:
        return make_record(question, None, str(exc), time.perf_counter() - started)
    except Exception as exc:  # a bug must not cost the rest of a long run; the error names it
        return make_record(question, None, f"unexpected {type(exc).__name__}: {exc}", time.perf_counter() - started)
    return make_record(question, answer, None, time.perf_counter() - started, assistant.uses_model(options.get("mode")))


def make_record(question: Question, answer, error: str | None, latency: float, model_wanted: bool = False) -> dict:
    record = {
        "id": question.id,
        "question": question.text,
        "status": "failed" if answer is None else "refused" if answer.refused else "answered",
        "answer": answer.text if answer else None,
        "citations": [{"number": s.number, "paper_id": s.paper_id, "title": s.title, "date": s.date} for s in answer.citations] if answer else [],
        "uncited": [{"paper_id": s.paper_id, "title": s.title, "date": s.date} for s in answer.uncited] if answer else [],
        "mode": answer.mode if answer else None,
        "model": answer.model if answer else None,
        "note": answer.note if answer else None,
        "latency": round(latency, 3),
        "error": error,
        # the model was to answer, yet the answer is extractive: it is the fallback
        "fallback": bool(answer and model_wanted and answer.mode == "extractive" and not answer.refused),
    }
    # Input fields ride along; one named like a record field is kept as input_<name>.
    return record | {(f"input_{k}" if k in record else k): v for k, v in question.extra.items()}


def answer_questions(assistant, questions: Iterable[Question | str], workers: int = 1, **options) -> Iterator[dict]:
    """Answer questions with `workers` threads, yielding each record as soon as it is done.

    `questions` are Question objects or plain strings (given ids q0001, q0002, ...); `options`
    go to Assistant.ask (k, years, mode). A question that fails yields a record with status
    "failed" and its error; the others go on. Stopping the iteration cancels what has not started.
    """
    todo = [q if isinstance(q, Question) else Question(f"q{n:04d}", q, n) for n, q in enumerate(questions, 1)]
    if not todo:
        return
    assistant.warm_up()
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="batch")
    try:
        futures = [pool.submit(answer_one, assistant, q, **options) for q in todo]
        for future in as_completed(futures):
            yield future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


# ---- output -----------------------------------------------------------------------------
def output_format(output: Path, fmt: str | None) -> str:
    return fmt or FORMATS.get(Path(output).suffix.lower(), "jsonl")


def record_log(output: Path, fmt: str) -> Path:
    """Where records are appended as they are done: the output itself for JSONL."""
    return Path(output) if fmt == "jsonl" else Path(f"{output}.records.jsonl")


def read_log(log: Path, questions: dict[str, Question]) -> dict[str, dict]:
    """Records of an earlier run by id. A last line without its newline was torn by a kill
    and is ignored; any other line that is not a record of these questions is an error."""
    try:
        data = log.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise AssistantError(f"{log}: {exc.strerror}") from None
    lines = data.split(b"\n")[:-1]  # the piece after the last newline is empty or torn
    records: dict[str, dict] = {}
    for n, raw in enumerate(lines, 1):
        try:
            record = json.loads(raw)
            question = questions.get(record["id"])
        except (ValueError, TypeError, KeyError):
            raise AssistantError(f"{log}:{n}: not a batch record; move the file away or choose another output") from None
        if question is None or record.get("question") != question.text:
            raise AssistantError(f"{log}:{n}: record {record['id']!r} is not a question of this input; resume with the same input file")
        records[record["id"]] = record
    return records


def write_atomic(path: Path, write) -> None:
    """Write via a temporary file and rename, so a reader sees the old or new file, never half."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as f:
        write(f)
    tmp.replace(path)


def write_jsonl(f, records: list[dict]) -> None:
    for record in records:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")


def write_csv(f, records: list[dict]) -> None:
    columns = list(dict.fromkeys(k for r in records for k in r))
    writer = csv.DictWriter(f, columns)
    writer.writeheader()
    for record in records:
        writer.writerow({k: csv_cell(k, v) for k, v in record.items()})


def csv_cell(key: str, value):
    if key == "citations":
        return "; ".join(f"[{c['number']}] {c['title']} ({c['date'] or 'undated'}) id:{c['paper_id']}" for c in value)
    if key == "uncited":
        return "; ".join(f"{c['title']} ({c['date'] or 'undated'}) id:{c['paper_id']}" for c in value)
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    # A spreadsheet would run a cell starting with = + - @ as a formula; untrusted text must not.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def md_text(text) -> str:
    """Untrusted text as literal Markdown: no HTML, links, images or structure."""
    return re.sub(r"([\\`*_\[\]<>&|!#~])", r"\\\1", str(text))


def write_md(f, records: list[dict]) -> None:
    f.write("# Batch answers\n")
    for r in records:
        f.write(f"\n## {md_text(r['id'])}: {md_text(r['question'])}\n\n")
        if r["status"] == "failed":
            f.write(f"**Failed:** {md_text(r['error'])}\n")
            continue
        f.write(md_text(r["answer"]) + "\n\n")
        for c in r["citations"]:
            f.write(f"- \\[{c['number']}\\] {md_text(c['title'])} ({md_text(c['date'] or 'undated')}) id:{md_text(c['paper_id'])}\n")
        for c in r["uncited"]:
            f.write(f"- not cited: {md_text(c['title'])} ({md_text(c['date'] or 'undated')}) id:{md_text(c['paper_id'])}\n")
        note = f"; note: {md_text(r['note'])}" if r.get("note") else ""
        f.write(f"\n*{r['status']}, {r['mode']}{', ' + md_text(r['model']) if r['model'] else ''}, {r['latency']} s{note}*\n")


WRITERS = {"jsonl": write_jsonl, "csv": write_csv, "md": write_md}


# ---- a whole run ------------------------------------------------------------------------
def run_batch(assistant, input_path: Path, output: Path, *, fmt: str | None = None, workers: int = 1,
              resume: bool = False, overwrite: bool = False, progress: bool = True, **options) -> Summary:
    """Answer every question of `input_path` into `output` (see the module docstring).

    With `resume`, records already in the output stay and only missing or failed questions are
    asked; without it an existing output is refused unless `overwrite`. Returns the counts.
    """
    from tqdm import tqdm

    questions = read_questions(input_path)
    by_id = {q.id: q for q in questions}
    fmt = output_format(output, fmt)
    if fmt not in WRITERS:
        raise AssistantError(f"output format must be jsonl, csv or md, not {fmt!r}")
    output, log = Path(output), record_log(output, fmt)
    if not resume and not overwrite:
        for path in {output, log}:
            if path.exists() and path.stat().st_size:
                raise AssistantError(f"{path} already exists: pass --resume to continue it or --overwrite to start again")
    done = {qid: r for qid, r in read_log(log, by_id).items() if r["status"] != "failed"} if resume else {}
    try:
        write_atomic(log, lambda f: write_jsonl(f, done.values()))  # drops a torn line and failures
        sink = open(log, "a", encoding="utf-8")
    except OSError as exc:
        raise AssistantError(f"output {log} cannot be written ({exc.strerror})") from None

    summary = Summary(len(questions), resumed=len(done))
    for record in done.values():
        summary.count(record)
    todo = [q for q in questions if q.id not in done]
    bar = tqdm(total=len(questions), initial=len(done), unit="q", desc="Answering", disable=not progress,
               dynamic_ncols=True, file=sys.stderr)
    try:
        with sink:
            for record in answer_questions(assistant, todo, workers, **options):
                sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                sink.flush()
                done[record["id"]] = record
                summary.count(record)
                bar.update()
                if record["status"] == "failed":
                    bar.write(f"{record['id']}: failed: {record['error']}", file=sys.stderr)
    finally:
        bar.close()
        # Also after Ctrl-C: leave the log in input order and the rendered output up to date.
        ordered = [done[q.id] for q in questions if q.id in done]
        write_atomic(log, lambda f: write_jsonl(f, ordered))
        if fmt != "jsonl":
            write_atomic(output, lambda f: WRITERS[fmt](f, ordered))
    return summary


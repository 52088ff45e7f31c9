"""Answer quality on your own questions, measured through the real pipeline (Assistant.ask).

A question file is JSONL, one object a line (the format of shared/eval/dev.jsonl):

    {"id": "q1", "question": "...", "gold_titles": ["exact paper title", ...],
     "type": "fact|numeric|multi|compare|negative", "answer_keywords": ["...", ...]}

Empty `gold_titles` marks a negative: the corpus does not cover it and it should be refused.
Metrics (rates are None when nothing counts towards them):
- recall_at_k: share of a question's gold papers among the first k retrieved, averaged over
  questions with gold papers; mrr_at_10: mean of 1/rank of the first gold paper in the top 10.
  A question about the papers' metadata ("the most upvoted ...") is answered from a ranking
  of the metadata, not from retrieval: its answer's sources, in order, are its ranking.
- list_paper_recall: for "which papers" questions (type list, or multi with several gold papers
  as in shared/eval/dev.jsonl), the share of a question's gold papers that the answer cites (its
  list), averaged; a refusal lists none.
- negative_refusal_rate: negatives refused; false_refusal_rate: answerable questions refused.
- keyword_hit_rate: answerable questions with keywords whose answer contains all of them
  (case-insensitive); a refusal is a miss.
- keyword_hit_rate_by_type: the same per question type (fact, numeric, multi, ...).
- citation_validity: answers whose every [n] marker points at a listed source and whose every
  cited paper is among the papers retrieved for the question, as deep as the answer looked
  (a list reads DEEP_K papers; a metadata answer ranks the papers it lists).
- citation_recall / citation_precision (ALCE's definitions, judged by support.Support against
  the abstracts of the cited papers), over answers that are not refusals: recall = share of an
  answer's sentences whose citations together support them; precision = share of citations
  that are needed (they support their sentence alone, or it loses support without them);
  each averaged over answers. Answers read from metadata (dates, upvotes, authors) are left
  out: they cite the papers they rank, not abstracts that state the ranking.
- contentful_answer_rate: answers (not refusals) that say something beyond markers and the
  question's own words (support.reply_problem finds nothing wrong with them).
- degenerate_reply_rate: questions the model was asked whose reply was no answer (empty,
  markers only, the question echoed, a loop, cut off), so the extractive answer stood in.
- failures: questions whose answer raised an error (recorded with it; the run goes on).
- latency_p50/p95: seconds per `ask`, after one warm-up call that loads the models.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .corpus import jsonl_objects, normalise_title, read_text
from .errors import AssistantError
from .questions import plan
from .support import Support, citation_scores, claims, reply_problem

K_VALUES = (1, 5, 10)
MARKER = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")  # [2] and [1, 3]


@dataclass
class Question:
    id: str
    question: str
    gold_titles: list[str]
    type: str
    answer_keywords: list[str]

    @property
    def negative(self) -> bool:
        return not self.gold_titles


@dataclass
class Result:
    id: str
    type: str
    question: str
    gold_titles: list[str]
    retrieved: list[str]  # titles of the top 10 papers, best first
    gold_ranks: list[int | None]  # 1-based rank of each gold paper in `retrieved`
    recall: dict[str, float]  # "1", "5", "10" -> share of gold papers in the top k
    reciprocal_rank: float
    refused: bool
    mode: str
    answer: str
    cited: list[str]
    missing_keywords: list[str]
    keyword_hit: bool | None  # None: no keywords to check
    citation_problems: list[str]
    latency: float
    list_recall: float | None = None  # list questions: share of gold papers the answer cites
    error: str | None = None  # the answer failed with this; the other answer fields are empty
    contentful: bool | None = None  # None for refusals and failures
    reply_problem: str | None = None  # the model's reply was degenerate (see support.reply_problem)
    model_asked: bool = False
    citation_recall: float | None = None
    citation_precision: float | None = None
    sentences: list[dict] | None = None  # the answer's sentences, each with its citations and whether they support it
    note: str | None = None  # the answer's note, e.g. why the model's answer was not used
    model_sentences: list[dict] | None = None  # the model's own sentences as the pipeline judged them (shown or left out)


def load_questions(path: Path) -> list[Question]:
    path = Path(path)
    if not path.is_file():
        raise AssistantError(f"question file {path} does not exist")
    questions = []
    for number, record in jsonl_objects(read_text(path), str(path), "a 'question'"):
        where = f"{path}:{number}"
        question = record.get("question")
        if not isinstance(question, str) or not question.strip():
            raise AssistantError(f"{where}: missing or empty 'question'")
        lists = {}
        for key in ("gold_titles", "answer_keywords"):
            value = record.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise AssistantError(f"{where}: '{key}' must be a list of non-empty strings")
            lists[key] = value
        kind = record.get("type") or ("fact" if lists["gold_titles"] else "negative")
        questions.append(Question(str(record.get("id", number)), question.strip(), lists["gold_titles"], str(kind), lists["answer_keywords"]))
    if not questions:
        raise AssistantError(f"question file {path}: no questions")
    return questions


def check_gold_titles(questions: list[Question], titles) -> None:
    """A gold title the corpus lacks would silently cap recall: refuse it instead."""
    known = {normalise_title(t) for t in titles}
    for q in questions:
        for title in q.gold_titles:
            if normalise_title(title) not in known:
                raise AssistantError(f"question {q.id}: gold title {title!r} is not a paper of the corpus")


def citation_problems(answer, retrieved_ids: set[str]) -> list[str]:
    listed = {s.number for s in answer.citations}
    markers = {int(n) for group in MARKER.findall(answer.text) for n in group.split(",")}
    problems = [f"[{n}] points at no listed source" for n in sorted(markers - listed)]
    problems += [f"cited paper {s.title!r} was not retrieved" for s in answer.citations if s.paper_id not in retrieved_ids]
    return problems


def ranking(retrieved: list[str], gold_titles: list[str]) -> tuple[list[int | None], dict[str, float], float]:
    """Rank of each gold paper among the retrieved titles (best first), Recall@k and 1/rank of
    the first gold paper within the top 10."""
    ranks: dict[str, int] = {}
    for i, title in enumerate(retrieved, 1):
        ranks.setdefault(normalise_title(title), i)
    gold_ranks = [ranks.get(normalise_title(t)) for t in gold_titles]
    recall = {str(k): sum(r is not None and r <= k for r in gold_ranks) / len(gold_ranks) if gold_ranks else 0.0 for k in K_VALUES}
    first = min((r for r in gold_ranks if r is not None), default=None)
    return gold_ranks, recall, 1.0 / first if first and first <= max(K_VALUES) else 0.0


def retrieval_summary(rankings: list[tuple[dict[str, float], float]]) -> dict:
    """Recall@k and MRR@10 averaged over (recall, reciprocal rank) pairs of answerable questions."""
    return {
        **{f"recall_at_{k}": _share(recall[str(k)] for recall, _ in rankings) for k in K_VALUES},
        "mrr_at_10": _share(rr for _, rr in rankings),
    }


def run_question(assistant, q: Question) -> Result:
    """One question through retrieval and `ask`; an answer that fails is recorded with its
    error, never raised, so one question cannot end a run."""
    from .api import DEEP_K
    from .questions import plan

    # Retrieval as the answer does it: a question's own filters ("papers from 2022") apply.
    asked = plan(q.question)
    query, filters = (asked.meta.topic or q.question, asked.meta.filter) if asked.meta else (q.question, None)
    hits = assistant.retrieve(query, k=max(DEEP_K, assistant.settings.top_k), years=filters)
    retrieved = [h.paper.title for h in hits][: max(K_VALUES)]
    result = Result(
        id=q.id, type=q.type, question=q.question, gold_titles=q.gold_titles, retrieved=retrieved,
        gold_ranks=[], recall={}, reciprocal_rank=0.0, refused=False, mode="failed", answer="",
        cited=[], missing_keywords=list(q.answer_keywords), keyword_hit=None if q.negative or not q.answer_keywords else False,
        citation_problems=[], latency=0.0,
    )
    result.gold_ranks, result.recall, result.reciprocal_rank = ranking(retrieved, q.gold_titles)
    if (q.type == "list" and q.gold_titles) or (q.type == "multi" and len(q.gold_titles) > 1):
        result.list_recall = 0.0
    try:
        answer = assistant.ask(q.question)
    except Exception as exc:  # noqa: BLE001 - recorded and counted; the run goes on
        result.error = str(exc) if isinstance(exc, AssistantError) else f"{type(exc).__name__}: {exc}"
        return result
    retrieved_ids = {h.paper.id for h in hits}
    if asked.kind == "meta" and not answer.refused:  # ranked from the metadata, not retrieved
        result.retrieved = [s.title for s in answer.citations + answer.uncited][: max(K_VALUES)]
        result.gold_ranks, result.recall, result.reciprocal_rank = ranking(result.retrieved, q.gold_titles)
        retrieved_ids = {s.paper_id for s in answer.citations + answer.uncited}
    text = answer.text.lower()
    result.missing_keywords = list(q.answer_keywords) if answer.refused else [k for k in q.answer_keywords if k.lower() not in text]
    if result.keyword_hit is not None:
        result.keyword_hit = not result.missing_keywords
    result.refused, result.mode, result.answer, result.latency = answer.refused, answer.mode, answer.text, answer.latency
    result.cited = [s.title for s in answer.citations]
    if result.list_recall is not None and not answer.refused:
        cited = {normalise_title(t) for t in result.cited}
        result.list_recall = sum(normalise_title(t) in cited for t in q.gold_titles) / len(q.gold_titles)
    result.citation_problems = citation_problems(answer, retrieved_ids)
    result.reply_problem, result.model_asked = answer.reply_problem, answer.model is not None
    result.note, result.model_sentences = answer.note, [asdict(s) for s in answer.sentences] or None
    if not answer.refused:
        result.contentful = reply_problem(answer.text, q.question) is None
        # An answer read from the papers' dates, upvotes and authors ("the most upvoted is X
        # (40 upvotes) [1]") cites the paper it ranks, not an abstract that states the ranking:
        # ALCE's abstract-support judgement does not apply (its keywords and sources are checked).
        if plan(q.question).kind != "meta":
            result.citation_recall, result.citation_precision, result.sentences = judge_citations(assistant, answer)
    return result


def judge_citations(assistant, answer) -> tuple[float | None, float | None, list[dict]]:
    """ALCE citation recall and precision of one answer, judged against the abstracts of the
    papers it cites, and its sentences with their verdicts."""
    papers = assistant.index.papers
    sources = [(s.title, papers[s.paper_id].abstract if s.paper_id in papers else "") for s in answer.citations]
    support = Support(sources, assistant.embed_sentences, premise=answer.question)
    found = claims(answer.text)
    recall, precision = citation_scores(found, support)
    verdicts = [{"text": c.text, "citations": c.citations, "supported": bool(c.citations) and support.judge(c.text, c.citations).supported}
                for c in found]
    return recall, precision, verdicts


def _share(flags) -> float | None:
    flags = list(flags)
    return round(sum(flags) / len(flags), 4) if flags else None


def summarise(results: list[Result]) -> dict:
    answerable = [r for r in results if r.gold_titles]
    negatives = [r for r in results if not r.gold_titles]
    answered = [r for r in results if not r.error]
    latencies = [r.latency for r in answered] or [0.0]
    types = sorted({r.type for r in results if r.keyword_hit is not None})
    return {
        "questions": len(results),
        "answerable": len(answerable),
        "negatives": len(negatives),
        **retrieval_summary([(r.recall, r.reciprocal_rank) for r in answerable]),
        "negative_refusal_rate": _share(r.refused for r in negatives),
        "false_refusal_rate": _share(r.refused for r in answerable),
        "keyword_hit_rate": _share(r.keyword_hit for r in results if r.keyword_hit is not None),
        "keyword_hit_rate_by_type": {t: _share(r.keyword_hit for r in results if r.type == t and r.keyword_hit is not None) for t in types},
        "list_paper_recall": _mean(r.list_recall for r in results),
        "citation_validity": _share(not r.citation_problems for r in answered),
        "citation_recall": _mean(r.citation_recall for r in answered),
        "citation_precision": _mean(r.citation_precision for r in answered),
        "contentful_answer_rate": _share(r.contentful for r in answered if r.contentful is not None),
        "degenerate_reply_rate": _share(r.reply_problem is not None for r in answered if r.model_asked),
        "failures": len(results) - len(answered),
        "failed": [{"id": r.id, "error": r.error} for r in results if r.error],
        "latency_p50": round(float(np.percentile(latencies, 50)), 3),
        "latency_p95": round(float(np.percentile(latencies, 95)), 3),
        "modes": sorted({r.mode for r in answered}),
    }


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return round(sum(values) / len(values), 4) if values else None


def evaluate(assistant, questions: list[Question], progress: bool = False, details: Path | None = None) -> tuple[dict, list[Result]]:
    """Run every question; each result is appended to `details` (JSONL) as soon as it is known,
    so a long model run that is stopped keeps what it measured."""
    from tqdm import tqdm

    assistant.ensure_index(progress=progress)
    check_gold_titles(questions, (p.title for p in assistant.index.papers.values()))
    try:  # warm-up: loads the embedder, the store and BM25
        assistant.ask(questions[0].question)
    except Exception:  # noqa: BLE001 - the question itself records the failure below
        pass
    results = []
    with _details_file(details) as out:
        for q in tqdm(questions, desc="Evaluating", unit="question", disable=not progress):
            results.append(run_question(assistant, q))
            if out:
                out.write(json.dumps(asdict(results[-1]), ensure_ascii=False) + "\n")
                out.flush()
    return summarise(results), results


@contextlib.contextmanager
def _details_file(path: Path | None):
    if path is None:
        yield None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        out = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise AssistantError(f"details file {path}: {exc.strerror}") from None
    with out:
        yield out


def load_details(path: Path) -> list[Result]:
    """Results written by `evaluate` (a finished or a stopped run), to summarise again."""
    return [Result(**json.loads(line)) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def format_table(summary: dict) -> str:
    def show(value) -> str:
        return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)

    by_type = ", ".join(f"{t} {show(v)}" for t, v in summary["keyword_hit_rate_by_type"].items()) or "n/a"
    failures = str(summary["failures"]) + "".join(f"\n  {f['id']}: {f['error']}" for f in summary["failed"])
    rows = [
        ("questions", f"{summary['questions']} ({summary['answerable']} answerable, {summary['negatives']} negative)"),
        *((f"Recall@{k}", show(summary[f"recall_at_{k}"])) for k in K_VALUES),
        ("MRR@10", show(summary["mrr_at_10"])),
        ("negative_refusal_rate", show(summary["negative_refusal_rate"])),
        ("false_refusal_rate", show(summary["false_refusal_rate"])),
        ("keyword_hit_rate", show(summary["keyword_hit_rate"])),
        ("keyword hits by type", by_type),
        ("list_paper_recall", show(summary.get("list_paper_recall"))),
        ("citation_validity", show(summary["citation_validity"])),
        ("citation_recall", show(summary["citation_recall"])),
        ("citation_precision", show(summary["citation_precision"])),
        ("contentful_answer_rate", show(summary["contentful_answer_rate"])),
        ("degenerate_reply_rate", show(summary["degenerate_reply_rate"])),
        ("failures", failures),
        ("latency p50 / p95", f"{summary['latency_p50']:.3f} s / {summary['latency_p95']:.3f} s"),
        ("answer modes", ", ".join(summary["modes"]) or "none"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)

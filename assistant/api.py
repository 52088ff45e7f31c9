"""The one Python API every front end (CLI, chat UI, batch, eval) calls."""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
import time
from collections.abc import Iterator
from contextlib import nullcontext
from functools import cached_property

from . import metadata
from .config import Settings, check_mode, load_settings
from .citations import marked, short_name
from .corpus import Paper, squash
from .embeddings import SentenceCache
from .errors import AssistantError
from .extractive import (LIST_CAP, LIST_MIN, coined_names, compare_picks, compared, extractive, headed, listed, ranking, rerank,
                         score_papers)
from .gate import Evidence, admit, asked_only, list_names, refusal, written
from .index import Index, SyncReport
from .metadata import PaperFilter
from .questions import QuestionPlan, exceeding, plan, sides as compared_sides, threshold
from .retrieve import Hit, Retriever, YearFilter
from .spelling import respelled
from .text import content_words, stems, words
from .types import Answer, Sentence, Source

SIDE_NAME_WORDS = 3  # a comparison side this short is a name, searched alone
# A lower-case word at least this common in English (Zipf scale) is the word, not a name the corpus
# capitalises: "video clip" is no "CLIP", "arc" no "ARC"; "llama" (2.95) and "mmlu" (0) are names.
NAME_ZIPF = 3.0
# The model's own refusal stands when the gate passed the question by less than this (Evidence.margin);
# above it, the abstracts' sentences answer instead. Over the Qwen runs of rounds 15-19 (382 answers
# to answerable questions, 131 to near negatives) the model refused 4 near negatives the gate had
# passed by 0.07 to 0.37, and 2 answerable questions passed by 0.45 and 0.62 (docs/quality-rounds.md, round 19).
MODEL_REFUSAL_MARGIN = 0.4
OUTSIDE_SHOWN = 8  # papers named when those that address a question are all from other dates than it asks (outside_filter)
DEEP_K = 60  # papers a list or metadata question retrieves before the gate and LIST_SHARE pick the relevant ones
RERANK_K = 20  # papers retrieval reorders by their best sentence (extractive.rerank) before the first k are kept
LIST_SOURCES = 8  # papers a model reads for a list; the list rule's others are added after its answer
SIDE_CHOICES = 4  # papers per side among which the sides' papers are chosen together (side_choice)
# "the original grokking paper": the paper titled "Grokking: ...", not the later ones on grokking
# (blind 31's b31-36 and blind 5's b5-44 had compared "Grokking Tickets" or the effective-theory paper).
ORIGINAL = re.compile(r"\boriginal\s+([\w-]+)\s+(?:paper|study|work|article|one)\b", re.I)
LINE_TOKENS = 48  # reply tokens per paper a list answer may need (a name and what it does)


class Assistant:
    """Ask questions of a paper corpus.

    >>> a = Assistant()                      # shipped corpus, ./index, settings from env/config
    >>> answer = a.ask("Which papers train process reward models?")
    >>> answer.text, [c.title for c in answer.citations]
    """

    def __init__(self, settings: Settings | None = None, **overrides):
        self.settings = settings or load_settings(**overrides)
        self.index = Index(self.settings)
        self.retriever = Retriever(self.index)
        self._sorted_words: list[str] = []  # the vocabulary in order, for words with a version run on (_versions)

    def ensure_index(self, progress: bool | None = None) -> SyncReport | None:
        """Build the index on first use (progress bar: the `progress` setting); an existing one is used as it is."""
        if self.index.exists():
            self.index.check_compatible()
            return None
        return self.index.sync(progress=self.settings.progress if progress is None else progress)

    def warm_up(self, progress: bool | None = None) -> None:
        """Build or open the index and load every lazily created piece (store, BM25, embedding
        session, vocabulary) once, before threads or concurrent requests share them."""
        self.ensure_index(progress=progress)
        self.retrieve("warm up")
        self.vocabulary  # noqa: B018 - a cached property, loaded here on purpose

    def with_settings(self, **changes) -> Assistant:
        """An Assistant with other settings (say, another model endpoint) sharing this one's
        loaded index, retriever and sentence-vector cache."""
        other = Assistant(dataclasses.replace(self.settings, **changes))
        other.index, other.retriever, other.embed_sentences = self.index, self.retriever, self.embed_sentences
        return other

    @cached_property
    def embed_sentences(self):
        """The embedder behind a cache: answers embed the same abstract sentences over and over."""
        return SentenceCache(self.index.embedder.embed)

    @property
    def vocabulary(self) -> set[str]:
        """Every word of the corpus, to tell whether it mentions a name at all."""
        return self.index.vocabulary

    def _known_words(self, words: set[str]) -> set[str]:
        """Those of the words the corpus uses: from the vocabulary when it is loaded (the gate
        loads it), else looked up in papers.sqlite."""
        if "vocabulary" in self.index.__dict__:
            return words & self.index.vocabulary
        return self.index.store.known_words(words)

    def retrieve(self, question: str, k: int | None = None, years: YearFilter | str | None = None) -> list[Hit]:
        """The k papers that best match the question, best first. A comparison also retrieves for
        each side it names and puts each side's best paper first (Hit.extra["side"])."""
        question = _checked(question)
        filters = years if isinstance(years, YearFilter) else YearFilter.parse(years)
        self.ensure_index()
        question = respelled(question, self._known_words)
        k = k or self.settings.top_k
        sides = compared_sides(question)
        # What the question leaves out ("Leave out work on overconfident search agents") is no query:
        # its words would find the very papers it excludes.
        asked = asked_only(question)
        hits = self._search(asked, max(k, RERANK_K), filters)
        hits = (rerank(asked, hits[:RERANK_K], self.embed_sentences, self.index.lexical.idf) + hits[RERANK_K:])[:k]  # the same order at any k
        if plan(question).kind == "list":
            # A list that names what it asks for ("Which papers run experiments with GPT-3?") is answered
            # with the papers that write the name (named): they come first, in retrieval's order.
            pool = self.named(question, hits, filters)
            hits = ([h for h in pool if h.extra.get("named")] + [h for h in pool if not h.extra.get("named")])[:k]
        if not sides:
            return hits
        firsts = self._sides(sides, question, max(k, RERANK_K), filters)
        ids = {f.paper.id for f in firsts}
        return (firsts + [h for h in hits if h.paper.id not in ids])[:k]

    def _sides(self, sides, question: str, k: int, filters) -> list[Hit]:
        """The best paper for each side of a comparison (or each paper a question describes), each
        another paper, marked Hit.extra["side"]. A name ("BLaIR", "Super-NaturalInstructions") is
        its own query; a description ("one uses an LLM as optimizer") needs the rest of the
        question for its topic ("Three learning-to-learn papers: ..."). The papers are chosen
        together: where one paper is the best match of two sides, it goes to the side it matches
        better and the other side takes its next best (side_choice)."""
        context = functools.reduce(lambda text, side: text.replace(side, " "), sides, question)
        ranked: list[list[tuple[float, Hit]]] = []
        for side in sides:
            named = len(side.split()) <= SIDE_NAME_WORDS
            query = side if named else f"{side} {context}"
            side_hits = self._search(query, k, filters)
            # A description is found with the topic, and ranked by what tells this side from the other
            # (the context fits both), mixed with the gate's score: relevance alone took "routed to
            # expert models" for "Learning to Route Among Specialized Experts" (blind 20).
            if not named:
                choices = [(r, p.hit) for r, p in ranking(side, side_hits, self.embed_sentences, self.index.lexical.idf)][:SIDE_CHOICES]
            else:  # a paper that writes the name ("Only-IF", "TCIA"; "train-longer" as "Train longer,") before one that only resembles it
                side_hits.sort(key=lambda h: not written(side, h.paper))
                choices = [(1.0 - i / SIDE_CHOICES, h) for i, h in enumerate(side_hits[:SIDE_CHOICES])]
            if (original := ORIGINAL.search(side)) and (titled := [h for h in side_hits if titled_by(original.group(1), h.paper)]):
                titled[0].extra["titled"] = True
                choices = [(2.0, titled[0])] + [(r, h) for r, h in choices if h is not titled[0]]
            ranked.append(choices)
        firsts = side_choice(ranked)
        for i, hit in enumerate(firsts):
            if hit is not None:
                hit.extra["side"] = i
        return [h for h in firsts if h is not None]

    def _search(self, query: str, k: int, filters: YearFilter) -> list[Hit]:
        """Retriever.search; a month filter, which the store cannot apply, is applied to a
        deeper ranking instead."""
        if not getattr(filters, "months", None):
            return self.retriever.search(query, k, filters)
        return [h for h in self.retriever.search(query, max(k, DEEP_K) * 3, filters) if filters.admits(h.paper)][:k]

    def stream(self, question: str, *, k: int | None = None, years: YearFilter | str | None = None,
               mode: str | None = None, history: list[tuple] | None = None,
               filters: PaperFilter | None = None) -> Iterator[str | Answer]:
        """Yield pieces of answer text as they are produced, then the final Answer.

        `history` holds earlier turns as (question, answer text) or (question, answer text,
        cited paper ids): the ids tell a follow-up such as "Which of these is the most recent?"
        which papers "these" are. `filters` (metadata.PaperFilter: years, months, an ordering)
        restricts and orders the papers like the same words in the question would; `years`
        alone is the older way to give a year filter.

        The final Answer's text is the checked one (citations made valid); front ends show it
        in place of the streamed pieces, which it usually just completes."""
        started = time.perf_counter()
        question = asked_as = _checked(question)
        self.ensure_index()
        question = respelled(question, self._known_words)  # typos mended for every step; the answer shows the question as asked
        filters = _merged_filter(years, filters)
        pairs = [(turn[0], turn[1]) for turn in history or []]
        asked = plan(question)
        if filters.order and asked.kind != "meta":  # a sort chosen in the UI/CLI/API ranks by metadata
            asked = QuestionPlan("meta", meta=metadata.MetaQuery(topic=metadata.topic_of(question)))
        if asked.meta:
            asked.meta = metadata.with_filter(asked.meta, filters)
            filters = asked.meta.filter
        use_model, strict = self._mode(mode)
        standalone = question
        if asked.kind == "meta":  # dates and counts are answered from the metadata, in every mode
            answer, shown = self._metadata_answer(question, asked.meta, k, history), False
        else:
            with _endpoint(self.settings) if use_model else nullcontext() as endpoint:
                note, shown = None, False
                if pairs:
                    standalone, note = self._standalone(question, pairs, endpoint, strict)
                shown_k = k or self.settings.top_k
                use_endpoint = endpoint and not note  # a failed rewrite means the model is down: don't ask again
                asked = plan(standalone) if standalone != question else asked
                query = asked.meta.topic if asked.meta and asked.meta.topic else standalone
                # A list is answered from deeper retrieval, in both modes: a model reads the papers
                # the list rule keeps (at most LIST_SOURCES), and those it leaves out are added after its answer.
                deep = asked.kind == "list"
                hits, evidence, outside = self._evidence(query, max(shown_k, DEEP_K) if deep else shown_k, filters, deep,
                                                           metadata=bool(asked.meta and asked.meta.topic))
                if evidence.reason:  # nothing relevant: no answer is written and the model is not asked
                    answer = refusal(question, evidence.reason, hits[:shown_k])
                elif outside:  # relevant papers, none of them from the dates the question asks
                    answer = outside_filter(question, filters, outside)
                elif use_endpoint:
                    answer, shown = yield from self._model_answer(question, standalone, endpoint, strict, evidence, asked)
                else:
                    answer = extractive(standalone, evidence.hits, self.embed_sentences, asked)
                answer.note = answer.note or note
                if not answer.refused:
                    show_retrieved(answer, hits, shown_k)
        if not shown:
            yield answer.text
        answer.question = asked_as
        answer.latency = round(time.perf_counter() - started, 3)
        answer.standalone_question = standalone if standalone != asked_as else None  # a follow-up made whole, or typos mended
        yield answer

    def _evidence(self, query: str, k: int, filters: PaperFilter, deep: bool, metadata: bool = False):
        """The retrieved papers, the gate's evidence, and, when no paper of the question's dates
        addresses it, those of other dates that do with the weaker matches of its dates (outside_filter).

        A topic asked within dates ("Which papers on grokking came out in 2022?") is judged against
        the whole corpus and then filtered. Judged among the filtered papers alone, the best of them
        sets every relative bar (the gate's sources, extractive.listed's), so a 2023 paper that
        only mentions "a mixture of simple and hard examples" led "Which papers from 2023 study
        mixture of experts?", and a year with no paper on the topic read as "no paper in the corpus
        addresses grokking". A paper of those dates that the whole corpus' ranking leaves out of
        its top k scores no higher than the last one it keeps. (Counts, "the single-author paper
        on ...", describe the paper: retrieval does not filter by them, nor does this.)"""
        hits = self.retrieve(query, k, filters)
        pool = self.named(query, hits, filters) if deep else hits  # a list also reads every paper that writes its name
        dates = filters.dates()
        if not dates:
            return hits, self.gate(query, pool, metadata=metadata, listing=deep), None
        whole = self.retrieve(query, k)
        whole = self.named(query, whole) if deep else whole
        floor = min((h.score for h in whole), default=0.0)
        seen = {h.paper.id for h in whole}
        pool = whole + [dataclasses.replace(h, score=min(h.score, floor), extra=dict(h.extra)) for h in pool if h.paper.id not in seen]
        evidence = self.gate(query, pool, metadata=metadata, listing=deep)
        if evidence.reason:
            return hits, evidence, None
        if deep:  # the whole corpus' list, uncapped: its first LIST_MIN and its sure papers address the question
            chosen = listed(query, evidence.hits, self.embed_sentences, cap=len(evidence.hits))
            relevant = [p.hit for i, p in enumerate(chosen) if not p.weaker or i < LIST_MIN]
            inside = [p.hit for p in chosen if dates.admits(p.hit.paper)]
        else:
            relevant, inside = evidence.hits, [h for h in evidence.hits if dates.admits(h.paper)]
        if not any(dates.admits(h.paper) for h in relevant):  # the list's weaker matches of those dates are named apart
            return hits, evidence, (relevant, inside)
        return hits, dataclasses.replace(evidence, hits=inside), None

    def _versions(self, word: str) -> list[str]:
        """The corpus' words that are `word` with a version or year run on ("aime24", "cifar10")."""
        if len(self._sorted_words) != len(self.vocabulary):  # the index has grown since they were sorted
            self._sorted_words = sorted(self.vocabulary)
        found = []
        for other in itertools.islice(self._sorted_words, bisect.bisect_left(self._sorted_words, word), None):
            if not other.startswith(word):
                break
            if other[len(word):].isdigit():
                found.append(other)
        return found

    def list_names(self, question: str) -> list[str]:
        """The names a list question asks about (gate.list_names), and the words it writes in lower
        case that the corpus writes only as names: "mmlu shows up in which abstracts?" asks about
        "MMLU", "any qwen papers?" about "Qwen" (not "grokking", which abstracts write in lower case,
        nor an English word such as "clip" or "arc", however the corpus writes it: NAME_ZIPF). What
        the question leaves out (gate.asked_only) names nothing it asks for."""
        from wordfreq import zipf_frequency

        names = list_names(question)
        said = {n.lower() for n in names}
        for word in dict.fromkeys(re.findall(r"(?<![\w-])[a-z][a-z0-9]{2,}(?![\w-])", asked_only(question))):
            if word in said or zipf_frequency(word, "en") >= NAME_ZIPF:
                continue
            versions = self._versions(word)  # "cifar" is written "CIFAR-10", one word of the index: "cifar10"
            if word not in self.vocabulary and not versions:
                continue
            rows, _ = self.index.lexical.search(" ".join([word, *versions]), 2 * LIST_CAP)
            texts = " ".join(p.text for p in self.index.papers.many([self.index.lexical.paper_id(r) for r in rows]).values())
            forms = re.findall(rf"(?<![\w-]){word}(?![a-z])", texts, re.I)  # "CIFAR-10", "CIFAR10" too
            if forms and all(form != form.lower() for form in forms):
                names.append(max(set(forms), key=forms.count))
        return names

    def named(self, question: str, hits: list[Hit], filters: PaperFilter | YearFilter | None = None) -> list[Hit]:
        """`hits` and after them every other paper that writes a name the list question asks
        about ("Which papers report results on MMLU?"; gate.list_names), wherever retrieval
        ranked it: the name picks its papers out better than their closeness to the question's
        other words. Each such hit is marked with the name (Hit.extra["named"]) for
        extractive.listed. A name more than LIST_CAP papers write picks none out ("LLM").
        A list asked by a count ("more than twenty distinct LLMs", questions.threshold) marks the
        retrieved papers that state a figure that large beside the counted thing the same way."""
        lexical, by_id, added = self.index.lexical, {h.paper.id: h for h in hits}, []
        low = min((h.score for h in hits), default=0.0)
        for name in self.list_names(question):
            # "Hugging Face" may be written "huggingface", "AIME" with its year run on ("AIME24"): one word of the index
            short = squash(name)
            versions = self._versions(short)
            spelled = " ".join(re.findall(r"[a-z]+|[0-9]+", name.lower()))  # "MATH500" as the index holds "MATH-500"
            rows, _ = lexical.search(" ".join([name, short, spelled, *versions]), 3 * LIST_CAP)
            papers = self.index.papers.many([lexical.paper_id(r) for r in rows]).values()
            writers = [p for p in papers if written(name, p) and (filters is None or filters.admits(p))]
            if len(writers) > LIST_CAP:
                continue
            for paper in writers:
                if paper.id not in by_id:
                    by_id[paper.id] = Hit(paper, low, 0.0, 0.0)
                    added.append(by_id[paper.id])
                by_id[paper.id].extra.setdefault("named", name)
        # A list asked by a count ("more than twenty distinct LLMs"): a paper that states a figure that
        # large beside the counted thing is one of its answers, the figure its line's lead (_list_line).
        if least := threshold(question):
            for hit in hits + added:
                if not hit.extra.get("named") and (figure := exceeding(hit.paper.abstract, *least)):
                    hit.extra.update(named=figure, counted=True)
        return hits + added

    def _metadata_answer(self, question: str, query: metadata.MetaQuery, k: int | None, history) -> Answer:
        """Rank or describe papers by their metadata: the previous answer's papers for a
        follow-up ("Which of these ..."), the papers on the question's topic, or the whole
        corpus when the question names no topic."""
        described = metadata.described(query.topic)
        if described:  # "Which has the most authors: the rip-current report, ..., or the ... paper?"
            hits, scope = self._sides(described, query.topic, RERANK_K, YearFilter()), "papers the question describes"
        elif history and (query.previous or not query.topic):
            papers = self.previous_papers(history)
            hits, scope = metadata.as_hits(papers), "papers of the previous answer"
        elif query.topic:
            hits, evidence, outside = self._evidence(query.topic, max(k or self.settings.top_k, DEEP_K), query.filter, False, metadata=True)
            if evidence.reason:
                return refusal(question, evidence.reason, hits[: k or self.settings.top_k])
            if outside:
                return outside_filter(question, query.filter, outside)
            hits = [p.hit for p in listed(query.topic, evidence.hits, self.embed_sentences, weaker=False)]  # ranked by metadata: only clear matches
            scope = "papers that match the question"
        elif query.lookup and not query.filter:  # a lookup is never an ordering (metadata.parse)
            # "which year?" naming no paper, with no answer before it: any paper's date would be a guess.
            text = 'The question does not say which paper: name it ("When was ReFT published?") or ask after an answer that cites it.'
            return Answer(question, text, [], [], "extractive", refused=True)
        else:
            self.ensure_index()
            hits = metadata.as_hits(list(self.index.papers.values()))
            scope = "papers in the corpus"
        answer = metadata.answer(question, query, hits, scope)
        first = next((h for h in hits if answer.citations and h.paper.id == answer.citations[0].paper_id), None)
        if (query.topic and (query.limit or query.lookup) and first and not answer.refused
                and metadata.field_value(first.paper, query.lookup or query.filter.order[0]) is not None):  # not one left unranked
            # The paper a superlative or a lookup picks, with the sentence of its abstract closest to
            # what the question says of it: the reader sees why it is the paper described.
            side = first.extra.get("side")
            about = described[side] if described and side is not None else query.topic
            [scored] = score_papers(about, [first], self.embed_sentences, numeric=False) or [None]
            if scored:
                answer.citations[0].sentences = [scored.sentences[0][2]]
                answer.text += f"\nFrom its abstract: {scored.sentences[0][2]} [1]"
        return answer

    def previous_papers(self, history) -> list[Paper]:
        """The papers the last answer rested on: its cited paper ids when the front end kept
        them, else the papers whose titles (or names before a colon) the answer text shows,
        else the papers retrieved again for the previous question."""
        self.ensure_index()
        papers = self.index.papers
        last = history[-1]
        ids = list(last[2]) if len(last) > 2 and last[2] else []
        if not ids:
            ids = metadata.titles_in(last[1], papers.values())
        if not ids:
            ids = [h.paper.id for h in self.gate(last[0], self.retrieve(last[0])).hits]
        return [papers[i] for i in dict.fromkeys(ids) if i in papers]

    def gate(self, question: str, hits: list[Hit], metadata: bool = False, listing: bool = False) -> Evidence:
        """The retrieved papers that address the question, or why none does (gate.admit);
        `metadata`: the question ranks papers by metadata, the text is its topic; `listing`: it
        asks for a list of papers."""
        return admit(question, hits, self.vocabulary, self.embed_sentences, idf=self.index.lexical.idf, metadata=metadata,
                     listing=listing)

    def uses_model(self, mode: str | None = None) -> bool:
        """Whether an answer in this mode comes from the model: "model" asks for it explicitly,
        "auto" uses it when an endpoint is configured."""
        mode = check_mode(mode or self.settings.mode)
        return mode == "model" or (mode == "auto" and bool(self.settings.llm_base_url))

    def _mode(self, mode: str | None) -> tuple[bool, bool]:
        """(use the model, fail rather than fall back to the extractive answer)."""
        return self.uses_model(mode), (mode or self.settings.mode) == "model"

    def _standalone(self, question, history, endpoint, strict) -> tuple[str, str | None]:
        """The follow-up rewritten as a standalone question: by the model when there is one,
        else by carrying over the previous question's terms; and why the model was not used."""
        if endpoint is None:
            return follow_up_fallback(question, history), None
        from .llm import ModelUnavailable, rewrite_question

        try:
            return rewrite_question(endpoint, question, history), None
        except ModelUnavailable as exc:
            if strict:
                raise AssistantError(f"the model could not be used: {exc}") from None
            return follow_up_fallback(question, history), _fallback_note(exc)

    def _model_answer(self, question, standalone, endpoint, strict, evidence: Evidence, asked: QuestionPlan):
        """Generator: stream the model's answer with citations checked as they arrive; returns
        the final Answer and whether any of its text was streamed.

        A reply that is no answer (support.reply_problem: empty, markers only, the question
        echoed, the prompt's example copied, a loop, cut off) gets one corrective retry within
        the deadline, then the extractive answer with a note saying why; so does an answer
        none of whose sentences the sources support. The model's own refusal ("I cannot answer
        this from the provided sources") stands when the gate passed the question only just
        (MODEL_REFUSAL_MARGIN); otherwise the extractive answer is shown, marked. A model that
        cannot be reached falls back to the extractive answer too, unless the model was asked for
        explicitly (`strict`).

        The prompt asks for the answer's shape by the question's kind (`asked`): a list gets the
        papers the list rule keeps as its sources and room for a line each; a list or comparison
        answer that leaves out papers the extractive answer would name gets them added after it,
        each with its abstract's own sentences (further_papers)."""
        from .citations import CitationStream, cite
        from .llm import (
            CitedAnswerEngine,
            ModelUnavailable,
            PaperRetriever,
            example_answers,
            prompt,
        )
        from .support import complete_sentences, reply_problem

        # The papers that passed the gate, as the llama-index query engine's retriever: only
        # they become sources, in rank order.
        hits = evidence.hits
        max_tokens = None
        if asked.kind == "list":
            # Weaker matches are not the model's to describe: the extractive answer adds them, marked (further_papers).
            # Those below LIST_SURE are still its to describe (sure=False): given only the sure ones, Qwen refused
            # a list whose papers it had described (blind 22, b22-26).
            chosen = [p.hit for p in listed(standalone, hits, self.embed_sentences, sure=False) if not p.weaker][:LIST_SOURCES]
            hits = chosen + [h for h in hits if all(h is not c for c in chosen)]
            max_tokens = max(self.settings.llm_max_tokens, LINE_TOKENS * len(chosen))
        elif asked.kind == "compare":  # the compared papers only, one per side, each to be answered in turn
            chosen = [h for h, _ in compared(hits, asked.sides)]
        else:
            chosen = hits
        retriever = PaperRetriever(lambda q: chosen)
        engine = CitedAnswerEngine(retriever=retriever, endpoint=endpoint, context_tokens=self.settings.llm_context_tokens,
                                   embed=self.embed_sentences, kind=asked.kind, max_tokens=max_tokens)
        sources = engine.sources(retriever.retrieve(standalone), standalone)
        shown, retry, problem, said = False, None, None, []
        for attempt in range(2):  # the reply, then at most one corrective retry
            checked = CitationStream(len(sources))
            try:
                raw, looped = yield from self._stream_reply(engine.stream_answer(standalone, sources, retry), checked,
                                                           standalone, draft=attempt == 0)
            except ModelUnavailable as exc:
                if problem:  # the retry failed: the model did answer, just not usefully
                    problem = f"{problem}, and the retry failed ({exc})"
                    break
                if strict:
                    raise AssistantError(f"the model could not be used: {exc}") from None
                answer = extractive(standalone, hits, self.embed_sentences)
                answer.question, answer.note = question, _fallback_note(exc)
                return answer, shown or bool(checked.shown)
            shown = shown or bool(checked.shown)
            cut = looped or endpoint.finish_reason == "length"
            problem = reply_problem(raw, standalone, cut_off=cut, titles=[h.paper.title for h in chosen])
            if problem is None:
                answer = cite(question, complete_sentences(raw) if cut else raw, hits, len(sources), embed=self.embed_sentences,
                              asked=None if asked.kind == "list" else standalone, premise=standalone)
                answer.model = endpoint.model
                if answer.text and not answer.refused:
                    if asked.kind == "list":
                        by_paper(answer, standalone, hits)
                    # What the extractive answer shows and the model's leaves out follows it, in the abstracts' words.
                    extra = extractive(standalone, hits, self.embed_sentences, asked)
                    if asked.kind in ("list", "compare"):
                        further_papers(answer, extra)
                    if asked.kind == "list":
                        fuller_lines(answer, extra)
                    elif asked.kind == "compare":  # each side's sentences, as the extractive answer shows them
                        further_sentences(answer, compare_picks(standalone, chosen, self.embed_sentences, asked.sides))
                    else:
                        by_id = {h.paper.id: h for h in hits}
                        further_sentences(answer, [(by_id[s.paper_id], s.sentences) for s in extra.citations if s.paper_id in by_id])
                    return answer, shown
                # Unsupported and close to the prompt's example answer: the example handed back
                # (a supported answer that happens to resemble it is kept above).
                problem = next(filter(None, (reply_problem(raw, standalone, example=e) for e in example_answers())), None)
            if problem is None:
                if answer.refused and answer.note is None:
                    # A paper that writes the name a list asks for ("Which papers draw on Turing machines?",
                    # `named`) is one of its answers, whatever the model makes of it (blind 22, b22-23).
                    named = asked.kind == "list" and any(h.extra.get("named") for h in evidence.hits)
                    if evidence.margin is not None and evidence.margin < MODEL_REFUSAL_MARGIN and not named:
                        # The model finds no answer in papers the gate only just admitted: two doubts agree.
                        answer = refusal(question, "the model found no answer in the papers that come closest, and they only "
                                         "just pass the evidence gate", hits[: self.settings.top_k])
                        answer.model, answer.note = endpoint.model, f'the model said the sources do not answer ("{_excerpt(raw)}")'
                        return answer, shown
                    # The model's own refusal of sources the gate admitted with a margin: when this was
                    # first measured it refused 3 answerable questions (asked again, it refused again) and
                    # none of 30 near negatives; the abstracts' own sentences answer instead, marked as such.
                    answer = extractive(standalone, hits, self.embed_sentences, asked)
                    answer.question, answer.model = question, endpoint.model
                    answer.note = f'the model said the sources do not answer ("{_excerpt(raw)}"); this is the extractive answer'
                    return answer, shown
                # Nothing the model said is in the sources, or not even near them (it answered from
                # its own knowledge): a retry would cost the time of a whole answer for a reply of the
                # same kind; the abstracts' own sentences answer, as the gate admitted them. Refusing
                # when no sentence came near a source refused 3 of blind 13's 50 answerable questions
                # (the support check misjudges short answers: "The two models were 7B and 35B,
                # respectively" scored 0.49) and no near negative more than the gate.
                problem, said = answer.note, answer.sentences  # kept, marked unsupported, for the reader to see
                break
            retry = (raw, prompt("retry", problem=problem.removeprefix("the reply ")).strip())
            problem += f': "{_excerpt(raw)}"' if raw.strip() else ""
        answer = extractive(standalone, hits, self.embed_sentences)
        answer.question, answer.model, answer.sentences = question, endpoint.model, said
        answer.reply_problem = None if said else problem  # degenerate; an unsupported answer is not
        answer.note = f"the model's answer was not used ({problem}); this is the extractive answer"
        return answer, shown

    @staticmethod
    def _stream_reply(pieces, checked, question, draft: bool):
        """Generator: feed the reply through the citation check, yielding the checked text
        when `draft` (a retry is not streamed over the first draft); stops reading a reply
        that has fallen into a loop. Returns the raw reply and whether it was stopped so."""
        from .support import reply_problem

        looked, looped = 0, False
        try:
            for piece in pieces:
                new = checked.feed(piece)
                if new and draft:
                    yield new
                if len(checked.raw) - looked >= 200:  # now and then: it costs a pass over the text
                    looked = len(checked.raw)
                    if reply_problem(checked.raw, question) == "the reply repeated itself in a loop":
                        looped = True
                        break
        finally:
            pieces.close()
        if draft and not looped:
            tail = checked.finish()
            if tail:
                yield tail
        return checked.raw, looped

    def ask(self, question: str, **options) -> Answer:
        for event in self.stream(question, **options):
            if isinstance(event, Answer):
                return event
        raise AssertionError("stream ended without an answer")

    def chat(self, question: str, history: list[tuple], **options) -> Answer:
        """A turn of a conversation: `history` holds earlier (question, answer text) or
        (question, answer text, cited paper ids) turns, oldest first."""
        return self.ask(question, history=history, **options)


def titled_by(name: str, paper: Paper) -> bool:
    """Whether the paper's title is `name` and then its subtitle ("Grokking: Generalization Beyond ...")."""
    return bool(re.match(rf"{re.escape(name)}\s*(?::|\s-\s)", paper.title, re.I))


def outside_filter(question: str, filters: PaperFilter, found: tuple[list[Hit], list[Hit]]) -> Answer:
    """The answer when papers address the question but none is from its dates: it says so and
    names them with their dates (or that the corpus gives none), so the reader can widen the
    question rather than conclude the corpus lacks the topic. Papers of those dates that a list
    takes only as weaker matches (a mention in passing: BIG-bench's "sparsity") are named first; with
    none, the answer is a refusal."""
    elsewhere, weaker = found
    weaker = weaker[:OUTSIDE_SHOWN]
    hits = weaker + [h for h in elsewhere if h not in weaker][:OUTSIDE_SHOWN]
    entries = [f"{h.paper.title} ({metadata.shown_value(h.paper, 'date')}) [{i}]" for i, h in enumerate(hits, 1)]
    mentions, others = "; ".join(entries[: len(weaker)]), "; ".join(entries[len(weaker):])
    dates = filters.dates().describe()
    if mentions:
        text = (f"No paper{dates} in the corpus is about this; weaker matches{dates}: {mentions}. "
                f"Papers about it from other or unknown dates: {others}.")
    else:
        text = f"The corpus does not cover this question: no paper{dates} addresses it. Papers that do, from other or unknown dates: {others}."
    return Answer(question, text, [Source.from_hit(i, h) for i, h in enumerate(hits, 1)], [], "extractive", refused=not mentions)


def show_retrieved(answer: Answer, hits: list[Hit], k: int) -> None:
    """k is how many papers an answer shows: every paper it cites, then, as retrieved but not
    cited, the other papers retrieved (the gate's rejects included, so a reader sees what was
    looked at) as far as k leaves room."""
    listed = {s.paper_id for s in answer.citations}
    others = {s.paper_id: s for s in answer.uncited}
    rest = [others.get(h.paper.id) or Source.from_hit(0, h) for h in hits if h.paper.id not in listed]
    answer.uncited = rest[: max(0, k - len(answer.citations))]
    for number, source in enumerate(answer.uncited, len(answer.citations) + 1):
        source.number = number


def by_paper(answer: Answer, question: str, hits: list[Hit]) -> None:
    """A model's list answer as the list rule writes one: a line per cited paper, led by its
    title and the names its abstract coins, then the model's supported sentences that cite it
    first. A small model runs titles together, or says "the study" and leaves the paper's name
    to the marker; a reader (and a search for the paper's name) finds each paper by its line."""
    kept = [s for s in answer.sentences if s.supported and s.citations]
    lines: dict[int, list[str]] = {}
    for sentence in kept:
        lines.setdefault(sentence.citations[0], []).append(marked(sentence.text.rstrip(), sentence.citations, stop="."))
    papers = {s.number: s for s in answer.citations}
    if not lines or set(lines) - set(papers):
        return
    out = []
    for number, said in lines.items():
        paper = papers[number]
        abstract = next((h.paper.abstract for h in hits if h.paper.id == paper.paper_id), "")
        text = " ".join(said)
        if text.lower().startswith(short_name(paper.title).lower()) or paper.title.lower() in text.lower():
            out.append(text)  # the model's line already says which paper
            continue
        out.append(headed(paper.title, coined_names(abstract, f"{paper.title} {question} {text}"), text))
    answer.text = "\n".join(out)


def further_papers(answer: Answer, extra: Answer) -> None:
    """Add to a model's list or comparison answer the papers of `extra` (the extractive answer
    to the same question) that it does not cite: a line each, the extractive line (title, the
    names the abstract coins, its own sentences), after the model's text. A small model names
    two or three of the papers a list needs, or one side of a comparison; the reader should
    still see every paper the sources offer, and these lines are the abstracts' own words."""
    lines = extra.text.split("\n")
    if extra.refused or len(lines) != len(extra.citations):  # not one line per paper: not a named answer
        return
    cited = {s.paper_id for s in answer.citations}
    added = 0
    for line, source in zip(lines, extra.citations):
        if source.paper_id in cited:
            continue
        number = len(answer.citations) + 1
        answer.text += "\n" + line.replace(f"[{source.number}]", f"[{number}]")
        answer.citations.append(dataclasses.replace(source, number=number))
        answer.sentences += [Sentence(s, [number], True, s) for s in source.sentences]
        added += 1
    if added:
        answer.uncited = [s for s in answer.uncited if s.paper_id not in {c.paper_id for c in answer.citations}]
        more = f"{added} further paper{'s' * (added > 1)} the model did not name added in {'their' if added > 1 else 'its'} abstract's own words"
        answer.note = f"{answer.note}; {more}" if answer.note else more


def fuller_lines(answer: Answer, extra: Answer) -> None:
    """Complete each line of a model's list answer (by_paper: a line per paper) with the sentences
    of that paper's line in `extra` (the extractive list) the model's line does not say. A small
    model gives each paper a clause; what the paper does, finds and names is in its abstract."""
    lines = answer.text.split("\n")
    theirs = {s.paper_id: s.sentences for s in extra.citations}
    sources = {s.number: s for s in answer.citations}
    added = 0
    for i, line in enumerate(lines):
        number = re.search(r"\[(\d+)\]", line)
        source = sources.get(int(number[1])) if number else None
        if source is None:
            continue
        unsaid = _unsaid(theirs.get(source.paper_id, []), content_words(line))
        if unsaid:
            lines[i] = f"{line} " + " ".join(f"{s} [{source.number}]" for s in unsaid)
            source.sentences = list(dict.fromkeys([*source.sentences, *unsaid]))
            answer.sentences += [Sentence(s, [source.number], True, s) for s in unsaid]
            added += len(unsaid)
    if added:
        answer.text = "\n".join(lines)
        more = f"{added} sentence{'s' * (added > 1)} of the listed papers' abstracts added to their lines in their own words"
        answer.note = f"{answer.note}; {more}" if answer.note else more


def _unsaid(sentences: list[str], said: set[str]) -> list[str]:
    """The sentences an answer does not say: not nearly all (SAID) of their words are in it. The
    evidence of one of its sentences is not said for that: a small model's "Yes, LSTMs manage to
    generalise on context-free tasks" was supported by the sentence saying only memory-augmented
    networks do (the support check weighs shared content, not what is asserted of it)."""
    return [s for s in sentences if (ws := content_words(s)) and len(ws & said) / len(ws) < SAID]


SAID = 0.9  # an abstract sentence is already said when nearly all its content words are in the model's answer (docs/quality-rounds.md, round 17)


def further_sentences(answer: Answer, picks: list[tuple[Hit, list[str]]]) -> None:
    """Add to a model's answer the sentences of its sources that answer the question when the
    answer does not say them (`picks`: each paper with its sentences; for a comparison each
    side's from extractive.compare_picks, otherwise the extractive answer's): not nearly all
    their words are in it (_unsaid). A small model often answers one ask of two or three, one
    side of a comparison in a sentence, gives the finding without its figure, or shortens a name;
    the reader should still see what the abstracts say to the question, in their own words,
    after the model's text."""
    said = content_words(answer.text)
    added: dict[int, list[str]] = {}  # source number -> its sentences added, cited
    for hit, sentences in picks:
        unsaid = _unsaid(sentences, said)
        if not unsaid:
            continue
        source = next((c for c in answer.citations if c.paper_id == hit.paper.id), None)
        if source is None:
            source = Source.from_hit(len(answer.citations) + 1, hit)
            answer.citations.append(source)
            answer.uncited = [s for s in answer.uncited if s.paper_id != hit.paper.id]
        source.sentences = list(dict.fromkeys([*source.sentences, *unsaid]))  # what the answer rests on
        answer.sentences += [Sentence(s, [source.number], True, s) for s in unsaid]
        added.setdefault(source.number, []).extend(f"{s} [{source.number}]" for s in unsaid)
    if not added:
        return
    if len(added) == 1:
        answer.text += "\n\nFrom the abstract: " + " ".join(*added.values())
    else:  # a line per paper, led by its title, as the extractive comparison shows each side
        titles = {c.number: c.title for c in answer.citations}
        answer.text += "\n\n" + "\n".join(f"From {titles[n]}: {' '.join(cited)}" for n, cited in added.items())
    count = sum(map(len, added.values()))
    more = f"{count} sentence{'s' * (count > 1)} of the sources that answer{'s' * (count == 1)} what the model's answer leaves out added in their own words"
    answer.note = f"{answer.note}; {more}" if answer.note else more


def side_choice(ranked: list[list[tuple[float, Hit]]]) -> list[Hit | None]:
    """One paper per side, each another paper, with the highest summed score; `ranked` holds each
    side's candidates as (score, hit), best first. A side left without a candidate gets None."""
    best, chosen = -1.0, [None] * len(ranked)
    for combo in itertools.product(*[[*c, (0.0, None)] for c in ranked]):
        hits, total = [h for _, h in combo], sum(r for r, _ in combo)
        ids = [h.paper.id for h in hits if h is not None]
        if len(ids) == len(set(ids)) and total > best:
            best, chosen = total, hits
    return chosen


def _endpoint(settings: Settings):
    from .llm import Endpoint  # llama-index is imported only when a model is used

    return Endpoint(settings)


def _excerpt(text: str, size: int = 80) -> str:
    """The start of a reply, on one line, for a note."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 3] + "..."


def _fallback_note(exc: Exception) -> str:
    return f"the model was not used ({exc}); this is the extractive answer"


PRONOUNS = set("it its they them their this that these those he she his her there such".split())


def follow_up_fallback(question: str, history: list[tuple[str, str]]) -> str:
    """Without a model: a short follow-up, or one that points back with a pronoun, gets the
    previous question's key terms appended, so retrieval knows what "they" are."""
    asked = words(question)
    if not history or (len(asked) > 8 and not PRONOUNS & set(asked)):
        return question
    asked_stems = content_words(question)
    terms = [t for t in re.findall(r"[A-Za-z0-9][\w.-]*[A-Za-z0-9]", history[-1][0]) if (s := stems(t)) and s[0] not in asked_stems]
    return f"{question} ({' '.join(dict.fromkeys(terms))})" if terms else question


def _merged_filter(years, filters: PaperFilter | None) -> PaperFilter:
    """One PaperFilter from the `years` and `filters` arguments (filters win where both say)."""
    base = years if isinstance(years, YearFilter) else YearFilter.parse(years)
    return (PaperFilter() if filters is None else filters).over(base)


def _checked(question: str) -> str:
    if not isinstance(question, str) or not question.strip():
        raise AssistantError("the question is empty")
    # A byte that is not UTF-8 arrives as a lone surrogate (from the command line, or escaped in
    # JSON); tokenizers and the store fail on it, and guessing what was meant could mislead.
    bad = re.search("[\ud800-\udfff]", question)
    if bad:
        char = ord(bad.group())
        what = f"byte {char - 0xDC00:#04x}" if 0xDC80 <= char <= 0xDCFF else f"code point U+{char:04X}"
        raise AssistantError(f"the question is not valid UTF-8 text ({what} at character {bad.start() + 1}); "
                             "type it again or save it as UTF-8")
    return question.strip()

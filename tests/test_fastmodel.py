"""The int8 rewrite of the default embedding model (assistant/fastmodel.py)."""

import numpy as np
import onnx
import pytest

from assistant import fastmodel
from assistant.errors import AssistantError

TEXTS = [
    "Process reward models score each step of a chain of thought.",
    "We decode MEG recordings of human brain activity with deep networks trained on many subjects.",
    "Grokking: validation accuracy jumps long after training accuracy saturates. " * 6,  # a long one
]


def test_prepared_model_computes_in_int8_and_embeds_like_the_shipped_one(tmp_path):
    out = tmp_path / "model.onnx"
    fastmodel.prepare(fastmodel.source_model(), out)
    graph = onnx.load(str(out)).graph
    ops = {node.op_type for node in graph.node}
    assert {"QAttention", "MatMulInteger"} <= ops and "Softmax" not in ops  # attention fused, products in int8
    assert [i.name for i in graph.input] == ["input_ids", "token_type_ids"]
    agreement = (fastmodel.embed(out, TEXTS) * fastmodel.embed(fastmodel.source_model(), TEXTS)).sum(1)
    assert agreement.min() > 0.98


def test_prepared_model_is_cached_and_made_once(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path / "cache"))
    made = []
    monkeypatch.setattr(fastmodel, "prepare", lambda src, dst: (made.append(dst), dst.write_bytes(b"model")))
    first = fastmodel.prepared_model()
    assert first.parent == tmp_path / "cache" and first.read_bytes() == b"model"
    assert fastmodel.prepared_model() == first and len(made) == 1
    assert list(first.parent.iterdir()) == [first]  # no temporary file left behind


def test_failed_preparation_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(tmp_path))

    def broken(src, dst):
        dst.write_bytes(b"half a model")
        raise AssistantError("cannot prepare the int8 embedding model: no attention found; use --embedding minilm")

    monkeypatch.setattr(fastmodel, "prepare", broken)
    with pytest.raises(AssistantError, match="no attention found"):
        fastmodel.prepared_model()
    assert list(tmp_path.iterdir()) == []


def test_unwritable_cache_is_a_clear_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("ASSISTANT_CACHE_DIR", str(blocker / "cache"))
    with pytest.raises(AssistantError, match=r"cannot write the prepared embedding model under .*ASSISTANT_CACHE_DIR"):
        fastmodel.prepared_model()


def test_graph_without_attention_is_refused():
    from onnx import TensorProto, helper, numpy_helper

    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["y"])], "plain",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
        [numpy_helper.from_array(np.eye(4, dtype=np.float32), "w")],
    )
    with pytest.raises(AssistantError, match="no attention found"):
        fastmodel.fuse_attention(graph)

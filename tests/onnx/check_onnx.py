"""Checks an ONNX file fulcrum exported with ONNX's own checker (python3-onnx).

    check_onnx.py MODEL.onnx EXPECTED.json

EXPECTED.json: {"features": F, "outputs": {"NAME": width, ...}, "heads": [names]},
optionally "imputed": true (the graph starts with Where(IsNaN(features),
imputer.fill [F], features)) or false (no IsNaN or Where node at all).
Runs onnx.checker.check_model with full_check (which includes strict shape
inference), infers every shape again with type checks, and checks that the
input is `features` [batch, F], the outputs are exactly those expected, each
[batch, width] as inferred from the graph, every intermediate value keeps
the batch dimension, and the metadata names the heads. Exits non-zero with a
message on the first problem.
"""
import json
import sys

import onnx
from onnx import checker, shape_inference


def dims(value):
    return [d.dim_param or d.dim_value for d in value.type.tensor_type.shape.dim]


def check_imputation(graph, imputed, features):
    ops = [n.op_type for n in graph.node]
    if not imputed:
        assert "IsNaN" not in ops and "Where" not in ops, f"an IsNaN or Where node: {ops}"
        return
    assert ops[:2] == ["IsNaN", "Where"], f"the graph starts with {ops[:2]}, not IsNaN, Where"
    is_nan, where = graph.node[0], graph.node[1]
    assert list(is_nan.input) == ["features"], f"IsNaN reads {list(is_nan.input)}"
    wanted = [is_nan.output[0], "imputer.fill", "features"]
    assert list(where.input) == wanted, f"Where reads {list(where.input)}, expected {wanted}"
    fill = [t for t in graph.initializer if t.name == "imputer.fill"]
    assert len(fill) == 1 and list(fill[0].dims) == [features], "imputer.fill is not [F]"
    readers = [n.op_type for n in graph.node[2:] if where.output[0] in n.input]
    assert readers, "nothing reads the filled features"
    assert not any("features" in n.input for n in graph.node[2:]), "a node reads unfilled features"


def main(model_path, expected_path):
    with open(expected_path) as f:
        expected = json.load(f)
    model = onnx.load(model_path)
    checker.check_model(model, full_check=True)
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    graph = inferred.graph

    assert [i.name for i in graph.input] == ["features"], [i.name for i in graph.input]
    assert dims(graph.input[0]) == ["batch", expected["features"]], dims(graph.input[0])
    outputs = {o.name: dims(o) for o in graph.output}
    wanted = {name: ["batch", width] for name, width in expected["outputs"].items()}
    assert outputs == wanted, f"outputs {outputs}, expected {wanted}"
    assert [o.name for o in graph.output] == list(expected["outputs"]), "output order"
    # Declared outputs could hide a graph that computes other shapes: the
    # inferred shape of what the last node writes must agree too.
    values = {v.name: dims(v) for v in graph.value_info}
    for node in graph.node:
        for name in node.output:
            if name in values:
                assert values[name][0] == "batch", f"{name} lost the batch dimension: {values[name]}"
    assert [o.domain for o in model.opset_import] == [""], model.opset_import
    assert model.opset_import[0].version == 13, model.opset_import
    assert not any(n.op_type == "Dropout" for n in graph.node), "a Dropout node"
    if "imputed" in expected:
        check_imputation(graph, expected["imputed"], expected["features"])
    metadata = {p.key: p.value for p in model.metadata_props}
    heads = [h["name"] for h in json.loads(metadata["fulcrum.heads"])]
    assert heads == expected["heads"], heads
    assert len(json.loads(metadata["fulcrum.features"])) == expected["features"]


if __name__ == "__main__":
    try:
        main(*sys.argv[1:])
    except Exception as error:  # the message is what the C++ test prints
        print(f"check_onnx.py: {type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(1)

"""Rewrites of tf2onnx's output that keep the ONNX semantics but make ONNX Runtime compute what TF computes, and
make a re-export byte-identical.

- `explicit_float16`: ONNX Runtime's CPU provider has float16 kernels for a few ops only (Mul, ...); for the rest
  (Div, Sqrt, Reciprocal, ReduceSum, Max, ...) it inserts casts to float32 around whole chains of ops and rounds
  only at the chain's end, so a float16 square that overflows in TF stays finite. The rewrite computes every op in
  float32 and rounds each result to float16 with an explicit Cast pair, which is what ONNX (and TF) mean.
- `nonnegative_axes`: ONNX Runtime 1.31.1 reduces nothing when a Reduce* op gets a negative axis and its input is
  empty (ReduceSum(axes=[-1]) of a [5, 0, 3] tensor returns [5, 0, 3]; Keras 3's shape arithmetic downstream then
  fails in a Split that ORT's GatherSliceToSplitFusion made); the ranks are static, so the axes are spelled
  non-negative.
- `canonical`: tf2onnx names tensors, nodes and dynamic dims with process-wide counters (`unk__41`, `Rsqrt__14`);
  every name and free text is fixed here.
"""
from __future__ import annotations

import hashlib
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

GRAPH_NAME = "cosine_similarity"
OUTPUT = "value"
# Ops whose float output is one of their float inputs (or its negation): already a float16 value, no rounding.
EXACT_OPS = frozenset({"Identity", "Reshape", "Squeeze", "Unsqueeze", "Where", "Neg", "Max", "Min", "Expand",
                       "Transpose", "Slice", "Concat", "Gather", "Abs", "Flatten", "Tile"})
REDUCE_OPS = frozenset({"ReduceSum", "ReduceProd", "ReduceMax", "ReduceMin", "ReduceMean", "ReduceSumSquare",
                        "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp"})


def value_types(model: onnx.ModelProto) -> dict[str, onnx.TypeProto]:
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    g = inferred.graph
    types = {v.name: v.type for v in [*g.input, *g.output, *g.value_info]}
    types.update({i.name: helper.make_tensor_type_proto(i.data_type, list(i.dims)) for i in g.initializer})
    return types


def _elem(types: dict[str, onnx.TypeProto], name: str) -> int:
    return types[name].tensor_type.elem_type if name in types else 0


def _rank(types: dict[str, onnx.TypeProto], name: str) -> int | None:
    t = types.get(name)
    return len(t.tensor_type.shape.dim) if t is not None and t.tensor_type.HasField("shape") else None


def nonnegative_axes(model: onnx.ModelProto) -> onnx.ModelProto:
    types = value_types(model)
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    for node in graph.node:
        if node.op_type not in REDUCE_OPS:
            continue
        rank = _rank(types, node.input[0])
        if rank is None:
            raise ValueError(f"{node.op_type} {node.name}: input rank unknown, cannot spell its axes non-negative")
        for attr in node.attribute:
            if attr.name == "axes":
                attr.ints[:] = [a % rank if rank else a for a in attr.ints]
        if len(node.input) > 1 and node.input[1]:
            source = inits.get(node.input[1])
            if source is None:
                raise ValueError(f"{node.op_type} {node.name}: axes are computed at run time")
            axes = numpy_helper.to_array(source)
            if (axes < 0).any() and rank:
                fixed = numpy_helper.from_array((axes % rank).astype(axes.dtype), f"{node.input[1]}__rank{rank}")
                if fixed.name not in inits:
                    graph.initializer.append(fixed)
                    inits[fixed.name] = fixed
                node.input[1] = fixed.name
    used = {x for n in graph.node for x in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    return model


def _to_float32(tensor: TensorProto) -> TensorProto:
    return numpy_helper.from_array(numpy_helper.to_array(tensor).astype(np.float32), tensor.name)


def explicit_float16(model: onnx.ModelProto) -> onnx.ModelProto:
    """Every float16 value computed in float32 and rounded to float16 right after the op that makes it."""
    types = value_types(model)
    graph = model.graph
    half = {name for name in types if _elem(types, name) == TensorProto.FLOAT16}
    if not half:
        return model
    nodes: list[onnx.NodeProto] = []
    # float32 stand-ins: graph inputs are widened once; op outputs are rounded once and widened again
    wide = {}
    for value in graph.input:
        if value.name in half:
            wide[value.name] = f"{value.name}__f32"
            nodes.append(helper.make_node("Cast", [value.name], [wide[value.name]], to=TensorProto.FLOAT))
    for i, init in enumerate(graph.initializer):
        if init.data_type == TensorProto.FLOAT16:
            graph.initializer[i].CopyFrom(_to_float32(init))
            wide[init.name] = init.name
    outputs = {o.name for o in graph.output}
    for node in graph.node:
        node.input[:] = [wide.get(x, x) for x in node.input]
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.TENSOR and attr.t.data_type == TensorProto.FLOAT16:
                attr.t.CopyFrom(_to_float32(attr.t))
            if attr.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS):
                raise ValueError("subgraphs are not rewritten")
        rounded = []
        for k, out in enumerate(node.output):
            if out not in half:
                continue
            if node.op_type in EXACT_OPS and out not in outputs:
                wide[out] = out
                continue
            if node.op_type == "Cast":     # rounds to float16 itself (straight from float64 too: no double rounding)
                rounded.append(helper.make_node("Cast", [out], [f"{out}__f32"], to=TensorProto.FLOAT))
                wide[out] = f"{out}__f32"
                continue
            node.output[k] = f"{out}__raw"
            rounded += [helper.make_node("Cast", [node.output[k]], [out], to=TensorProto.FLOAT16),
                        helper.make_node("Cast", [out], [f"{out}__f32"], to=TensorProto.FLOAT)]
            wide[out] = f"{out}__f32"
        nodes += [node, *rounded]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.value_info[:]
    return model


def _digest(*parts: Any) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def structural_order(graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    """The nodes in a topological order that depends on what they compute, not on their names or on the order
    tf2onnx happened to emit them in (it varies from process to process): among the nodes ready to run, the one
    with the smallest structural digest (op, attributes, digests of its inputs) goes first."""
    producer = {out: node for node in graph.node for out in node.output}
    digests = {i.name: _digest("input", i.name) for i in graph.input}
    digests.update({i.name: _digest("constant", i.data_type, list(i.dims), numpy_helper.to_array(i).tobytes())
                    for i in graph.initializer})

    def digest(name: str) -> str:
        if name not in digests:
            node = producer[name]
            attrs = sorted(a.SerializeToString(deterministic=True) for a in node.attribute)
            node_digest = _digest(node.op_type, node.domain, attrs, [digest(x) if x else "" for x in node.input])
            for k, out in enumerate(node.output):
                digests[out] = _digest(node_digest, k)
        return digests[name]

    key = {id(node): (digest(node.output[0]), i) for i, node in enumerate(graph.node)}
    waiting = {id(node): {x for x in node.input if x in producer} for node in graph.node}
    done: set[str] = set()
    order: list[onnx.NodeProto] = []
    placed: set[int] = set()
    while len(order) < len(graph.node):
        ready = [n for n in graph.node if id(n) not in placed and waiting[id(n)] <= done]
        if not ready:
            break
        node = min(ready, key=lambda n: key[id(n)])
        placed.add(id(node))
        order.append(node)
        done.update(node.output)
    if len(order) != len(graph.node):
        raise ValueError("the graph has a cycle")
    return order


def canonical(model: onnx.ModelProto, shapes: dict[str, tuple[Any, ...]]) -> bytes:
    """The model with every name and free text fixed; input dims named after `shapes` (a str names a dynamic dim)."""
    graph = model.graph
    nodes = structural_order(graph)
    del graph.node[:]
    graph.node.extend(nodes)
    names = {i.name: i.name for i in graph.input}
    names.update({o.name: OUTPUT for o in graph.output})
    constants = {i.name for i in graph.initializer}
    for node in graph.node:   # constants and values named in order of first use
        for x in node.input:
            if x in constants:
                names.setdefault(x, f"c{len(names)}")
        for out in node.output:
            names.setdefault(out, f"t{len(names)}")
    inits = sorted((i for i in graph.initializer if i.name in names), key=lambda i: int(names[i.name][1:]))
    del graph.initializer[:]
    graph.initializer.extend(inits)
    for init in graph.initializer:
        init.name, init.doc_string = names[init.name], ""
    for i, node in enumerate(graph.node):
        node.name, node.doc_string = f"n{i}", ""
        node.input[:] = [names.get(x, x) if x else x for x in node.input]
        node.output[:] = [names[x] for x in node.output]
    for value in graph.input:
        for dim, template in zip(value.type.tensor_type.shape.dim, shapes[value.name]):
            if isinstance(template, str):
                dim.dim_param = template
    for value in graph.output:
        value.name = OUTPUT
        for k, dim in enumerate(value.type.tensor_type.shape.dim):
            if not dim.HasField("dim_value"):
                dim.dim_param = f"out{k}"
    del graph.value_info[:]
    graph.name, graph.doc_string, model.doc_string = GRAPH_NAME, "", ""
    del model.metadata_props[:]
    imports = sorted((o.domain, o.version) for o in model.opset_import)
    del model.opset_import[:]
    for domain, version in imports:
        model.opset_import.add(domain=domain, version=version)
    onnx.checker.check_model(model, full_check=True)
    return bytes(model.SerializeToString(deterministic=True))


def portable(model: onnx.ModelProto, shapes: dict[str, tuple[Any, ...]]) -> bytes:
    """All three rewrites: the bytes `graphs` writes."""
    return canonical(explicit_float16(nonnegative_axes(model)), shapes)

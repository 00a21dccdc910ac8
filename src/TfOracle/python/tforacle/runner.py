"""The one path from a case to TensorFlow calls, shared by `record`, `verify` and `serve`."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import numpy as np

from .case import Case, Input, Outcome, Scalar
from .profiles import Profile, keras_args
from .runtime import mirrored_strategy, tensorflow
from .tensors import TensorError, dtype_of


def error_of(exc: BaseException) -> dict[str, str]:
    """TF's exception as the fixtures record it: class name and first message line."""
    lines = str(exc).strip().splitlines()
    return {"type": type(exc).__name__, "message": lines[0] if lines else ""}


def to_tf(value: Input, as_numpy: bool) -> Any:
    if isinstance(value, Scalar):
        return value.value
    if as_numpy:
        return value
    return tensorflow().constant(value)


class UnrecordableOutput(Exception):
    """TF answered with something the contract cannot carry (an oracle limitation, not a TF error)."""


def to_numpy(tensor: Any) -> np.ndarray:
    arr = np.asarray(tensor.numpy() if hasattr(tensor, "numpy") else tensor)
    try:
        dtype_of(arr)
    except TensorError as exc:
        raise UnrecordableOutput(str(exc)) from None
    return arr


def plain_json(obj: Any) -> Any:
    """get_config() output as plain JSON (numpy scalars and Keras objects become JSON values or strings)."""
    return json.loads(json.dumps(obj, sort_keys=True, default=lambda o: o.item() if hasattr(o, "item") else str(o)))


def _weights(inputs: dict[str, Input], as_numpy: bool) -> dict[str, Any]:
    return {"sample_weight": to_tf(inputs["sample_weight"], as_numpy)} if "sample_weight" in inputs else {}


def _evaluate(case: Case, compute: Callable[[], Any]) -> Any:
    """compute(), or with args.replicas = n: compute() on every replica of an n-way MirroredStrategy (each
    replica sees the same inputs), answering replica 0's result."""
    replicas = case.args.get("replicas")
    if replicas is None:
        return compute()
    strategy = mirrored_strategy(replicas)
    with strategy.scope():
        result = strategy.run(compute)
    return strategy.experimental_local_results(result)[0]


def _forward(case: Case, profile: Profile, gradients: bool) -> Outcome:
    tf = tensorflow()
    as_numpy = case.args.get("input_kind") == "numpy"
    y_true = to_tf(case.inputs["y_true"], as_numpy)
    y_pred = to_tf(case.inputs["y_pred"], as_numpy)
    if "mask" in case.inputs:
        # The Keras mask, where both generations' Loss.__call__ read it (tf_keras losses_utils.get_mask, Keras 3
        # backend.get_keras_mask). y_pred is a fresh EagerTensor per call, so the attribute never leaks.
        y_pred._keras_mask = tf.constant(case.inputs["mask"])
    if case.api == "loss":
        kwargs = _weights(case.inputs, as_numpy)
        compute = lambda: profile.make_loss(case.args)(y_true, y_pred, **kwargs)   # noqa: E731
    else:
        compute = lambda: profile.function()(y_true, y_pred, **keras_args(case.args))   # noqa: E731
    watched = [(name, t) for name, t in (("y_pred", y_pred), ("y_true", y_true))
               if gradients and "replicas" not in case.args and tf.is_tensor(t) and t.dtype.is_floating]
    with tf.GradientTape(persistent=True) as tape:
        for _, t in watched:
            tape.watch(t)
        value = _evaluate(case, compute)
        target = tf.reduce_sum(value)
    outcome = Outcome(value=to_numpy(value))
    if watched:
        grads = tape.gradient(target, [t for _, t in watched])
        outcome.gradients = {name: (to_numpy(g) if g is not None else np.zeros(t.shape, t.dtype.as_numpy_dtype))
                             for (name, t), g in zip(watched, grads)}
    return outcome


def _metric(case: Case, profile: Profile) -> Outcome:
    metric = profile.make_metric(case.args)
    values: list[np.ndarray | None] = []
    for step in case.steps or []:
        if step.reset:
            metric.reset_state()
            values.append(None)
            continue
        inputs = step.inputs or {}
        metric.update_state(to_tf(inputs["y_true"], False), to_tf(inputs["y_pred"], False),
                            **_weights(inputs, False))
        values.append(to_numpy(metric.result()))
    return Outcome(value=to_numpy(metric.result()), step_values=values)


def _average_loss(case: Case) -> Outcome:
    tf = tensorflow()
    kwargs = _weights(case.inputs, False)
    if "global_batch_size" in case.args:
        kwargs["global_batch_size"] = case.args["global_batch_size"]
    losses = to_tf(case.inputs["per_example_loss"], False)
    value = _evaluate(case, lambda: tf.nn.compute_average_loss(losses, **kwargs))
    return Outcome(value=to_numpy(value))


def _config(case: Case, profile: Profile) -> Outcome:
    target = case.args.get("target", "loss")
    obj = profile.make_metric(case.args) if target == "metric" else profile.make_loss(case.args)
    return Outcome(config=plain_json(obj.get_config()))


def run(case: Case, profile: Profile, gradients: bool = False) -> Outcome:
    """TF's answer to a case; TF exceptions become `Outcome.error` (never raised)."""
    tensorflow()
    try:
        if case.api in ("loss", "function"):
            return _forward(case, profile, gradients)
        if case.api == "metric":
            return _metric(case, profile)
        if case.api == "compute_average_loss":
            return _average_loss(case)
        return _config(case, profile)
    except UnrecordableOutput:
        raise
    except Exception as exc:  # noqa: BLE001  every TF/Keras failure is a recorded answer
        return Outcome(error=error_of(exc))



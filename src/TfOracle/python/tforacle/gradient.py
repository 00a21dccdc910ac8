"""The exact gradient of the cosine (the analytic derivative of a profile's formula) and its bound.

Given dc, the derivative of the target by each per-sample cosine c = sum_axis(normalize(t) * normalize(p)), this
runs the backward pass TF's gradient graph runs, in the same arithmetic as `exact` (so each gradient element
carries the bound of a correct floating-point evaluation of this pass):

    x = t * r(s),  s = sum_axis(t * t),  r = 1/norm with the profile's clamp
    xbar = sum over broadcast dims of dc * y          (the product's gradient)
    tbar = xbar * r + 2 * t * (r'(s) * sum_axis(xbar * t))
    r'(s) = -r**3 / 2 where the clamp lets s through (s >= floor), 0 where it holds (TF's Maximum/Minimum grads)

Near the clamp's threshold (|s - floor| <= bound of s) a computed s may fall on either side, and so may r': those
elements are branches (bound inf). So is every element downstream of an infinite 1/norm.
"""
from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np
from mpmath import mpf

from . import exact as X

MINUS_HALF = X.Bounded.of(-0.5)
TWO = X.Bounded.of(2)


def derivative_of_inverse_norm(s: Any, r: Any, clamp: X.Clamp) -> Any:
    """dr/ds with its bound."""
    sb, rb = X.Bounded.of(s), X.Bounded.of(r)
    floor = clamp.floor
    if not (mpmath.isfinite(sb.v) and mpmath.isfinite(rb.v)):
        return X.Bounded(X.NAN, math.inf, sb.dtype)
    if sb.v < floor:
        held = X.Bounded(mpf(0), 0.0, sb.dtype)
        return X.Bounded(held.v, math.inf, sb.dtype) if floor - sb.v <= sb.e else held
    slope = rb * rb * rb * MINUS_HALF
    return X.Bounded(slope.v, math.inf, slope.dtype) if floor > 0 and sb.v - floor <= sb.e else slope


def norm_backward(a: np.ndarray, s: np.ndarray, r: np.ndarray, xbar: np.ndarray, axis: Any,
                  clamp: X.Clamp) -> np.ndarray:
    """The gradient reaching a through x = a * r(s), s = sum_axis(a*a), given xbar."""
    axes = X.axis_tuple(axis, a.ndim)
    slope = X.objects(np.frompyfunc(lambda v, w: derivative_of_inverse_norm(v, w, clamp), 2, 1)(s, r))
    through_s = slope * X.total(xbar * a, axes, keepdims=True)
    return xbar * r + a * (through_s * TWO)


def unbroadcast(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sums g over the dims that broadcasting added or stretched, back to `shape`."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and g.shape[lead + i] != 1)
    return X.objects(X.total(g, axes)).reshape(shape)


def cosine_backward(t: np.ndarray, p: np.ndarray, axis: Any, clamp: X.Clamp,
                    dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(tbar, pbar) for c = sum_axis(normalize(t) * normalize(p)) and dc = d target / dc."""
    (st, rt), (sp, rp) = (X.squares_and_inverse_norm(a, axis, clamp) for a in (t, p))
    x, y = t * rt, p * rp
    shape = np.broadcast_shapes(t.shape, p.shape)
    axes = X.axis_tuple(axis, len(shape))
    spread = np.broadcast_to(np.expand_dims(dc, axes), shape)
    xbar = unbroadcast(spread * np.broadcast_to(y, shape), x.shape)
    ybar = unbroadcast(spread * np.broadcast_to(x, shape), y.shape)
    return norm_backward(t, st, rt, xbar, axis, clamp), norm_backward(p, sp, rp, ybar, axis, clamp)

"""Walking through a generator's latent space: noise, interpolation and pulling codes toward a centre.

- :func:`sample_z`: ``N(0, I)`` noise from its own seeded generator (the same
  seed gives the same codes, whatever ran before);
- :func:`lerp` / :func:`slerp`: straight-line and great-circle interpolation.
  Gaussian codes in many dimensions live near a sphere of radius ``sqrt(dim)``;
  a straight line between two of them passes *inside* that sphere (its middle is
  shorter by about ``1/sqrt(2)``), where the generator saw few codes, while
  slerp keeps the norm (White 2016);
- :func:`truncate`: ``w' = center + psi (w - center)``: psi < 1 pulls codes
  towards the centre (cleaner, more typical samples, less variety), psi = 0
  gives the "average" sample. For a DCGAN the centre is 0 in z space (it
  scales z); for StyleGAN it is the mean ``w`` of the mapping network;
- :func:`interpolation_path`: ``steps`` codes from ``a`` to ``b``, endpoints included.
"""

from __future__ import annotations

import math

import torch

__all__ = ["METHODS", "PARALLEL_EPS", "sample_z", "lerp", "slerp", "truncate", "interpolation_path"]

METHODS = ("lerp", "slerp")
PARALLEL_EPS = 1e-6  # sin(angle) below this: the two codes point the same way, slerp falls back to lerp


def _check_int(name: str, value, smallest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < smallest:
        raise ValueError(f"{name} must be an int >= {smallest}, got {value!r}")
    return value


def sample_z(n: int, dim: int, seed: int = 0, *, device=None) -> torch.Tensor:
    """``(n, dim)`` standard normal codes drawn from a ``torch.Generator`` seeded with ``seed``."""
    n, dim = _check_int("n", n, 1), _check_int("dim", dim, 1)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    z = torch.randn(n, dim, generator=torch.Generator().manual_seed(seed))
    return z if device is None else z.to(device)


def _pair(a, b) -> tuple[torch.Tensor, torch.Tensor]:
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"{name} must be a torch tensor, got {type(value).__name__}")
        if not value.is_floating_point():
            raise TypeError(f"{name} must be floating point, got {value.dtype}")
        if value.ndim == 0:
            raise ValueError(f"{name} must be a vector (..., dim), not a scalar")
        if not bool(torch.isfinite(value).all()):
            raise ValueError(f"{name} contains NaN or infinite values")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")
    return a, b


def _weights(t, like: torch.Tensor) -> tuple[torch.Tensor, bool]:
    """``t`` as a tensor shaped to broadcast against ``(T, *like.shape)``; and whether it was a scalar."""
    if isinstance(t, bool):
        raise TypeError("t must be a number or a 1-D sequence of numbers, not a bool")
    scalar = isinstance(t, (int, float)) or (isinstance(t, torch.Tensor) and t.ndim == 0)
    values = torch.as_tensor(t, dtype=like.dtype, device=like.device).reshape(-1)
    if not scalar and torch.as_tensor(t).ndim != 1:
        raise ValueError(f"t must be a number or a 1-D sequence, got shape {tuple(torch.as_tensor(t).shape)}")
    if len(values) == 0:
        raise ValueError("t is empty: give at least one interpolation weight")
    if not bool(torch.isfinite(values).all()):
        raise ValueError("t contains NaN or infinite values")
    return values.reshape(-1, *([1] * like.ndim)), scalar


def lerp(a: torch.Tensor, b: torch.Tensor, t) -> torch.Tensor:
    """Straight-line interpolation ``a + t (b - a)``.

    ``t`` a number: the result has ``a``'s shape. ``t`` a 1-D sequence of T
    weights: the result is ``(T, *a.shape)``. Weights outside [0, 1] extrapolate.
    """
    a, b = _pair(a, b)
    weights, scalar = _weights(t, a)
    out = a + weights * (b - a)
    return out[0] if scalar else out


def slerp(a: torch.Tensor, b: torch.Tensor, t) -> torch.Tensor:
    """Spherical interpolation along the last dimension (each row of a batch on its own great circle).

    ``sin((1-t) Ω) / sin Ω · a + sin(t Ω) / sin Ω · b`` with ``Ω`` the angle
    between ``a`` and ``b``: for unit vectors every point is a unit vector;
    for codes of different lengths the length changes smoothly. Rows that
    point (almost) the same way fall back to :func:`lerp`; opposite rows have
    no unique great circle and raise ``ValueError``. ``t`` as in :func:`lerp`.
    """
    a, b = _pair(a, b)
    weights, scalar = _weights(t, a)
    norm_a, norm_b = a.norm(dim=-1, keepdim=True), b.norm(dim=-1, keepdim=True)
    if bool((norm_a == 0).any() or (norm_b == 0).any()):
        raise ValueError("slerp needs non-zero vectors: a zero vector has no direction (use lerp)")
    cos = ((a / norm_a) * (b / norm_b)).sum(-1, keepdim=True).clamp(-1.0, 1.0)
    omega = torch.arccos(cos)
    sin = torch.sin(omega)
    parallel = sin < PARALLEL_EPS
    if bool((parallel & (cos < 0)).any()):
        raise ValueError("a and b point in opposite directions: the great circle between them is not unique")
    safe_sin = torch.where(parallel, torch.ones_like(sin), sin)
    wa = torch.where(parallel, 1 - weights, torch.sin((1 - weights) * omega) / safe_sin)
    wb = torch.where(parallel, weights, torch.sin(weights * omega) / safe_sin)
    out = wa * a + wb * b
    return out[0] if scalar else out


def truncate(w: torch.Tensor, psi: float, center=None) -> torch.Tensor:
    """Pull codes toward a centre: ``center + psi (w - center)``.

    With StyleGAN's mean ``w`` as the centre this is its truncation trick in
    ``w`` space; with centre 0 it is noise scaling ``z' = psi z`` (sampling at a
    lower temperature). BigGAN's truncation trick is a different one: it
    resamples the components of ``z`` that fall past a threshold.

    ``center`` None means 0 (a DCGAN's z: it just scales the codes); for
    StyleGAN pass the mean ``w`` (``StyleGenerator.w_avg``). ``psi=1`` returns
    ``w`` unchanged, ``psi=0`` returns the centre for every code; 0 < psi < 1
    trades variety for typical, cleaner samples (psi < 0 goes past the centre:
    the "anti" sample).
    """
    if not isinstance(w, torch.Tensor) or not w.is_floating_point():
        raise TypeError(f"w must be a floating-point torch tensor, got {type(w).__name__}")
    if isinstance(psi, bool) or not isinstance(psi, (int, float)) or not math.isfinite(psi):
        raise ValueError(f"psi must be a finite number (1: no truncation, 0: the centre), got {psi!r}")
    if center is None:
        return w * psi
    center = torch.as_tensor(center, dtype=w.dtype, device=w.device)
    try:
        shape = torch.broadcast_shapes(w.shape, center.shape)
    except RuntimeError:
        shape = None
    if shape != w.shape:
        raise ValueError(f"center of shape {tuple(center.shape)} does not broadcast to w's shape {tuple(w.shape)}")
    return center + psi * (w - center)


def interpolation_path(a: torch.Tensor, b: torch.Tensor, steps: int = 8, method: str = "slerp") -> torch.Tensor:
    """``steps`` evenly spaced codes from ``a`` to ``b`` (both included): ``(steps, *a.shape)``."""
    steps = _check_int("steps", steps, 2)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    a, b = _pair(a, b)
    t = torch.linspace(0, 1, steps, dtype=a.dtype)
    return (lerp if method == "lerp" else slerp)(a, b, t)

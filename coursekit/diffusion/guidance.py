"""Classifier-free guidance: the web UI's prompt, negative prompt and CFG scale in miniature.

A class-conditional network ``net(x, t, labels)`` learns both ε(x, c) and, with
the null label, ε(x, ∅). Guidance extrapolates from a reference toward the
prompt: ε̂ = ε(x, ref) + w · (ε(x, c) − ε(x, ref)), with ref = ∅ (plain
guidance) or the negative prompt's class. w = 1 is the plain conditional model,
w = 0 the reference alone, w > 1 pushes past the prompt.
"""

from __future__ import annotations

from typing import Callable

import torch

__all__ = ["guide", "guided_model"]


def guide(output_cond: torch.Tensor, output_ref: torch.Tensor, scale: float) -> torch.Tensor:
    """out_ref + scale · (out_cond − out_ref): the guided prediction (any prediction type)."""
    if output_cond.shape != output_ref.shape:
        raise ValueError(f"the two predictions differ in shape: {tuple(output_cond.shape)} vs {tuple(output_ref.shape)}")
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise TypeError(f"scale must be a number, got {scale!r}")
    return output_ref + scale * (output_cond - output_ref)


def _labels(value, n: int, device, name: str) -> torch.Tensor:
    labels = torch.as_tensor(value, device=device)
    if labels.is_floating_point() or labels.ndim > 1:
        raise ValueError(f"{name} must be an int class or one int per image, got {value!r}")
    labels = labels.long().expand(n) if labels.ndim == 0 else labels.long()
    if len(labels) != n:
        raise ValueError(f"{name} must be one class or {n} classes (one per image), got {len(labels)}")
    return labels


def guided_model(net: Callable, label, *, scale: float = 1.0, negative=None, null_label: int) -> Callable:
    """``model(x, t)`` for :func:`.samplers.sample`: ``net`` guided toward ``label``, away from ``negative``.

    ``negative=None`` guides away from the null label ``null_label`` (plain
    classifier-free guidance). Both predictions come from one batched call.
    """
    if isinstance(scale, bool) or not isinstance(scale, (int, float)):
        raise TypeError(f"scale must be a number, got {scale!r}")

    def model(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        n = len(x)
        cond = _labels(label, n, x.device, "label")
        ref = _labels(null_label if negative is None else negative, n, x.device, "negative")
        if scale == 1:
            return net(x, t, cond)
        out = net(torch.cat([x, x]), torch.cat([t, t]), torch.cat([cond, ref]))
        return guide(out[:n], out[n:], scale)

    return model

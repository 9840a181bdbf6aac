"""Supervised classification with the course's loop: the step function that trains a classifier."""

from __future__ import annotations

import torch.nn.functional as F

__all__ = ["train_step"]


def train_step(batch, state) -> dict[str, float]:
    """One step of :func:`coursekit.train.fit`: cross-entropy on (images, labels), accuracy logged."""
    images, labels = batch
    model = state.models["model"]
    with state.autocast():
        logits = model(images)
        loss = F.cross_entropy(logits, labels)
    state.optimize(loss)
    accuracy = (logits.argmax(1) == labels).float().mean()
    return {"loss": loss, "accuracy": accuracy}

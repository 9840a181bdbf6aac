"""Training the face-swap autoencoder (:class:`coursekit.models.face_swap_ae.FaceSwapAE`) with the course's loop.

Every step takes one batch of aligned faces and masks per identity
(:func:`coursekit.train.zip_batches`). :func:`augment_faces` moves each face
and its mask by the same small random rotation, scale and shift (the target),
then bends the face alone with DeepFaceLab's random warp (the input): the
network must rebuild the *unwarped* face, so it cannot copy pixels and has to
learn the face's structure. Each identity's faces go through its own decoder;
the losses (:func:`coursekit.face_swap_loss.face_swap_loss`) are summed and
one Adam step updates the shared encoder and both decoders.
"""

from __future__ import annotations

import torch

from .augment import random_affine, random_warp
from .face_swap_loss import face_swap_loss
from .train import History, fit, infinite_batches, zip_batches

__all__ = ["AFFINE", "augment_faces", "make_face_swap_step", "train_face_swap"]

AFFINE = {"degrees": 10.0, "scale": 0.05, "shift": 0.05}  # DeepFaceLab's ranges; shift as a fraction of the size


def augment_faces(faces: torch.Tensor, masks: torch.Tensor, generator: torch.Generator, *, warp: bool = True):
    """``(inputs, targets, target_masks)``: the same affine move for face and mask, then the warp on the input only."""
    if faces.ndim != 4 or masks.ndim != 4 or faces.shape[1] != 3 or masks.shape[1] != 1 or \
            faces.shape[0] != masks.shape[0] or faces.shape[-2:] != masks.shape[-2:]:
        raise ValueError(f"need faces (N, 3, S, S) and masks (N, 1, S, S), got {tuple(faces.shape)} and {tuple(masks.shape)}")
    size = faces.shape[-1]
    moved = random_affine(torch.cat([faces, masks], 1), generator, degrees=AFFINE["degrees"], scale=AFFINE["scale"],
                          shift=AFFINE["shift"] * size)
    targets, target_masks = moved[:, :3], moved[:, 3:]
    inputs = random_warp(targets, generator) if warp else targets
    return inputs, targets, target_masks


def make_face_swap_step(*, warp: bool = True, seed: int = 0):
    """A :func:`coursekit.train.fit` step over ``{identity: (faces, masks)}`` batches (augmentation on the CPU)."""
    generator = torch.Generator().manual_seed(seed)

    def step(batch, state) -> dict[str, torch.Tensor]:
        model = state.models["model"]
        total, logged = 0.0, {}
        for name, (faces, masks) in batch.items():
            inputs, targets, target_masks = (t.to(state.device) for t in
                                             augment_faces(faces.cpu(), masks.cpu(), generator, warp=warp))
            with state.autocast():
                face, mask = model(inputs, name)
                parts = face_swap_loss(face.float(), mask.float(), targets, target_masks)
            total = total + parts["loss"]
            logged[f"loss_{name}"] = parts["loss"].detach()
        state.optimize(total)
        return {"loss": total.detach(), **logged}

    return step


def train_face_swap(model, face_sets: dict, *, steps: int, batch_size: int = 16, lr: float = 5e-4, warp: bool = True,
                    seed: int = 0, device=None, progress: bool = False, callbacks=()) -> History:
    """Train ``model`` in place on ``{identity: (faces, masks)}``, one decoder per identity; returns the history."""
    missing = set(model.identities) - set(face_sets)
    if missing or set(face_sets) - set(model.identities):
        raise ValueError(f"face_sets must have exactly the model's identities {model.identities}, got {tuple(face_sets)}")
    batches = zip_batches(**{name: infinite_batches(*face_sets[name], batch_size=batch_size, seed=seed + i)
                             for i, name in enumerate(model.identities)})
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, betas=(0.5, 0.999))
    return fit(model, make_face_swap_step(warp=warp, seed=seed), batches, optimizers=optimizer, steps=steps,
               device=device, seed=seed, progress=progress, callbacks=callbacks)

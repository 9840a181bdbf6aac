"""Train the week-4 autoencoder deepfake (``coursekit train deepfake-ae``) and measure its swaps.

A :class:`coursekit.models.face_swap_ae.FaceSwapAE` (defaults: 64 px, encoder
32-256, dense 128, latent 8x8x128, decoders 64/32/16; about 2.5M parameters)
on 300 puppet frames of each portrait (:func:`coursekit.faces.puppet_sets.face_set`,
the real extraction), random warp on, DeepFaceLab's loss, Adam 5e-4
(β1 = 0.5), batch 16 per identity. Measured by
:func:`coursekit.faces.swap_measures.measure` on held-out poses, both directions,
against ground truth and against the landmark swap.
"""

from __future__ import annotations

from ..env import seed_everything
from ..face_swap_training import train_face_swap
from ..faces.puppet_sets import IDENTITIES, face_set
from ..models.face_swap_ae import FaceSwapAE
from ..train import History

__all__ = ["COMMAND", "NAME", "DEFAULTS", "STORE_DTYPE", "SETTINGS", "build", "training_sets", "train_deepfake_ae",
           "evaluate", "load"]

COMMAND = "coursekit train deepfake-ae"
NAME = "deepfake_ae"
DEFAULTS = {"steps": 4000, "seed": 0}
STORE_DTYPE = "float16"
SETTINGS = {"identities": list(IDENTITIES), "size": 64, "encoder_widths": [32, 64, 128, 256], "dense": 128,
            "latent_channels": 128, "decoder_widths": [64, 32, 16], "frames": 300, "batch_size": 16, "lr": 5e-4,
            "warp": True}
_MODEL_KEYS = ("identities", "size", "encoder_widths", "dense", "latent_channels", "decoder_widths")


def build(settings: dict = SETTINGS) -> FaceSwapAE:
    """A fresh, untrained model with these settings (seed the RNG first)."""
    return FaceSwapAE(**{k: tuple(v) if isinstance(v, list) else v for k, v in settings.items() if k in _MODEL_KEYS})


def training_sets(settings: dict = SETTINGS) -> dict:
    """``{identity: (faces, masks)}`` of the training frames."""
    return {name: face_set(name, settings["frames"], size=settings["size"]) for name in settings["identities"]}


def train_deepfake_ae(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                      progress: bool = True, settings: dict = SETTINGS, sets: dict | None = None) -> tuple[FaceSwapAE, History]:
    """Train from scratch; returns ``(model, history)`` with the model in eval mode on the CPU."""
    sets = training_sets(settings) if sets is None else sets
    seed_everything(seed)
    model = build(settings)
    history = train_face_swap(model, sets, steps=steps, batch_size=settings["batch_size"], lr=settings["lr"],
                              warp=settings["warp"], seed=seed, device=device, progress=progress)
    return model.cpu().eval(), history


def evaluate(model: FaceSwapAE) -> dict[str, float]:
    """The swap measures of :func:`coursekit.faces.swap_measures.measure` (both directions)."""
    from ..faces.swap_measures import measure

    return measure(model)


def load(*, directory=None, name: str = NAME) -> FaceSwapAE:
    """The shipped model ``name``, built from its manifest's settings, in eval mode."""
    from ..checkpoints import load_checkpoint, recorded_settings

    model = build(recorded_settings(name, directory))
    return load_checkpoint(name, model, directory=directory).eval()

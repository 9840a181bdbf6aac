"""Model weights as safetensors files with a JSON manifest, verified on load.

Each checkpoint ``NAME`` is two files in a folder (``data/checkpoints/`` by
default): the tensors (``NAME.<sha256[:12]>.safetensors``, or ``NAME.safetensors``
for the older shipped ones) and ``NAME.json``, the manifest: name, file, sha256,
the exact command that produced it, the metrics it reached and the library
versions. Loading recomputes the sha256 and refuses a file that does not match.
Pickles (``torch.load``) are never used.

The manifest is the commit point of a save: the new weights go under a name of
their own first, the manifest is renamed into place last, and only then is the
previous weights file removed. A crash at any moment leaves either the old
checkpoint or the new one, whole, never new weights beside an old manifest.
"""

from __future__ import annotations

import hashlib
import json
import platform
import re
from pathlib import Path
from typing import Mapping

from .files import atomic_write
from .paths import checkpoint_dir

__all__ = [
    "CheckpointError", "sha256_of", "library_versions", "save_checkpoint", "round_weights", "STORE_DTYPES", "update_metrics", "weights_file",
    "recorded_settings", "read_manifest", "list_checkpoints", "load_checkpoint"
]

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class CheckpointError(RuntimeError):
    """A checkpoint is missing, damaged or does not match its manifest."""


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name) or name.endswith((".json", ".safetensors")):
        raise ValueError(
            f"checkpoint name must be lowercase letters, digits, '_', '-' or '.', "
            f"without a file extension; got {name!r}"
        )
    return name


def _folder(directory) -> Path:
    return Path(directory) if directory is not None else checkpoint_dir()


def sha256_of(path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of Python and the libraries a checkpoint depends on."""
    import numpy
    import safetensors
    import torch

    from ._version import __version__

    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "safetensors": safetensors.__version__,
        "coursekit": __version__,
    }


def _state_dict(weights) -> dict:
    import torch

    state = weights.state_dict() if isinstance(weights, torch.nn.Module) else weights
    if not isinstance(state, Mapping) or not state:
        raise TypeError("weights must be a torch.nn.Module or a non-empty dict of tensors")
    bad = [k for k, v in state.items() if not isinstance(k, str) or not isinstance(v, torch.Tensor)]
    if bad:
        raise TypeError(f"every entry must map a string to a tensor; these do not: {bad[:5]}")
    # safetensors wants contiguous tensors that do not share memory
    return {k: v.detach().cpu().contiguous().clone() for k, v in state.items()}


STORE_DTYPES = ("float32", "float16")


def round_weights(model, dtype: str = "float16"):
    """Round a model's floating-point weights and buffers to ``dtype`` in place (they stay float32 tensors).

    Call it before measuring a model that will be stored with ``save_checkpoint(..., dtype=dtype)``, so the
    metrics in the manifest are those of the stored weights. Returns the model.
    """
    import torch

    if dtype not in STORE_DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(STORE_DTYPES)}, got {dtype!r}")
    with torch.no_grad():
        for tensor in list(model.parameters()) + list(model.buffers()):
            if tensor.is_floating_point():
                tensor.copy_(tensor.to(getattr(torch, dtype)))
    return model


def _check_metrics(metrics: Mapping[str, float]) -> dict[str, float]:
    for key, value in metrics.items():
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise TypeError(f"metric {key!r} must be a number, got {value!r}")
    return dict(metrics)


def _write_manifest(folder: Path, manifest: dict) -> Path:
    """Write ``manifest`` as ``folder/<name>.json`` atomically; returns its path."""
    path = folder / f"{manifest['name']}.json"
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    return path


def _verified_file(manifest: dict, directory) -> Path:
    """The weights file of ``manifest``, after checking that it exists and matches its sha256."""
    path = _folder(directory) / manifest["file"]
    if not path.is_file():
        raise CheckpointError(f"checkpoint file {path} is missing; rebuild it with: {manifest['command']}")
    actual = sha256_of(path)
    if actual != manifest["sha256"]:
        raise CheckpointError(
            f"checkpoint {path.name} does not match its manifest (sha256 {actual[:12]}... "
            f"instead of {manifest['sha256'][:12]}...): the file is damaged or was replaced. "
            f"Restore it (git checkout -- {path.name}) or rebuild it with: {manifest['command']}"
        )
    return path


def save_checkpoint(
    weights,
    name: str,
    *,
    command: str,
    metrics: Mapping[str, float] | None = None,
    extra: Mapping | None = None,
    directory=None,
    dtype: str = "float32",
) -> Path:
    """Save a model's weights (or a dict of tensors) and its manifest; returns the manifest path.

    ``command`` is the exact shell command that rebuilds this checkpoint,
    ``metrics`` what it reached (e.g. ``{"test_accuracy": 0.985}``), ``extra``
    any JSON-able details (training steps, model settings). ``dtype="float16"``
    stores floating-point tensors at half the size (round and measure the model
    first with :func:`round_weights`; loading casts them back). The manifest is
    written last, as the commit point (see the module docstring): a crash never
    leaves half a checkpoint or weights that do not match their manifest.
    """
    from safetensors.torch import save_file

    name = _check_name(name)
    if not isinstance(command, str) or not command.strip():
        raise ValueError("command must be the shell command that rebuilds this checkpoint")
    metrics = _check_metrics(metrics or {})
    folder = _folder(directory)
    if not folder.is_dir():
        raise FileNotFoundError(f"checkpoint folder {folder} does not exist; create it first")
    if dtype not in STORE_DTYPES:
        raise ValueError(f"dtype must be one of {', '.join(STORE_DTYPES)}, got {dtype!r}")
    state = _state_dict(weights)
    if dtype == "float16":
        import torch

        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    previous = read_manifest(name, folder)["file"] if (folder / f"{name}.json").is_file() else None
    weights_path = _write_weights(folder, name, lambda tmp: save_file(state, tmp))
    manifest = {
        "name": name,
        "file": weights_path.name,
        "sha256": sha256_of(weights_path),
        "bytes": weights_path.stat().st_size,
        "command": command,
        "metrics": metrics,
        "versions": library_versions(),
        "extra": dict(extra or {}),
    }
    path = _write_manifest(folder, manifest)  # the commit point
    _remove_unreferenced(folder, name, keep=weights_path.name, previous=previous)
    return path


def _write_weights(folder: Path, name: str, write) -> Path:
    """Write the weights beside the current checkpoint, under ``NAME.<sha256[:12]>.safetensors``."""
    staged = atomic_write(folder / f".{name}.staged.safetensors", write)
    path = folder / f"{name}.{sha256_of(staged)[:12]}.safetensors"
    staged.replace(path)  # same bytes if it exists already: the file a manifest may name is not changed
    return path


def _remove_unreferenced(folder: Path, name: str, *, keep: str, previous: str | None) -> None:
    """After the commit: remove the previous weights of ``name`` and any left by an interrupted save."""
    referenced = {keep} | {read_manifest(other, folder)["file"] for other in list_checkpoints(folder)}
    pattern = re.compile(rf"{re.escape(name)}\.[0-9a-f]{{12}}\.safetensors")
    leftovers = [p for p in folder.glob(f"{name}.*.safetensors") if pattern.fullmatch(p.name)]
    if previous is not None:
        leftovers.append(folder / previous)
    for path in leftovers:
        if path.name not in referenced and path.is_file():
            path.unlink()


def update_metrics(name: str, metrics: Mapping[str, float], *, reason: str, directory=None) -> Path:
    """Replace the metrics of checkpoint ``name``'s manifest, measured again (the weights stay as they are).

    The previous metrics are kept under ``extra["previous_metrics"]`` with
    ``reason`` (why they were measured again, e.g. a new yardstick), so the
    manifest never silently loses what the checkpoint once reached. The
    weights' sha256 is checked first; the manifest is replaced atomically.
    """
    manifest = read_manifest(name, directory)
    _verified_file(manifest, directory)
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("reason must say why the metrics were measured again")
    metrics = _check_metrics(metrics)
    extra = dict(manifest.get("extra", {}))
    extra["previous_metrics"] = {"metrics": manifest.get("metrics", {}), "replaced_because": reason,
                                 "versions": manifest.get("versions", {})}
    manifest.update(metrics=dict(metrics), extra=extra, versions=library_versions())
    return _write_manifest(_folder(directory), manifest)


def weights_file(name: str, directory=None) -> Path:
    """The path of checkpoint ``name``'s weights file (the one its manifest names, sha256 checked)."""
    return _verified_file(read_manifest(name, directory), directory)


def recorded_settings(name: str, directory=None) -> dict:
    """The recipe settings recorded in checkpoint ``name``'s manifest (``extra.settings``): what rebuilds its network."""
    settings = read_manifest(name, directory).get("extra", {}).get("settings")
    if not isinstance(settings, dict):
        raise CheckpointError(f"the manifest of checkpoint {name!r} records no settings; retrain it with coursekit train")
    return settings


def read_manifest(name: str, directory=None) -> dict:
    """The manifest of checkpoint ``name`` as a dict."""
    name = _check_name(name)
    path = _folder(directory) / f"{name}.json"
    if not path.is_file():
        available = ", ".join(list_checkpoints(directory)) or "none"
        raise CheckpointError(f"no checkpoint named {name!r} in {path.parent} (available: {available})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise CheckpointError(f"manifest {path} is not valid JSON: {err}") from None
    missing = {"name", "file", "sha256", "command"} - set(manifest)
    if missing:
        raise CheckpointError(f"manifest {path} lacks {', '.join(sorted(missing))}")
    return manifest


def list_checkpoints(directory=None) -> list[str]:
    """Names of the checkpoints (manifests) in a folder."""
    folder = _folder(directory)
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


def load_checkpoint(name: str, model=None, *, directory=None, device: str = "cpu"):
    """Load checkpoint ``name`` after checking its sha256 against the manifest.

    With ``model`` (a ``torch.nn.Module``), the weights are loaded into it
    strictly (every key must match) and the model is returned; without, the
    dict of tensors is returned.
    """
    from safetensors.torch import load_file

    state = load_file(str(weights_file(name, directory)), device=device)
    if model is None:
        return state
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    unexpected = sorted(set(state) - set(expected))
    reshaped = [k for k in set(expected) & set(state) if expected[k].shape != state[k].shape]
    if missing or unexpected or reshaped:
        raise CheckpointError(
            f"checkpoint {name!r} does not fit this model (nothing was loaded): "
            f"missing {missing[:5]}, unexpected {unexpected[:5]}, different shapes {sorted(reshaped)[:5]}"
        )
    model.load_state_dict(state, strict=True)  # float16 stored weights are cast to the model's dtype
    return model

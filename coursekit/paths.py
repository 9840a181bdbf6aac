"""Where the shipped data lives, in a repository checkout and in an installed wheel."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "checkpoint_dir"]

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Return the folder with the shipped data (checkpoints and their manifests).

    A wheel carries it as ``coursekit/_data``; an editable install or a plain
    checkout uses the repository's top-level ``data/``.
    """
    packaged = _PACKAGE_DIR / "_data"
    if packaged.is_dir():
        return packaged
    checkout = _PACKAGE_DIR.parent / "data"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(
        f"coursekit's data folder is missing: looked for {packaged} and {checkout}. "
        "Reinstall the package (pip install --force-reinstall coursekit) "
        "or run `make lab` in the course repository."
    )


def checkpoint_dir() -> Path:
    """Return the folder of the shipped reference checkpoints."""
    return data_dir() / "checkpoints"

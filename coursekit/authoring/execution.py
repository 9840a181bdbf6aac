"""Execute lesson notebooks top to bottom in a fresh kernel and store their outputs.

Usage: python -m coursekit.authoring.execution [--check] [lessons/ | lessons/01_x.py ...]

``make lessons`` executes and stores; ``make lessons-check`` (``--check``)
executes again into a temporary file and fails unless the result is byte for
byte the stored notebook.

Each lesson's source of truth is its jupytext percent file (``NN_name.py``);
the notebook is rebuilt from it, executed with nbclient, and normalized so
that running this twice gives byte-identical files: no timing metadata, no
saved widget state, widget model ids derived from the cell position.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import nbformat

from ..numerics import apply_profile

__all__ = [
    "WIDGET_VIEW", "JUPYTEXT", "KERNELSPEC", "notebooks_from", "normalize", "cell_id", "widget_model_id",
    "execute", "check_reproducible", "main"
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
JUPYTEXT = {"formats": "ipynb,py:percent"}
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def notebooks_from(args: list[str]) -> list[Path]:
    """Lesson sources (``NN_name.py``) named by folders or files; raises if one is missing."""
    paths: list[Path] = []
    for arg in args or ["lessons"]:
        path = Path(arg)
        if path.is_dir():
            paths += sorted(path.glob("[0-9][0-9]_*.py"))
        elif path.suffix in (".py", ".ipynb"):
            paths.append(path.with_suffix(".py"))
        else:
            raise ValueError(f"not a lesson folder, .py or .ipynb file: {arg}")
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise FileNotFoundError(f"lesson source (jupytext .py) missing: {', '.join(missing)}")
    if not paths:
        raise FileNotFoundError(f"no lessons (NN_name.py) found in {', '.join(args)}")
    return paths


def normalize(nb: nbformat.NotebookNode, name: str) -> None:
    """Drop volatile metadata so the stored notebook depends only on what the code printed."""
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["jupytext"] = dict(JUPYTEXT)
    for index, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell["id"] = cell_id(index)
        for number, output in enumerate(cell.get("outputs", [])):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is not None:
                view["model_id"] = widget_model_id(name, index, number)


def cell_id(index: int) -> str:
    """The stored id of the cell at ``index`` (stable, so diffs stay small)."""
    return f"cell-{index:03d}"


def widget_model_id(name: str, index: int, number: int) -> str:
    """A widget view's stored model id: derived from its position, not random."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{name}/{index}/{number}").hex


def execute(source: Path, target: Path | None = None) -> float:
    """Rebuild ``source``'s notebook from the .py, execute it and write it to ``target``
    (default: the .ipynb beside it); returns the seconds the execution took.

    Always runs in ``quick`` mode: the stored outputs are what nbval re-checks.
    """
    import jupytext
    from nbclient import NotebookClient

    target = target or source.with_suffix(".ipynb")
    nb = jupytext.read(source, fmt="py:percent")
    env_before = dict(os.environ)
    os.environ["COURSEKIT_MODE"] = "quick"
    os.environ["PYTHONHASHSEED"] = "0"
    apply_profile()  # the kernel inherits the numerics profile (unless the caller set other values)
    start = time.perf_counter()
    try:
        client = NotebookClient(
            nb,
            timeout=900,
            kernel_name="python3",
            resources={"metadata": {"path": str(source.parent)}},
            record_timing=False,
            store_widget_state=False,
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    seconds = time.perf_counter() - start
    normalize(nb, source.stem)
    nbformat.validate(nb)
    nbformat.write(nb, target)
    return seconds


def check_reproducible(source: Path) -> bool:
    """Execute a lesson again into a temporary file; ``True`` if it matches the stored one byte for byte."""
    stored = source.with_suffix(".ipynb")
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / stored.name
        execute(source, fresh)
        return stored.is_file() and fresh.read_bytes() == stored.read_bytes()


def main(argv: list[str]) -> int:
    check = "--check" in argv
    try:
        sources = notebooks_from([a for a in argv if a != "--check"])
    except (ValueError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    failed = []
    for source in sources:
        if check:
            same = check_reproducible(source)
            print(f"{source.with_suffix('.ipynb')}: {'identical' if same else 'DIFFERS from the stored notebook'}")
            failed += [] if same else [source]
        else:
            seconds = execute(source)
            print(f"{source.with_suffix('.ipynb')}: executed in {seconds:.1f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

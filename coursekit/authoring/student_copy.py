"""Student copies of the lessons: the solutions between nbgrader's markers replaced by a placeholder.

In each code cell, every region from ``### BEGIN SOLUTION`` to ``### END SOLUTION``
(markers included) becomes, at the marker's indentation,

    # 여기에 코드를 작성하세요
    raise NotImplementedError

and that cell's outputs are cleared. From the first solution cell on, every code
cell's outputs are cleared too: a checker's "✅ 통과" or a figure drawn from the
solution must not be there before the student has solved anything. The cells
before the exercises keep their outputs; the sources of all other cells stay
exactly as they are. The markers are nbgrader's, so the lessons also work with
nbgrader directly.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

__all__ = ["PLACEHOLDER", "strip_source", "strip_solutions", "student_copy"]

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = ("# 여기에 코드를 작성하세요", "raise NotImplementedError")
_REGION = re.compile(rf"^([ \t]*){re.escape(BEGIN)}[^\n]*\n.*?^[ \t]*{re.escape(END)}[^\n]*$", re.M | re.S)


def strip_source(source: str) -> str:
    """The cell source with every solution region replaced by the placeholder."""
    if source.count(BEGIN) != source.count(END):
        raise ValueError(f"unbalanced solution markers: {source.count(BEGIN)} '{BEGIN}' and {source.count(END)} '{END}'")
    return _REGION.sub(lambda m: "\n".join(m.group(1) + line for line in PLACEHOLDER), source)


def strip_solutions(nb):
    """A copy of the notebook with solutions stripped and the outputs from the first exercise on cleared."""
    nb = copy.deepcopy(nb)
    exercises_started = False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if BEGIN in cell.source:
            cell.source = strip_source(cell.source)
            exercises_started = True
        if exercises_started:
            cell.outputs = []
            cell.execution_count = None
    return nb


def student_copy(source, out_dir) -> list[Path]:
    """Write student copies of one lesson notebook or of every ``NN_*.ipynb`` in a folder."""
    source, out_dir = Path(source), Path(out_dir)
    if source.is_dir():
        notebooks = sorted(source.glob("[0-9][0-9]_*.ipynb"))
    elif source.suffix == ".ipynb" and source.is_file():
        notebooks = [source]
    else:
        raise FileNotFoundError(f"no lesson notebook or folder at {source}")
    if not notebooks:
        raise FileNotFoundError(f"no lesson notebooks (NN_name.ipynb) in {source}")
    if out_dir.resolve() in {n.parent.resolve() for n in notebooks}:
        raise ValueError("the output folder must not be the lessons folder: that would overwrite the solutions")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for notebook in notebooks:
        target = out_dir / notebook.name
        nbformat.write(strip_solutions(nbformat.read(notebook, as_version=4)), target)
        written.append(target)
    return written

"""A code cell's printed text as slide Markdown: aligned columns become a table, the rest a short block.

A lesson prints its measurements (a table, a figure, a checker's verdict); a deck
must be able to show them. ``cell_text`` collects what a cell printed (stdout
and plain-text results, never stderr or widgets); ``text_blocks`` turns it into
Markdown blocks:

- lines already written as a Markdown table (``| a | b |``) stay as they are;
- two or more consecutive lines that split into the same number (at least two)
  of columns at runs of two or more spaces become a table, the first line its header;
- every other line goes into a preformatted ``text`` block.
"""

from __future__ import annotations

import re

__all__ = ["MAX_TEXT_LINES", "TextTooLong", "output_text", "cell_text", "text_blocks"]

MAX_TEXT_LINES = 12  # printed lines one slide can show
_COLUMNS = re.compile(r"\s{2,}")


class TextTooLong(ValueError):
    """A slide-tagged cell printed more than a slide can show."""


def output_text(output) -> str:
    """The text of one output: stdout, or a result that is plain text only ("" for figures, widgets, stderr)."""
    kind = output.get("output_type")
    if kind == "stream" and output.get("name") == "stdout":
        return output.get("text", "")
    data = output.get("data", {})
    if kind == "execute_result" and set(data) == {"text/plain"}:
        return data["text/plain"] + "\n"
    return ""


def cell_text(cell) -> str:
    """What a code cell printed to stdout and the plain text of its results (no figures, widgets or stderr)."""
    return "".join(output_text(output) for output in cell.get("outputs", [])).strip("\n")


def _columns(line: str) -> list[str]:
    return _COLUMNS.split(line.strip())


def _table(rows: list[list[str]]) -> list[str]:
    def row(cells):
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    return [row(rows[0]), "|" + "---|" * len(rows[0]), *(row(r) for r in rows[1:])]


def text_blocks(text: str, where: str = "the cell") -> list[tuple[str, list[str]]]:
    """``[(kind, markdown lines)]`` with kind ``"table"`` or ``"pre"``; raises ``TextTooLong`` past ``MAX_TEXT_LINES``."""
    lines = [line.rstrip() for line in text.splitlines()]
    lines = [line for line in lines if line.strip()]
    if len(lines) > MAX_TEXT_LINES:
        raise TextTooLong(
            f"{where} printed {len(lines)} lines; a slide shows at most {MAX_TEXT_LINES}: "
            "print less, or take the 'slide' tag off the cell"
        )
    blocks: list[tuple[str, list[str]]] = []
    pre: list[str] = []

    def flush_pre():
        if pre:
            blocks.append(("pre", ["```text", *pre, "```"]))
            pre.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith("|"):
            end = index
            while end < len(lines) and lines[end].lstrip().startswith("|"):
                end += 1
            flush_pre()
            blocks.append(("table", [row.strip() for row in lines[index:end]]))
            index = end
            continue
        width = len(_columns(line))
        end = index + 1
        while width >= 2 and end < len(lines) and len(_columns(lines[end])) == width:
            end += 1
        if width >= 2 and end - index >= 2:
            flush_pre()
            blocks.append(("table", _table([_columns(row) for row in lines[index:end]])))
            index = end
            continue
        pre.append(line)
        index += 1
    flush_pre()
    return blocks

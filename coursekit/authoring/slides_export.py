"""Export Marp decks to HTML and PDF with the pinned Marp CLI (``make slides``).

Marp CLI comes from the npm registry (``package.json``, installed into
``node_modules`` by ``make slides-tools``) and runs on the machine's Node.js;
PDF export drives Debian's Chromium and needs a Hangul font (``fonts-nanum``).
Whatever is missing is named in one clear message.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["ROOT", "CHROMIUM_CANDIDATES", "ExportToolMissing", "marp_command", "chromium", "export", "main"]

ROOT = Path(__file__).resolve().parents[2]  # the repository: coursekit/authoring/slides_export.py
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class ExportToolMissing(RuntimeError):
    """Node.js, the Marp CLI or Chromium is not installed."""


def marp_command(root: Path = ROOT) -> list[str]:
    """The command that runs the pinned Marp CLI, or a clear error naming what is missing."""
    if shutil.which("node") is None:
        raise ExportToolMissing("Node.js is not installed: install it (Debian: apt-get install nodejs npm) to export slides")
    marp = root / "node_modules" / "@marp-team" / "marp-cli" / "marp-cli.js"
    if not marp.is_file():
        raise ExportToolMissing("the Marp CLI is not installed: run `make slides-tools` (npm ci) first")
    return ["node", str(marp)]


def chromium() -> str:
    """Path of a Chromium for PDF export, or a clear error."""
    for path in (os.environ.get("CHROME_PATH"), *CHROMIUM_CANDIDATES):
        if path and Path(path).is_file():
            return path
    raise ExportToolMissing(
        "Chromium is not installed, so no PDF can be made: apt-get install chromium fonts-nanum"
    )


def export(deck, fmt: str, theme=ROOT / "slides" / "theme", root: Path = ROOT) -> Path:
    """Export ``deck`` (a Marp .md) to ``fmt`` ``"html"`` or ``"pdf"`` beside it; returns the file."""
    deck = Path(deck)
    if fmt not in ("html", "pdf"):
        raise ValueError(f"format must be html or pdf, got {fmt!r}")
    if not deck.is_file():
        raise FileNotFoundError(f"no deck at {deck}")
    out = deck.with_suffix(f".{fmt}")
    env = dict(os.environ)
    command = [*marp_command(root), "--no-stdin", "--theme-set", str(theme), "--allow-local-files"]
    if fmt == "pdf":
        env["CHROME_PATH"] = chromium()
        command.append("--pdf")
    result = subprocess.run([*command, str(deck), "-o", str(out)], capture_output=True, text=True, env=env, timeout=300)
    if result.returncode != 0 or not out.is_file():
        raise RuntimeError(f"Marp could not export {deck.name} to {fmt}: {result.stderr.strip()[-500:]}")
    return out


def main(argv: list[str]) -> int:
    """``python -m coursekit.authoring.slides_export slides/*.md``: HTML and PDF for each deck."""
    import time

    problems = []
    for deck in argv:
        for fmt in ("html", "pdf"):
            start = time.perf_counter()
            try:
                out = export(deck, fmt)
            except ExportToolMissing as err:
                problems.append(str(err))
                print(f"{deck}: no {fmt}: {err}", file=sys.stderr)
                continue
            print(f"{out}: {time.perf_counter() - start:.1f} s")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

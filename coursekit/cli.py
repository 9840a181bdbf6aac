"""The ``coursekit`` command."""

from __future__ import annotations

import argparse
import importlib.util
import platform
import shutil
import subprocess
import sys

from ._version import __version__


__all__ = ["info_lines", "MissingExtra", "build_parser", "main"]

def _version_of(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(module)
    except PackageNotFoundError:
        return "not installed"


def _tool_version(command: str, *args: str) -> str:
    path = shutil.which(command)
    if path is None:
        return "not found"
    try:
        out = subprocess.run([path, *args], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as err:
        return f"found at {path}, but it did not run ({err})"
    lines = (out.stdout or out.stderr).strip().splitlines()
    return f"{lines[0] if lines else 'unknown version'} ({path})"


def _torchvision_status() -> str:
    if importlib.util.find_spec("torchvision") is None:
        return "not installed (not needed)"
    try:
        import torchvision
    except Exception as err:  # a wheel that does not match torch fails at import
        return f"installed but does not import: {type(err).__name__}: {err}"[:200]
    return torchvision.__version__


def info_lines() -> list[str]:
    """What ``coursekit info`` prints: versions, device, mode and optional components."""
    from .env import device, mode
    from .paths import data_dir

    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "none"
    lines = [
        f"coursekit              {__version__}",
        f"python                 {platform.python_version()} ({sys.executable})",
    ]
    for package in ("torch", "numpy", "opencv-python-headless", "matplotlib", "scikit-image", "ipywidgets"):
        lines.append(f"{package:<22} {_version_of(package)}")
    lines += [
        f"device                 {device()}",
        f"mode                   {mode()} (COURSEKIT_MODE)",
        f"data                   {data_dir()}",
        f"gpu                    {gpu}",
        f"torchvision            {_torchvision_status()}",
        f"chromium               {_tool_version('chromium', '--version')}",
        f"node                   {_tool_version('node', '--version')}",
    ]
    return lines


def _info(_args) -> int:
    print("\n".join(info_lines()))
    return 0


class MissingExtra(RuntimeError):
    """An instructor command needs the dev extras, which a plain ``pip install coursekit`` leaves out."""


def _authoring(module: str):
    """Import an instructor/CI tool module, or say in one line what to install."""
    try:
        return importlib.import_module(f"{__package__}.authoring.{module}")
    except ModuleNotFoundError as err:
        raise MissingExtra(
            f"this command needs the instructor tools (missing: {err.name}); "
            "install them with: pip install 'coursekit[dev]'"
        ) from None


def _slides(args) -> int:
    slides = _authoring("slides")
    count_slides, notebook_to_marp = slides.count_slides, slides.notebook_to_marp

    for notebook in args.notebooks:
        deck = notebook_to_marp(notebook, args.out)
        print(f"{deck}: {count_slides(deck.read_text(encoding='utf-8'))} slides")
    return 0


def _student_copy(args) -> int:
    student_copy = _authoring("student_copy").student_copy

    for path in student_copy(args.source, args.out):
        print(f"wrote {path}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="coursekit", description="Tools for the generative image AI course.")
    parser.add_argument("--version", action="version", version=f"coursekit {__version__}")
    # failures a command reports as one line and exit status 1; a command may name its own
    parser.set_defaults(expected_errors=(FileNotFoundError, ValueError, MissingExtra))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    info = commands.add_parser("info", help="print versions, device, mode and optional components")
    info.set_defaults(run=_info)
    slides = commands.add_parser("slides", help="write Marp slides from the cells tagged 'slide'")
    slides.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="lesson notebooks (.ipynb)")
    slides.add_argument("--out", default="slides", help="folder for the decks and their img/ (default: slides)")
    slides.set_defaults(run=_slides)
    student = commands.add_parser("student-copy", help="copies of the lessons with the solutions stripped")
    student.add_argument("source", metavar="LESSONS", help="a lesson notebook or a folder of them")
    student.add_argument("--out", required=True, help="folder for the student copies (not the lessons folder)")
    student.set_defaults(run=_student_copy)
    from .faces.command import add_commands as add_face_commands
    from .recipes.command import add_commands as add_train_commands
    from .sample_command import add_command as add_sample_command

    add_face_commands(commands)
    add_train_commands(commands)
    add_sample_command(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        if getattr(args, "one_line_errors", False):
            print(f"coursekit {args.command}: error: unrecognized arguments: {' '.join(unknown)}", file=sys.stderr)
            return 1
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if getattr(args, "run", None) is None:
        parser.print_help()
        return 2
    try:
        return args.run(args)
    except args.expected_errors as err:
        print(f"coursekit {args.command}: error: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

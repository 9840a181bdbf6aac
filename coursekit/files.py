"""Writing files so that a crash never leaves half a file: write beside, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


__all__ = ["atomic_write"]

def atomic_write(path, write: Callable[[str], None]) -> Path:
    """Call ``write(temporary_path)``, then move the result onto ``path`` in one step.

    The temporary file sits in the same folder (so the rename is atomic) and gets
    the usual permissions (``0o666`` less the umask), not ``mkstemp``'s private 0600.
    If ``write`` fails, the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"folder {folder} does not exist (create it first)")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path

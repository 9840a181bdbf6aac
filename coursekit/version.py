"""Guard against a notebook and an installed coursekit that do not match."""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from ._version import __version__


__all__ = ["VersionMismatch", "require"]

class VersionMismatch(RuntimeError):
    """The installed coursekit does not satisfy what a notebook asks for."""


def require(spec: str, installed: str | None = None) -> str:
    """Fail with a clear message unless the installed coursekit satisfies ``spec``.

    ``spec`` is a PEP 440 specifier such as ``">=0.1"`` or ``">=0.1,<0.2"``.
    Returns the installed version.
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError('spec must be a version specifier string such as ">=0.1"')
    try:
        wanted = SpecifierSet(spec)
    except InvalidSpecifier:
        raise ValueError(
            f'{spec!r} is not a version specifier; write it like ">=0.1" or ">=0.1,<0.2"'
        ) from None
    have = Version(installed or __version__)
    if have not in wanted:
        raise VersionMismatch(
            f"This notebook needs coursekit{spec}, but coursekit {have} is installed. "
            f'Install a matching version: pip install "coursekit{spec}" '
            "(or, in the course repository, run: git pull && make lab)."
        )
    return str(have)

"""coursekit: helpers and reference implementations for the generative image AI course.

Import the module a lesson talks about (``coursekit.color``, ``coursekit.images``,
...); this top level only holds the version guard and the lesson set-up.
"""

from ._version import __version__
from .notebook import setup_lesson
from .version import VersionMismatch, require

__all__ = ["__version__", "require", "setup_lesson", "VersionMismatch"]

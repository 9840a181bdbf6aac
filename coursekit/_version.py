"""The package version; lessons check it with ``coursekit.require``."""

__version__ = "0.1.0"

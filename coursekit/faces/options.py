"""The face-swap choices the command line offers, kept apart so ``coursekit --help`` loads no face model."""

__all__ = ["COLOR_METHODS", "CORNERS"]

COLOR_METHODS = ("blur_ratio", "rct", "hist")  # color transfer methods (coursekit.faces.transfer)
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")  # where the visible AI-GENERATED label goes

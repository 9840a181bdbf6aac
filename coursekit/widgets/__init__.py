"""Interactive ipywidgets, one module per week (``week01``, ...)."""

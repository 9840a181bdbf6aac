"""How each shipped reference checkpoint is trained: one module per model, run by ``coursekit train``."""

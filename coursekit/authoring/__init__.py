"""Instructor and CI tools (they need the ``dev`` extras): ``execution`` (``make lessons``), ``nbval_figures``
(the pytest plugin that compares figures under nbval), ``slides`` and ``slides_export`` (Marp decks),
``student_copy``. Lessons never import these."""

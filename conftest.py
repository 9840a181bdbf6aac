# nbval skips image/png outputs; this plugin compares the figures too.
pytest_plugins = ["coursekit.authoring.nbval_figures"]

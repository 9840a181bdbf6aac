"""nbval with the figure plugin on a real notebook: only the figure changes, and the run fails."""

import nbformat
import pytest
from nbclient import NotebookClient

pytest_plugins = ["pytester"]

SOURCE = (
    "import matplotlib\n"
    "matplotlib.use('module://matplotlib_inline.backend_inline')\n"
    "import matplotlib.pyplot as plt\n"
    "import numpy as np\n"
    "plt.figure(figsize=(2, 2))\n"
    "plt.imshow(np.eye(8) * {scale}, cmap='gray', vmin=0, vmax=1)\n"
    "plt.show()"
)


def stored_notebook(path, scale):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell(SOURCE.format(scale=scale)))
    NotebookClient(nb, kernel_name="python3", timeout=120).execute()
    assert any("image/png" in o.get("data", {}) for o in nb.cells[0].outputs)
    nbformat.write(nb, path)
    return nb


def run_nbval(pytester, path):
    return pytester.runpytest_subprocess(
        str(path), "--nbval", "--nbval-current-env", "-p", "coursekit.authoring.nbval_figures", "-p", "no:cacheprovider"
    )


@pytest.mark.slow
def test_same_figure_passes_changed_figure_fails(pytester):
    path = pytester.path / "figure.ipynb"
    nb = stored_notebook(path, scale=1.0)
    run_nbval(pytester, path).assert_outcomes(passed=1)

    # change what the code draws, keep the stored outputs: only the figure differs
    nb.cells[0].source = SOURCE.format(scale=0.4)
    nbformat.write(nb, path)
    result = run_nbval(pytester, path)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*figure 1: pixels differ*"])

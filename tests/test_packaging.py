"""A non-editable install (a wheel) carries the shipped data and finds it without the repository."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--wheel-dir", str(out), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (path,) = out.glob("coursekit-*.whl")
    return path


def test_wheel_contains_package_data_and_script(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "coursekit/_data/README.md" in names
    shipped = sorted(p.relative_to(ROOT / "data").as_posix() for p in (ROOT / "data").rglob("*") if p.is_file())
    assert all(f"coursekit/_data/{name}" in names for name in shipped)
    assert "coursekit/color.py" in names and "coursekit/authoring/nbval_figures.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "coursekit = coursekit.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
    assert not any(n.startswith(("lessons/", "tests/")) for n in names)


def test_installed_wheel_finds_its_data_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        check=True, capture_output=True, timeout=300,
    )
    code = (
        "import coursekit, coursekit.paths as p, coursekit.checkpoints as c; "
        "print(coursekit.__file__); print(p.data_dir()); print(c.list_checkpoints())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"}, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    module_file, data_dir, _ = result.stdout.splitlines()
    assert module_file.startswith(str(site)) and data_dir == str(site / "coursekit" / "_data")

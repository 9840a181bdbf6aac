import subprocess
import sys

import pytest

from coursekit import cli


def test_info_lists_versions_device_mode_and_components(capsys, monkeypatch):
    monkeypatch.setenv("COURSEKIT_MODE", "full")
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    for key in ("coursekit", "torch", "opencv-python-headless", "device", "mode", "full", "gpu", "torchvision", "chromium", "node"):
        assert key in out


def test_info_reports_missing_tools(monkeypatch):
    monkeypatch.setattr(cli.shutil, "which", lambda name: None)
    lines = "\n".join(cli.info_lines())
    assert "chromium               not found" in lines and "node                   not found" in lines


def test_no_command_prints_help(capsys):
    assert cli.main([]) == 2
    assert "info" in capsys.readouterr().out


def test_console_script_runs_and_does_not_import_torchvision():
    code = (
        "import sys, coursekit; assert 'torchvision' not in sys.modules; "
        "from coursekit.cli import main; sys.exit(main(['info']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "torchvision" in result.stdout


def test_importing_every_module_leaves_torchvision_alone():
    code = (
        "import sys, importlib, pkgutil, coursekit\n"
        "for m in pkgutil.walk_packages(coursekit.__path__, 'coursekit.'):\n"
        "    importlib.import_module(m.name)\n"
        "assert 'torchvision' not in sys.modules, 'torchvision was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


def test_help_and_parsing_import_no_model_code():
    import subprocess
    import sys

    code = (
        "import sys\nfrom coursekit import cli\np = cli.build_parser()\n"
        "for argv in (['--help'], ['train', 'dcgan', '--help'], ['sample', '--help']):\n"
        "    try:\n        p.parse_args(argv)\n    except SystemExit:\n        pass\n"
        "print(sorted(m for m in ('torch', 'diffusers', 'dlib', 'cv2', 'nbformat', 'coursekit.recipes.dcgan',"
        " 'coursekit.faces.swap') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("command", [["slides", "lesson.ipynb"], ["student-copy", "lessons", "--out", "x"]])
def test_instructor_commands_without_the_dev_extras_say_what_to_install(monkeypatch, capsys, command):
    import sys

    for name in ("nbformat", "coursekit.authoring.slides", "coursekit.authoring.student_copy"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setitem(sys.modules, "nbformat", None)  # as if it were not installed
    assert cli.main(command) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "missing: nbformat" in err and "pip install 'coursekit[dev]'" in err

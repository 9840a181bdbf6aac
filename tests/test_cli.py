import subprocess
import sys

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

"""The shipped generators by name, `coursekit sample`, and metrics.report on their samples."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from coursekit import cli, generators, metrics
from coursekit.recipes import dcgan


def test_sample_command_writes_what_the_generator_draws(tmp_path, capsys):
    out = tmp_path / "dcgan.npz"
    assert cli.main(["sample", "dcgan", "-n", "12", "--seed", "3", "--out", str(out)]) == 0
    assert "12 samples of dcgan" in capsys.readouterr().out
    data = np.load(out)
    assert set(data.files) == {"images"}
    assert data["images"].dtype == np.float32 and data["images"].shape == (12, 1, 28, 28)
    assert 0 <= data["images"].min() and data["images"].max() <= 1
    np.testing.assert_array_equal(data["images"], dcgan.load().sample(12, 3).numpy())


@pytest.mark.parametrize("argv, message", [
    (["nope"], "no shipped generator named 'nope'; there are: dcgan, ddpm, ldm, stylegan, vae, vae2d"),
    (["dcgan", "--label", "3"], "dcgan has no option --label (it takes none)"),
    (["stylegan", "--guidance", "2", "--steps", "10"], "has no option --guidance, --steps"),
    (["dcgan", "-n", "0"], "from 1 to 100000"),
    (["dcgan", "--seed", "-1"], "seed must be an int"),
    (["dcgan", "-n", "x"], "invalid int value: 'x'"),
    (["dcgan", "--bogus"], "unrecognized arguments: --bogus"),
])
def test_sample_command_bad_input_is_one_line_and_status_1(tmp_path, capsys, argv, message):
    with pytest.raises(SystemExit) if "x" in argv else _returns(1) as status:
        status.value = cli.main(["sample", *argv, "--out", str(tmp_path / "s.npz")])
    assert status.value == 1 or getattr(status.value, "code", None) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "s.npz").exists()


class _returns:
    def __init__(self, code):
        self.code = code

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_sample_command_unwritable_paths(tmp_path, capsys):
    assert cli.main(["sample", "dcgan", "-n", "2", "--out", str(tmp_path / "none" / "s.npz")]) == 1
    assert "folder" in capsys.readouterr().err
    assert cli.main(["sample", "dcgan", "-n", "2", "--out", str(tmp_path / "s.png")]) == 1
    assert "must name an .npz file" in capsys.readouterr().err
    (tmp_path / "taken.npz").mkdir()
    assert cli.main(["sample", "dcgan", "-n", "2", "--out", str(tmp_path / "taken.npz")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_listing_generators_imports_no_model_code():
    code = "import sys, coursekit.generators as g; print(sorted(g.GENERATORS)); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["['dcgan', 'ddpm', 'ldm', 'stylegan', 'vae', 'vae2d']", "False"]


def test_generator_sample_bad_input():
    g = generators.get("dcgan")
    with pytest.raises(ValueError, match="unknown sampling options"):
        g.sample(2, 0, temperature=1.0)
    with pytest.raises(ValueError, match="from 1 to"):
        g.sample(True, 0)


def test_report_measures_samples_of_any_generator():
    from coursekit.datasets import digits_sample

    real, labels = digits_sample(200, "test")
    rep = metrics.report(real[:200], labels[:200])
    assert rep.count == 200 and rep.confident > 0.9 and rep.coverage == 10 and rep.conditional_accuracy > 0.95
    assert rep.feature_distance is not None and rep.real_floor is not None and rep.feature_distance < 3 * rep.real_floor + 5
    padded = torch.nn.functional.pad(real[:200], (2, 2, 2, 2))
    assert metrics.report(padded, labels[:200], padding=2) == rep  # 32x32 padded digits, cropped explicitly
    with pytest.raises(ValueError, match="padded to 32x32.*padding=2"):
        metrics.report(padded)
    with pytest.raises(ValueError, match="padding=2 expects 32x32"):
        metrics.report(real[:10], padding=2)
    small = metrics.report(real[:20])
    assert small.feature_distance is None and small.real_floor is None and small.conditional_accuracy is None
    assert "조건 정확도 -" in str(small) and "특징 거리 -" in str(small)
    noise = metrics.report(torch.rand(100, 1, 28, 28))
    assert noise.confident < 0.05 and noise.feature_distance > 5 * rep.real_floor
    assert set(rep.as_dict()) >= {"confident", "coverage", "min_class_share", "conditional_accuracy", "real_floor"}


def test_report_keeps_the_classifier_out_of_autograd():
    samples = torch.rand(70, 1, 28, 28, requires_grad=True)
    metrics.report(samples)
    assert samples.grad is None
    assert not any(p.requires_grad for p in metrics.reference_classifier().parameters())
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        metrics.report(samples * 2 - 1)


@pytest.mark.parametrize("name", ["vae2d", "vae"])
def test_sample_command_serves_the_week5_vaes(tmp_path, capsys, name):
    out = tmp_path / f"{name}.npz"
    assert cli.main(["sample", name, "-n", "6", "--seed", "2", "--out", str(out)]) == 0
    data = np.load(out)
    assert data["images"].shape == (6, 1, 28, 28) and 0 <= data["images"].min() and data["images"].max() <= 1
    np.testing.assert_array_equal(data["images"], generators.get(name).load().sample(6, 2).numpy())
    assert cli.main(["sample", name, "-n", "2", "--steps", "5", "--out", str(tmp_path / "x.npz")]) == 1
    assert f"{name} has no option --steps" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["ddpm", "ldm"])
def test_sample_command_serves_the_diffusion_models_with_their_options(tmp_path, capsys, name):
    out = tmp_path / f"{name}.npz"
    argv = ["sample", name, "-n", "4", "--seed", "5", "--label", "7", "--guidance", "2", "--steps", "5"]
    assert cli.main([*argv, "--out", str(out)]) == 0
    data = np.load(out)
    assert set(data.files) == {"images", "labels"} and data["labels"].tolist() == [7, 7, 7, 7]
    assert data["images"].shape == (4, 1, 28, 28) and data["images"].dtype == np.float32
    import importlib

    model = importlib.import_module(f"coursekit.recipes.{name}").load()
    expected = model.generate(torch.full((4,), 7), seed=5, guidance=2.0, steps=5).numpy()
    np.testing.assert_array_equal(data["images"], expected)
    assert not np.array_equal(expected, model.generate(torch.full((4,), 7), seed=5, guidance=1.0, steps=5).numpy())
    assert cli.main(["sample", name, "-n", "10", "--steps", "3", "--out", str(out)]) == 0
    assert np.load(out)["labels"].tolist() == list(range(10))
    assert cli.main(["sample", name, "-n", "2", "--label", "12", "--out", str(out)]) == 1
    assert "[0, 9]" in capsys.readouterr().err

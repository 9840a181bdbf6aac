"""``coursekit train dcgan`` / ``stylegan``: the recipes, the shipped checkpoints and the quality bar."""

import json

import pytest
import torch

from coursekit.checkpoints import load_checkpoint, read_manifest
from coursekit.cli import main
from coursekit.models.gan import Generator
from coursekit.models.stylegan import StyleGenerator
from coursekit.recipes import dcgan, stylegan

MEASURES = {"confident", "not_digit", "coverage", "min_class_share", "max_class_share", "feature_distance"}


@pytest.fixture(scope="module")
def shipped_dcgan_measures():
    return dcgan.evaluate(dcgan.load())


def test_shipped_dcgan_meets_the_bar(shipped_dcgan_measures):
    measured = shipped_dcgan_measures
    assert set(measured) == MEASURES
    assert measured["confident"] >= 0.85
    assert measured["coverage"] == 10
    assert 0.05 <= measured["min_class_share"] and measured["max_class_share"] <= 0.15
    assert all(dcgan.check_bar(measured).values())


def test_shipped_dcgan_manifest_matches_what_it_does(shipped_dcgan_measures):
    manifest = read_manifest("dcgan")
    assert manifest["command"] == "coursekit train dcgan"
    assert manifest["extra"]["steps"] == dcgan.DEFAULTS["steps"]
    assert manifest["extra"]["hardware"] and manifest["extra"]["train_seconds"] > 0
    assert manifest["bytes"] < 5_000_000
    for key, value in shipped_dcgan_measures.items():  # the same numbers, measured again here
        assert manifest["metrics"][key] == pytest.approx(value, abs=2e-3 if key != "feature_distance" else 0.5)


def test_shipped_stylegan_makes_digits():
    manifest = read_manifest("stylegan")
    assert manifest["command"] == "coursekit train stylegan" and set(manifest["metrics"]) == MEASURES
    generator = stylegan.load()
    assert isinstance(generator, StyleGenerator)
    score = stylegan.measure(generator.sample(1000, stylegan.EVAL_SEED))
    assert score["confident"] == pytest.approx(manifest["metrics"]["confident"], abs=2e-3)
    assert score["confident"] >= 0.5 and score["coverage"] >= 8
    grid = stylegan.mixing_grid(generator, rows=2, cols=3)
    assert grid.shape == (3, 4, 28, 28) and float(grid[0, 0].abs().max()) == 0.0
    assert float(grid.min()) >= 0 and float(grid.max()) <= 1


def test_check_bar():
    good = {"confident": 0.9, "coverage": 10, "min_class_share": 0.06, "max_class_share": 0.14}
    assert all(dcgan.check_bar(good).values())
    bad = dict(good, confident=0.8, max_class_share=0.2)
    assert dcgan.check_bar(bad) == {"confident": False, "coverage": True, "min_class_share": True,
                                    "max_class_share": False}


def test_dcgan_command_writes_a_loadable_checkpoint(tmp_path, capsys):
    assert main(["train", "dcgan", "--steps", "5", "--device", "cpu", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "confident:" in out and "feature_distance:" in out and "wrote" in out
    manifest = read_manifest("dcgan", tmp_path)
    assert manifest["command"] == "coursekit train dcgan --steps 5"
    assert set(manifest["metrics"]) == MEASURES
    extra = manifest["extra"]
    assert extra["steps"] == 5 and extra["seed"] == 0 and "hardware" in extra and "train_seconds" in extra
    assert {"final_d_loss", "final_g_loss", "final_d_real", "final_d_fake"} <= set(extra)
    assert extra["settings"]["lr"] == dcgan.SETTINGS["lr"]
    generator = load_checkpoint("dcgan", Generator(), directory=tmp_path)
    assert dcgan.load(tmp_path).sample(2).shape == (2, 1, 28, 28)
    assert torch.isfinite(generator.sample(4)).all()
    json.dumps(manifest)


def test_stylegan_command_writes_a_loadable_checkpoint(tmp_path, capsys):
    assert main(["train", "stylegan", "--steps", "2", "--seed", "1", "--device", "cpu", "--out", str(tmp_path)]) == 0
    manifest = read_manifest("stylegan", tmp_path)
    assert manifest["command"] == "coursekit train stylegan --steps 2 --seed 1"
    assert stylegan.load(tmp_path).sample(2).shape == (2, 1, 28, 28)


def test_gan_command_bad_input(tmp_path, capsys):
    assert main(["train", "dcgan", "--steps", "0", "--out", str(tmp_path)]) == 1
    assert "steps" in capsys.readouterr().err
    assert main(["train", "stylegan", "--steps", "5", "--out", str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "biggan"])
    assert list(tmp_path.iterdir()) == []  # nothing half-written

"""``coursekit train dcgan`` / ``stylegan``: the recipes and the quality bar (the shipped checkpoints: test_shipped_gans.py)."""

import json

import pytest
import torch

from coursekit.checkpoints import load_checkpoint, read_manifest
from coursekit.cli import main
from coursekit.models.gan import Generator
from coursekit.models.stylegan import StyleGenerator
from coursekit.recipes import dcgan, stylegan

MEASURES = {"confident", "not_digit", "coverage", "min_class_share", "max_class_share", "feature_distance"}


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

"""``coursekit train dcgan`` / ``stylegan``: the recipes and the quality bar (the shipped checkpoints: test_shipped_gans.py)."""

import json

import pytest
import torch

from coursekit import digit_bar
from coursekit.checkpoints import load_checkpoint, read_manifest
from coursekit.cli import main
from coursekit.models import gan
from coursekit.models import stylegan as style_model
from coursekit.models.gan import Generator
from coursekit.models.stylegan import StyleGenerator
from coursekit.gan_training import train_gan
from coursekit.recipes import dcgan, stylegan

MEASURES = {"confident", "not_digit", "coverage", "min_class_share", "max_class_share", "feature_distance"}


def test_check_bar():
    good = {"confident": 0.9, "coverage": 10, "min_class_share": 0.06, "max_class_share": 0.14}
    assert all(digit_bar.check_bar(good).values())
    bad = dict(good, confident=0.8, max_class_share=0.2)
    assert digit_bar.check_bar(bad) == {"confident": False, "coverage": True, "min_class_share": True,
                                    "max_class_share": False}
    # with a margin of 2 points, 0.86 confident and a 14 % class are too close to the bar
    near = dict(good, confident=0.86, max_class_share=0.14)
    assert digit_bar.check_bar(near, margin=0.02) == {"confident": False, "coverage": True, "min_class_share": False,
                                                  "max_class_share": False}
    assert all(digit_bar.check_bar(dict(good, confident=0.87, min_class_share=0.07, max_class_share=0.13),
                               margin=0.02).values())


def test_evaluate_measures_every_seed_and_reports_median_and_worst():
    class Fixed:
        """A 'generator' whose samples are real test digits, a different slice per seed."""

        def sample(self, n, seed):
            from coursekit import datasets

            images = datasets.digits("test")[0]
            return images[torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))[:n]]

    result = digit_bar.evaluate(Fixed(), count=300, seeds=(1, 2, 3))
    for key in MEASURES:
        values = [result[f"{key}_seed{s}"] for s in (1, 2, 3)]
        assert result[key] == pytest.approx(sorted(values)[1])
        assert result[f"worst_{key}"] == (max(values) if key in ("max_class_share", "not_digit", "feature_distance")
                                          else min(values))
    verdict = digit_bar.check_bar_on_seeds(result, seeds=(1, 2, 3))
    assert set(verdict) == {f"{k}_seed{s}" for k in digit_bar.BAR for s in (1, 2, 3)}
    assert all(verdict[f"confident_seed{s}"] for s in (1, 2, 3))  # real digits clear the bar


def test_dcgan_command_writes_a_loadable_checkpoint(tmp_path, capsys):
    assert main(["train", "dcgan", "--steps", "5", "--device", "cpu", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "confident:" in out and "feature_distance:" in out and "wrote" in out
    manifest = read_manifest("dcgan", tmp_path)
    assert manifest["command"] == "coursekit train dcgan --steps 5"
    assert MEASURES | {f"worst_{k}" for k in MEASURES} <= set(manifest["metrics"])
    extra = manifest["extra"]
    assert extra["steps"] == 5 and extra["seed"] == 0 and "hardware" in extra and "train_seconds" in extra
    assert {"final_d_loss", "final_g_loss", "final_d_real", "final_d_fake"} <= set(extra)
    assert extra["settings"]["lr"] == dcgan.SETTINGS["lr"]
    generator = load_checkpoint("dcgan", Generator(), directory=tmp_path)
    assert gan.load(directory=tmp_path).sample(2).shape == (2, 1, 28, 28)
    assert torch.isfinite(generator.sample(4)).all()
    json.dumps(manifest)


def test_stylegan_command_writes_a_loadable_checkpoint(tmp_path, capsys):
    assert main(["train", "stylegan", "--steps", "2", "--seed", "1", "--device", "cpu", "--out", str(tmp_path)]) == 0
    manifest = read_manifest("stylegan", tmp_path)
    assert manifest["command"] == "coursekit train stylegan --steps 2 --seed 1"
    assert style_model.load(directory=tmp_path).sample(2).shape == (2, 1, 28, 28)


def test_gan_command_bad_input(tmp_path, capsys):
    assert main(["train", "dcgan", "--steps", "0", "--out", str(tmp_path)]) == 1
    assert "steps" in capsys.readouterr().err
    assert main(["train", "stylegan", "--steps", "5", "--out", str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train", "biggan"])
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_dcgan_build_uses_the_recipe_discriminator():
    generator, discriminator = dcgan.build()
    assert discriminator.minibatch_std is dcgan.SETTINGS["minibatch_std"]
    convs = [m for m in discriminator.modules() if isinstance(m, torch.nn.Conv2d)]
    assert len(convs) == 2 + dcgan.SETTINGS["d_convs7"]
    assert discriminator(torch.zeros(3, 1, 28, 28)).shape == (3,)
    assert generator.latent_dim == dcgan.SETTINGS["latent_dim"]


@pytest.mark.parametrize("shift", [0, 2])
def test_train_gan_with_and_without_augmentation(shift):
    settings = dict(dcgan.SETTINGS, augment_shift=shift, batch_size=8)
    torch.manual_seed(0)
    generator, discriminator = dcgan.build(settings)
    before = [p.detach().clone() for p in discriminator.parameters()]
    images = torch.rand(16, 1, 28, 28) * 2 - 1
    ema, history = train_gan(generator, discriminator, images, settings, steps=2, device="cpu", progress=False)
    assert history.steps_run == 2 and not ema.training
    assert any(not torch.equal(b, p) for b, p in zip(before, discriminator.parameters()))


def test_train_gan_rejects_a_bad_augment_shift():
    settings = dict(dcgan.SETTINGS, augment_shift=-1, batch_size=8)
    generator, discriminator = dcgan.build()
    with pytest.raises(ValueError, match="max_shift"):
        train_gan(generator, discriminator, torch.zeros(8, 1, 28, 28), settings, steps=1, device="cpu",
                        progress=False)

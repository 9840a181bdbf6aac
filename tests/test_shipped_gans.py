"""Tests of the shipped DCGAN and StyleGAN checkpoints (``coursekit train dcgan`` / ``stylegan``), the DCGAN quality bar included."""

import pytest

from coursekit.checkpoints import read_manifest
from coursekit.models.stylegan import StyleGenerator
from coursekit.recipes import dcgan, stylegan

MEASURES = {"confident", "not_digit", "coverage", "min_class_share", "max_class_share", "feature_distance"}


@pytest.fixture(scope="module")
def shipped_dcgan_measures():
    return dcgan.evaluate(dcgan.load())


def test_shipped_dcgan_meets_the_bar_on_every_seed(shipped_dcgan_measures):
    measured = shipped_dcgan_measures
    assert MEASURES <= set(measured) and len(dcgan.EVAL_SEEDS) == 3
    for seed in dcgan.EVAL_SEEDS:
        assert measured[f"confident_seed{seed}"] >= 0.85
        assert measured[f"coverage_seed{seed}"] == 10
        assert 0.07 <= measured[f"min_class_share_seed{seed}"] and measured[f"max_class_share_seed{seed}"] <= 0.13
    assert all(dcgan.check_bar_on_seeds(measured, margin=0.0).values())
    assert dcgan.VALIDATION_SEED not in dcgan.EVAL_SEEDS


@pytest.mark.xfail(strict=True, reason="issue 11 open: 85.2-86.5% confident after 6,000 steps (validation seed still "
                   "rising: 81.5% at 4,000, 86.4% at 6,000); the 2-point margin needs 87% on every seed")
def test_shipped_dcgan_meets_the_bar_with_margin_on_every_seed(shipped_dcgan_measures):
    assert all(dcgan.check_bar_on_seeds(shipped_dcgan_measures).values())


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
    assert manifest["command"] == "coursekit train stylegan" and MEASURES <= set(manifest["metrics"])
    generator = stylegan.load()
    assert isinstance(generator, StyleGenerator)
    score = stylegan.measure(generator.sample(1000, stylegan.EVAL_SEED))
    assert score["confident"] == pytest.approx(manifest["metrics"][f"confident_seed{stylegan.EVAL_SEED}"], abs=2e-3)
    # no bar for this model: it drops digits (coverage 7/10, the lesson says so); guard against getting worse
    assert score["confident"] >= 0.5 and score["coverage"] >= 7
    grid = stylegan.mixing_grid(generator, rows=2, cols=3)
    assert grid.shape == (3, 4, 28, 28) and float(grid[0, 0].abs().max()) == 0.0
    assert float(grid.min()) >= 0 and float(grid.max()) <= 1

"""``coursekit train classifier``: the recipe behind the shipped digit classifier."""

import json
from itertools import islice

import pytest
import torch

from coursekit import datasets
from coursekit.checkpoints import load_checkpoint, read_manifest
from coursekit.cli import main
from coursekit.models.classifier import NOT_A_DIGIT, REFERENCE_WIDTHS, DigitClassifier
from coursekit.recipes import classifier


@pytest.fixture(scope="module")
def train_digits():
    return datasets.digits_sample(300, "train")


def test_batches_mix_augmented_digits_and_non_digits(train_digits):
    images, labels = train_digits
    batches = classifier.classifier_batches(images, labels, batch_size=32, not_digit_count=8, pool=50, seed=1)
    x, y = next(batches)
    assert x.shape == (32, 1, 28, 28) and y.shape == (32,)
    assert int((y == NOT_A_DIGIT).sum()) == 8 and bool((y[:24] < 10).all())
    assert float(x.min()) >= 0 and float(x.max()) <= 1
    again = next(classifier.classifier_batches(images, labels, batch_size=32, not_digit_count=8, pool=50, seed=1))
    assert torch.equal(x, again[0])  # the same seed gives the same batches


def test_evaluate_reports_accuracy_and_every_family():
    result = classifier.evaluate(DigitClassifier())
    families = {f"confident_on_{f}" for f in classifier.not_digits.FAMILIES}
    assert set(result) == {"test_accuracy", "confident_on_real_test"} | families
    assert all(0.0 <= v <= 1.0 for v in result.values())


def test_command_writes_a_checkpoint_with_its_manifest(tmp_path, capsys):
    assert main(["train", "classifier", "--steps", "30", "--seed", "3", "--device", "cpu", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "test_accuracy:" in out and "wrote" in out
    manifest = read_manifest("digit_classifier", tmp_path)
    assert manifest["command"] == "coursekit train classifier --steps 30 --seed 3"
    assert manifest["extra"]["steps"] == 30 and "hardware" in manifest["extra"]
    assert set(manifest["metrics"]) >= {"test_accuracy", "confident_on_real_test", "confident_on_hangul"}
    load_checkpoint("digit_classifier", DigitClassifier(widths=REFERENCE_WIDTHS), directory=tmp_path)  # sha256 and shapes fit
    json.dumps(manifest)


def test_shipped_manifest_names_the_default_command():
    manifest = read_manifest("digit_classifier")
    assert manifest["command"] == "coursekit train classifier"
    assert manifest["extra"]["steps"] == classifier.DEFAULTS["steps"]


def test_command_bad_input(tmp_path, capsys):
    assert main(["train", "classifier", "--steps", "0", "--out", str(tmp_path)]) == 1
    assert "steps" in capsys.readouterr().err
    assert main(["train", "classifier", "--steps", "5", "--out", str(tmp_path / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["train"])  # a model must be named
    assert list(islice(tmp_path.iterdir(), 1)) == []  # nothing half-written


def test_plain_classifier_command_writes_a_ten_class_checkpoint(tmp_path, capsys):
    assert main(["train", "plain-classifier", "--steps", "20", "--device", "cpu", "--out", str(tmp_path)]) == 0
    manifest = read_manifest("digit_classifier_plain", tmp_path)
    assert manifest["command"] == "coursekit train plain-classifier --steps 20"
    assert {"test_accuracy", "confident_on_noise", "confident_on_blend"} <= set(manifest["metrics"])
    model = load_checkpoint("digit_classifier_plain", DigitClassifier(num_classes=10), directory=tmp_path)
    assert model.head.out_features == 10


def test_batches_move_the_non_digits_too_and_keep_some_images_still(train_digits):
    images, labels = train_digits
    settings = dict(batch_size=64, not_digit_count=32, pool=40, seed=2)
    moved = next(classifier.classifier_batches(images, labels, **settings))[0][32:]
    mixed = next(classifier.classifier_batches(images, labels, still_share=0.5, **settings))[0][32:]
    pool = classifier.not_digits.make_not_digits(40, images, labels, seed=3, families=classifier.not_digits.TRAINED_FAMILIES)
    as_stored = [any(torch.equal(x, p) for p in pool) for x in moved]
    assert not any(as_stored)  # resampled like the real digits: sharpness gives nothing away
    assert any(any(torch.equal(x, p) for p in pool) for x in mixed)


def test_soften_makes_some_digits_fainter_or_softer_and_draws_nothing_when_off(train_digits):
    images = train_digits[0][:200]
    generator = torch.Generator().manual_seed(0)
    softened = classifier.soften(images, generator, faint_share=0.5, soft_share=0.5)
    changed = (softened - images).abs().amax((1, 2, 3)) > 1e-6
    assert 0.5 < float(changed.float().mean()) < 0.95
    assert float(softened.max()) <= 1.0 and float(softened.min()) >= 0.0
    state = generator.get_state()
    assert classifier.soften(images, generator, faint_share=0, soft_share=0) is images
    assert torch.equal(generator.get_state(), state)


def test_plain_batches_hold_no_non_digits(train_digits):
    images, labels = train_digits
    x, y = next(classifier.classifier_batches(images, labels, batch_size=32, not_digit_count=0, seed=1))
    assert x.shape == (32, 1, 28, 28) and bool((y < NOT_A_DIGIT).all())


def test_shipped_plain_classifier_reads_digits_and_calls_noise_some_digit():
    manifest = read_manifest("digit_classifier_plain")
    assert manifest["command"] == "coursekit train plain-classifier"
    model = load_checkpoint("digit_classifier_plain", DigitClassifier(num_classes=10)).eval()
    images, labels = datasets.digits("test")
    with torch.no_grad():
        assert float((model(images).argmax(1) == labels).float().mean()) >= 0.98
        noise = torch.rand(200, 1, 28, 28, generator=torch.Generator().manual_seed(0))
        assert torch.softmax(model(noise), 1).shape == (200, 10)  # no "not a digit" answer exists

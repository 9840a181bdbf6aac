"""``coursekit train classifier``: the recipe behind the shipped digit classifier."""

import json
from itertools import islice

import pytest
import torch

from coursekit import datasets
from coursekit.checkpoints import load_checkpoint, read_manifest
from coursekit.cli import main
from coursekit.models.classifier import NOT_A_DIGIT, DigitClassifier
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


def test_random_affine_moves_digits_a_little_and_keeps_their_ink(train_digits):
    images = train_digits[0][:64]
    moved = classifier.random_affine(images, torch.Generator().manual_seed(0))
    assert moved.shape == images.shape and not torch.equal(moved, images)
    ink_ratio = moved.sum((1, 2, 3)) / images.sum((1, 2, 3))
    assert float(ink_ratio.min()) > 0.7 and float(ink_ratio.max()) < 1.4
    still = classifier.random_affine(images, torch.Generator(), degrees=0.0, scale=0.0, shift=0.0)
    torch.testing.assert_close(still, images, atol=1e-5, rtol=0)


def test_evaluate_reports_accuracy_and_every_family():
    result = classifier.evaluate(DigitClassifier())
    assert set(result) == {"test_accuracy"} | {f"not_digit_recall_{f}" for f in classifier.not_digits.FAMILIES}
    assert all(0.0 <= v <= 1.0 for v in result.values())


def test_command_writes_a_checkpoint_with_its_manifest(tmp_path, capsys):
    assert main(["train", "classifier", "--steps", "30", "--seed", "3", "--device", "cpu", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "test_accuracy:" in out and "wrote" in out
    manifest = read_manifest("digit_classifier", tmp_path)
    assert manifest["command"] == "coursekit train classifier --steps 30 --seed 3"
    assert manifest["extra"]["steps"] == 30 and "hardware" in manifest["extra"]
    assert set(manifest["metrics"]) >= {"test_accuracy", "not_digit_recall_noise"}
    load_checkpoint("digit_classifier", DigitClassifier(), directory=tmp_path)  # sha256 and shapes fit
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

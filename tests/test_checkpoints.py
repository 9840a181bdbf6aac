import json

import pytest
import torch

from coursekit import checkpoints
from coursekit.checkpoints import CheckpointError


def tiny_model(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))


def test_save_and_load_round_trip(tmp_path):
    model = tiny_model()
    manifest_path = checkpoints.save_checkpoint(
        model, "tiny", command="coursekit train tiny --steps 10", metrics={"accuracy": 0.5}, extra={"steps": 10}, directory=tmp_path
    )
    manifest = json.loads(manifest_path.read_text())
    assert manifest["name"] == "tiny" and manifest["file"] == f"tiny.{manifest['sha256'][:12]}.safetensors"
    assert manifest["sha256"] == checkpoints.sha256_of(tmp_path / manifest["file"])
    assert checkpoints.weights_file("tiny", tmp_path) == tmp_path / manifest["file"]
    assert manifest["command"] == "coursekit train tiny --steps 10"
    assert manifest["metrics"] == {"accuracy": 0.5} and manifest["extra"] == {"steps": 10}
    assert {"python", "torch", "numpy", "safetensors", "coursekit"} <= set(manifest["versions"])
    other = tiny_model(seed=1)
    loaded = checkpoints.load_checkpoint("tiny", other, directory=tmp_path)
    assert loaded is other
    for a, b in zip(model.state_dict().values(), other.state_dict().values()):
        assert torch.equal(a, b)
    state = checkpoints.load_checkpoint("tiny", directory=tmp_path)
    assert set(state) == set(model.state_dict())
    assert checkpoints.list_checkpoints(tmp_path) == ["tiny"]


def test_saving_is_deterministic(tmp_path):
    checkpoints.save_checkpoint(tiny_model(), "a", command="x", directory=tmp_path)
    first = checkpoints.weights_file("a", tmp_path).read_bytes()
    checkpoints.save_checkpoint(tiny_model(), "a", command="x", directory=tmp_path)
    assert checkpoints.weights_file("a", tmp_path).read_bytes() == first
    assert {p.name for p in tmp_path.iterdir()} == {"a.json", checkpoints.weights_file("a", tmp_path).name}


def test_tampered_file_is_refused(tmp_path):
    checkpoints.save_checkpoint(tiny_model(), "tiny", command="coursekit train tiny", directory=tmp_path)
    path = checkpoints.weights_file("tiny", tmp_path)
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="does not match its manifest.*coursekit train tiny"):
        checkpoints.load_checkpoint("tiny", directory=tmp_path)


def test_missing_checkpoint_and_file(tmp_path):
    with pytest.raises(CheckpointError, match="no checkpoint named 'nope'"):
        checkpoints.load_checkpoint("nope", directory=tmp_path)
    checkpoints.save_checkpoint(tiny_model(), "tiny", command="rebuild me", directory=tmp_path)
    checkpoints.weights_file("tiny", tmp_path).unlink()
    with pytest.raises(CheckpointError, match="missing; rebuild it with: rebuild me"):
        checkpoints.load_checkpoint("tiny", directory=tmp_path)


def test_broken_manifest(tmp_path):
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        checkpoints.read_manifest("bad", directory=tmp_path)
    (tmp_path / "thin.json").write_text("{}")
    with pytest.raises(CheckpointError, match="lacks command, file, name, sha256"):
        checkpoints.read_manifest("thin", directory=tmp_path)


def test_model_that_does_not_fit(tmp_path):
    checkpoints.save_checkpoint(tiny_model(), "tiny", command="x", directory=tmp_path)
    with pytest.raises(CheckpointError, match="does not fit this model"):
        checkpoints.load_checkpoint("tiny", torch.nn.Linear(3, 4), directory=tmp_path)
    wrong_shape = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2))
    with pytest.raises(CheckpointError, match="does not fit this model"):
        checkpoints.load_checkpoint("tiny", wrong_shape, directory=tmp_path)


@pytest.mark.parametrize("name", ["", "Bad Name", "x.json", "../up", "a/b", 3])
def test_bad_names(tmp_path, name):
    with pytest.raises(ValueError, match="checkpoint name"):
        checkpoints.save_checkpoint(tiny_model(), name, command="x", directory=tmp_path)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="command"):
        checkpoints.save_checkpoint(tiny_model(), "t", command=" ", directory=tmp_path)
    with pytest.raises(TypeError, match="metric 'acc' must be a number"):
        checkpoints.save_checkpoint(tiny_model(), "t", command="x", metrics={"acc": "high"}, directory=tmp_path)
    with pytest.raises(TypeError, match="Module or a non-empty dict"):
        checkpoints.save_checkpoint({}, "t", command="x", directory=tmp_path)
    with pytest.raises(TypeError, match="string to a tensor"):
        checkpoints.save_checkpoint({"w": [1, 2]}, "t", command="x", directory=tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        checkpoints.save_checkpoint(tiny_model(), "t", command="x", directory=tmp_path / "nope")


def test_default_folder_is_the_shipped_one():
    folder = checkpoints._folder(None)
    assert folder.name == "checkpoints" and folder.is_dir()


def test_update_metrics_keeps_the_previous_ones_and_the_weights(tmp_path):
    model = torch.nn.Linear(3, 2)
    checkpoints.save_checkpoint(model, "m", command="make it", metrics={"acc": 0.9}, directory=tmp_path)
    weights = checkpoints.weights_file("m", tmp_path).read_bytes()
    checkpoints.update_metrics("m", {"acc": 0.8, "new": 1.0}, reason="a stricter judge", directory=tmp_path)
    manifest = checkpoints.read_manifest("m", tmp_path)
    assert manifest["metrics"] == {"acc": 0.8, "new": 1.0}
    assert manifest["extra"]["previous_metrics"]["metrics"] == {"acc": 0.9}
    assert manifest["extra"]["previous_metrics"]["replaced_because"] == "a stricter judge"
    assert checkpoints.weights_file("m", tmp_path).read_bytes() == weights
    checkpoints.load_checkpoint("m", torch.nn.Linear(3, 2), directory=tmp_path)  # still verifies


def test_update_metrics_bad_input(tmp_path):
    checkpoints.save_checkpoint(torch.nn.Linear(3, 2), "m", command="make it", directory=tmp_path)
    with pytest.raises(ValueError, match="reason"):
        checkpoints.update_metrics("m", {"acc": 1.0}, reason=" ", directory=tmp_path)
    with pytest.raises(TypeError, match="number"):
        checkpoints.update_metrics("m", {"acc": "high"}, reason="x", directory=tmp_path)
    checkpoints.weights_file("m", tmp_path).write_bytes(b"damaged")
    with pytest.raises(CheckpointError, match="does not match"):
        checkpoints.update_metrics("m", {"acc": 1.0}, reason="x", directory=tmp_path)
    assert "previous_metrics" not in checkpoints.read_manifest("m", tmp_path)["extra"]


def test_remeasure_command_updates_a_manifest(tmp_path, capsys):
    from coursekit.cli import main

    assert main(["train", "toy-gan", "--steps", "500", "--out", str(tmp_path)]) == 0
    before = checkpoints.read_manifest("toy_gan_runs", tmp_path)
    # the loader reads the runs and snapshot steps from the weights, so a 500-step record loads too
    assert main(["remeasure", "toy-gan", "--reason", "test", "--dir", str(tmp_path)]) == 0
    after = checkpoints.read_manifest("toy_gan_runs", tmp_path)
    assert after["metrics"] == before["metrics"]  # the same record measures the same
    assert after["extra"]["previous_metrics"]["replaced_because"] == "test"
    assert main(["remeasure", "toy-gan", "--reason", "test", "--dir", str(tmp_path / "nowhere")]) == 1
    assert "no checkpoint" in capsys.readouterr().err


def test_a_save_interrupted_before_the_manifest_keeps_the_old_checkpoint(tmp_path, monkeypatch):
    checkpoints.save_checkpoint(tiny_model(0), "m", command="x", metrics={"step": 1}, directory=tmp_path)
    old_file = checkpoints.weights_file("m", tmp_path)

    def crash(folder, manifest):
        raise KeyboardInterrupt("killed between the weights and the manifest")

    monkeypatch.setattr(checkpoints, "_write_manifest", crash)
    with pytest.raises(KeyboardInterrupt):
        checkpoints.save_checkpoint(tiny_model(1), "m", command="x", metrics={"step": 2}, directory=tmp_path)
    monkeypatch.undo()
    assert len(list(tmp_path.glob("m.*.safetensors"))) == 2  # the new weights exist, uncommitted
    assert checkpoints.read_manifest("m", tmp_path)["metrics"] == {"step": 1}
    loaded = checkpoints.load_checkpoint("m", tiny_model(2), directory=tmp_path)  # the old one, whole
    assert torch.equal(loaded[0].weight, tiny_model(0)[0].weight)
    checkpoints.save_checkpoint(tiny_model(3), "m", command="x", metrics={"step": 3}, directory=tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {"m.json", checkpoints.weights_file("m", tmp_path).name}  # old and orphaned weights removed
    assert not old_file.exists()


def test_saving_replaces_an_older_shipped_file_name_and_spares_other_checkpoints(tmp_path):
    checkpoints.save_checkpoint(tiny_model(0), "m", command="x", directory=tmp_path)
    checkpoints.save_checkpoint(tiny_model(0), "m.v2", command="x", directory=tmp_path)
    manifest = json.loads((tmp_path / "m.json").read_text())
    checkpoints.weights_file("m", tmp_path).rename(tmp_path / "m.safetensors")  # as the week-1-3 files are named
    manifest["file"] = "m.safetensors"
    (tmp_path / "m.json").write_text(json.dumps(manifest))
    assert checkpoints.load_checkpoint("m", directory=tmp_path)
    checkpoints.save_checkpoint(tiny_model(1), "m", command="x", directory=tmp_path)
    assert not (tmp_path / "m.safetensors").exists()
    assert checkpoints.load_checkpoint("m.v2", directory=tmp_path)  # another checkpoint's weights stay
    assert len(list(tmp_path.glob("*.safetensors"))) == 2


def test_float16_storage_halves_the_file_and_loads_back_as_measured(tmp_path):
    import torch

    from coursekit.checkpoints import load_checkpoint, round_weights, save_checkpoint, weights_file

    torch.manual_seed(0)
    model = torch.nn.Linear(64, 32)
    full = save_checkpoint(model, "full", command="test", directory=tmp_path)
    round_weights(model, "float16")
    save_checkpoint(model, "half", command="test", directory=tmp_path, dtype="float16")
    assert weights_file("half", tmp_path).stat().st_size < 0.6 * weights_file("full", tmp_path).stat().st_size
    loaded = load_checkpoint("half", torch.nn.Linear(64, 32), directory=tmp_path)
    assert loaded.weight.dtype == torch.float32 and torch.equal(loaded.weight, model.weight)  # rounded first: exact
    assert full.is_file()
    with pytest.raises(ValueError, match="dtype"):
        save_checkpoint(model, "bad", command="test", directory=tmp_path, dtype="int8")
    with pytest.raises(ValueError, match="dtype"):
        round_weights(model, "bfloat16")

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
    assert manifest["name"] == "tiny" and manifest["file"] == "tiny.safetensors"
    assert manifest["sha256"] == checkpoints.sha256_of(tmp_path / "tiny.safetensors")
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
    first = (tmp_path / "a.safetensors").read_bytes()
    checkpoints.save_checkpoint(tiny_model(), "a", command="x", directory=tmp_path)
    assert (tmp_path / "a.safetensors").read_bytes() == first
    assert not list(tmp_path.glob("*.tmp"))


def test_tampered_file_is_refused(tmp_path):
    checkpoints.save_checkpoint(tiny_model(), "tiny", command="coursekit train tiny", directory=tmp_path)
    path = tmp_path / "tiny.safetensors"
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match="does not match its manifest.*coursekit train tiny"):
        checkpoints.load_checkpoint("tiny", directory=tmp_path)


def test_missing_checkpoint_and_file(tmp_path):
    with pytest.raises(CheckpointError, match="no checkpoint named 'nope'"):
        checkpoints.load_checkpoint("nope", directory=tmp_path)
    checkpoints.save_checkpoint(tiny_model(), "tiny", command="rebuild me", directory=tmp_path)
    (tmp_path / "tiny.safetensors").unlink()
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

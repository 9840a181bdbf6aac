import random

import numpy as np
import pytest
import torch

from coursekit import env


def test_device_is_cpu_without_gpu(monkeypatch, capsys):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert env.device(verbose=True) == "cpu"
    assert "cpu" in capsys.readouterr().out


def test_device_prefers_cuda_then_mps(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert env.device() == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda i=0: "Fake GPU")
    assert env.device() == "cuda"


def test_seed_everything_repeats_all_generators():
    env.seed_everything(123)
    first = (random.random(), np.random.rand(), torch.rand(1).item())
    env.seed_everything(123)
    assert (random.random(), np.random.rand(), torch.rand(1).item()) == first


@pytest.mark.parametrize("bad", [-1, 2**32, 1.5, "1", True, None])
def test_seed_everything_rejects_bad_seeds(bad):
    with pytest.raises((TypeError, ValueError), match="seed"):
        env.seed_everything(bad)


def test_mode_defaults_to_quick(monkeypatch):
    monkeypatch.delenv("COURSEKIT_MODE", raising=False)
    assert env.mode() == "quick"
    monkeypatch.setenv("COURSEKIT_MODE", "")
    assert env.mode() == "quick"


def test_mode_reads_full_in_any_case(monkeypatch):
    monkeypatch.setenv("COURSEKIT_MODE", " FULL ")
    assert env.mode() == "full"


def test_mode_rejects_unknown_value(monkeypatch):
    monkeypatch.setenv("COURSEKIT_MODE", "fast")
    with pytest.raises(ValueError, match="quick, full"):
        env.mode()


def test_set_threads(monkeypatch):
    before = torch.get_num_threads()
    try:
        assert env.set_threads(1) == 1
        assert torch.get_num_threads() == 1
        assert env.set_threads() == 2
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2", True])
def test_set_threads_rejects_bad_counts(bad):
    with pytest.raises(ValueError, match="positive int"):
        env.set_threads(bad)


def test_set_deterministic_toggles_torch():
    try:
        env.set_deterministic(True)
        assert torch.are_deterministic_algorithms_enabled()
        assert torch.backends.cudnn.deterministic
    finally:
        env.set_deterministic(False)
    assert not torch.are_deterministic_algorithms_enabled()
    with pytest.raises(TypeError):
        env.set_deterministic("yes")


def test_torch_threads_sets_and_restores_the_count():
    import torch

    before = torch.get_num_threads()
    with env.torch_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before
    with pytest.raises(RuntimeError):
        with env.torch_threads(1):
            raise RuntimeError("inside")
    assert torch.get_num_threads() == before  # restored on error too
    with pytest.raises(ValueError, match="positive int"):
        with env.torch_threads(0):
            pass

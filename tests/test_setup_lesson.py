import matplotlib
import numpy as np
import pytest
import torch

import coursekit
from coursekit import paths


def test_setup_lesson_fixes_seed_threads_printing_and_font():
    before = torch.get_num_threads()
    try:
        with matplotlib.rc_context():
            coursekit.setup_lesson(seed=7, threads=1, dpi=100)
            first = torch.rand(1).item()
            assert torch.get_num_threads() == 1
            assert matplotlib.rcParams["figure.dpi"] == 100
            assert matplotlib.rcParams["font.family"][0] == "NanumGothic"
            assert np.get_printoptions()["precision"] == 3
            coursekit.setup_lesson(seed=7, threads=1, dpi=100)
            assert torch.rand(1).item() == first
    finally:
        torch.set_num_threads(before)
        torch.set_printoptions(profile="default")
        np.set_printoptions(precision=8, suppress=False)


@pytest.mark.parametrize("dpi", [10, 1000, 72.5, True])
def test_setup_lesson_rejects_bad_dpi(dpi):
    with pytest.raises(ValueError, match="dpi"):
        coursekit.setup_lesson(dpi=dpi)


def test_data_dir_in_a_checkout():
    assert paths.data_dir().name == "data"
    assert paths.checkpoint_dir() == paths.data_dir() / "checkpoints"


def test_data_dir_missing_says_how_to_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(paths, "_PACKAGE_DIR", tmp_path / "coursekit")
    with pytest.raises(FileNotFoundError, match="Reinstall"):
        paths.data_dir()

"""The numerics profile: set before torch computes, never over a value the caller chose."""

import os
import subprocess
import sys

import pytest

from coursekit import numerics


def test_apply_profile_fills_in_only_what_is_unset():
    environ = {"MKL_CBWR": "AVX2"}
    effective = numerics.apply_profile(environ)
    assert effective == {"ATEN_CPU_CAPABILITY": "avx2", "MKL_CBWR": "AVX2", "ONEDNN_MAX_CPU_ISA": "AVX2"}
    assert environ["MKL_CBWR"] == "AVX2"
    assert numerics.differences(environ) == {"MKL_CBWR": "AVX2"}
    assert numerics.differences({}) == {name: None for name in numerics.PROFILE}


def test_apply_profile_refuses_what_is_not_an_environment():
    with pytest.raises(TypeError, match="mutable mapping"):
        numerics.apply_profile([("MKL_CBWR", "AUTO")])


def test_setup_lesson_applies_the_profile_before_torch_loads():
    """In a fresh interpreter with none of the variables set, setup_lesson's torch runs on AVX2 kernels."""
    env = {k: v for k, v in os.environ.items() if k not in numerics.PROFILE}
    code = (
        "import coursekit, sys; assert 'torch' not in sys.modules; coursekit.setup_lesson(); import os, torch; "
        "print(torch.backends.cpu.get_cpu_capability(), os.environ['MKL_CBWR'], os.environ['ONEDNN_MAX_CPU_ISA'], "
        "os.environ['HF_HUB_OFFLINE'])"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.split() == ["AVX2", "COMPATIBLE", "AVX2", "1"]


def test_the_makefile_exports_the_profile():
    makefile = open(os.path.join(os.path.dirname(__file__), "..", "Makefile"), encoding="utf-8").read()
    for name, value in numerics.PROFILE.items():
        assert f"export {name} ?= {value}" in makefile

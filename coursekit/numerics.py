"""The numerics profile: one set of CPU code paths for every machine that runs the lessons.

PyTorch's CPU build picks its code paths by the CPU it finds: ATen's vector
kernels (AVX2 or AVX-512), MKL's matrix products (``Linear``) and oneDNN's
convolutions each choose instruction sets, and MKL even chooses by CPU
model. The last bits of a float32 result then differ between an AVX2 laptop
and an AVX-512 server, and chaotic work (a GAN's training) turns last bits
into different pictures. The profile pins those choices:

- ``ATEN_CPU_CAPABILITY=avx2``: ATen's AVX2 kernels, which every x86-64 CPU
  of the last ten years has;
- ``MKL_CBWR=COMPATIBLE``: MKL's conditional numerical reproducibility mode
  with the code branch that gives the same results on any Intel or AMD CPU;
- ``ONEDNN_MAX_CPU_ISA=AVX2``: oneDNN's kernels no newer than AVX2 (no
  AVX-512, no AMX).

The libraries read these variables once, when they initialise, so they must
be in the environment before torch computes anything: ``make`` exports them,
:func:`coursekit.authoring.execution.execute` passes them to the kernel, and
:func:`coursekit.setup_lesson` sets them (where they are not set already)
before it imports torch. A variable that is already set is left alone, so
``make test-stability`` can run the lessons under other values and show that
the stored outputs do not depend on them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

__all__ = ["PROFILE", "apply_profile", "differences", "torch_loaded"]

PROFILE: dict[str, str] = {
    "ATEN_CPU_CAPABILITY": "avx2",
    "MKL_CBWR": "COMPATIBLE",
    "ONEDNN_MAX_CPU_ISA": "AVX2",
}


def apply_profile(environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set every variable of :data:`PROFILE` that ``environ`` (default: ``os.environ``) does not set yet.

    Returns the values now in effect for the profile's variables. Setting them
    changes nothing once torch has computed something in this process, so call
    this before the first torch operation (``setup_lesson`` does).
    """
    environ = os.environ if environ is None else environ
    if not isinstance(environ, MutableMapping):
        raise TypeError(f"environ must be a mutable mapping such as os.environ, got {type(environ).__name__}")
    for name, value in PROFILE.items():
        environ.setdefault(name, value)
    return {name: environ[name] for name in PROFILE}


def differences(environ=None) -> dict[str, str | None]:
    """The profile's variables whose value in ``environ`` differs from :data:`PROFILE` (``None``: unset)."""
    environ = os.environ if environ is None else environ
    return {name: environ.get(name) for name, value in PROFILE.items() if environ.get(name) != value}


def torch_loaded() -> bool:
    """Whether torch is already imported in this process (then the profile may come too late)."""
    return "torch" in sys.modules

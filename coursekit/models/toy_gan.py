"""A 2-D toy GAN on the ring of 8 Gaussians (:mod:`coursekit.ring`): trains in seconds on a CPU.

Two small MLPs: a :class:`Generator` that turns noise ``z`` into a 2-D point and
a :class:`Discriminator` that gives a logit ("real" when high). They are
trained by the course's one training loop, :func:`coursekit.train.fit`, with
the GAN step every GAN of the course shares,
:func:`coursekit.adversarial.make_gan_step`;
:func:`coursekit.gan_training.train_toy_gan` does the whole run from a
:class:`ToyConfig`. This module holds only the networks, the presets and what
draws from them. The two presets in :data:`CONFIGS` share the architecture,
the optimizer and the budget and differ in a few knobs (see their comments):
``"covering"`` reaches all 8 modes, ``"collapsing"`` ends on a few of them.

The losses (non-saturating or minimax) and the optional R1 penalty are
explained in :mod:`coursekit.adversarial`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch import nn

from ..adversarial import LOSSES
from ..checkpoints import load_checkpoint



__all__ = [
    "Generator", "Discriminator", "ToyConfig", "CONFIGS", "build_models", "sample", "decision_surface",
    "ToyGanRuns", "load"
]

def _mlp(sizes: Sequence[int], activation) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def _check_size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


class Generator(nn.Module):
    """An MLP from ``(N, latent_dim)`` noise to ``(N, 2)`` points: ``layers`` hidden layers of ``hidden`` ReLUs."""

    def __init__(self, latent_dim: int = 2, hidden: int = 128, layers: int = 3):
        super().__init__()
        self.latent_dim = _check_size("latent_dim", latent_dim)
        sizes = [self.latent_dim] + [_check_size("hidden", hidden)] * _check_size("layers", layers) + [2]
        self.net = _mlp(sizes, nn.ReLU)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Discriminator(nn.Module):
    """An MLP from ``(N, 2)`` points to ``(N,)`` logits ("real" when high): ``layers`` hidden layers of ``hidden``."""

    def __init__(self, hidden: int = 128, layers: int = 3):
        super().__init__()
        sizes = [2] + [_check_size("hidden", hidden)] * _check_size("layers", layers) + [1]
        self.net = _mlp(sizes, lambda: nn.LeakyReLU(0.2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(1)


@dataclass(frozen=True)
class ToyConfig:
    """Everything that decides a toy GAN run (besides the seed)."""

    lr_g: float = 1e-3
    lr_d: float = 2e-3
    betas: tuple[float, float] = (0.5, 0.999)  # Adam's, for both networks
    hidden: int = 128
    layers: int = 3
    latent_dim: int = 2
    loss: str = "nonsaturating"
    batch_size: int = 256
    d_steps: int = 1
    r1_gamma: float = 0.0  # zero-centred R1 penalty on D's gradient at real points (0: off)
    steps: int = 2000
    data_size: int = 8192  # points of the ring the batches are drawn from

    def __post_init__(self):
        for name in ("hidden", "layers", "latent_dim", "batch_size", "d_steps", "steps", "data_size"):
            _check_size(name, getattr(self, name))
        for name in ("lr_g", "lr_d"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if len(self.betas) != 2 or not all(0 <= b < 1 for b in self.betas):
            raise ValueError(f"betas must be two numbers in [0, 1), got {self.betas!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.batch_size > self.data_size:
            raise ValueError(f"batch_size ({self.batch_size}) is larger than data_size ({self.data_size})")
        if isinstance(self.r1_gamma, bool) or not isinstance(self.r1_gamma, (int, float)) or not self.r1_gamma >= 0:
            raise ValueError(f"r1_gamma must be a number >= 0, got {self.r1_gamma!r}")

    def as_dict(self) -> dict:
        return asdict(self)

    def replace(self, **changes) -> ToyConfig:
        return replace(self, **changes)


# The two presets of the lesson: the same networks, optimizer, batch, data and
# 2,000 steps; only the generator's learning rate differs. With lr_g = 1e-4 the
# discriminator learns 20 times faster than the generator: it rejects the fakes
# wherever they are before the generator has spread out, and the generator,
# pushed only toward the nearest place D still calls real, ends on 1 to 3 modes
# (seeds 0-4). With lr_g = 1e-3 (D twice as fast, a two-timescale setting) all
# 8 modes are reached on every seed tried (0-5). See benchmarks/bench_toy_gan.py.
CONFIGS: dict[str, ToyConfig] = {
    "covering": ToyConfig(lr_g=1e-3, lr_d=2e-3),
    "collapsing": ToyConfig(lr_g=1e-4, lr_d=2e-3),
}


def build_models(config: ToyConfig) -> tuple[Generator, Discriminator]:
    return (
        Generator(config.latent_dim, config.hidden, config.layers),
        Discriminator(config.hidden, config.layers),
    )


@torch.no_grad()
def sample(G: Generator, n: int, seed: int = 0) -> torch.Tensor:
    """``n`` generated points, ``(n, 2)`` on the CPU; the noise comes from its own generator seeded by ``seed``."""
    n = _check_size("n", n)
    was_training = G.training
    G.eval()
    try:
        device = next(G.parameters()).device
        z = torch.randn(n, G.latent_dim, generator=torch.Generator().manual_seed(seed)).to(device)
        return G(z).cpu()
    finally:
        G.train(was_training)


@torch.no_grad()
def decision_surface(D: Discriminator, extent: float = 3.0, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """D's probability "real" on an ``n`` x ``n`` grid over ``[-extent, extent]²``.

    Returns ``(xs, ys, probs)``: ``xs`` and ``ys`` of shape ``(n,)``, ``probs`` of
    shape ``(n, n)`` with ``probs[i, j]`` at the point ``(xs[j], ys[i])``, ready for
    ``plt.contourf(xs, ys, probs)`` or ``imshow(probs, origin="lower")``.
    """
    n = _check_size("n", n)
    if isinstance(extent, bool) or not isinstance(extent, (int, float)) or not (np.isfinite(extent) and extent > 0):
        raise ValueError(f"extent must be a positive number, got {extent!r}")
    xs = np.linspace(-extent, extent, n)
    ys = np.linspace(-extent, extent, n)
    gx, gy = np.meshgrid(xs, ys)
    points = torch.from_numpy(np.stack([gx.ravel(), gy.ravel()], axis=1).astype(np.float32))
    was_training = D.training
    D.eval()
    try:
        device = next(D.parameters()).device
        probs = torch.sigmoid(D(points.to(device))).cpu().numpy().reshape(n, n)
    finally:
        D.train(was_training)
    return xs, ys, probs


class ToyGanRuns(nn.Module):
    """Recorded toy GAN runs: a generator and a discriminator at each snapshot step of each preset,
    and each run's per-step ``d_real``, ``d_fake`` and ``d_loss``.

    The lesson draws its toy-GAN figures from the shipped runs
    (``coursekit train toy-gan``): a GAN's training amplifies the last bit of
    every float, so the same code draws other points on another CPU, while
    the verdicts ("all 8 modes", "at most 3") hold everywhere.
    """

    HISTORY = ("d_real", "d_fake", "d_loss")

    def __init__(self, names: Sequence[str] = ("covering", "collapsing"), snapshot_steps: Sequence[int] = (500, 1000, 1500, 2000)):
        super().__init__()
        unknown = [name for name in names if name not in CONFIGS]
        if not names or unknown:
            raise ValueError(f"names must be presets of CONFIGS ({', '.join(CONFIGS)}), got {list(names)}")
        self.names = tuple(names)
        self.snapshot_steps = tuple(_check_size("snapshot step", s) for s in snapshot_steps)
        steps = max(self.snapshot_steps)
        self.snapshots = nn.ModuleDict()
        for name in self.names:
            for step in self.snapshot_steps:
                G, D = build_models(CONFIGS[name])
                self.snapshots[f"{name}_{step}"] = nn.ModuleDict({"generator": G, "discriminator": D})
            for key in self.HISTORY:
                self.register_buffer(f"{name}_{key}", torch.zeros(steps))

    def snapshot(self, name: str, step: int) -> tuple[Generator, Discriminator]:
        """The ``(generator, discriminator)`` of run ``name`` after ``step`` steps."""
        key = f"{name}_{step}"
        if key not in self.snapshots:
            raise KeyError(f"no snapshot {name!r} at step {step}; runs {self.names}, steps {self.snapshot_steps}")
        pair = self.snapshots[key]
        return pair["generator"], pair["discriminator"]

    def history(self, name: str) -> dict[str, np.ndarray]:
        """``step`` (1, 2, ...) and the recorded ``d_real``, ``d_fake``, ``d_loss`` of run ``name``."""
        if name not in self.names:
            raise KeyError(f"no run {name!r}; runs {self.names}")
        arrays = {key: getattr(self, f"{name}_{key}").numpy().astype(np.float64) for key in self.HISTORY}
        return {"step": np.arange(1, len(arrays["d_loss"]) + 1), **arrays}


def load(name: str = "toy_gan_runs", *, directory=None) -> ToyGanRuns:
    """Shipped toy GAN runs (default: ``toy_gan_runs``, what lesson 3 draws), sha256-checked, in eval mode.

    The runs and their snapshot steps are read from the weights' names
    (``snapshots.<run>_<step>.…``); the runs come in the order of :data:`CONFIGS`.
    """
    state = load_checkpoint(name, directory=directory)
    keys = {key.split(".")[1] for key in state if key.startswith("snapshots.")}
    found = {k.rsplit("_", 1)[0] for k in keys}
    names = tuple(n for n in CONFIGS if n in found)  # in the order of CONFIGS
    steps = sorted({int(k.rsplit("_", 1)[1]) for k in keys})
    record = ToyGanRuns(names, steps)
    record.load_state_dict(state)
    return record.eval()

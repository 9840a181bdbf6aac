"""LoRA: a low-rank update added to frozen weights, W + (α/r)·B·A, as web-UI LoRA files carry (week 7).

For a linear layer y = W x, LoRA adds (α/r)·B(A x) with A (r x in) and B
(out x r), r much smaller than in and out; B starts at zero, so a fresh
adapter changes nothing. For a convolution, A is a convolution with the base
layer's kernel, stride and padding into r channels and B a 1x1 convolution
back (the layout ``peft`` uses). Only A and B train; the base weights stay
frozen, and the adapter is saved on its own (a few percent of the model).

- :func:`add_lora`: wrap the chosen layers of a network in place;
- :func:`lora_parameters`, :func:`lora_state_dict`, :func:`load_lora_state_dict`;
- :func:`set_lora_scale`: the strength knob (0 = the base model, 1 = as trained);
- :func:`merged_weight`: W + scale·(α/r)·B·A as one weight (what merging into a checkpoint does).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

__all__ = ["LoRALinear", "LoRAConv2d", "add_lora", "lora_parameters", "lora_state_dict", "load_lora_state_dict",
           "set_lora_scale", "merged_weight"]


def _check_rank(rank, alpha) -> None:
    if isinstance(rank, bool) or not isinstance(rank, int) or rank < 1:
        raise ValueError(f"rank must be an int >= 1, got {rank!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not alpha > 0:
        raise ValueError(f"alpha must be a positive number, got {alpha!r}")


class _LoRA(nn.Module):
    """What both wrappers share: the frozen base layer, A, B, α/r and the strength."""

    def __init__(self, base: nn.Module, down: nn.Module, up: nn.Module, rank: int, alpha: float):
        super().__init__()
        self.base, self.lora_down, self.lora_up = base, down, up
        self.rank, self.alpha, self.scale = rank, float(alpha), 1.0
        for p in self.base.parameters():
            p.requires_grad_(False)
        nn.init.kaiming_uniform_(self.lora_down.weight, a=5**0.5)  # A random, B zero: the adapter starts at 0
        nn.init.zeros_(self.lora_up.weight)

    @property
    def scaling(self) -> float:
        """strength · α / r."""
        return self.scale * self.alpha / self.rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + self.scaling * self.lora_up(self.lora_down(x))


class LoRALinear(_LoRA):
    """``base(x) + (α/r)·B(A x)`` around a frozen ``nn.Linear``."""

    def __init__(self, base: nn.Linear, rank: int = 4, alpha: float = 4.0):
        _check_rank(rank, alpha)
        if not isinstance(base, nn.Linear):
            raise TypeError(f"LoRALinear wraps an nn.Linear, got {type(base).__name__}")
        if rank > min(base.in_features, base.out_features):
            raise ValueError(f"rank {rank} is not low: the layer is {base.in_features} -> {base.out_features}")
        super().__init__(base, nn.Linear(base.in_features, rank, bias=False), nn.Linear(rank, base.out_features, bias=False),
                         rank, alpha)


class LoRAConv2d(_LoRA):
    """``base(x) + (α/r)·B(A(x))`` around a frozen ``nn.Conv2d``: A has its kernel, stride and padding, B is 1x1."""

    def __init__(self, base: nn.Conv2d, rank: int = 4, alpha: float = 4.0):
        _check_rank(rank, alpha)
        if not isinstance(base, nn.Conv2d) or base.groups != 1:
            raise TypeError(f"LoRAConv2d wraps an ungrouped nn.Conv2d, got {base!r}")
        if rank > min(base.in_channels * base.kernel_size[0] * base.kernel_size[1], base.out_channels):
            raise ValueError(f"rank {rank} is not low for {base!r}")
        down = nn.Conv2d(base.in_channels, rank, base.kernel_size, base.stride, base.padding, base.dilation, bias=False)
        super().__init__(base, down, nn.Conv2d(rank, base.out_channels, 1, bias=False), rank, alpha)


def merged_weight(layer: _LoRA) -> torch.Tensor:
    """The single weight W + strength·(α/r)·B·A that computes the same as ``layer``."""
    if not isinstance(layer, _LoRA):
        raise TypeError(f"merged_weight needs a LoRA layer, got {type(layer).__name__}")
    down, up = layer.lora_down.weight, layer.lora_up.weight
    if isinstance(layer, LoRALinear):
        update = up @ down
    else:  # (out, r, 1, 1) x (r, in, kh, kw) -> (out, in, kh, kw)
        update = torch.einsum("or,rikl->oikl", up[:, :, 0, 0], down)
    return layer.base.weight + layer.scaling * update


def add_lora(net: nn.Module, *, rank: int = 4, alpha: float = 4.0,
             include: Callable[[str, nn.Module], bool] | None = None) -> list[str]:
    """Wrap every ``nn.Conv2d`` and ``nn.Linear`` of ``net`` for which ``include(name, module)`` is true.

    Freezes all of ``net``'s own parameters (only the adapters train) and
    returns the wrapped layers' names. ``include=None`` wraps every such layer.
    """
    _check_rank(rank, alpha)
    if any(isinstance(m, _LoRA) for m in net.modules()):
        raise ValueError("net already has LoRA layers: load a fresh copy of the base model first")
    for p in net.parameters():
        p.requires_grad_(False)
    chosen = [(name, m) for name, m in net.named_modules()
              if isinstance(m, (nn.Conv2d, nn.Linear)) and name and (include is None or include(name, m))]
    if not chosen:
        raise ValueError("include chose no nn.Conv2d or nn.Linear layer of net")
    for name, module in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = net.get_submodule(parent_name) if parent_name else net
        low = min(rank, module.out_features if isinstance(module, nn.Linear) else module.out_channels)
        wrapper = LoRALinear(module, low, alpha * low / rank) if isinstance(module, nn.Linear) else LoRAConv2d(module, low, alpha * low / rank)
        setattr(parent, child, wrapper.to(module.weight.device))
    return [name for name, _ in chosen]


def _layers(net: nn.Module) -> dict[str, _LoRA]:
    layers = {name: m for name, m in net.named_modules() if isinstance(m, _LoRA)}
    if not layers:
        raise ValueError("net has no LoRA layers (add_lora first)")
    return layers


def lora_parameters(net: nn.Module) -> list[nn.Parameter]:
    """The adapters' A and B weights: what the optimizer trains."""
    return [p for layer in _layers(net).values() for p in (layer.lora_down.weight, layer.lora_up.weight)]


def lora_state_dict(net: nn.Module) -> dict[str, torch.Tensor]:
    """Only the adapters' weights, named as in ``net.state_dict()``: the small file a LoRA is."""
    return {f"{name}.{part}.weight": getattr(layer, part).weight.detach().cpu().clone()
            for name, layer in _layers(net).items() for part in ("lora_down", "lora_up")}


def load_lora_state_dict(net: nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Put adapter weights saved by :func:`lora_state_dict` into a net wrapped the same way."""
    own = lora_state_dict(net)
    if set(state) != set(own):
        missing, extra = sorted(set(own) - set(state)), sorted(set(state) - set(own))
        raise ValueError(f"the adapter does not fit this net: missing {missing[:3]}, unexpected {extra[:3]}")
    for key, value in state.items():
        if value.shape != own[key].shape:
            raise ValueError(f"{key}: the adapter has shape {tuple(value.shape)}, the net {tuple(own[key].shape)}")
    with torch.no_grad():
        for name, layer in _layers(net).items():
            for part in ("lora_down", "lora_up"):
                getattr(layer, part).weight.copy_(state[f"{name}.{part}.weight"])


def set_lora_scale(net: nn.Module, scale: float) -> None:
    """The strength knob of every adapter in ``net``: 0 gives the base model, 1 the adapter as trained."""
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0 <= scale <= 4:
        raise ValueError(f"scale must be a number in [0, 4], got {scale!r}")
    for layer in _layers(net).values():
        layer.scale = float(scale)

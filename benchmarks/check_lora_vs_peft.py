"""``coursekit.models.lora`` against ``peft`` on the same layers (run by hand: peft needs transformers and accelerate).

Not part of the pinned environment: ``peft`` 0.21 requires ``transformers`` and
``accelerate`` (and, resolved on its own, a different torch). Install them beside
the environment and run::

    pip install --target /tmp/peftlib peft==0.21.2 transformers accelerate   # then delete /tmp/peftlib/torch*
    PYTHONPATH=/tmp/peftlib .venv/bin/python -m benchmarks.check_lora_vs_peft

For a Linear and a 3x3 Conv2d (the UNet's kind of layer) it wraps one copy with
``add_lora`` and one with ``peft``'s ``LoraConfig`` (same rank and α), copies
coursekit's A and B into peft's ``lora_A``/``lora_B``, and prints the largest
output difference, at strength 1 and at strength 0.5 (``set_lora_scale`` here,
peft's ``scaling`` entry halved there). Measured 2026-12-03 (peft 0.21.2,
transformers 5.25.0, torch 2.13.0+cpu): 0.0 for both layers at both strengths.
"""

from __future__ import annotations

import copy

import torch
from torch import nn

from coursekit.models.lora import add_lora, set_lora_scale


def _pair(layer: nn.Module, x: torch.Tensor, rank: int = 4, alpha: float = 8.0) -> tuple[float, float]:
    from peft import LoraConfig, get_peft_model

    ours_net = nn.Sequential(copy.deepcopy(layer))
    add_lora(ours_net, rank=rank, alpha=alpha)
    ours = ours_net[0]
    nn.init.normal_(ours.lora_up.weight)  # a trained-looking B (peft and coursekit both start it at 0)
    theirs_net = get_peft_model(nn.Sequential(copy.deepcopy(layer)),
                                LoraConfig(r=rank, lora_alpha=alpha, target_modules=["0"], lora_dropout=0.0))
    theirs = theirs_net.base_model.model[0]
    with torch.no_grad():
        theirs.lora_A["default"].weight.copy_(ours.lora_down.weight)
        theirs.lora_B["default"].weight.copy_(ours.lora_up.weight)
        full = float((ours_net(x) - theirs_net(x)).abs().max())
        set_lora_scale(ours_net, 0.5)
        theirs.scaling["default"] *= 0.5
        half = float((ours_net(x) - theirs_net(x)).abs().max())
    return full, half


def main() -> None:
    torch.manual_seed(0)
    cases = {"Linear 64 -> 32": (nn.Linear(64, 32), torch.randn(8, 64)),
             "Conv2d 3x3 32 -> 64": (nn.Conv2d(32, 64, 3, padding=1), torch.randn(2, 32, 14, 14))}
    import peft

    print(f"peft {peft.__version__}, torch {torch.__version__}")
    for name, (layer, x) in cases.items():
        full, half = _pair(layer, x)
        print(f"{name}: largest difference {full:.1e} at strength 1, {half:.1e} at strength 0.5")


if __name__ == "__main__":
    main()

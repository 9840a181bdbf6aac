"""``coursekit train MODEL``: rebuild a shipped reference checkpoint with the exact recipe."""

from __future__ import annotations

import time
from pathlib import Path

from ..checkpoints import save_checkpoint
from ..paths import checkpoint_dir


def _train_classifier(args) -> int:
    from . import classifier

    started = time.perf_counter()
    model, history = classifier.train_classifier(steps=args.steps, seed=args.seed, device=args.device)
    seconds = time.perf_counter() - started
    metrics = classifier.evaluate(model)
    command = classifier.COMMAND + _options(args, classifier.DEFAULTS)
    path = save_checkpoint(
        model,
        classifier.NAME,
        command=command,
        metrics={k: round(v, 4) for k, v in metrics.items()},
        extra={"steps": args.steps, "seed": args.seed, "train_seconds": round(seconds, 1),
               "hardware": _hardware(args.device), "final_loss": round(history.mean("loss", last=100), 4)},
        directory=args.out,
    )
    for key, value in metrics.items():
        print(f"{key}: {value:.4f}")
    print(f"trained in {seconds:.0f} s; wrote {path}")
    return 0


def _options(args, defaults: dict) -> str:
    """The non-default options, so the manifest's command reproduces this run."""
    return "".join(f" --{k} {getattr(args, k)}" for k, v in defaults.items() if getattr(args, k) != v)


def _hardware(device: str | None) -> str:
    import platform

    import torch

    if (device or "").startswith("cuda") or (device is None and torch.cuda.is_available()):
        return f"cuda: {torch.cuda.get_device_name(0)}"
    return f"cpu: {platform.processor() or platform.machine()}, {torch.get_num_threads()} threads"


def add_commands(commands) -> None:
    """Register ``coursekit train classifier`` on the ``coursekit`` command's subparsers."""
    from . import classifier

    train = commands.add_parser("train", help="train a reference checkpoint (written to data/checkpoints/)")
    models = train.add_subparsers(dest="model", metavar="MODEL", required=True)
    parser = models.add_parser("classifier", help="the digit classifier behind coursekit.metrics")
    parser.set_defaults(run=_train_classifier, **classifier.DEFAULTS)
    parser.add_argument("--steps", type=int, help=f"optimizer steps (default {classifier.DEFAULTS['steps']})")
    parser.add_argument("--seed", type=int, help=f"random seed (default {classifier.DEFAULTS['seed']})")
    for sub in (parser,):
        sub.add_argument("--device", default=None, help="cuda, mps or cpu (default: the best available)")
        sub.add_argument("--out", type=Path, default=None,
                         help=f"folder for the checkpoint (default: {checkpoint_dir()})")

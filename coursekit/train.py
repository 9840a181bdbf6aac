"""The one training loop of the course: ``fit(models, step_fn, batches, ...)``.

A week's module supplies the models (plain ``nn.Module``) and a *step function*
``step_fn(batch, state) -> {"loss": loss, ...}`` that computes the losses and
calls ``state.optimize(loss)``. ``fit`` does the rest: device, seeding, step or
time budget, loss history, divergence check, progress bar, callbacks,
learning-rate schedulers, mixed precision and resumable checkpoints
(safetensors + JSON manifest, via ``coursekit.checkpoints``).

Nothing in the loop knows what it trains: an autoencoder with one decoder per
identity (one optimizer over several models' parameters, batches from two data
sets through :func:`zip_batches`), a VAE with several named losses, a
diffusion model with an EMA copy (just another model in ``models``) and a
warm-up/cosine schedule (``coursekit.schedules``) all go through the same code.

The weights you ship are saved with ``coursekit.checkpoints.save_checkpoint(model, ...)``;
the training checkpoints written here also hold optimizer state and history.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from . import checkpoints
from .env import device as best_device
from .env import seed_everything

__all__ = [
    "DEFAULT_COMMAND", "TrainingDiverged", "History", "TrainState", "Callback", "zip_batches",
    "infinite_batches", "fit", "load_training_state", "precision"
]

_clock = time.perf_counter  # tests replace it with a fake clock
_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
_FORMAT = "coursekit.train/1"
DEFAULT_COMMAND = "coursekit.train.fit (resumable training state)"


class TrainingDiverged(FloatingPointError):
    """A loss became NaN or infinite; training stopped and nothing was saved."""


@dataclass
class History:
    """Losses recorded during training: ``losses[name][i]`` belongs to ``steps[i]``."""

    steps: list[int] = field(default_factory=list)
    losses: dict[str, list[float]] = field(default_factory=dict)
    stopped_by: str | None = None  # "steps", "seconds" or "batches"
    steps_run: int = 0  # optimizer steps run by this call of fit
    resumed_from: int = 0  # step loaded from the checkpoint (0 for a fresh start)
    seconds: float = 0.0  # wall-clock time of this call of fit
    _saved: int = field(default=0, repr=False, compare=False)  # records already in the history file

    def record(self, step: int, values: Mapping[str, float]) -> None:
        if self.losses and set(values) != set(self.losses):
            raise ValueError(
                f"step function returned losses {sorted(values)} at step {step} but "
                f"{sorted(self.losses)} before; return the same loss names every step"
            )
        self.steps.append(step)
        for name, value in values.items():
            self.losses.setdefault(name, []).append(value)

    def mean(self, name: str, last: int | None = None) -> float:
        """Mean of loss ``name`` over all records, or over the ``last`` ones."""
        if name not in self.losses:
            raise KeyError(f"no loss named {name!r}; recorded: {sorted(self.losses)}")
        values = self.losses[name][-last:] if last else self.losses[name]
        return float(np.mean(values))

    def as_arrays(self) -> dict[str, np.ndarray]:
        """``{"step": ..., name: ...}`` as NumPy arrays of equal length."""
        return {"step": np.array(self.steps), **{k: np.array(v) for k, v in self.losses.items()}}

    def plot(self, ax=None, smooth: int = 1, logy: bool = False):
        """Draw every loss against the step; ``smooth`` > 1 adds a moving average over that many records."""
        import matplotlib.pyplot as plt

        ax = ax if ax is not None else plt.subplots(figsize=(6, 3.5))[1]
        for name, values in self.losses.items():
            line = ax.plot(self.steps, values, label=name, alpha=0.35 if smooth > 1 else 1.0)[0]
            if smooth > 1 and len(values) >= smooth:
                averaged = np.convolve(values, np.ones(smooth) / smooth, mode="valid")
                ax.plot(self.steps[smooth - 1 :], averaged, color=line.get_color(), label=f"{name} (avg {smooth})")
        ax.set(xlabel="step", ylabel="loss", yscale="log" if logy else "linear")
        ax.legend()
        return ax


@dataclass
class TrainState:
    """What the step function and the callbacks see; ``step`` counts completed optimizer steps."""

    step: int
    models: dict[str, nn.Module]
    optimizers: dict[str, torch.optim.Optimizer]
    device: torch.device
    history: History
    elapsed: float = 0.0  # seconds since this call of fit started
    scaler: torch.amp.GradScaler | None = None  # set when float16 mixed precision is on
    autocast_dtype: torch.dtype | None = None  # float16 or bfloat16 when mixed precision is on
    schedulers: dict[str, object] = field(default_factory=dict)  # stepped by fit after each step

    def optimize(self, loss: torch.Tensor, optimizer=None, *, clip: float | None = None) -> None:
        """zero_grad, backward, (optionally clip the gradient norm), optimizer step.

        ``optimizer`` is a name or an optimizer; it may be left out when there is only one.
        """
        if optimizer is None:
            if len(self.optimizers) != 1:
                raise ValueError(f"several optimizers {sorted(self.optimizers)}: name the one to step")
            optimizer = next(iter(self.optimizers.values()))
        elif isinstance(optimizer, str):
            if optimizer not in self.optimizers:
                raise KeyError(f"no optimizer named {optimizer!r}; have {sorted(self.optimizers)}")
            optimizer = self.optimizers[optimizer]
        if not isinstance(loss, torch.Tensor) or not loss.requires_grad:
            raise ValueError("loss has no gradient: was it computed under torch.no_grad() or detached?")
        optimizer.zero_grad(set_to_none=True)
        (self.scaler.scale(loss) if self.scaler else loss).backward()
        if clip is not None:
            if self.scaler:
                self.scaler.unscale_(optimizer)
            nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], clip)
        if self.scaler:
            self.scaler.step(optimizer)
            self.scaler.update()
        else:
            optimizer.step()

    def autocast(self):
        """Autocast to the mixed-precision dtype when it is on, else a context that does nothing."""
        if self.autocast_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.device.type, dtype=self.autocast_dtype)


@dataclass
class Callback:
    """Run ``fn(state)`` after steps ``every``, 2*``every``, ... and/or once at the end (``at_end``)."""

    fn: Callable[[TrainState], object]
    every: int | None = None
    at_end: bool = False

    def __post_init__(self):
        if not callable(self.fn):
            raise TypeError(f"Callback fn must be callable, got {self.fn!r}")
        every = self.every
        if every is not None and (isinstance(every, bool) or not isinstance(every, int) or every < 1):
            raise ValueError(f"Callback every must be a positive int, got {self.every!r}")
        if self.every is None and not self.at_end:
            raise ValueError("Callback needs every=N, at_end=True or both")


def zip_batches(**batches: Iterable) -> Iterator[dict]:
    """Batches from several iterables at once, as dicts: ``zip_batches(a=..., b=...)`` gives ``{"a": .., "b": ..}``.

    For data sets of different sizes trained together (two identities of an
    autoencoder), pass an :func:`infinite_batches` for each: every step gets
    one batch of each. Ends when the first of them ends.
    """
    if not batches:
        raise ValueError("zip_batches needs at least one named iterable, e.g. zip_batches(a=..., b=...)")
    for name, value in batches.items():
        if not isinstance(value, Iterable) or isinstance(value, (torch.Tensor, str, bytes)):
            raise TypeError(f"zip_batches({name}=...) must be an iterable of batches, got {type(value).__name__}")
    names, iterators = list(batches), [iter(b) for b in batches.values()]
    for items in zip(*iterators):
        yield dict(zip(names, items))


def infinite_batches(*tensors: torch.Tensor, batch_size: int, seed: int = 0, drop_last: bool = True) -> Iterator:
    """Endless shuffled mini-batches (tuples) over tensors of equal length.

    Each epoch is shuffled by a ``torch.Generator`` seeded from ``(seed, epoch)``,
    so the order is the same on every run and independent of the global RNG.
    """
    if not tensors or not all(isinstance(t, torch.Tensor) for t in tensors):
        raise TypeError("infinite_batches needs one or more tensors")
    n = len(tensors[0])
    if any(len(t) != n for t in tensors):
        raise ValueError(f"tensors must have the same length, got {[len(t) for t in tensors]}")
    if n == 0:
        raise ValueError("infinite_batches got empty tensors (no examples)")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or not 1 <= batch_size <= n:
        raise ValueError(f"batch_size must be an int in [1, {n}] (the number of examples), got {batch_size!r}")
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
        raise ValueError(f"seed must be an int in [0, 2**32), got {seed!r}")

    def generate():
        for epoch in range(2**32):
            epoch_seed = int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])
            order = torch.randperm(n, generator=torch.Generator().manual_seed(epoch_seed))
            for start in range(0, n - n % batch_size if drop_last else n, batch_size):
                index = order[start : start + batch_size]
                yield tuple(t[index.to(t.device)] for t in tensors)

    return generate()


def fit(
    models: nn.Module | Mapping[str, nn.Module],
    step_fn: Callable[[object, TrainState], Mapping[str, float | torch.Tensor]],
    batches: Iterable,
    *,
    optimizers: torch.optim.Optimizer | Mapping[str, torch.optim.Optimizer],
    steps: int | None = None,
    seconds: float | None = None,
    device: str | None = None,
    seed: int | None = 0,
    mixed_precision: bool | str = False,
    schedulers=None,
    callbacks: Sequence[Callback] = (),
    checkpoint: str | None = None,
    checkpoint_dir=None,
    checkpoint_every: int | None = None,
    resume: bool = False,
    command: str | None = None,
    progress: bool = True,
    log_every: int = 1,
) -> History:
    """Train until ``steps`` (total, resumed steps included) or ``seconds`` (this call) run out.

    Each batch (a tensor, or tuples, lists and dicts of tensors, nested) is moved
    to the device and passed to ``step_fn(batch, state)``. ``optimizers`` is one
    optimizer or a dict of named ones; an optimizer may span the parameters of
    several models. Losses are recorded every ``log_every`` steps; a NaN or
    infinite one raises ``TrainingDiverged`` before anything is saved.
    ``schedulers`` (one learning-rate scheduler or a dict of named ones) are
    stepped after every training step. With ``checkpoint="name"`` the training
    state (models, optimizers, schedulers, RNG, scaler) is saved every
    ``checkpoint_every`` steps and at the end; ``resume=True`` loads it (if it
    exists) and skips the batches already used, so pass a fresh ``batches``.
    ``mixed_precision``: False; True or "float16" (CUDA only, with a gradient
    scaler); "bfloat16" (CUDA, or CPU as an opt-in; no scaler); "auto"
    (float16 on CUDA, off on the CPU). The step function enters it with
    ``with state.autocast():``.
    """
    models, optimizers = _named(models, nn.Module, "model"), _named(optimizers, torch.optim.Optimizer, "optimizer")
    _check_optimizers(models, optimizers)
    if steps is None and seconds is None:
        raise ValueError("give a budget: steps=..., seconds=... or both")
    _check_counts(steps=steps, seconds=seconds, log_every=log_every, checkpoint_every=checkpoint_every)
    _check_checkpoint(checkpoint, checkpoint_dir, checkpoint_every, resume, command)
    callbacks = list(callbacks)
    if not all(isinstance(c, Callback) for c in callbacks):
        raise TypeError("callbacks must be coursekit.train.Callback objects")
    schedulers = _schedulers(schedulers, optimizers)
    dev = torch.device(device or best_device())
    dtype = precision(mixed_precision, dev)
    command = command or DEFAULT_COMMAND
    if seed is not None:
        seed_everything(seed)
    scaler = torch.amp.GradScaler("cuda") if dtype == torch.float16 else None
    state = TrainState(0, models, optimizers, dev, History(), scaler=scaler, autocast_dtype=dtype,
                       schedulers=schedulers)
    history, bar, last_called, start = state.history, None, {}, _clock()
    try:
        for model in models.values():
            model.to(dev).train()
        if resume and checkpoint in checkpoints.list_checkpoints(checkpoint_dir):
            state.step = history.resumed_from = load_training_state(
                checkpoint, models, optimizers, checkpoint_dir, schedulers=schedulers
            )
            extra = checkpoints.read_manifest(checkpoint, checkpoint_dir)["extra"]
            history.steps, history.losses = _read_history(checkpoint, checkpoint_dir, state.step, extra)
            history._saved = len(history.steps)
            if state.scaler and extra["scaler"]:
                state.scaler.load_state_dict(extra["scaler"])
        saved = recorded = state.step
        bar = tqdm(total=steps, initial=state.step, disable=not progress, unit="step")
        batch_iter = iter(batches)
        for _ in range(state.step if steps is None or state.step < steps else 0):
            next(batch_iter, None)  # skip the batches used before resuming
        while True:
            if steps is not None and state.step >= steps:
                history.stopped_by = "steps"
                break
            if seconds is not None and state.elapsed >= seconds:
                history.stopped_by = "seconds"
                break
            batch = next(batch_iter, None)
            if batch is None:
                history.stopped_by = "batches"
                break
            losses = _losses(step_fn(_to(batch, dev), state), state.step + 1)
            for scheduler in schedulers.values():
                scheduler.step()
            state.step += 1
            history.steps_run += 1
            state.elapsed = _clock() - start
            save_now = checkpoint_every is not None and state.step % checkpoint_every == 0
            if state.step % log_every == 0 or save_now:
                recorded = _record(history, state.step, losses)  # raises TrainingDiverged on NaN or inf
            if save_now:
                saved = _save(checkpoint, state, checkpoint_dir, command)
            for i, callback in enumerate(callbacks):
                if callback.every and state.step % callback.every == 0:
                    last_called[i] = _call(callback, state)
            bar.update(1)
            if state.step % 10 == 0:
                bar.set_postfix({k: f"{v[-1]:.4g}" for k, v in history.losses.items()}, refresh=False)
        if history.stopped_by == "batches" and history.steps_run == 0:
            skipped = f" after skipping the {state.step} used before resuming" if state.step else ""
            raise ValueError(f"batches gave no batch at all{skipped}: is the data set or the iterable empty?")
        if recorded != state.step:
            _record(history, state.step, losses)
        if checkpoint is not None and saved != state.step:
            _save(checkpoint, state, checkpoint_dir, command)
        for i, callback in enumerate(callbacks):
            if callback.at_end and last_called.get(i) != state.step:
                _call(callback, state)
    finally:
        if bar is not None:
            bar.close()
        for model in models.values():
            model.eval()
        history.seconds = _clock() - start
    return history


def load_training_state(name: str, models, optimizers, directory=None, *, schedulers=None) -> int:
    """Load a training checkpoint saved by ``fit`` into the models, optimizers and schedulers; returns its step.

    Also restores torch's random number generator, so noise drawn after resuming
    is the noise an uninterrupted run would have drawn.
    """
    models, optimizers = _named(models, nn.Module, "model"), _named(optimizers, torch.optim.Optimizer, "optimizer")
    schedulers = _schedulers(schedulers, optimizers)
    extra = checkpoints.read_manifest(name, directory).get("extra", {})
    if extra.get("format") != _FORMAT:
        raise checkpoints.CheckpointError(f"{name!r} is not a training checkpoint saved by coursekit.train.fit")
    saved_schedulers = extra.get("schedulers", {})
    held = (extra["models"], extra["optimizers"], sorted(saved_schedulers))
    if held != (sorted(models), sorted(optimizers), sorted(schedulers)):
        raise checkpoints.CheckpointError(
            f"checkpoint {name!r} holds models {held[0]}, optimizers {held[1]} and schedulers {held[2]}, "
            f"not {sorted(models)}, {sorted(optimizers)} and {sorted(schedulers)}"
        )
    tensors = checkpoints.load_checkpoint(name, directory=directory)
    weights = {m: {k.split(".", 2)[2]: v for k, v in tensors.items() if k.startswith(f"model.{m}.")} for m in models}
    for model_name, model in models.items():
        state, expected = weights[model_name], model.state_dict()
        if set(state) != set(expected) or any(state[k].shape != v.shape for k, v in expected.items()):
            raise checkpoints.CheckpointError(f"checkpoint {name!r} does not fit model {model_name!r} (nothing loaded)")
    for model_name, model in models.items():
        model.load_state_dict(weights[model_name])
    for opt_name, optimizer in optimizers.items():
        saved = extra["optimizer_state"][opt_name]
        if saved["type"] != type(optimizer).__name__:
            raise checkpoints.CheckpointError(
                f"checkpoint {name!r} holds a {saved['type']} for {opt_name!r}, not a {type(optimizer).__name__}"
            )
        state = {int(i): dict(values) for i, values in saved["scalars"].items()}
        for key, value in tensors.items():
            if key.startswith(f"optim.{opt_name}."):
                _, _, index, state_key = key.split(".", 3)
                state.setdefault(int(index), {})[state_key] = value
        groups = [
            {k: tuple(v) if isinstance(now.get(k), tuple) else v for k, v in old.items()}
            for old, now in zip(saved["param_groups"], optimizer.param_groups)
        ]
        try:
            optimizer.load_state_dict({"state": state, "param_groups": groups})
        except ValueError as err:
            message = f"checkpoint {name!r} does not fit optimizer {opt_name!r}: {err}"
            raise checkpoints.CheckpointError(message) from err
    for sched_name, scheduler in schedulers.items():
        scheduler.load_state_dict(saved_schedulers[sched_name])
    torch.set_rng_state(tensors["rng.cpu"])
    if "rng.cuda" in tensors and torch.cuda.is_available():
        torch.cuda.set_rng_state(tensors["rng.cuda"])
    return int(extra["step"])


# ---- helpers ---------------------------------------------------------------


def _named(value, kind, default_name: str) -> dict:
    """A single object becomes ``{default_name: obj}``; a dict is checked."""
    items = {default_name: value} if isinstance(value, kind) else value
    if not isinstance(items, Mapping) or not items:
        raise TypeError(f"expected a {kind.__name__} or a non-empty dict of them, got {type(value).__name__}")
    for name, item in items.items():
        if not isinstance(name, str) or not _NAME.match(name) or not isinstance(item, kind):
            raise TypeError(f"{name!r}: names must be letters, digits, '_' or '-', values {kind.__name__}s")
    return dict(items)


def _check_optimizers(models: dict, optimizers: dict) -> None:
    """Every optimizer updates parameters of the models only (its name is free: one may span several models)."""
    owned = {id(p) for model in models.values() for p in model.parameters()}
    for name, optimizer in optimizers.items():
        if any(id(p) not in owned for group in optimizer.param_groups for p in group["params"]):
            raise ValueError(
                f"optimizer {name!r} updates parameters that belong to none of the models "
                "(was it created for another instance of the model?)"
            )


def _check_counts(**counts) -> None:
    for name, value in counts.items():
        kinds, smallest = ((int, float), 1e-9) if name == "seconds" else (int, 0 if name == "steps" else 1)
        if value is not None and (isinstance(value, bool) or not isinstance(value, kinds) or not value >= smallest):
            sign, kind = "non-negative" if smallest == 0 else "positive", "int" if kinds is int else "number"
            raise ValueError(f"{name} must be a {sign} {kind}, got {value!r}")


def _check_checkpoint(name, directory, every, resume, command) -> None:
    if name is None and (every is not None or resume):
        raise ValueError("checkpoint_every and resume need checkpoint='name' (where the training state is saved)")
    if command is not None and (not isinstance(command, str) or not command.strip()):
        raise ValueError("command must be the shell command that rebuilds this checkpoint (or None)")
    if name is not None:
        checkpoints._check_name(name)
        if directory is None:  # never mix resumable states into the shipped data/checkpoints
            raise ValueError("checkpoint='name' needs checkpoint_dir=... (a folder of your own, not the shipped one)")
        if not checkpoints._folder(directory).is_dir():
            raise FileNotFoundError(f"checkpoint folder {checkpoints._folder(directory)} does not exist; create it")


def precision(mixed_precision: bool | str, dev: torch.device) -> torch.dtype | None:
    """The autocast dtype ``fit`` uses for ``mixed_precision`` on device ``dev`` (``None``: full float32)."""
    choices = (False, True, "auto", "float16", "bfloat16")
    if not any(mixed_precision is c if isinstance(c, bool) else mixed_precision == c for c in choices):
        raise ValueError(
            f"mixed_precision must be True, False, 'auto', 'float16' or 'bfloat16', got {mixed_precision!r}"
        )
    if mixed_precision is False or (mixed_precision == "auto" and dev.type != "cuda"):
        return None
    if mixed_precision == "bfloat16":
        if dev.type not in ("cuda", "cpu"):
            raise ValueError(f"mixed_precision='bfloat16' runs on CUDA or the CPU, not on {dev}")
        return torch.bfloat16
    if dev.type != "cuda":
        raise ValueError(
            f"mixed_precision={mixed_precision!r} (float16) needs a CUDA GPU, but the device is {dev}; "
            "use False, 'auto' or 'bfloat16'"
        )
    return torch.float16


def _schedulers(value, optimizers: dict) -> dict:
    """``None``, one learning-rate scheduler or a dict of named ones, each stepping one of ``optimizers``."""
    if value is None:
        return {}
    kind = torch.optim.lr_scheduler.LRScheduler
    items = {"scheduler": value} if isinstance(value, kind) else value
    if not isinstance(items, Mapping) or not all(isinstance(v, kind) for v in items.values()):
        raise TypeError(f"schedulers must be a torch.optim.lr_scheduler scheduler or a dict of them, got {value!r:.60}")
    for name, scheduler in items.items():
        if not isinstance(name, str) or not _NAME.match(name):
            raise TypeError(f"{name!r}: scheduler names must be letters, digits, '_' or '-'")
        if not any(scheduler.optimizer is optimizer for optimizer in optimizers.values()):
            raise ValueError(f"scheduler {name!r} steps an optimizer that is not among fit's optimizers")
    return dict(items)


def _to(batch, dev: torch.device):
    if isinstance(batch, torch.Tensor):
        return batch.to(dev, non_blocking=True)
    if isinstance(batch, (tuple, list)):
        return tuple(_to(item, dev) for item in batch)
    if isinstance(batch, Mapping):
        return {key: _to(item, dev) for key, item in batch.items()}
    return batch


def _losses(output, step: int) -> dict:
    """Check the step function's result; detach tensors (converted to floats only when recorded)."""
    if not isinstance(output, Mapping):
        raise TypeError(
            f"the step function must return a dict of losses like {{'loss': loss}}, got {type(output).__name__}"
        )
    if not output:
        raise ValueError("the step function returned no losses (an empty dict)")
    for name, value in output.items():
        is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not is_number and not (isinstance(value, torch.Tensor) and value.numel() == 1):
            raise TypeError(f"loss {name!r} at step {step} must be a number or a one-element tensor, got {value!r:.60}")
    return {k: v.detach() if isinstance(v, torch.Tensor) else v for k, v in output.items()}


def _record(history: History, step: int, losses: dict) -> int:
    values = {name: float(value) for name, value in losses.items()}
    for name, value in values.items():
        if not math.isfinite(value):
            raise TrainingDiverged(
                f"training diverged: loss {name!r} is {value} at step {step}. Nothing was saved (an earlier "
                "checkpoint is untouched). Try a lower learning rate, or look for log(0) or division by zero."
            )
    history.record(step, values)
    return step


def _call(callback: Callback, state: TrainState) -> int:
    """Run a callback on a copy of the RNG state (so it cannot change the training), then back to train mode."""
    with torch.random.fork_rng(devices=[state.device] if state.device.type == "cuda" else []):
        callback.fn(state)
    for model in state.models.values():
        model.train()
    return state.step


def _save(name: str, state: TrainState, directory, command: str) -> int:
    tensors = {"rng.cpu": torch.get_rng_state()}
    if state.device.type == "cuda":
        tensors["rng.cuda"] = torch.cuda.get_rng_state(state.device)
    for model_name, model in state.models.items():
        tensors.update({f"model.{model_name}.{k}": v for k, v in model.state_dict().items()})
    optimizer_state = {}
    for opt_name, optimizer in state.optimizers.items():
        full = optimizer.state_dict()
        scalars = {}
        for index, values in full["state"].items():
            for key, value in values.items():
                if isinstance(value, torch.Tensor):
                    tensors[f"optim.{opt_name}.{index}.{key}"] = value
                else:
                    scalars.setdefault(str(index), {})[key] = value
        groups = [{k: list(v) if isinstance(v, tuple) else v for k, v in g.items()} for g in full["param_groups"]]
        optimizer_state[opt_name] = {"type": type(optimizer).__name__, "param_groups": groups, "scalars": scalars}
    history = state.history
    extra = {
        "format": _FORMAT,
        "step": state.step,
        "models": sorted(state.models),
        "optimizers": sorted(state.optimizers),
        "optimizer_state": optimizer_state,
        "schedulers": {k: _json_state(k, s.state_dict()) for k, s in state.schedulers.items()},
        "scaler": state.scaler.state_dict() if state.scaler else None,
        "history": {"file": _history_path(name, directory).name, "records": _append_history(name, directory, history)},
    }
    metrics = {k: v[-1] for k, v in history.losses.items()}
    checkpoints.save_checkpoint(tensors, name, command=command, metrics=metrics, extra=extra, directory=directory)
    return state.step


def _json_state(name: str, state: dict) -> dict:
    """A scheduler's state as JSON (its functions are not saved: the code that built it rebuilds them)."""
    try:
        return json.loads(json.dumps(state))
    except TypeError as err:
        raise TypeError(f"scheduler {name!r} has state that cannot be saved as JSON: {err}") from None


# The loss history: one JSON line per record in NAME.history.jsonl beside the
# training state, appended at each save (never rewritten). The manifest says how
# many records belong to its step; lines written after it (a save interrupted
# before its manifest) are dropped on resume.


def _history_path(name: str, directory):
    return checkpoints._folder(directory) / f"{name}.history.jsonl"


def _append_history(name: str, directory, history: History) -> int:
    """Append the records not yet in the file; returns how many records the file holds for this save."""
    path = _history_path(name, directory)
    with open(path, "a" if history._saved else "w", encoding="utf-8") as handle:  # a fresh run starts a fresh file
        for i in range(history._saved, len(history.steps)):
            record = {"step": history.steps[i], **{k: v[i] for k, v in history.losses.items()}}
            handle.write(json.dumps(record) + "\n")
    history._saved = len(history.steps)
    return history._saved


def _read_history(name: str, directory, step: int, extra: dict) -> tuple[list[int], dict[str, list[float]]]:
    """The history saved with the training state (records beyond it are cut from the file)."""
    path = _history_path(name, directory)
    count = extra["history"]["records"]
    lines = path.read_text(encoding="utf-8").splitlines()[:count] if path.is_file() else []
    if len(lines) != count:
        raise checkpoints.CheckpointError(
            f"the loss history {path.name} of {name!r} holds {len(lines)} records, not the {count} saved with step {step}"
        )
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    records = [json.loads(line) for line in lines]
    names = [k for k in records[0] if k != "step"] if records else []
    return [r["step"] for r in records], {k: [r[k] for r in records] for k in names}

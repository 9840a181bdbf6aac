import json

import pytest
import torch
from safetensors.torch import load_file

from coursekit import checkpoints, train
from coursekit.train import Callback, History, TrainingDiverged, fit, infinite_batches


def regression_data(n=64, seed=0):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 3, generator=g)
    y = x @ torch.tensor([[1.5], [-2.0], [0.5]]) + 0.3
    return x, y


def linear(seed=0):
    torch.manual_seed(seed)
    return torch.nn.Linear(3, 1)


def mse_step(batch, state):
    x, y = batch
    loss = torch.nn.functional.mse_loss(state.models["model"](x), y)
    state.optimize(loss)
    return {"loss": loss}


def noisy_step(batch, state):
    """Uses the global RNG, like a diffusion or GAN step does."""
    x, y = batch
    x = x + 0.01 * torch.randn_like(x)
    return mse_step((x, y), state)


def run(model=None, step_fn=mse_step, steps=10, lr=0.05, optimizer=None, batches=None, **kwargs):
    model = model if model is not None else linear()
    optimizer = optimizer or torch.optim.Adam(model.parameters(), lr=lr)
    batches = batches if batches is not None else infinite_batches(*regression_data(), batch_size=8)
    kwargs.setdefault("progress", False)
    kwargs.setdefault("device", "cpu")
    return fit(model, step_fn, batches, optimizers=optimizer, steps=steps, **kwargs), model, optimizer


# ---- infinite_batches ------------------------------------------------------


def test_infinite_batches_cover_each_epoch_and_reshuffle():
    x = torch.arange(10)
    it = infinite_batches(x, x * 2, batch_size=3)
    epoch1 = [next(it) for _ in range(3)]  # 10 // 3 = 3 batches, the last example dropped
    epoch2 = [next(it) for _ in range(3)]
    for a, b in epoch1 + epoch2:
        assert a.shape == (3,) and torch.equal(b, a * 2)
    first = torch.cat([a for a, _ in epoch1])
    assert len(set(first.tolist())) == 9
    assert not torch.equal(first, torch.cat([a for a, _ in epoch2]))
    again = infinite_batches(x, x * 2, batch_size=3)
    assert all(torch.equal(next(again)[0], a) for a, _ in epoch1)
    assert not torch.equal(next(infinite_batches(x, batch_size=3, seed=1))[0], epoch1[0][0])
    keep = infinite_batches(x, batch_size=3, drop_last=False)
    assert [len(next(keep)[0]) for _ in range(4)] == [3, 3, 3, 1]


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((), {"batch_size": 2}, TypeError, "one or more tensors"),
        (([1, 2],), {"batch_size": 2}, TypeError, "one or more tensors"),
        ((torch.zeros(4), torch.zeros(5)), {"batch_size": 2}, ValueError, "same length"),
        ((torch.zeros(4),), {"batch_size": 5}, ValueError, r"batch_size must be an int in \[1, 4\]"),
        ((torch.zeros(4),), {"batch_size": 0}, ValueError, "batch_size"),
        ((torch.zeros(0),), {"batch_size": 1}, ValueError, "empty"),
        ((torch.zeros(4),), {"batch_size": 2, "seed": -1}, ValueError, "seed"),
    ],
)
def test_infinite_batches_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        infinite_batches(*args, **kwargs)


# ---- training --------------------------------------------------------------


def test_loss_falls_and_history_is_recorded():
    history, model, _ = run(steps=150)
    losses = history.losses["loss"]
    assert history.steps == list(range(1, 151)) and len(losses) == 150
    assert history.mean("loss", last=10) < 0.1 * losses[0]
    assert history.stopped_by == "steps" and history.steps_run == 150 and history.resumed_from == 0
    assert not model.training
    arrays = history.as_arrays()
    assert set(arrays) == {"step", "loss"} and arrays["loss"].shape == (150,)
    assert history.mean("loss") == pytest.approx(sum(losses) / 150)
    with pytest.raises(KeyError, match="no loss named 'acc'"):
        history.mean("acc")


def test_history_plot():
    from matplotlib.figure import Figure

    history = History()
    for step in range(1, 21):
        history.record(step, {"d": 1.0 / step, "g": float(step)})
    ax = Figure().subplots()
    assert history.plot(ax=ax, smooth=5) is ax
    assert [line.get_label() for line in ax.get_lines()] == ["d", "d (avg 5)", "g", "g (avg 5)"]
    assert ax.get_xlabel() == "step" and len(ax.get_lines()[1].get_xdata()) == 16
    ax = Figure().subplots()
    history.plot(ax=ax, logy=True)
    assert [line.get_label() for line in ax.get_lines()] == ["d", "g"] and ax.get_yscale() == "log"
    with pytest.raises(ValueError, match="same loss names"):
        history.record(21, {"d": 1.0})


def test_step_budget_is_exact_and_log_every_keeps_the_last_step():
    calls = []

    def step(batch, state):
        calls.append(state.step)
        return mse_step(batch, state)

    history, _, _ = run(step_fn=step, steps=7, log_every=3)
    assert calls == list(range(7))
    assert history.steps == [3, 6, 7] and history.steps_run == 7
    assert run(steps=0)[0].steps_run == 0


def test_time_budget_with_a_fake_clock(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(train, "_clock", lambda: now[0])

    def step(batch, state):
        now[0] += 1.0  # every step "takes" one second
        return mse_step(batch, state)

    model = linear()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    batches = infinite_batches(*regression_data(), batch_size=8)
    history = fit(model, step, batches, optimizers=opt, seconds=5, device="cpu", progress=False)
    assert history.stopped_by == "seconds" and history.steps_run == 5 and history.seconds == 5.0
    history = fit(model, step, batches, optimizers=opt, steps=3, seconds=100, device="cpu", progress=False)
    assert history.stopped_by == "steps" and history.steps_run == 3


def test_a_finite_iterable_stops_the_run():
    x, y = regression_data(n=16)
    batches = [(x[i : i + 4], y[i : i + 4]) for i in range(0, 16, 4)]
    history, _, _ = run(steps=100, batches=batches)
    assert history.stopped_by == "batches" and history.steps_run == 4
    with pytest.raises(ValueError, match="no batch at all"):
        run(batches=[])


def test_single_tensor_batches_and_lists_are_moved_as_given():
    seen = []

    def step(batch, state):
        seen.append(type(batch))
        x = batch[0] if isinstance(batch, tuple) else batch
        loss = state.models["model"](x).pow(2).mean()
        state.optimize(loss)
        return {"loss": loss.item()}  # a plain float is fine too

    x, _ = regression_data(n=8)
    run(step_fn=step, steps=2, batches=[x, [x]])
    assert seen == [torch.Tensor, tuple]


def test_same_seed_same_losses():
    a, _, _ = run(step_fn=noisy_step, steps=15, seed=3)
    b, _, _ = run(step_fn=noisy_step, steps=15, seed=3)
    c, _, _ = run(step_fn=noisy_step, steps=15, seed=4)
    assert a.losses == b.losses
    assert a.losses != c.losses


def test_callbacks_run_at_the_right_steps_and_cannot_change_training():
    calls = {"every3": [], "end": [], "both": []}

    def sampler(name):
        def fn(state):
            calls[name].append(state.step)
            torch.randn(100)  # drawing samples must not shift the training noise
            state.models["model"].eval()  # nor leave the model in eval mode

        return fn

    modes = []

    def step(batch, state):
        modes.append(state.models["model"].training)
        return noisy_step(batch, state)

    callbacks = [
        Callback(sampler("every3"), every=3),
        Callback(sampler("end"), at_end=True),
        Callback(sampler("both"), every=5, at_end=True),
    ]
    with_callbacks, _, _ = run(step_fn=step, steps=10, callbacks=callbacks)
    assert calls == {"every3": [3, 6, 9], "end": [10], "both": [5, 10]}
    assert all(modes)
    without, _, _ = run(step_fn=noisy_step, steps=10)
    assert with_callbacks.losses == without.losses


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"fn": 3, "every": 2}, TypeError, "callable"),
        ({"fn": print, "every": 0}, ValueError, "positive int"),
        ({"fn": print}, ValueError, "every=N, at_end"),
    ],
)
def test_bad_callbacks(kwargs, error, match):
    with pytest.raises(error, match=match):
        Callback(**kwargs)


def test_models_end_in_eval_mode_even_on_error():
    model = linear()

    def broken(batch, state):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run(model=model, step_fn=broken)
    assert not model.training


def test_mixed_precision_on_cpu():
    with pytest.raises(ValueError, match=r"mixed_precision=True \(float16\) needs a CUDA GPU"):
        run(mixed_precision=True)
    with pytest.raises(ValueError, match=r"mixed_precision='float16' \(float16\) needs a CUDA GPU"):
        run(mixed_precision="float16")
    with pytest.raises(ValueError, match="True, False, 'auto', 'float16' or 'bfloat16'"):
        run(mixed_precision="yes")

    def step(batch, state):
        assert state.scaler is None
        with state.autocast():
            out = state.models["model"](batch[0])
        assert out.dtype == torch.float32
        loss = torch.nn.functional.mse_loss(out, batch[1])
        state.optimize(loss, clip=1.0)
        return {"loss": loss}

    assert run(step_fn=step, steps=3, mixed_precision="auto")[0].steps_run == 3


def test_optimize_through_a_grad_scaler_matches_plain_steps():
    # The GradScaler path of optimize (scale, unscale for clipping, step, update), run on CPU.
    x, y = regression_data(n=16)
    results = []
    for scaler in (None, torch.amp.GradScaler("cpu")):
        model = linear()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        state = train.TrainState(0, {"model": model}, {"optimizer": opt}, torch.device("cpu"), History(), scaler=scaler)
        for _ in range(3):
            state.optimize(torch.nn.functional.mse_loss(model(x), y), clip=0.5)
        assert torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in model.parameters()])) <= 0.5 + 1e-6
        results.append(torch.cat([p.detach().flatten() for p in model.parameters()]))
    torch.testing.assert_close(results[0], results[1])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_mixed_precision_on_cuda(tmp_path):
    def step(batch, state):
        assert state.scaler is not None
        with state.autocast():
            out = state.models["model"](batch[0])
        assert out.dtype == torch.float16
        loss = torch.nn.functional.mse_loss(out.float(), batch[1])
        state.optimize(loss, clip=1.0)
        return {"loss": loss}

    history, model, _ = run(
        step_fn=step, steps=100, device="cuda", mixed_precision="auto", checkpoint="amp", checkpoint_dir=tmp_path
    )
    assert history.mean("loss", last=10) < 0.1 * history.losses["loss"][0]
    assert next(model.parameters()).device.type == "cuda"
    assert checkpoints.read_manifest("amp", tmp_path)["extra"]["scaler"]["scale"] > 0
    history, _, _ = run(
        step_fn=step,
        steps=120,
        device="cuda",
        mixed_precision=True,
        checkpoint="amp",
        checkpoint_dir=tmp_path,
        resume=True,
    )
    assert history.resumed_from == 100 and history.steps_run == 20


def test_several_models_and_optimizers(tmp_path):
    def models():
        torch.manual_seed(0)
        return {"a": torch.nn.Linear(3, 1), "b": torch.nn.Linear(3, 1)}

    def step(batch, state):
        x, y = batch
        loss_a = torch.nn.functional.mse_loss(state.models["a"](x), y)
        state.optimize(loss_a, "a")
        loss_b = torch.nn.functional.mse_loss(state.models["b"](x), -y)
        state.optimize(loss_b, state.optimizers["b"])
        with pytest.raises(ValueError, match="name the one to step"):
            state.optimize(loss_b)
        with pytest.raises(KeyError, match="no optimizer named 'c'"):
            state.optimize(loss_b, "c")
        return {"a": loss_a, "b": loss_b}

    def go(ms, steps, **kwargs):
        opts = {name: torch.optim.Adam(m.parameters(), lr=0.05) for name, m in ms.items()}
        batches = infinite_batches(*regression_data(), batch_size=8)
        return fit(
            ms,
            step,
            batches,
            optimizers=opts,
            steps=steps,
            device="cpu",
            progress=False,
            checkpoint="ab",
            checkpoint_dir=tmp_path,
            **kwargs,
        )

    go(models(), 4)
    names = set(load_file(checkpoints.weights_file("ab", tmp_path)))
    assert {"model.a.weight", "model.b.bias", "optim.a.0.exp_avg", "optim.b.1.exp_avg_sq", "rng.cpu"} <= names
    history = go(models(), 8, resume=True)
    assert history.steps == list(range(1, 9)) and set(history.losses) == {"a", "b"}
    with pytest.raises(checkpoints.CheckpointError, match=r"holds models \['a', 'b'\]"):
        run(checkpoint="ab", checkpoint_dir=tmp_path, resume=True)


# ---- checkpoints and resuming ---------------------------------------------


CUDA = pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"))


@pytest.mark.parametrize("device", ["cpu", CUDA])
def test_resume_continues_exactly_like_an_uninterrupted_run(tmp_path, device):
    def callbacks():
        return [Callback(lambda state: torch.rand(7, device=state.device), every=3)]

    full, full_model, _ = run(step_fn=noisy_step, steps=20, callbacks=callbacks(), device=device)

    first, _, _ = run(
        step_fn=noisy_step,
        steps=10,
        checkpoint="reg",
        checkpoint_dir=tmp_path,
        checkpoint_every=5,
        callbacks=callbacks(),
        device=device,
    )
    manifest = checkpoints.read_manifest("reg", tmp_path)
    assert manifest["extra"]["step"] == 10 and manifest["command"] == train.DEFAULT_COMMAND
    assert manifest["metrics"] == {"loss": first.losses["loss"][-1]}
    names = set(load_file(checkpoints.weights_file("reg", tmp_path)))
    assert {"model.model.weight", "model.model.bias", "optim.optimizer.0.exp_avg", "optim.optimizer.1.step"} <= names

    model = linear(seed=99)  # a different start: everything must come from the checkpoint
    resumed, _, _ = run(
        model=model,
        step_fn=noisy_step,
        steps=20,
        checkpoint="reg",
        checkpoint_dir=tmp_path,
        resume=True,
        callbacks=callbacks(),
        device=device,
    )
    assert resumed.resumed_from == 10 and resumed.steps_run == 10 and resumed.stopped_by == "steps"
    assert resumed.steps == list(range(1, 21))
    assert resumed.losses["loss"] == pytest.approx(full.losses["loss"], abs=1e-6)
    for a, b in zip(model.parameters(), full_model.parameters()):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0)
    assert checkpoints.read_manifest("reg", tmp_path)["extra"]["step"] == 20

    # the budget is already spent: nothing runs, no batch is needed
    again, _, _ = run(model=linear(), steps=20, batches=[], checkpoint="reg", checkpoint_dir=tmp_path, resume=True)
    assert again.steps_run == 0 and again.stopped_by == "steps" and len(again.steps) == 20


def test_resume_without_a_saved_checkpoint_starts_fresh(tmp_path):
    history, _, _ = run(
        steps=3, checkpoint="new", checkpoint_dir=tmp_path, resume=True, command="python train.py --steps 3"
    )
    assert history.resumed_from == 0 and history.steps_run == 3
    manifest = checkpoints.read_manifest("new", tmp_path)
    assert manifest["command"] == "python train.py --steps 3" and manifest["extra"]["step"] == 3


def test_sgd_with_momentum_resumes(tmp_path):
    def go(steps, **kwargs):
        model = linear()
        opt = torch.optim.SGD(model.parameters(), lr=0.02, momentum=0.9)
        run(model=model, optimizer=opt, steps=steps, checkpoint="sgd", checkpoint_dir=tmp_path, **kwargs)
        return model, opt

    full_model, _ = go(12, checkpoint_every=100)
    go(6)
    model, opt = go(12, resume=True)
    for a, b in zip(model.parameters(), full_model.parameters()):
        torch.testing.assert_close(a, b, atol=1e-6, rtol=0)
    assert opt.param_groups[0]["momentum"] == 0.9


def test_adam_hyperparameters_come_back_as_before(tmp_path):
    model = linear()
    run(
        model=model,
        optimizer=torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.5, 0.9)),
        steps=2,
        checkpoint="adam",
        checkpoint_dir=tmp_path,
    )
    other = linear()
    opt = torch.optim.Adam(other.parameters(), lr=0.5)
    assert train.load_training_state("adam", other, opt, tmp_path) == 2
    assert opt.param_groups[0]["lr"] == 0.01 and opt.param_groups[0]["betas"] == (0.5, 0.9)
    assert opt.state[next(other.parameters())]["exp_avg"].shape == (1, 3)


def test_nan_loss_stops_training_and_keeps_the_good_checkpoint(tmp_path):
    def explodes(batch, state):
        out = mse_step(batch, state)
        return {"loss": out["loss"], "kl": float("nan") if state.step + 1 >= 9 else 0.0}

    run(step_fn=explodes, steps=5, checkpoint="good", checkpoint_dir=tmp_path, checkpoint_every=5)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert set(before) == {"good.json", "good.history.jsonl", checkpoints.weights_file("good", tmp_path).name}

    model = linear()
    with pytest.raises(TrainingDiverged, match=r"loss 'kl' is nan at step 10.*Nothing was saved.*lower learning rate"):
        # log_every=4 does not look at step 9, but the checkpoint at step 10 checks before saving
        run(
            model=model,
            step_fn=explodes,
            steps=20,
            checkpoint="good",
            checkpoint_dir=tmp_path,
            checkpoint_every=10,
            resume=True,
            log_every=4,
        )
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
    assert not model.training
    assert issubclass(TrainingDiverged, FloatingPointError)

    def infinite(batch, state):
        mse_step(batch, state)
        return {"loss": torch.tensor(float("inf"))}

    with pytest.raises(TrainingDiverged, match=r"loss 'loss' is inf at step 1\b"):
        run(step_fn=infinite, checkpoint="good", checkpoint_dir=tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_checkpoint_that_does_not_fit(tmp_path):
    checkpoints.save_checkpoint(linear(), "weights", command="x", directory=tmp_path)
    with pytest.raises(checkpoints.CheckpointError, match="not a training checkpoint"):
        train.load_training_state("weights", linear(), torch.optim.SGD(linear().parameters(), lr=0.1), tmp_path)
    run(steps=1, checkpoint="small", checkpoint_dir=tmp_path)
    bigger = torch.nn.Linear(3, 2)
    with pytest.raises(checkpoints.CheckpointError, match="does not fit model 'model'"):
        train.load_training_state("small", bigger, torch.optim.Adam(bigger.parameters()), tmp_path)
    other = linear()
    with pytest.raises(checkpoints.CheckpointError, match="holds a Adam for 'optimizer', not a SGD"):
        train.load_training_state("small", other, torch.optim.SGD(other.parameters(), lr=0.1), tmp_path)
    extra = json.loads((tmp_path / "small.json").read_text())["extra"]
    assert extra["history"] == {"file": "small.history.jsonl", "records": 1}
    assert extra["optimizer_state"]["optimizer"]["param_groups"][0]["lr"] == 0.05


# ---- argument checks -------------------------------------------------------


def bad_step(result):
    def step(batch, state):
        mse_step(batch, state)
        return result

    return step


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"steps": None}, ValueError, "give a budget"),
        ({"steps": -1}, ValueError, "steps must be a non-negative"),
        ({"steps": 2.5}, ValueError, "steps must be"),
        ({"seconds": 0}, ValueError, "seconds must be a positive number"),
        ({"seconds": float("nan")}, ValueError, "seconds must be a positive number"),
        ({"log_every": 0}, ValueError, "log_every must be a positive"),
        ({"checkpoint_every": 5}, ValueError, "need checkpoint='name'"),
        ({"resume": True}, ValueError, "need checkpoint='name'"),
        ({"checkpoint": "Bad Name"}, ValueError, "checkpoint name"),
        ({"checkpoint": "ok", "checkpoint_dir": "/nonexistent/folder"}, FileNotFoundError, "does not exist"),
        ({"checkpoint": "ok"}, ValueError, "needs checkpoint_dir"),
        ({"command": " "}, ValueError, "command must be"),
        ({"callbacks": [print]}, TypeError, "Callback objects"),
        ({"step_fn": bad_step(torch.tensor(1.0))}, TypeError, "must return a dict of losses"),
        ({"step_fn": bad_step({})}, ValueError, "returned no losses"),
        ({"step_fn": bad_step({"loss": "low"})}, TypeError, "loss 'loss' at step 1 must be a number"),
        ({"step_fn": bad_step({"loss": torch.ones(2)})}, TypeError, "one-element tensor"),
        ({"step_fn": bad_step({"loss": True})}, TypeError, "must be a number"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        run(**kwargs)


def test_bad_models_and_optimizers():
    model = linear()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    batches = [regression_data()]
    with pytest.raises(TypeError, match="Module or a non-empty dict"):
        fit({}, mse_step, batches, optimizers=opt, steps=1)
    with pytest.raises(TypeError, match="Optimizer or a non-empty dict"):
        fit(model, mse_step, batches, optimizers="adam", steps=1)
    with pytest.raises(TypeError, match="names must be"):
        fit({"a.b": model}, mse_step, batches, optimizers=opt, steps=1)
    with pytest.raises(ValueError, match="belong to none of the models"):
        fit(linear(), mse_step, batches, optimizers=opt, steps=1)

    def detached(batch, state):
        state.optimize(state.models["model"](batch[0]).sum().detach())

    with pytest.raises(ValueError, match="no gradient"):
        fit(model, detached, batches, optimizers=opt, steps=1, device="cpu", progress=False)


def test_changing_loss_names_is_an_error():
    def step(batch, state):
        out = mse_step(batch, state)
        return out if state.step == 0 else {"other": out["loss"]}

    with pytest.raises(ValueError, match=r"returned losses \['other'\] at step 2 but \['loss'\]"):
        run(step_fn=step, steps=3)


# ---- progress bar ----------------------------------------------------------


def test_progress_bar_in_a_plain_terminal(capsys):
    run(steps=20, progress=True)
    err = capsys.readouterr().err
    assert "20/20" in err and "loss=" in err
    model = linear()
    history = fit(
        model,
        mse_step,
        infinite_batches(*regression_data(), batch_size=8),
        optimizers=torch.optim.SGD(model.parameters(), lr=0.01),
        steps=None,
        seconds=0.05,
        device="cpu",
    )
    assert history.stopped_by == "seconds" and history.steps_run >= 1
    assert "step" in capsys.readouterr().err


def test_checkpoint_every_saves_on_schedule_and_at_the_end(tmp_path):
    saved_steps = []

    def look(state):
        if checkpoints.list_checkpoints(tmp_path):
            saved_steps.append((state.step, checkpoints.read_manifest("sched", tmp_path)["extra"]["step"]))

    run(steps=7, checkpoint="sched", checkpoint_dir=tmp_path, checkpoint_every=3, callbacks=[Callback(look, every=1)])
    assert saved_steps == [(3, 3), (4, 3), (5, 3), (6, 6), (7, 6)]
    assert checkpoints.read_manifest("sched", tmp_path)["extra"]["step"] == 7

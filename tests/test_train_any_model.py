"""fit trains the models of weeks 4-6 with no special case in the loop (issue: 'a loop that can train any model')."""

import json

import pytest
import torch
from torch import nn

from coursekit import checkpoints
from coursekit.ema import ema_copy, update_ema
from coursekit.schedules import linear_ramp, warmup_cosine
from coursekit.train import TrainState, History, fit, infinite_batches, precision, zip_batches


def faces(n, seed):
    return torch.rand(n, 16, generator=torch.Generator().manual_seed(seed))


def test_autoencoder_with_one_decoder_per_identity_on_two_data_sets():
    torch.manual_seed(0)
    models = {"encoder": nn.Linear(16, 4), "decoder_a": nn.Linear(4, 16), "decoder_b": nn.Linear(4, 16)}
    before = {k: m.weight.detach().clone() for k, m in models.items()}
    # one optimizer over the parameters of three models, named for what it trains
    optimizer = torch.optim.Adam([p for m in models.values() for p in m.parameters()], lr=0.01)
    batches = zip_batches(a=infinite_batches(faces(30, 1), batch_size=8, seed=1),
                          b=infinite_batches(faces(50, 2), batch_size=8, seed=2))
    sizes = []

    def step(batch, state):
        m = state.models
        sizes.append((batch["a"][0].shape, batch["b"][0].shape))
        loss_a = nn.functional.mse_loss(m["decoder_a"](m["encoder"](batch["a"][0])), batch["a"][0])
        loss_b = nn.functional.mse_loss(m["decoder_b"](m["encoder"](batch["b"][0])), batch["b"][0])
        state.optimize(loss_a + loss_b, "autoencoder")
        return {"loss_a": loss_a, "loss_b": loss_b}

    history = fit(models, step, batches, optimizers={"autoencoder": optimizer}, steps=40, device="cpu",
                  progress=False)
    assert history.steps_run == 40 and set(history.losses) == {"loss_a", "loss_b"}
    assert sizes[0] == (torch.Size([8, 16]), torch.Size([8, 16]))
    assert all(not torch.equal(before[k], m.weight) for k, m in models.items())
    assert history.mean("loss_a", last=5) < history.losses["loss_a"][0]


def test_zip_batches_bad_input_and_end():
    with pytest.raises(ValueError, match="at least one"):
        next(zip_batches())
    with pytest.raises(TypeError, match=r"zip_batches\(a=...\) must be an iterable"):
        next(zip_batches(a=torch.zeros(3)))
    assert list(zip_batches(a=[1, 2, 3], b=[4, 5])) == [{"a": 1, "b": 4}, {"a": 2, "b": 5}]


def test_vae_step_with_several_named_losses_and_a_weight_schedule():
    torch.manual_seed(0)
    model = nn.Linear(16, 8)  # 4 means, 4 log-variances
    decoder = nn.Linear(4, 16)
    optimizer = torch.optim.Adam([*model.parameters(), *decoder.parameters()], lr=0.01)

    def step(batch, state):
        mu, logvar = model(batch[0]).chunk(2, dim=1)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        reconstruction = nn.functional.mse_loss(decoder(z), batch[0], reduction="sum") / len(z)
        kl = (-0.5 * (1 + logvar - mu**2 - logvar.exp()).sum(1)).mean()
        beta = linear_ramp(state.step, start=0, end=10)
        state.optimize(reconstruction + beta * kl)
        return {"reconstruction": reconstruction, "kl": kl, "beta": beta}

    history = fit({"encoder": model, "decoder": decoder}, step, infinite_batches(faces(64, 3), batch_size=16),
                  optimizers=optimizer, steps=20, device="cpu", progress=False)
    assert set(history.losses) == {"reconstruction", "kl", "beta"}
    assert history.losses["beta"][:3] == [0.0, 0.1, 0.2] and history.losses["beta"][-1] == 1.0


class Denoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(17, 32), nn.SiLU(), nn.Linear(32, 16))

    def forward(self, x, t):
        return self.net(torch.cat([x, t[:, None]], 1))


def diffusion_run(tmp_path, *, steps, interrupt_at=None, resume=False):
    """A diffusion-style run: random t and noise each step, EMA weights, warm-up + cosine learning rate."""
    torch.manual_seed(0)
    model = Denoiser()
    models = {"model": model, "ema": ema_copy(model)}
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    scheduler = warmup_cosine(optimizer, warmup_steps=3, total_steps=12)

    def step(batch, state):
        x0 = batch[0]
        t = torch.rand(len(x0))
        noise = torch.randn_like(x0)
        x_t = (1 - t[:, None]).sqrt() * x0 + t[:, None].sqrt() * noise
        loss = nn.functional.mse_loss(state.models["model"](x_t, t), noise)
        state.optimize(loss, clip=1.0)
        update_ema(state.models["ema"], state.models["model"], 0.9)
        if state.step + 1 == interrupt_at:
            raise KeyboardInterrupt("the machine went away")
        return {"loss": loss, "lr": optimizer.param_groups[0]["lr"]}

    history = fit(models, step, infinite_batches(faces(40, 4), batch_size=8, seed=4), optimizers=optimizer,
                  schedulers=scheduler, steps=steps, seed=0, device="cpu", progress=False,
                  checkpoint="diffusion", checkpoint_dir=tmp_path, checkpoint_every=5, resume=resume)
    return history, models, optimizer, scheduler


def test_diffusion_run_interrupted_and_resumed_ends_with_the_same_weights(tmp_path):
    (tmp_path / "straight").mkdir()
    (tmp_path / "broken").mkdir()
    straight, models, optimizer, scheduler = diffusion_run(tmp_path / "straight", steps=12)
    with pytest.raises(KeyboardInterrupt):
        diffusion_run(tmp_path / "broken", steps=12, interrupt_at=8)  # saved at step 5, lost 6-7
    resumed, models2, optimizer2, scheduler2 = diffusion_run(tmp_path / "broken", steps=12, resume=True)
    assert resumed.resumed_from == 5 and resumed.steps_run == 7
    for name in ("model", "ema"):
        for (k, a), b in zip(models[name].state_dict().items(), models2[name].state_dict().values()):
            assert torch.equal(a, b), f"{name}.{k} differs after resuming"
    assert scheduler2.last_epoch == scheduler.last_epoch == 12
    assert optimizer2.param_groups[0]["lr"] == optimizer.param_groups[0]["lr"]
    assert resumed.steps == straight.steps and resumed.losses == straight.losses
    assert straight.losses["lr"][:4] == pytest.approx([0.0025, 0.005, 0.0075, 0.01])  # the lr each step used: warm-up
    extra = checkpoints.read_manifest("diffusion", tmp_path / "broken")["extra"]
    assert extra["schedulers"]["scheduler"]["last_epoch"] == 12


def test_history_file_is_appended_not_rewritten(tmp_path):
    diffusion_run(tmp_path, steps=12)
    path = tmp_path / "diffusion.history.jsonl"
    lines = path.read_text().splitlines()
    assert [json.loads(line)["step"] for line in lines] == list(range(1, 13))
    extra = checkpoints.read_manifest("diffusion", tmp_path)["extra"]
    assert extra["history"] == {"file": "diffusion.history.jsonl", "records": 12}
    assert "losses" not in json.dumps(extra["history"])
    with open(path, "a") as handle:  # a record written by a save whose manifest never landed
        handle.write(json.dumps({"step": 99, "loss": 0.0, "lr": 0.0}) + "\n")
    history, *_ = diffusion_run(tmp_path, steps=14, resume=True)
    assert history.steps == list(range(1, 15))
    assert [json.loads(line)["step"] for line in path.read_text().splitlines()] == list(range(1, 15))
    assert path.read_text().splitlines()[:12] == lines  # the first twelve lines were never rewritten


def test_resume_with_other_schedulers_is_refused(tmp_path):
    diffusion_run(tmp_path, steps=5)
    model = Denoiser()
    models = {"model": model, "ema": ema_copy(model)}
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    with pytest.raises(checkpoints.CheckpointError, match=r"schedulers \['scheduler'\].*not .*and \[\]"):
        fit(models, lambda b, s: {"loss": 0.0}, [torch.zeros(1)], optimizers=optimizer, steps=6, device="cpu",
            progress=False, checkpoint="diffusion", checkpoint_dir=tmp_path, resume=True)


def test_schedulers_bad_input():
    model = nn.Linear(2, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    other = torch.optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1)
    with pytest.raises(TypeError, match="lr_scheduler"):
        fit(model, lambda b, s: {"loss": 0.0}, [1], optimizers=optimizer, schedulers="cosine", steps=1)
    with pytest.raises(ValueError, match="not among fit's optimizers"):
        fit(model, lambda b, s: {"loss": 0.0}, [1], optimizers=optimizer, steps=1,
            schedulers=torch.optim.lr_scheduler.StepLR(other, 1))


@pytest.mark.parametrize("batch", [
    torch.ones(2, 3),
    (torch.ones(2, 3), torch.zeros(2)),
    {"image": torch.ones(2, 3), "label": torch.zeros(2, dtype=torch.long), "meta": {"mask": torch.ones(2)}},
], ids=["tensor", "tuple", "dict"])
def test_batches_of_any_shape_reach_the_step_on_the_device(batch):
    seen = []
    model = nn.Linear(3, 1)

    def step(b, state):
        seen.append(b)
        return {"loss": 0.0}

    fit(model, step, [batch], optimizers=torch.optim.SGD(model.parameters(), lr=0.1), steps=1, device="cpu",
        progress=False)
    (got,) = seen
    if isinstance(batch, dict):
        assert set(got) == {"image", "label", "meta"} and got["meta"]["mask"].device.type == "cpu"
        assert got["label"].dtype == torch.long
    elif isinstance(batch, tuple):
        assert isinstance(got, tuple) and len(got) == 2
    else:
        assert torch.equal(got, batch)


def test_precision_choices_for_cuda_and_cpu():
    cuda, cpu = torch.device("cuda"), torch.device("cpu")
    assert precision(True, cuda) == precision("float16", cuda) == precision("auto", cuda) == torch.float16
    assert precision("bfloat16", cuda) == precision("bfloat16", cpu) == torch.bfloat16
    assert precision(False, cuda) is None and precision("auto", cpu) is None and precision(False, cpu) is None
    with pytest.raises(ValueError, match="needs a CUDA GPU"):
        precision("float16", cpu)
    with pytest.raises(ValueError, match="CUDA or the CPU"):
        precision("bfloat16", torch.device("meta"))
    with pytest.raises(ValueError, match="must be True, False"):
        precision(1, cpu)


def test_bfloat16_autocast_on_cpu_is_opt_in_and_has_no_scaler():
    model = nn.Linear(3, 1)
    dtypes = []

    def step(batch, state):
        assert state.scaler is None
        with state.autocast():
            out = state.models["model"](batch[0])
        dtypes.append(out.dtype)
        loss = nn.functional.mse_loss(out.float(), batch[1])
        state.optimize(loss, clip=0.5)
        return {"loss": loss}

    data = infinite_batches(torch.randn(16, 3), torch.randn(16, 1), batch_size=4)
    fit(model, step, data, optimizers=torch.optim.SGD(model.parameters(), lr=0.1), steps=3, device="cpu",
        progress=False, mixed_precision="bfloat16")
    fit(model, step, data, optimizers=torch.optim.SGD(model.parameters(), lr=0.1), steps=1, device="cpu",
        progress=False)
    assert dtypes == [torch.bfloat16] * 3 + [torch.float32]


def test_gradient_clipping_bounds_the_update():
    model = nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        model.weight.fill_(0.0)
    state = TrainState(0, {"model": model}, {"opt": torch.optim.SGD(model.parameters(), lr=1.0)},
                       torch.device("cpu"), History())
    state.optimize((model(torch.full((1, 1), 1e6)) - 1e6).pow(2).mean(), clip=0.25)
    assert model.weight.item() == pytest.approx(0.25)  # one SGD step of a gradient clipped to norm 0.25

import math

import numpy as np
import pytest
import torch

from coursekit.models.toy_gan import (
    CONFIGS,
    Discriminator,
    Generator,
    ToyConfig,
    decision_surface,
    sample,
)
from coursekit.adversarial import make_gan_step
from coursekit.gan_training import train_toy_gan
from coursekit.ring import ModeReport, mode_report, ring_modes, sample_ring
from coursekit.train import Callback, History, TrainState


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# ---- the ring ----------------------------------------------------------------


def test_ring_modes_lie_evenly_on_the_circle():
    modes = ring_modes(8, 2.0)
    assert modes.shape == (8, 2)
    np.testing.assert_allclose(np.linalg.norm(modes, axis=1), 2.0)
    np.testing.assert_allclose(modes[0], [2.0, 0.0], atol=1e-12)
    gaps = np.linalg.norm(modes - np.roll(modes, 1, axis=0), axis=1)
    np.testing.assert_allclose(gaps, 2 * 2.0 * math.sin(math.pi / 8))


def test_sample_ring_shape_balance_and_determinism():
    points = sample_ring(1003, seed=3)
    assert points.shape == (1003, 2) and points.dtype == torch.float32
    nearest = np.linalg.norm(points.numpy()[:, None] - ring_modes()[None], axis=2).argmin(1)
    counts = np.bincount(nearest, minlength=8)
    assert counts.sum() == 1003 and counts.max() - counts.min() <= 1
    assert not np.array_equal(nearest[:50], np.sort(nearest[:50]))  # shuffled, not grouped by mode
    assert torch.equal(points, sample_ring(1003, seed=3))
    assert not torch.equal(points, sample_ring(1003, seed=4))
    radius = sample_ring(4000, k=4, radius=1.0, std=0.01).norm(dim=1)
    assert abs(float(radius.mean()) - 1.0) < 0.01


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "n"),
        ({"n": 2.5}, "n"),
        ({"n": 10, "k": 0}, "k"),
        ({"n": 10, "radius": -1.0}, "radius"),
        ({"n": 10, "std": 0.0}, "std"),
    ],
)
def test_sample_ring_bad_arguments(kwargs, match):
    n = kwargs.pop("n")
    with pytest.raises(ValueError, match=match):
        sample_ring(n, **kwargs)


# ---- mode_report -------------------------------------------------------------


def test_mode_report_on_the_modes_themselves():
    report = mode_report(np.repeat(ring_modes(), 250, axis=0))
    assert isinstance(report, ModeReport)
    assert report.modes_covered == 8 and report.high_quality == 1.0
    assert report.per_mode.tolist() == [250] * 8 and report.threshold == 20
    assert report.covered.all()
    assert "8/8" in str(report) and "모드" in str(report)


def test_mode_report_on_real_samples_and_on_two_modes():
    real = mode_report(sample_ring(2000, seed=1))
    assert real.modes_covered == 8 and real.high_quality > 0.97  # 1 - exp(-9/2) = 98.9% within 3 std in 2-D
    points = sample_ring(2000, seed=1).numpy()
    nearest = np.linalg.norm(points[:, None] - ring_modes()[None], axis=2).argmin(1)
    two = mode_report(torch.from_numpy(points[np.isin(nearest, [2, 5])]))
    assert two.modes_covered == 2 and two.covered.tolist() == [i in (2, 5) for i in range(8)]


def test_mode_report_far_points_and_the_coverage_threshold():
    far = mode_report(torch.full((100, 2), 10.0))
    assert far.high_quality == 0.0 and far.modes_covered == 0 and far.per_mode.sum() == 0
    centre = mode_report(np.zeros((50, 2)))  # the centre of the ring is far from every mode
    assert centre.high_quality == 0.0
    # 1,990 points on mode 0 and 10 on mode 1: 10 < 1% of 2,000, so mode 1 is not covered
    points = np.concatenate([np.repeat(ring_modes()[:1], 1990, axis=0), np.repeat(ring_modes()[1:2], 10, axis=0)])
    report = mode_report(points)
    assert report.high_quality == 1.0 and report.per_mode[:2].tolist() == [1990, 10] and report.modes_covered == 1
    assert mode_report(points, min_share=0.005).modes_covered == 2
    assert mode_report(ring_modes()[:3]).modes_covered == 3  # at least one sample is always needed
    just_outside = ring_modes()[:1] * (1 + 0.16 / 2.0)  # 0.16 from the mode: more than 3 * 0.05
    assert mode_report(just_outside).high_quality == 0.0
    assert mode_report(just_outside, within=4.0).high_quality == 1.0


@pytest.mark.parametrize(
    "samples, kwargs, match",
    [
        (np.zeros((10, 3)), {}, r"shape \(n, 2\)"),
        (np.zeros(10), {}, r"shape \(n, 2\)"),
        (np.zeros((0, 2)), {}, "empty"),
        (np.array([[0.0, np.nan]]), {}, "NaN"),
        (torch.tensor([[float("inf"), 0.0]]), {}, "NaN or infinite"),
        (np.zeros((4, 2)), {"within": 0}, "within"),
        (np.zeros((4, 2)), {"min_share": 1.5}, "min_share"),
        (np.zeros((4, 2)), {"std": -0.1}, "std"),
    ],
)
def test_mode_report_bad_input(samples, kwargs, match):
    with pytest.raises(ValueError, match=match):
        mode_report(samples, **kwargs)


# ---- the networks and the step function ------------------------------------------


def make_state(latent_dim=2, hidden=32, lr=1e-2):
    torch.manual_seed(0)
    G, D = Generator(latent_dim, hidden, 2), Discriminator(hidden, 2)
    optimizers = {
        "generator": torch.optim.Adam(G.parameters(), lr=lr),
        "discriminator": torch.optim.Adam(D.parameters(), lr=lr),
    }
    models = {"generator": G, "discriminator": D}
    return TrainState(0, models, optimizers, torch.device("cpu"), History())


def test_networks_shapes():
    assert Generator(latent_dim=5)(torch.randn(7, 5)).shape == (7, 2)
    assert Discriminator()(torch.randn(7, 2)).shape == (7,)
    assert sum(isinstance(m, torch.nn.Linear) for m in Generator(layers=3).modules()) == 4
    with pytest.raises(ValueError, match="latent_dim"):
        Generator(latent_dim=0)


@pytest.mark.parametrize(
    "loss, d_steps, r1_gamma", [("nonsaturating", 1, 0.0), ("minimax", 2, 0.0), ("nonsaturating", 1, 1.0)]
)
def test_gan_step_updates_both_networks(loss, d_steps, r1_gamma):
    state = make_state(latent_dim=3)
    before = {name: [p.detach().clone() for p in m.parameters()] for name, m in state.models.items()}
    step = make_gan_step(3, loss=loss, d_steps=d_steps, r1_gamma=r1_gamma)
    out = step((sample_ring(64),), state)
    assert set(out) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(isinstance(v, torch.Tensor) and v.numel() == 1 and torch.isfinite(v) for v in out.values())
    assert 0 <= float(out["d_real"]) <= 1 and 0 <= float(out["d_fake"]) <= 1
    assert float(out["g_loss"]) > 0 if loss == "nonsaturating" else float(out["g_loss"]) < 0
    for name, model in state.models.items():
        assert all(p.requires_grad for p in model.parameters())
        changed = [not torch.equal(a, b) for a, b in zip(before[name], model.parameters())]
        assert all(changed), f"{name} was not updated"
    step(sample_ring(64), state)  # a bare tensor works too


def test_gan_step_bad_arguments():
    with pytest.raises(ValueError, match="loss"):
        make_gan_step(2, loss="hinge")
    with pytest.raises(ValueError, match="d_steps"):
        make_gan_step(2, d_steps=0)
    with pytest.raises(ValueError, match="r1_gamma"):
        make_gan_step(2, r1_gamma=-1.0)


def test_sample_and_decision_surface():
    state = make_state()
    G, D = state.models["generator"], state.models["discriminator"]
    points = sample(G, 50, seed=1)
    assert points.shape == (50, 2) and not points.requires_grad
    assert torch.equal(points, sample(G, 50, seed=1)) and not torch.equal(points, sample(G, 50, seed=2))
    assert G.training  # the mode is restored
    xs, ys, probs = decision_surface(D, extent=2.5, n=30)
    assert xs.shape == ys.shape == (30,) and probs.shape == (30, 30)
    assert xs[0] == -2.5 and ys[-1] == 2.5
    assert probs.min() >= 0 and probs.max() <= 1 and np.isfinite(probs).all()
    x, y = xs[7], ys[19]  # probs[i, j] belongs to the point (xs[j], ys[i])
    expected = torch.sigmoid(D(torch.tensor([[x, y]], dtype=torch.float32))).item()
    assert probs[19, 7] == pytest.approx(expected, abs=1e-5)


# ---- configs and training -------------------------------------------------------


def test_configs_share_the_architecture_and_validate():
    covering, collapsing = CONFIGS["covering"], CONFIGS["collapsing"]
    differ = {k for k, v in covering.as_dict().items() if collapsing.as_dict()[k] != v}
    assert differ == {"lr_g"}
    assert covering.steps <= 3000
    with pytest.raises(ValueError, match="loss"):
        ToyConfig(loss="hinge")
    with pytest.raises(ValueError, match="betas"):
        ToyConfig(betas=(0.5, 1.0))
    with pytest.raises(ValueError, match="batch_size"):
        ToyConfig(batch_size=0)
    with pytest.raises(TypeError, match="ToyConfig"):
        train_toy_gan({"lr_g": 1e-3}, seed=0, steps=1)


def test_train_toy_gan_mechanics_and_determinism():
    config = CONFIGS["covering"].replace(hidden=16, batch_size=32, data_size=256)
    calls = []
    callback = Callback(lambda state: calls.append(state.step), every=5)
    G, D, history = train_toy_gan(config, seed=1, steps=12, callbacks=[callback])
    assert isinstance(G, Generator) and isinstance(D, Discriminator)
    assert history.steps == list(range(1, 13)) and set(history.losses) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert calls == [5, 10] and not G.training and not D.training
    G2, _, history2 = train_toy_gan(config, seed=1, steps=12)
    assert history2.losses == history.losses
    assert all(torch.equal(a, b) for a, b in zip(G.state_dict().values(), G2.state_dict().values()))
    G3, _, _ = train_toy_gan(config, seed=2, steps=12)
    assert not torch.equal(sample(G, 10), sample(G3, 10))


@pytest.mark.slow
def test_covering_config_spreads_over_the_ring():
    """A shortened run (700 of 2,000 steps, about 5 s): most modes already reached.
    The full quality bars are checked by benchmarks/bench_toy_gan.py."""
    G, _, _ = train_toy_gan(CONFIGS["covering"], seed=0, steps=700)
    report = mode_report(sample(G, 2000, seed=0))
    assert report.modes_covered >= 6, str(report)


# ---- the recorded runs (coursekit train toy-gan) ---------------------------------


def test_recorded_runs_keep_every_snapshot_and_the_history():
    from coursekit.recipes import toy_gan as recipe

    record, history = recipe.train_toy_gan_runs(steps=1000, seed=3)
    assert record.snapshot_steps == (500, 1000) and record.names == ("covering", "collapsing")
    G, _, live = train_toy_gan(CONFIGS["collapsing"], seed=3, steps=1000)
    recorded_G, recorded_D = record.snapshot("collapsing", 1000)
    for a, b in zip(recorded_G.parameters(), G.parameters()):
        assert torch.equal(a, b)  # the record is the run, not a rerun
    arrays = record.history("collapsing")
    assert len(arrays["step"]) == 1000 and arrays["step"][0] == 1
    np.testing.assert_allclose(arrays["d_loss"], live.losses["d_loss"], rtol=1e-6)
    early, _ = record.snapshot("covering", 500)
    late, _ = record.snapshot("covering", 1000)
    assert not torch.equal(next(early.parameters()), next(late.parameters()))
    assert history.steps_run == 1000


def test_recorded_runs_bad_input():
    from coursekit.models.toy_gan import ToyGanRuns
    from coursekit.recipes import toy_gan as recipe

    with pytest.raises(ValueError, match="multiple of 500"):
        recipe.train_toy_gan_runs(steps=750)
    with pytest.raises(ValueError, match="presets"):
        ToyGanRuns(("wobbly",))
    record = ToyGanRuns(("covering",), (500,))
    with pytest.raises(KeyError, match="no snapshot"):
        record.snapshot("covering", 1000)
    with pytest.raises(KeyError, match="no run"):
        record.history("collapsing")


def test_shipped_record_reaches_what_its_manifest_says():
    from coursekit.checkpoints import read_manifest
    from coursekit.recipes import toy_gan as recipe

    record = recipe.load()
    measured = recipe.evaluate(record)
    manifest = read_manifest(recipe.NAME)
    assert manifest["command"] == recipe.COMMAND
    assert measured["covering_modes"] == 8 and measured["collapsing_modes"] <= 3
    for key, value in manifest["metrics"].items():
        assert measured[key] == pytest.approx(value, abs=2e-3), key

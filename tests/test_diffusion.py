"""coursekit.diffusion: the process math, checked against diffusers' schedulers and against exact answers."""

import numpy as np
import pytest
import torch

from coursekit import diffusion as dif

diffusers = pytest.importorskip("diffusers")

T = 1000
ATOL = 2e-5


def ddpm_scheduler(schedule="linear", prediction="epsilon", clip=False):
    return diffusers.DDPMScheduler(num_train_timesteps=T, beta_schedule=schedule, prediction_type=prediction,
                                   clip_sample=clip)


def ddim_scheduler(schedule="linear", prediction="epsilon", clip=False, spacing="leading"):
    return diffusers.DDIMScheduler(num_train_timesteps=T, beta_schedule=schedule, prediction_type=prediction,
                                   clip_sample=clip, timestep_spacing=spacing)


def in_float64(scheduler, ours):
    """diffusers' step formulas on our ᾱ in float64. Its float32 ᾱ differ from ours by ~1e-7 (tested
    apart), which 1 − ᾱ_t/ᾱ_{t-1} ≈ 1e-4 at t = 1 magnifies to ~1e-3: a rounding gap, not a formula gap."""
    scheduler.alphas_cumprod = ours.alpha_bars.clone()
    scheduler.one = scheduler.final_alpha_cumprod = torch.tensor(1.0, dtype=torch.float64)
    return scheduler


OURS = {"linear": dif.linear_schedule, "squaredcos_cap_v2": dif.cosine_schedule}
KIND = {"epsilon": "epsilon", "sample": "sample", "v_prediction": "v"}


def batch(seed, n=4):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 1, 8, 8, generator=g), torch.randn(n, 1, 8, 8, generator=g)


# --- schedules -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["linear", "squaredcos_cap_v2"])
def test_schedules_equal_diffusers(name):
    ours, theirs = OURS[name](T), ddpm_scheduler(name)
    assert torch.allclose(ours.betas, theirs.betas.double(), atol=1e-7)
    assert torch.allclose(ours.alpha_bars, theirs.alphas_cumprod.double(), atol=1e-6)


def test_schedule_shapes_and_endpoints():
    linear, cosine = dif.linear_schedule(), dif.cosine_schedule()
    assert linear.num_steps == cosine.num_steps == 1000
    assert float(linear.betas[0]) == pytest.approx(1e-4) and float(linear.betas[-1]) == pytest.approx(0.02)
    assert float(linear.alpha_bars[-1]) < 1e-4  # x_T is almost pure noise
    assert bool((linear.alpha_bars.diff() < 0).all()) and bool((linear.snr.diff() < 0).all())
    # the cosine schedule keeps more signal in the middle steps
    assert float(cosine.alpha_bars[500]) > 2 * float(linear.alpha_bars[500])
    assert float(linear.alpha_bar(-1)) == 1.0 and linear.alpha_bar(torch.tensor([0, 999])).shape == (2,)
    assert "linear" in repr(linear)


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: dif.linear_schedule(1), "num_steps"),
        (lambda: dif.linear_schedule(10, beta_start=0.1, beta_end=0.01), "beta_start"),
        (lambda: dif.cosine_schedule(10, max_beta=1.0), "max_beta"),
        (lambda: dif.NoiseSchedule(torch.tensor([0.1, 1.0])), "(0, 1)"),
        (lambda: dif.NoiseSchedule(torch.tensor([[0.1, 0.2]])), "1-D"),
        (lambda: dif.linear_schedule(10).alpha_bar(10), "[-1, 9]"),
        (lambda: dif.linear_schedule(10).alpha_bar(torch.tensor(0.5)), "integer"),
    ],
)
def test_schedule_bad_input(build, message):
    with pytest.raises((ValueError, TypeError), match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        build()


# --- forward process -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["linear", "squaredcos_cap_v2"])
def test_q_sample_equals_add_noise(name):
    x0, noise = batch(0)
    t = torch.tensor([0, 10, 500, 999])
    ours = dif.q_sample(OURS[name](T), x0, t, noise)
    assert torch.allclose(ours, ddpm_scheduler(name).add_noise(x0, noise, t), atol=ATOL)
    assert ours.dtype == x0.dtype


def test_q_sample_scalar_step_and_its_statistics():
    schedule = dif.linear_schedule()
    x0 = torch.full((20000, 1), 0.5)
    xt = dif.q_sample(schedule, x0, 300, torch.randn(20000, 1, generator=torch.Generator().manual_seed(1)))
    a = float(schedule.alpha_bars[300])
    assert float(xt.mean()) == pytest.approx(0.5 * a**0.5, abs=0.02)
    assert float(xt.std()) == pytest.approx((1 - a) ** 0.5, abs=0.02)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda s, x: dif.q_sample(s, x, 0, x[:1]), "shape of x0"),
        (lambda s, x: dif.q_sample(s, x, torch.tensor([0, 1]), x), "one per image"),
        (lambda s, x: dif.q_sample(s, x, -1, x), ">= 0"),
        (lambda s, x: dif.q_sample(s, x, 1000, x), r"\[-1, 999\]"),
        (lambda s, x: dif.q_sample(s, x.long(), 0, x), "floating-point"),
        (lambda s, x: dif.q_sample("linear", x, 0, x), "NoiseSchedule"),
        (lambda s, x: dif.posterior(s, x, x, 5, 5), "before t"),
    ],
)
def test_forward_bad_input(call, message):
    with pytest.raises((ValueError, TypeError), match=message):
        call(dif.linear_schedule(), batch(0)[0])


def test_posterior_variance_equals_diffusers_and_mean_is_exact_for_known_x0():
    schedule = dif.linear_schedule()
    theirs = in_float64(ddpm_scheduler(), schedule)
    x0, noise = batch(3)
    for t in (1, 50, 999):
        xt = dif.q_sample(schedule, x0, t, noise)
        mean, var = dif.posterior(schedule, x0, xt, t)
        assert float(var.flatten()[0]) == pytest.approx(float(theirs._get_variance(t)), rel=1e-6)
        # DDPM's step with the true noise and no added noise is the posterior mean
        step = theirs.step(noise, t, xt, generator=torch.Generator().manual_seed(0)).prev_sample
        drawn = torch.randn(xt.shape, generator=torch.Generator().manual_seed(0))
        assert torch.allclose(mean + var.sqrt() * drawn, step.float(), atol=ATOL)


# --- predictions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("prediction", dif.PREDICTIONS)
def test_every_prediction_type_gives_back_x0_and_the_noise(prediction):
    schedule = dif.cosine_schedule()
    x0, noise = batch(4)
    t = torch.tensor([1, 100, 600, 990])
    xt = dif.q_sample(schedule, x0, t, noise)
    target = dif.training_target(schedule, x0, noise, t, prediction)
    x0_hat, eps_hat = dif.split_prediction(schedule, target, xt, t, prediction)
    assert torch.allclose(x0_hat, x0, atol=1e-3) and torch.allclose(eps_hat, noise, atol=1e-3)


def test_v_target_equals_diffusers_velocity_and_bad_kind_is_refused():
    x0, noise = batch(5)
    t = torch.tensor([3, 30, 300, 900])
    ours = dif.training_target(dif.linear_schedule(), x0, noise, t, "v")
    assert torch.allclose(ours, ddpm_scheduler().get_velocity(x0, noise, t), atol=ATOL)
    with pytest.raises(ValueError, match="prediction must be one of"):
        dif.training_target(dif.linear_schedule(), x0, noise, t, "v_prediction")
    with pytest.raises(ValueError, match="shape of x_t"):
        dif.split_prediction(dif.linear_schedule(), x0[:2], x0, t[:1])


# --- steps against diffusers -----------------------------------------------------------------------


@pytest.mark.parametrize("theirs_kind", ["epsilon", "sample", "v_prediction"])
@pytest.mark.parametrize("clip", [False, True])
@pytest.mark.parametrize("name", ["linear", "squaredcos_cap_v2"])
def test_ddpm_step_equals_diffusers(theirs_kind, clip, name):
    schedule = OURS[name](T)
    theirs = in_float64(ddpm_scheduler(name, theirs_kind, clip), schedule)
    for seed, t in enumerate((999, 500, 37, 1, 0)):
        output, xt = batch(10 + seed)
        out = theirs.step(output, t, xt, generator=torch.Generator().manual_seed(seed))
        noise = torch.randn(xt.shape, generator=torch.Generator().manual_seed(seed))
        x_prev, x0 = dif.ddpm_step(schedule, output, xt, t, noise=noise, prediction=KIND[theirs_kind],
                                   clip=1.0 if clip else None)
        assert torch.allclose(x0, out.pred_original_sample.float(), atol=ATOL)
        assert torch.allclose(x_prev, out.prev_sample.float(), atol=ATOL), (t, (x_prev - out.prev_sample).abs().max())


@pytest.mark.parametrize("eta", [0.0, 1.0, 0.5])
@pytest.mark.parametrize("spacing, steps", [("leading", 50), ("trailing", 50), ("leading", 20), ("trailing", 10)])
@pytest.mark.parametrize("theirs_kind, clip, clipped_eps", [("epsilon", False, True), ("epsilon", True, False),
                                                           ("epsilon", True, True), ("v_prediction", True, True)])
def test_ddim_steps_equal_diffusers(eta, spacing, steps, theirs_kind, clip, clipped_eps):
    theirs = ddim_scheduler("linear", theirs_kind, clip, spacing)
    theirs.set_timesteps(steps)
    plan = dif.timesteps(T, steps, spacing)
    assert plan == theirs.timesteps.tolist()
    schedule = dif.linear_schedule(T)
    in_float64(theirs, schedule)
    for i in (0, len(plan) // 2, len(plan) - 1):
        t, t_prev = plan[i], (plan[i + 1] if i + 1 < len(plan) else -1)
        output, xt = batch(100 + i)
        noise = torch.randn(xt.shape, generator=torch.Generator().manual_seed(i))
        out = theirs.step(output, t, xt, eta=eta, variance_noise=noise, use_clipped_model_output=clipped_eps)
        x_prev, _ = dif.ddim_step(schedule, output, xt, t, t_prev, eta=eta, noise=noise if eta else None,
                                  prediction=KIND[theirs_kind], clip=1.0 if clip else None, clipped_eps=clipped_eps)
        assert torch.allclose(x_prev, out.prev_sample.float(), atol=ATOL), (t, (x_prev - out.prev_sample).abs().max())


def test_timesteps_as_the_issue_states_them():
    assert dif.timesteps(1000, 50)[:2] == [980, 960] and dif.timesteps(1000, 50)[-1] == 0
    assert dif.timesteps(1000, 50, "trailing")[:2] == [999, 979] and dif.timesteps(1000, 50, "trailing")[-1] == 19
    assert dif.timesteps(1000, 1000) == list(range(999, -1, -1))
    for bad, message in (((1000, 0), "steps"), ((10, 20), "exceed"), ((1000, 10, "linspace"), "spacing")):
        with pytest.raises(ValueError, match=message):
            dif.timesteps(*bad)


def test_step_bad_input():
    schedule, (output, xt) = dif.linear_schedule(), batch(0)
    with pytest.raises(ValueError, match="noise is needed"):
        dif.ddpm_step(schedule, output, xt, 10)
    with pytest.raises(ValueError, match="noise is needed"):
        dif.ddim_step(schedule, output, xt, 10, 0, eta=1.0)
    with pytest.raises(ValueError, match="below t"):
        dif.ddim_step(schedule, output, xt, 10, 10)
    with pytest.raises(ValueError, match=r"\[0, 999\]"):
        dif.ddpm_step(schedule, output, xt, 1000)
    with pytest.raises(ValueError, match="eta"):
        dif.ddim_step(schedule, output, xt, 10, 0, eta=-1)
    with pytest.raises(ValueError, match="clip"):
        dif.ddim_step(schedule, output, xt, 10, 0, clip=0)
    with pytest.raises(TypeError, match="int step"):
        dif.ddim_step(schedule, output, xt, 10.0, 0)
    with pytest.raises(ValueError, match="shape of x_t"):
        dif.ddpm_step(schedule, output, xt, 10, noise=xt[:1])


# --- the sampling loop with an exact denoiser --------------------------------------------------------


def oracle(schedule, target):
    """The exact ε for data that is one image: ε = (x_t − √ᾱ·x_0)/√(1 − ᾱ)."""

    def model(x, t):
        assert t.dtype == torch.long and t.shape == (len(x),)
        a = dif.on(dif.at_step(schedule, t, x), x)
        return (x - a.sqrt() * target) / (1 - a).sqrt()

    return model


@pytest.mark.parametrize("sampler, steps, eta", [("ddpm", None, 0.0), ("ddim", 10, 0.0), ("ddim", 20, 1.0),
                                                 ("ddpm", 25, 0.0)])
def test_sample_reaches_the_data_with_an_exact_denoiser(sampler, steps, eta):
    schedule = dif.cosine_schedule()
    target = torch.linspace(-0.9, 0.9, 16).reshape(1, 1, 4, 4)
    x = dif.sample(oracle(schedule, target), (3, 1, 4, 4), schedule, steps=steps, sampler=sampler, eta=eta, seed=0)
    assert torch.allclose(x, target.expand(3, -1, -1, -1), atol=1e-4)


def test_sample_is_fixed_by_its_seed_and_starts_where_told():
    schedule = dif.linear_schedule()
    target = torch.zeros(1, 1, 4, 4)

    def wrong(x, t):  # a poor denoiser, so that the noise matters
        return 0.5 * oracle(schedule, target)(x, t)

    a = dif.sample(wrong, (2, 1, 4, 4), schedule, steps=10, eta=1.0, seed=7)
    b = dif.sample(wrong, (2, 1, 4, 4), schedule, steps=10, eta=1.0, seed=7)
    c = dif.sample(wrong, (2, 1, 4, 4), schedule, steps=10, eta=1.0, seed=8)
    assert torch.equal(a, b) and not torch.allclose(a, c)
    seen = []
    dif.sample(wrong, (2, 1, 4, 4), schedule, steps=10, x_start=torch.zeros(2, 1, 4, 4), start_step=450,
               after_step=lambda t_prev, x, x0: seen.append(t_prev))
    assert seen == [300, 200, 100, 0, -1]
    kept = dif.sample(wrong, (2, 1, 4, 4), schedule, steps=10, after_step=lambda t_prev, x, x0: torch.ones_like(x))
    assert torch.equal(kept, torch.ones(2, 1, 4, 4))


def test_sample_bad_input():
    schedule = dif.linear_schedule()
    model = oracle(schedule, torch.zeros(1, 1, 2, 2))
    with pytest.raises(ValueError, match="sampler"):
        dif.sample(model, (1, 1, 2, 2), schedule, sampler="euler")
    with pytest.raises(TypeError, match="callable"):
        dif.sample("unet", (1, 1, 2, 2), schedule)
    with pytest.raises(ValueError, match="x_start must have shape"):
        dif.sample(model, (1, 1, 2, 2), schedule, x_start=torch.zeros(2, 1, 2, 2), start_step=10)
    with pytest.raises(ValueError, match="start_step"):
        dif.sample(model, (1, 1, 2, 2), schedule, steps=10, start_step=-5)


# --- guidance --------------------------------------------------------------------------------------


def test_guide_endpoints_and_extrapolation():
    cond, ref = torch.tensor([1.0, 2.0]), torch.tensor([0.0, 1.0])
    assert torch.equal(dif.guide(cond, ref, 0), ref) and torch.equal(dif.guide(cond, ref, 1), cond)
    assert torch.allclose(dif.guide(cond, ref, 3), torch.tensor([3.0, 4.0]))
    with pytest.raises(ValueError, match="shape"):
        dif.guide(cond, ref[:1], 2)
    with pytest.raises(TypeError, match="scale"):
        dif.guide(cond, ref, "7")


def test_guided_model_batches_prompt_and_negative_prompt_in_one_call():
    calls = []

    def net(x, t, labels):
        calls.append(labels.tolist())
        return x + labels.float().reshape(-1, 1, 1, 1)

    x, t = torch.zeros(2, 1, 2, 2), torch.tensor([5, 5])
    plain = dif.guided_model(net, 7, scale=2.0, null_label=10)(x, t)
    assert calls[-1] == [7, 7, 10, 10] and torch.allclose(plain, torch.full_like(x, 10 + 2 * (7 - 10)))
    negative = dif.guided_model(net, 7, scale=3.0, negative=1, null_label=10)(x, t)
    assert calls[-1] == [7, 7, 1, 1] and torch.allclose(negative, torch.full_like(x, 1 + 3 * 6))
    dif.guided_model(net, torch.tensor([3, 4]), scale=1.0, null_label=10)(x, t)
    assert calls[-1] == [3, 4]  # scale 1 needs no reference
    with pytest.raises(ValueError, match="one per image"):
        dif.guided_model(net, torch.tensor([1, 2, 3]), scale=2.0, null_label=10)(x, t)
    with pytest.raises(ValueError, match="int class"):
        dif.guided_model(net, 1.5, scale=2.0, null_label=10)(x, t)


def test_sample_clipped_eps_matters_only_when_the_clip_bites():
    schedule = dif.cosine_schedule()
    target = torch.full((1, 1, 4, 4), 0.5)

    def overshooting(x, t):  # predicts an x0 of 3: outside [-1, 1], so the clip changes it every step
        return oracle(schedule, 6 * target)(x, t)

    paths = {}
    for clipped in (True, False):
        paths[clipped] = []
        dif.sample(overshooting, (2, 1, 4, 4), schedule, steps=10, seed=0, clipped_eps=clipped,
                   after_step=lambda t_prev, x, x0, path=paths[clipped]: path.append(x.clone()))
    assert not torch.allclose(paths[True][0], paths[False][0])  # the first step already differs
    inside = oracle(schedule, target)
    torch.testing.assert_close(dif.sample(inside, (2, 1, 4, 4), schedule, steps=10, seed=0),
                               dif.sample(inside, (2, 1, 4, 4), schedule, steps=10, seed=0, clipped_eps=False))
    with pytest.raises(TypeError, match="clipped_eps"):
        dif.sample(inside, (2, 1, 4, 4), schedule, steps=10, clipped_eps="yes")

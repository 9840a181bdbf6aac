"""coursekit.adversarial: GAN losses, R1 and the shared step (the EMA: tests/test_ema.py)."""

import math

import pytest
import torch
from torch import nn

from coursekit import adversarial
from coursekit.adversarial import (
    discriminator_loss,
    generator_loss,
    make_gan_step,
    r1_penalty,
)
from coursekit.ema import ema_copy
from coursekit.train import fit, infinite_batches

LOG2 = math.log(2.0)


def test_discriminator_loss_on_hand_computed_logits():
    zero = torch.zeros(4)
    assert float(discriminator_loss(zero, zero)) == pytest.approx(2 * LOG2)  # D = 1/2 everywhere
    real, fake = torch.tensor([2.0, 0.0]), torch.tensor([-1.0, 3.0])
    sigmoid = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    # -mean log D(real) - mean log(1 - D(fake))
    expected = -(math.log(sigmoid(2)) + math.log(0.5)) / 2 - (math.log(1 - sigmoid(-1)) + math.log(1 - sigmoid(3))) / 2
    assert float(discriminator_loss(real, fake)) == pytest.approx(expected, rel=1e-6)
    bce = nn.functional.binary_cross_entropy_with_logits
    assert float(discriminator_loss(real, fake)) == pytest.approx(
        float(bce(real, torch.ones(2)) + bce(fake, torch.zeros(2))), rel=1e-6)
    # a perfect discriminator has (almost) no loss, and huge logits do not overflow
    assert float(discriminator_loss(torch.tensor([100.0]), torch.tensor([-100.0]))) < 1e-6
    assert math.isfinite(float(discriminator_loss(torch.tensor([-1e4]), torch.tensor([1e4]))))


def test_generator_losses_on_hand_computed_logits():
    logits = torch.tensor([0.0, 2.0])
    d = torch.sigmoid(logits)
    assert float(generator_loss(logits, "nonsaturating")) == pytest.approx(float(-torch.log(d).mean()), rel=1e-6)
    assert float(generator_loss(logits, "minimax")) == pytest.approx(float(torch.log(1 - d).mean()), rel=1e-6)
    assert float(generator_loss(torch.zeros(3))) == pytest.approx(LOG2)  # nonsaturating is the default
    assert float(generator_loss(torch.zeros(3), "minimax")) == pytest.approx(-LOG2)


def _grad_of(kind: str, logit: float) -> float:
    x = torch.tensor([logit], requires_grad=True)
    generator_loss(x, kind).backward()
    return float(x.grad)


def test_minimax_gradient_vanishes_when_d_rejects_fakes_nonsaturating_does_not():
    # D confidently rejects the fakes: D(G(z)) = sigmoid(-10) ≈ 4.5e-5
    minimax, nonsaturating = _grad_of("minimax", -10.0), _grad_of("nonsaturating", -10.0)
    assert abs(minimax) < 1e-4  # d/dl log(1 - sigmoid(l)) = -sigmoid(l) ≈ 0: G learns nothing
    assert nonsaturating == pytest.approx(-1.0, abs=1e-4)  # -(1 - sigmoid(l)) ≈ -1: a full-size push
    # when D is fooled (D ≈ 1) it is the other way round; both point the same way (raise the logit)
    assert _grad_of("minimax", 10.0) == pytest.approx(-1.0, abs=1e-4)
    assert abs(_grad_of("nonsaturating", 10.0)) < 1e-4
    assert _grad_of("minimax", 0.0) == pytest.approx(_grad_of("nonsaturating", 0.0))  # both -1/2 at D = 1/2


def test_loss_bad_input():
    with pytest.raises(ValueError, match="kind must be one of"):
        generator_loss(torch.zeros(2), "wasserstein")
    with pytest.raises(TypeError, match="tensor"):
        discriminator_loss([0.0], torch.zeros(1))
    with pytest.raises(ValueError, match="empty"):
        generator_loss(torch.zeros(0))
    with pytest.raises(TypeError, match="floating point"):
        discriminator_loss(torch.zeros(2, dtype=torch.long), torch.zeros(2))


class _Constant(nn.Module):
    def __init__(self):
        super().__init__()
        self.bias = nn.Parameter(torch.tensor(1.5))

    def forward(self, x):
        return self.bias + 0 * x.flatten(1).sum(1)


def test_r1_penalty_is_zero_for_a_constant_d_and_matches_the_gradient_norm_otherwise():
    real = torch.randn(8, 2)
    assert float(r1_penalty(_Constant(), real)) == 0.0
    linear = nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[3.0, 4.0]]))
    d = lambda x: linear(x).squeeze(1)  # noqa: E731  |∇_x D|² = 3² + 4² = 25 at every point
    model = nn.Module()
    model.forward = d
    penalty = r1_penalty(model, real)
    assert float(penalty.detach()) == pytest.approx(25.0)
    penalty.backward()  # differentiable: the penalty trains D's weights towards a flat D
    assert torch.allclose(linear.weight.grad, 2 * linear.weight.detach())
    assert real.grad is None  # the caller's tensor is left alone
    images = torch.rand(4, 1, 28, 28)
    conv = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.LazyLinear(1))
    conv(images)
    assert float(r1_penalty(conv, images).detach()) > 0
    with pytest.raises(ValueError, match="real"):
        r1_penalty(conv, torch.zeros(0, 1, 28, 28))
    with pytest.raises(TypeError, match="Module"):
        r1_penalty(d, real)


def _toy_models():
    torch.manual_seed(0)
    generator = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 2))
    discriminator = nn.Sequential(nn.Linear(2, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1), nn.Flatten(0))
    return generator, discriminator


@pytest.mark.parametrize("options", [{}, {"loss": "minimax", "r1_gamma": 1.0, "d_steps": 2}, {"ema": 0.99}])
def test_one_gan_step_changes_both_models_and_returns_finite_values(options):
    generator, discriminator = _toy_models()
    models = {"generator": generator, "discriminator": discriminator}
    if "ema" in options:
        models["generator_ema"] = ema_copy(generator)
    before = {name: [p.detach().clone() for p in m.parameters()] for name, m in models.items()}
    optimizers = {n: torch.optim.Adam(models[n].parameters(), 1e-2) for n in ("generator", "discriminator")}
    points = torch.randn(64, 2)
    history = fit(models, make_gan_step(3, **options), infinite_batches(points, batch_size=32),  # 1-tuples
                  optimizers=optimizers, steps=1, progress=False, device="cpu")
    assert set(history.losses) == {"d_loss", "g_loss", "d_real", "d_fake"}
    assert all(math.isfinite(v[-1]) for v in history.losses.values())
    assert 0 < history.losses["d_real"][-1] < 1 and 0 < history.losses["d_fake"][-1] < 1
    for name, model in models.items():
        changed = any(not torch.equal(a, b) for a, b in zip(before[name], model.parameters()))
        assert changed, f"{name} did not change"
    assert all(p.requires_grad for p in discriminator.parameters())  # unfrozen after the G step


def test_gan_step_takes_a_plain_tensor_batch_and_images():
    from coursekit.models.gan import Discriminator, Generator

    torch.manual_seed(0)
    generator, discriminator = Generator(8, 4), Discriminator(4)
    optimizers = {"generator": torch.optim.Adam(generator.parameters()),
                  "discriminator": torch.optim.Adam(discriminator.parameters())}
    step = make_gan_step(8, r1_gamma=0.1, r1_every=2)
    images = (torch.rand(16, 1, 28, 28) * 2 - 1,)
    history = fit({"generator": generator, "discriminator": discriminator}, step, iter([images[0]] * 3),
                  optimizers=optimizers, steps=3, progress=False, device="cpu")
    assert history.steps_run == 3 and all(math.isfinite(v) for v in history.losses["d_loss"])


def test_make_gan_step_bad_input():
    with pytest.raises(ValueError, match="latent_dim"):
        make_gan_step(0)
    with pytest.raises(ValueError, match="loss"):
        make_gan_step(2, loss="hinge")
    with pytest.raises(ValueError, match="r1_gamma"):
        make_gan_step(2, r1_gamma=-1)
    with pytest.raises(ValueError, match="d_steps"):
        make_gan_step(2, d_steps=0)
    with pytest.raises(ValueError, match="ema"):
        make_gan_step(2, ema=1.0)
    generator, discriminator = _toy_models()
    optimizers = {n: torch.optim.SGD(m.parameters(), 0.1) for n, m in (("generator", generator),
                                                                         ("discriminator", discriminator))}
    with pytest.raises(KeyError, match="generator_ema"):
        fit({"generator": generator, "discriminator": discriminator}, make_gan_step(3, ema=0.9),
            [torch.randn(4, 2)], optimizers=optimizers, steps=1, progress=False, device="cpu")
    with pytest.raises(KeyError, match="'generator' and 'discriminator'"):
        fit({"generator": generator, "critic": discriminator}, make_gan_step(3), [torch.randn(4, 2)],
            optimizers={"generator": optimizers["generator"]}, steps=1, progress=False, device="cpu")
    with pytest.raises(TypeError, match="GAN batch"):
        fit({"generator": generator, "discriminator": discriminator}, make_gan_step(3), [("text",)],
            optimizers=optimizers, steps=1, progress=False, device="cpu")

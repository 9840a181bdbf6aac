"""coursekit.elbo and coursekit.vae_training: the VAE objective from its formulas, and its training step."""

import math

import pytest
import torch

from coursekit.elbo import autoencoder_step, gaussian_kl, make_vae_step, reconstruction_nll, reparameterize, vae_loss
from coursekit.models.vae import VAE, Autoencoder
from coursekit.train import fit, infinite_batches
from coursekit.vae_training import kl_weight, make_warmup_vae_step, train_autoencoder


def test_reparameterize_is_mu_plus_sigma_eps_and_carries_gradients():
    mu = torch.tensor([[1.0, -2.0]], requires_grad=True)
    log_var = torch.tensor([[0.0, math.log(4.0)]], requires_grad=True)
    z = reparameterize(mu, log_var, generator=torch.Generator().manual_seed(0))
    eps = torch.randn(1, 2, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(z, mu + torch.tensor([[1.0, 2.0]]) * eps)
    z.sum().backward()
    torch.testing.assert_close(mu.grad, torch.ones(1, 2))
    torch.testing.assert_close(log_var.grad, 0.5 * torch.tensor([[1.0, 2.0]]) * eps)
    # the same draw without the trick has no path back to mu or sigma
    plain = torch.normal(mu.detach(), torch.exp(0.5 * log_var.detach()))
    assert not plain.requires_grad


def test_reparameterize_sample_statistics_and_bad_input():
    mu, log_var = torch.full((20000, 1), 3.0), torch.full((20000, 1), math.log(0.25))
    z = reparameterize(mu, log_var, generator=torch.Generator().manual_seed(1))
    assert abs(z.mean().item() - 3.0) < 0.02 and abs(z.std().item() - 0.5) < 0.02
    with pytest.raises(ValueError, match="same shape"):
        reparameterize(torch.zeros(2, 3), torch.zeros(2, 2))
    with pytest.raises(TypeError, match="floating"):
        reparameterize(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="batched"):
        reparameterize(torch.zeros(3), torch.zeros(3))
    with pytest.raises(TypeError, match="tensor"):
        reparameterize([[0.0]], torch.zeros(1, 1))


def test_gaussian_kl_matches_torch_distributions_and_is_zero_at_the_prior():
    g = torch.Generator().manual_seed(0)
    mu, log_var = torch.randn(6, 4, generator=g), torch.randn(6, 4, generator=g)
    q = torch.distributions.Normal(mu, torch.exp(0.5 * log_var))
    p = torch.distributions.Normal(torch.zeros(6, 4), torch.ones(6, 4))
    torch.testing.assert_close(gaussian_kl(mu, log_var), torch.distributions.kl_divergence(q, p).sum(1))
    assert torch.equal(gaussian_kl(torch.zeros(3, 5), torch.zeros(3, 5)), torch.zeros(3))
    spatial = gaussian_kl(torch.ones(2, 4, 7, 7), torch.zeros(2, 4, 7, 7))
    torch.testing.assert_close(spatial, torch.full((2,), 0.5 * 4 * 49))  # summed over channels and positions
    with pytest.raises(ValueError, match="same shape"):
        gaussian_kl(torch.zeros(2, 2), torch.zeros(2, 3))


def test_reconstruction_nll_bernoulli_and_gaussian_in_nats():
    target = torch.tensor([[0.0, 1.0, 0.5]])
    logits = torch.tensor([[0.0, 0.0, 0.0]])
    torch.testing.assert_close(reconstruction_nll(logits, target), torch.tensor([3 * math.log(2)]))
    mean = torch.tensor([[0.0, 0.5, 0.5]])
    sigma = 0.5
    expected = sum(0.5 * ((t - m) / sigma) ** 2 + math.log(sigma) + 0.5 * math.log(2 * math.pi)
                   for t, m in zip(target[0].tolist(), mean[0].tolist()))
    torch.testing.assert_close(reconstruction_nll(mean, target, "gaussian", sigma=sigma), torch.tensor([expected]))
    with pytest.raises(ValueError, match="likelihood"):
        reconstruction_nll(logits, target, "poisson")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        reconstruction_nll(logits, target * 255)
    with pytest.raises(ValueError, match="sigma"):
        reconstruction_nll(mean, target, "gaussian", sigma=0)
    with pytest.raises(ValueError, match="same shape"):
        reconstruction_nll(logits, target[:, :2])


def test_vae_loss_parts_and_beta():
    torch.manual_seed(0)
    model, images = VAE(2, (16,)), torch.rand(5, 1, 28, 28)
    one = vae_loss(model, images, generator=torch.Generator().manual_seed(0))
    four = vae_loss(model, images, beta=4.0, generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(one["loss"], one["nll"] + one["kl"])
    torch.testing.assert_close(four["loss"], four["nll"] + 4 * four["kl"])
    torch.testing.assert_close(four["neg_elbo"], one["neg_elbo"])
    with pytest.raises(ValueError, match="beta"):
        vae_loss(model, images, beta=-1)


def test_vae_and_autoencoder_steps_lower_their_losses():
    torch.manual_seed(0)
    images = (torch.rand(64, 1, 28, 28) > 0.7).float()
    for model, step, key in ((VAE(2, (32,)), make_vae_step(1.0), "loss"), (Autoencoder(2, (32,)), autoencoder_step, "nll")):
        history = fit(model, step, infinite_batches(images, batch_size=32), optimizers=torch.optim.Adam(model.parameters(), 3e-3),
                      steps=60, progress=False)
        losses = history.losses[key]
        assert sum(losses[-5:]) < sum(losses[:5])
    with pytest.raises(ValueError, match="likelihood"):
        make_vae_step(1.0, "laplace")


def test_kl_warmup_and_train_autoencoder():
    assert kl_weight(0, 2.0, 10) == 0 and kl_weight(5, 2.0, 10) == 1.0 and kl_weight(50, 2.0, 10) == 2.0
    assert kl_weight(0, 2.0, 0) == 2.0
    with pytest.raises(ValueError, match="warmup"):
        make_warmup_vae_step(1.0, -1)
    images = torch.rand(64, 1, 28, 28)
    history = train_autoencoder(VAE(2, (16,)), images, {"batch_size": 16, "lr": 1e-3, "beta": 1.0, "warmup": 5}, steps=10)
    assert history.steps_run == 10 and set(history.losses) == {"loss", "nll", "kl", "neg_elbo"}
    history = train_autoencoder(Autoencoder(2, (16,)), images, {"batch_size": 16, "lr": 1e-3, "beta": None}, steps=4)
    assert set(history.losses) == {"nll"}

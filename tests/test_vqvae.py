"""coursekit.models.vqvae: the nearest-entry lookup, the straight-through gradient, the losses, the usage count."""

import math

import pytest
import torch

from coursekit.models.vqvae import VQVAE, VectorQuantizer, codebook_usage, vq_step
from coursekit.train import fit, infinite_batches


def test_quantizer_picks_the_nearest_entry_and_passes_gradients_straight_through():
    q = VectorQuantizer(3, 2)
    with torch.no_grad():
        q.codebook.weight.copy_(torch.tensor([[0.0, 0.0], [1.0, 1.0], [-2.0, 0.0]]))
    z_e = torch.tensor([[0.9, 1.2], [-1.5, 0.1], [0.1, -0.1]]).T.reshape(1, 2, 1, 3).requires_grad_(True)
    z_q, indices, losses = q(z_e)
    assert indices.tolist() == [[[1, 2, 0]]]
    torch.testing.assert_close(z_q, q.lookup(indices))
    (z_q * torch.arange(6.0).reshape(1, 2, 1, 3)).sum().backward()
    torch.testing.assert_close(z_e.grad, torch.arange(6.0).reshape(1, 2, 1, 3))  # identity gradient
    assert set(losses) == {"codebook", "commitment"}
    torch.testing.assert_close(losses["codebook"], losses["commitment"])
    with pytest.raises(ValueError, match=r"\(N, 2, H, W\)"):
        q(torch.zeros(1, 3, 2, 2))
    with pytest.raises(ValueError, match="codes"):
        VectorQuantizer(0, 2)
    with pytest.raises(ValueError, match="commitment"):
        VectorQuantizer(3, 2, commitment=-1)


def test_codebook_usage_and_perplexity():
    counts, perplexity = codebook_usage(torch.tensor([0, 0, 1, 1]), 4)
    assert counts.tolist() == [2, 2, 0, 0] and math.isclose(perplexity, 2.0, rel_tol=1e-6)
    assert math.isclose(codebook_usage(torch.arange(8), 8)[1], 8.0, rel_tol=1e-5)
    with pytest.raises(ValueError, match="beyond"):
        codebook_usage(torch.tensor([5]), 4)
    with pytest.raises(ValueError, match="integer"):
        codebook_usage(torch.tensor([0.5]), 4)


def test_vqvae_shapes_and_a_few_steps_lower_the_loss():
    torch.manual_seed(0)
    model = VQVAE(8, 4, 8)
    images = (torch.rand(32, 1, 28, 28) > 0.8).float()
    logits, indices, _ = model(images)
    assert logits.shape == (32, 1, 28, 28) and indices.shape == (32, 7, 7)
    assert model.reconstruct(images).shape == (32, 1, 28, 28) and model.training
    history = fit(model, vq_step, infinite_batches(images, batch_size=16), optimizers=torch.optim.Adam(model.parameters(), 3e-3),
                  steps=30, progress=False)
    assert sum(history.losses["nll"][-3:]) < sum(history.losses["nll"][:3])
    with pytest.raises(ValueError, match="28, 28"):
        model(torch.zeros(1, 1, 32, 32))

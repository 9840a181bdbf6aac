"""FaceShifter's AAD layer: shapes, the formulas term by term, and the mask's two limits."""

import pytest
import torch

from coursekit.models.aad import AADLayer, AEI_NET_LOSS_WEIGHTS, HEAR_NET_LOSS_WEIGHTS


@pytest.fixture
def layer():
    torch.manual_seed(0)
    return AADLayer(8, 4, 16)


def _inputs():
    g = torch.Generator().manual_seed(1)
    return torch.randn(2, 8, 6, 6, generator=g), torch.randn(2, 4, 6, 6, generator=g), torch.randn(2, 16, generator=g)


def test_shapes_and_the_formulas(layer):
    h, z_att, z_id = _inputs()
    parts = layer.parts(h, z_att, z_id)
    assert layer(h, z_att, z_id).shape == h.shape and parts["mask"].shape == (2, 1, 6, 6)
    h_bar = (h - h.mean((2, 3), keepdim=True)) / torch.sqrt(h.var((2, 3), unbiased=False, keepdim=True) + 1e-5)
    assert torch.allclose(parts["normalized"], h_bar, atol=1e-5)
    identity = layer.id_gamma(z_id)[..., None, None] * h_bar + layer.id_beta(z_id)[..., None, None]
    assert torch.allclose(parts["identity"], identity, atol=1e-5)
    m = parts["mask"]
    assert torch.allclose(parts["out"], (1 - m) * parts["attribute"] + m * parts["identity"])
    # the identity term is the same at every pixel up to h̄; the attribute term varies with z_att
    assert 0 < float(m.detach().min()) and float(m.detach().max()) < 1


@pytest.mark.parametrize("bias, expect", [(-50.0, "attribute"), (50.0, "identity")])
def test_the_mask_chooses_attributes_or_identity(layer, bias, expect):
    torch.nn.init.zeros_(layer.mask.weight)
    torch.nn.init.constant_(layer.mask.bias, bias)
    parts = layer.parts(*_inputs())
    assert torch.allclose(parts["out"], parts[expect], atol=1e-6)


def test_changing_the_identity_changes_only_what_the_mask_lets_through(layer):
    h, z_att, z_id = _inputs()
    torch.nn.init.zeros_(layer.mask.weight)
    torch.nn.init.constant_(layer.mask.bias, -50.0)
    assert torch.allclose(layer(h, z_att, z_id), layer(h, z_att, -z_id), atol=1e-6)


def test_loss_weights_are_the_papers():
    assert AEI_NET_LOSS_WEIGHTS == {"adversarial": 1, "attribute": 10, "identity": 5, "reconstruction": 10}
    assert set(HEAR_NET_LOSS_WEIGHTS.values()) == {1}


def test_bad_inputs_are_refused(layer):
    h, z_att, z_id = _inputs()
    with pytest.raises(ValueError, match="h must be"):
        layer(h[:, :4], z_att, z_id)
    with pytest.raises(ValueError, match="z_att must be"):
        layer(h, z_att[..., :3, :3], z_id)
    with pytest.raises(ValueError, match="z_id must be"):
        layer(h, z_att, z_id[:, :8])
    with pytest.raises(ValueError, match="channels"):
        AADLayer(0, 4, 16)

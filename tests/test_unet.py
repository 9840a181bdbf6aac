"""coursekit.models.unet: shapes, conditioning, the null class, and bad input."""

import pytest
import torch

from coursekit.models.unet import UNet, timestep_embedding


@pytest.fixture(scope="module")
def net():
    torch.manual_seed(0)
    model = UNet()
    # zero-initialised output and residual convolutions make a fresh UNet answer 0 everywhere;
    # give every weight a value so that the tests below can see t and the label reach the output
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.05 * torch.randn_like(p))
    return model.eval()


def test_output_has_the_input_shape_and_size_is_small(net):
    x = torch.randn(3, 1, 28, 28)
    out = net(x, torch.tensor([0, 500, 999]), torch.tensor([1, 2, 10]))
    assert out.shape == x.shape and torch.isfinite(out).all()
    assert 0.3e6 < sum(p.numel() for p in net.parameters()) < 1.0e6
    assert net.null_label == 10


def test_fresh_unet_predicts_zero():
    assert torch.equal(UNet()(torch.randn(2, 1, 28, 28), torch.tensor([3, 4])), torch.zeros(2, 1, 28, 28))


def test_time_and_label_change_the_output_and_none_is_the_null_class(net):
    x = torch.randn(2, 1, 28, 28)
    t = torch.tensor([100, 100])
    a = net(x, t, torch.tensor([3, 3]))
    assert not torch.allclose(a, net(x, torch.tensor([900, 900]), torch.tensor([3, 3])))
    assert not torch.allclose(a, net(x, t, torch.tensor([7, 7])))
    assert torch.allclose(net(x, t, None), net(x, t, torch.tensor([10, 10])))
    assert torch.allclose(net(x, torch.tensor(100), torch.tensor([3, 3])), a)  # one step for the whole batch


def test_without_attention_and_other_sizes():
    model = UNet(channels=(16, 32, 32), attention=False, num_classes=3)
    assert model(torch.randn(1, 1, 32, 32), torch.tensor([5]), torch.tensor([3])).shape == (1, 1, 32, 32)
    latent = UNet(in_channels=4, channels=(32, 64, 64))
    assert latent(torch.randn(2, 4, 8, 8), torch.tensor([1, 2])).shape == (2, 4, 8, 8)


def test_timestep_embedding_values():
    emb = timestep_embedding(torch.tensor([0, 1, 999]), 8)
    assert emb.shape == (3, 8)
    assert torch.allclose(emb[0], torch.tensor([1.0] * 4 + [0.0] * 4))
    assert float(emb[1, 0]) == pytest.approx(torch.cos(torch.tensor(1.0)).item())
    with pytest.raises(ValueError, match="even"):
        timestep_embedding(torch.tensor([1]), 7)
    with pytest.raises(ValueError, match="one step per image"):
        timestep_embedding(torch.tensor([[1]]), 8)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda m: m(torch.randn(1, 3, 28, 28), torch.tensor([1])), r"\(N, 1, H, W\)"),
        (lambda m: m(torch.randn(1, 1, 3, 28), torch.tensor([1])), "at least 4"),
        (lambda m: m(torch.randn(2, 1, 28, 28), torch.tensor([1, 2]), torch.tensor([1])), "one class per image"),
        (lambda m: m(torch.randn(1, 1, 28, 28), torch.tensor([1]), torch.tensor([11])), r"\[0, 10\]"),
        (lambda m: UNet(channels=(30, 64, 64)), "divisible by groups"),
        (lambda m: UNet(num_classes=0), "num_classes"),
    ],
)
def test_bad_input(net, call, message):
    with pytest.raises(ValueError, match=message):
        call(net)


def test_odd_sizes_such_as_week_7_latents():
    """7x7 latents go 7 -> 4 -> 2 and back to 7 (each upsampling meets its skip's size)."""
    torch.manual_seed(0)
    net = UNet(in_channels=4, channels=(16, 32, 32))
    for p in net.parameters():  # non-zero output layers, so the shape is not trivially zeros
        torch.nn.init.normal_(p, std=0.05)
    out = net(torch.randn(3, 4, 7, 7), torch.tensor([0, 500, 999]), torch.tensor([1, 2, 10]))
    assert out.shape == (3, 4, 7, 7) and out.abs().sum() > 0

"""coursekit.diffusion.training: the weighted objective, class dropout and the training run."""

import pytest
import torch

from coursekit import diffusion as dif
from coursekit.diffusion.training import EMA_MODEL, diffusion_loss, loss_weight, train_diffusion
from coursekit.models.unet import UNet

SCHEDULE = dif.cosine_schedule()


def test_min_snr_weights_cap_each_step_at_gamma():
    t = torch.tensor([0, 300, 600, 999])
    snr = SCHEDULE.snr[t].float()
    capped = snr.clamp(max=5.0)
    assert torch.allclose(loss_weight(SCHEDULE, t, "epsilon", 5.0), capped / snr)
    assert torch.allclose(loss_weight(SCHEDULE, t, "v", 5.0), capped / (snr + 1))
    assert torch.allclose(loss_weight(SCHEDULE, t, "sample", 5.0), capped)
    assert torch.equal(loss_weight(SCHEDULE, t, "epsilon", None), torch.ones(4))
    # the almost clean step (SNR in the thousands) counts little on eps; a noisy step counts fully
    eps = loss_weight(SCHEDULE, t, "epsilon", 5.0)
    assert float(eps[0]) < 0.01 and float(eps[-1]) == pytest.approx(1.0)


@pytest.mark.parametrize("prediction, min_snr, message", [("v_prediction", None, "prediction"),
                                                          ("v", 0.0, "min_snr"), ("v", True, "min_snr")])
def test_loss_weight_bad_input(prediction, min_snr, message):
    with pytest.raises(ValueError, match=message):
        loss_weight(SCHEDULE, torch.tensor([1]), prediction, min_snr)


def test_a_perfect_x0_predictor_has_zero_loss_and_a_wrong_one_does_not():
    image = torch.linspace(-1, 1, 16).reshape(1, 1, 4, 4)
    images = image.repeat(8, 1, 1, 1)

    def perfect(x, t, labels):
        return image.expand_as(x)

    torch.manual_seed(0)
    assert float(diffusion_loss(perfect, images, None, SCHEDULE, prediction="sample", min_snr=5.0)) == 0.0
    assert float(diffusion_loss(lambda x, t, y: torch.zeros_like(x), images, None, SCHEDULE, prediction="sample")) > 0.1


def test_class_dropout_replaces_about_that_share_with_the_null_class():
    seen = []

    def net(x, t, labels):
        seen.append(labels)
        return torch.zeros_like(x)

    torch.manual_seed(1)
    images, labels = torch.zeros(2000, 1, 4, 4), torch.full((2000,), 3)
    diffusion_loss(net, images, labels, SCHEDULE, p_uncond=0.25, null_label=10)
    share = float((seen[-1] == 10).float().mean())
    assert 0.22 < share < 0.28 and set(seen[-1].tolist()) == {3, 10}
    diffusion_loss(net, images, labels, SCHEDULE)
    assert bool((seen[-1] == 3).all())
    with pytest.raises(ValueError, match="null_label"):
        diffusion_loss(net, images, labels, SCHEDULE, p_uncond=0.1)
    with pytest.raises(ValueError, match="p_uncond"):
        diffusion_loss(net, images, labels, SCHEDULE, p_uncond=1.0, null_label=10)


def test_training_lowers_the_loss_and_returns_the_ema_copy():
    torch.manual_seed(0)
    patterns = (torch.rand(2, 1, 8, 8) > 0.5).float() * 2 - 1  # one black-and-white pattern per class
    labels = torch.arange(64) % 2
    images = patterns[labels]
    net = UNet(channels=(8, 16, 16), num_classes=2, emb_dim=16, attention=False)
    settings = {"lr": 3e-3, "batch_size": 16, "prediction": "v", "min_snr": 5.0, "p_uncond": 0.1, "ema": 0.9,
                "warmup": 5}
    ema, history = train_diffusion(net, images, labels, SCHEDULE, settings, steps=80, seed=0)
    assert history.mean("loss", last=20) < 0.6 * float(history.as_arrays()["loss"][:5].mean())
    assert isinstance(ema, UNet) and not ema.training
    assert not all(torch.equal(a, b) for a, b in zip(ema.state_dict().values(), net.state_dict().values()))
    assert EMA_MODEL == "ema"


def test_training_refuses_images_outside_minus_one_to_one():
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        train_diffusion(UNet(), torch.rand(4, 1, 28, 28) * 255, torch.zeros(4, dtype=torch.long), SCHEDULE,
                        {"lr": 1e-3, "batch_size": 2}, steps=1)


def test_latents_may_leave_minus_one_to_one_when_asked():
    latents = torch.randn(8, 4, 8, 8) * 3
    net = UNet(in_channels=4, channels=(8, 16, 16), emb_dim=16, attention=False)
    ema, history = train_diffusion(net, latents, torch.zeros(8, dtype=torch.long), SCHEDULE,
                                   {"lr": 1e-3, "batch_size": 4}, steps=2, check_range=False)
    assert len(history.as_arrays()["loss"]) == 2


def test_conditions_train_only_the_control_branch_and_are_unbound_after():
    from coursekit.models.controlnet import ControlledUNet, ControlNet

    torch.manual_seed(0)
    base = UNet(channels=(8, 16, 16), emb_dim=16, attention=False)
    for p in base.parameters():
        torch.nn.init.normal_(p, std=0.1)
    before = {k: v.clone() for k, v in base.state_dict().items()}
    model = ControlledUNet(base, ControlNet(base, hint_width=8))
    images = torch.rand(16, 1, 8, 8) * 2 - 1
    edges = (torch.rand(16, 1, 8, 8) > 0.7).float()
    seen = []
    model.register_forward_pre_hook(lambda m, args: seen.append(m.condition))
    ema, _ = train_diffusion(model, images, torch.arange(16) % 10, SCHEDULE,
                             {"lr": 1e-2, "batch_size": 4, "ema": 0.5}, steps=3, conditions=edges)
    assert all(c is not None and c.shape == (4, 1, 8, 8) for c in seen) and len(seen) == 3
    assert all(any(torch.equal(c[i], edges[j]) for j in range(16)) for c in seen for i in range(4))
    assert all(torch.equal(before[k], v) for k, v in base.state_dict().items())  # the base is frozen
    assert any(float(z.weight.detach().abs().sum()) > 0 for z in model.control.zero)  # the zero convolutions moved
    assert model.condition is None and ema.condition is None
    with pytest.raises(ValueError, match="one map per image"):
        train_diffusion(model, images, torch.arange(16) % 10, SCHEDULE, {"lr": 1e-2, "batch_size": 4}, steps=1,
                        conditions=edges[:3])

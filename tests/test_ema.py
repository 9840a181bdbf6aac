import pytest
import torch
from torch import nn

from coursekit.ema import ema_copy, ema_decay, ema_half_life, update_ema


def test_update_ema_math():
    model = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    ema = ema_copy(model)
    assert not ema.training and not any(p.requires_grad for p in ema.parameters())
    old = {k: v.clone() for k, v in ema.state_dict().items()}
    with torch.no_grad():
        for p in model.parameters():
            p.add_(1.0)
        model[1].running_mean.fill_(7.0)
    update_ema(ema, model, 0.9)
    for name, p in model.named_parameters():
        torch.testing.assert_close(ema.state_dict()[name], 0.9 * old[name] + 0.1 * p.detach())
    assert torch.equal(ema[1].running_mean, torch.full((2,), 7.0))  # buffers are copied
    update_ema(ema, model, 0.0)
    torch.testing.assert_close(ema[0].weight, model[0].weight.detach())
    before = ema[0].weight.clone()
    update_ema(ema, nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)), 1.0)
    assert torch.equal(ema[0].weight, before)
    with pytest.raises(ValueError, match="decay"):
        update_ema(ema, model, 1.5)
    with pytest.raises(ValueError, match="same architecture"):
        update_ema(ema, nn.Linear(2, 2), 0.5)
    assert ema_decay(0.999, 0) == pytest.approx(0.1) and ema_decay(0.999, 10**6) == 0.999  # warm-up
    assert ema_half_life(0.5) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        ema_half_life(1.0)
    with pytest.raises(TypeError, match="torch.nn.Module"):
        ema_copy("model")


def test_ema_of_any_model_averages_a_trajectory():
    # not a generator: a plain regression layer; the EMA after a fixed trajectory equals the closed form
    model = nn.Linear(1, 1, bias=False)
    ema = ema_copy(model)
    with torch.no_grad():
        model.weight.fill_(0.0)
    update_ema(ema, model, 0.0)
    for value in (1.0, 2.0, 3.0):
        with torch.no_grad():
            model.weight.fill_(value)
        update_ema(ema, model, 0.5)
    assert ema.weight.item() == pytest.approx(((0 * 0.5 + 1 * 0.5) * 0.5 + 2 * 0.5) * 0.5 + 3 * 0.5)

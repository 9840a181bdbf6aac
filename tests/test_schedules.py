import math

import pytest
import torch

from coursekit.schedules import linear_ramp, warmup_cosine, warmup_cosine_factor


def test_warmup_cosine_factor_shape():
    f = [warmup_cosine_factor(s, warmup_steps=4, total_steps=14) for s in range(20)]
    assert f[:4] == pytest.approx([0.2, 0.4, 0.6, 0.8]) and f[4] == 1.0
    assert f[9] == pytest.approx(0.5)  # half way through the cosine
    assert all(a >= b for a, b in zip(f[4:], f[5:])) and f[14:] == [0.0] * 6
    assert warmup_cosine_factor(100, warmup_steps=0, total_steps=10, final_factor=0.1) == pytest.approx(0.1)
    assert warmup_cosine_factor(0, warmup_steps=0, total_steps=1) == 1.0


@pytest.mark.parametrize("kwargs, message", [
    ({"step": -1}, "step must be an int >= 0"),
    ({"warmup_steps": 20}, "must not exceed total_steps"),
    ({"total_steps": 0}, "total_steps must be an int >= 1"),
    ({"final_factor": 1.5}, "final_factor"),
    ({"step": 1.0}, "step must be an int"),
])
def test_warmup_cosine_factor_bad_input(kwargs, message):
    args = {"step": 0, "warmup_steps": 2, "total_steps": 10, **kwargs}
    step = args.pop("step")
    with pytest.raises(ValueError, match=message):
        warmup_cosine_factor(step, **args)


def test_warmup_cosine_scheduler_follows_the_factor():
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.5)
    sched = warmup_cosine(opt, warmup_steps=2, total_steps=6)
    lrs = []
    for _ in range(7):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    expected = [0.5 * warmup_cosine_factor(s, warmup_steps=2, total_steps=6) for s in range(7)]
    assert lrs == pytest.approx(expected)
    with pytest.raises(TypeError, match="torch optimizer"):
        warmup_cosine("adam", warmup_steps=1, total_steps=2)
    with pytest.raises(ValueError, match="must not exceed"):
        warmup_cosine(opt, warmup_steps=3, total_steps=2)


def test_linear_ramp():
    values = [linear_ramp(s, start=2, end=6, low=0.0, high=4.0) for s in range(9)]
    assert values == [0, 0, 0, 1, 2, 3, 4, 4, 4]
    assert linear_ramp(5, start=5, end=5) == 0.0 and linear_ramp(6, start=5, end=5) == 1.0
    with pytest.raises(ValueError, match="must not come before"):
        linear_ramp(0, start=5, end=1)
    with pytest.raises(ValueError, match="high must be a finite number"):
        linear_ramp(0, start=0, end=1, high=math.inf)

"""coursekit.latent: noise, lerp/slerp, truncation and interpolation paths."""

import math

import pytest
import torch

from coursekit.latent import interpolation_path, lerp, sample_z, slerp, truncate


def test_sample_z_is_seeded_and_independent_of_the_global_rng():
    a = sample_z(5, 8, seed=3)
    torch.manual_seed(123)
    torch.randn(10)
    assert a.shape == (5, 8) and torch.equal(a, sample_z(5, 8, seed=3))
    assert not torch.equal(a, sample_z(5, 8, seed=4))
    assert torch.equal(sample_z(2, 8, seed=3), a[:2])  # the first codes do not depend on n
    for bad in ({"n": 0, "dim": 2}, {"n": 2, "dim": 1.5}, {"n": True, "dim": 2}):
        with pytest.raises(ValueError):
            sample_z(**bad, seed=0)
    with pytest.raises(ValueError, match="seed"):
        sample_z(2, 2, seed=-1)


def test_lerp_endpoints_middle_and_batched_t():
    a, b = torch.tensor([1.0, 0.0]), torch.tensor([3.0, 4.0])
    assert torch.equal(lerp(a, b, 0.0), a) and torch.equal(lerp(a, b, 1.0), b)
    assert torch.equal(lerp(a, b, 0.5), torch.tensor([2.0, 2.0]))
    path = lerp(a, b, [0.0, 0.25, 1.0])
    assert path.shape == (3, 2) and torch.equal(path[0], a) and torch.equal(path[-1], b)
    batch_a, batch_b = torch.randn(4, 6), torch.randn(4, 6)
    assert lerp(batch_a, batch_b, torch.tensor([0.0, 1.0])).shape == (2, 4, 6)
    assert lerp(batch_a, batch_b, torch.tensor(0.3)).shape == (4, 6)


def test_slerp_endpoints_and_unit_norm():
    a, b = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
    t = torch.linspace(0, 1, 9)
    path = slerp(a, b, t)
    torch.testing.assert_close(path[0], a)
    torch.testing.assert_close(path[-1], b)
    torch.testing.assert_close(path.norm(dim=-1), torch.ones(9))  # stays on the unit sphere
    torch.testing.assert_close(slerp(a, b, 0.5), torch.tensor([1.0, 1.0, 0.0]) / math.sqrt(2))
    # lerp cuts the corner: its middle is shorter by 1/sqrt(2)
    assert float(lerp(a, b, 0.5).norm()) == pytest.approx(1 / math.sqrt(2))
    # random unit codes in a batch, each row on its own great circle
    rows = torch.nn.functional.normalize(torch.randn(2, 5, 16), dim=-1)
    batched = slerp(rows[0], rows[1], t)
    assert batched.shape == (9, 5, 16)
    torch.testing.assert_close(batched.norm(dim=-1), torch.ones(9, 5))


def test_slerp_near_parallel_vectors_fall_back_to_lerp():
    a = torch.tensor([1.0, 2.0, 3.0])
    same = slerp(a, a.clone(), torch.tensor([0.0, 0.5, 1.0]))
    assert torch.isfinite(same).all() and torch.allclose(same, a.expand(3, 3))
    longer = slerp(a, 2 * a, 0.5)  # parallel, different lengths
    torch.testing.assert_close(longer, 1.5 * a)
    nearly = slerp(a, a + torch.tensor([0.0, 0.0, 1e-7]), 0.5)
    assert torch.isfinite(nearly).all()


def test_interpolation_bad_input():
    a = torch.tensor([1.0, 0.0])
    with pytest.raises(ValueError, match="opposite"):
        slerp(a, -a, 0.5)
    with pytest.raises(ValueError, match="zero vector"):
        slerp(a, torch.zeros(2), 0.5)
    with pytest.raises(ValueError, match="same shape"):
        lerp(a, torch.zeros(3), 0.5)
    with pytest.raises(TypeError, match="torch tensor"):
        lerp([1.0, 0.0], a, 0.5)
    with pytest.raises(TypeError, match="floating point"):
        slerp(torch.tensor([1, 0]), torch.tensor([0, 1]), 0.5)
    with pytest.raises(ValueError, match="NaN"):
        lerp(a, torch.tensor([float("nan"), 0.0]), 0.5)
    with pytest.raises(ValueError, match="t"):
        lerp(a, a, [[0.0, 1.0]])
    with pytest.raises(ValueError, match="empty"):
        lerp(a, a, [])
    with pytest.raises(ValueError, match="scalar"):
        lerp(torch.tensor(1.0), torch.tensor(2.0), 0.5)


def test_truncation_psi_zero_gives_the_center_and_psi_one_is_identity():
    w = torch.randn(6, 4)
    center = torch.randn(4)
    assert torch.equal(truncate(w, 1.0, center), center + (w - center))
    torch.testing.assert_close(truncate(w, 1.0, center), w)
    assert torch.equal(truncate(w, 0.0, center), center.expand(6, 4))
    torch.testing.assert_close(truncate(w, 0.5, center), (w + center) / 2)
    assert torch.equal(truncate(w, 0.7), 0.7 * w)  # DCGAN: the centre of z space is 0
    assert torch.equal(truncate(w, 0.0), torch.zeros(6, 4))
    with pytest.raises(ValueError, match="psi"):
        truncate(w, float("nan"))
    with pytest.raises(ValueError, match="psi"):
        truncate(w, "0.5")
    with pytest.raises(ValueError, match="broadcast"):
        truncate(w, 0.5, torch.zeros(5))
    with pytest.raises(TypeError, match="floating-point"):
        truncate([1.0], 0.5)


def test_interpolation_path():
    a, b = sample_z(1, 32, seed=0)[0], sample_z(1, 32, seed=1)[0]
    path = interpolation_path(a, b, 6)
    assert path.shape == (6, 32)
    torch.testing.assert_close(path[0], a)
    torch.testing.assert_close(path[-1], b)
    straight = interpolation_path(a, b, 5, method="lerp")
    assert float(straight[2].norm()) < float(interpolation_path(a, b, 5)[2].norm())  # lerp's middle is shorter
    with pytest.raises(ValueError, match="steps"):
        interpolation_path(a, b, 1)
    with pytest.raises(ValueError, match="method"):
        interpolation_path(a, b, 4, method="cubic")

"""coursekit.models.gan (DCGAN) and coursekit.models.stylegan: shapes, ranges, AdaIN and style mixing."""

import pytest
import torch

from coursekit.models.gan import Discriminator, Generator, recalibrate_batchnorm, to_signed, to_unit
from coursekit.models.stylegan import AdaIN, MappingNetwork, StyleGenerator, pixel_norm


@pytest.fixture(scope="module")
def style():
    torch.manual_seed(0)
    generator = StyleGenerator().eval().requires_grad_(False)
    for layer in generator.layers:  # untrained noise strengths are 0: make the noise visible
        layer.noise.strength.fill_(0.1)
    return generator


def test_generator_shapes_and_ranges():
    torch.manual_seed(0)
    generator = Generator()
    out = generator(torch.randn(5, 64)).detach()
    assert out.shape == (5, 1, 28, 28) and float(out.min()) >= -1 and float(out.max()) <= 1
    images = generator.sample(7, seed=2)
    assert images.shape == (7, 1, 28, 28) and float(images.min()) >= 0 and float(images.max()) <= 1
    assert generator.training  # sample() switches to eval mode and back
    assert torch.equal(images, generator.sample(7, seed=2)) and not torch.equal(images, generator.sample(7, seed=3))
    assert torch.equal(generator.sample(3, seed=2, psi=0.0)[0], generator.sample(3, seed=5, psi=0.0)[1])  # z = 0
    assert sum(p.numel() for p in generator.parameters()) < 1_000_000  # a small checkpoint
    with pytest.raises(ValueError, match=r"\(N, 64\)"):
        generator.generate(torch.randn(3, 10))
    with pytest.raises(ValueError, match="latent_dim"):
        Generator(latent_dim=0)


def test_discriminator_gives_one_logit_per_image():
    torch.manual_seed(0)
    images = torch.rand(6, 1, 28, 28) * 2 - 1
    for discriminator in (Discriminator(), Discriminator(8, minibatch_std=True)):
        logits = discriminator(images)
        assert logits.shape == (6,) and torch.isfinite(logits).all()
    assert Discriminator(8, minibatch_std=True)(images[:1]).shape == (1,)  # a batch of one has std 0
    assert Discriminator(8, channels=3)(torch.rand(2, 3, 28, 28)).shape == (2,)
    with pytest.raises(ValueError, match="28, 28"):
        Discriminator()(torch.rand(2, 1, 32, 32))


def test_wider_and_deeper_layout_stages_keep_the_shapes():
    torch.manual_seed(0)
    deep = Generator(width=16, c7=24, convs7=3)
    assert deep(torch.randn(3, 64)).shape == (3, 1, 28, 28)
    convs_at_7 = [m for m in deep.net[: 3 * 3] if isinstance(m, torch.nn.Conv2d)]
    assert len(convs_at_7) == 3 and all(m.in_channels == 24 for m in convs_at_7)
    # the default layout keeps its parameter names, so older checkpoints still load
    assert set(Generator().state_dict()) == set(Generator(c7=64, convs7=1).state_dict())
    assert Discriminator(8, convs7=2, minibatch_std=True)(torch.rand(4, 1, 28, 28)).shape == (4,)
    for bad in (dict(c7=0), dict(convs7=0)):
        with pytest.raises(ValueError):
            Generator(**bad)
    with pytest.raises(ValueError, match="convs7"):
        Discriminator(convs7=-1)


def test_range_conversions_invert_each_other():
    x = torch.rand(3, 1, 28, 28)
    torch.testing.assert_close(to_unit(to_signed(x)), x)
    assert float(to_signed(x).min()) >= -1 and float(to_unit(torch.full((1,), 3.0))) == 1.0


def test_recalibrate_batchnorm_reestimates_statistics_from_the_generator_outputs():
    torch.manual_seed(0)
    generator = Generator(8, 4)
    norm = generator.project[1]
    norm.running_mean.fill_(5.0)
    recalibrate_batchnorm(generator, batches=3, batch_size=64)
    assert not generator.training and norm.momentum == 0.1  # momentum restored
    assert float(norm.running_mean.abs().max()) < 5.0
    again = Generator(8, 4)
    again.load_state_dict(generator.state_dict())
    recalibrate_batchnorm(again, batches=3, batch_size=64)  # the same seed: the same statistics
    torch.testing.assert_close(again.project[1].running_var, norm.running_var)


def test_mapping_network_and_pixel_norm():
    z = torch.randn(4, 16) * 10
    assert torch.allclose(pixel_norm(z).pow(2).mean(1), torch.ones(4), atol=1e-5)
    mapping = MappingNetwork(16, 8, layers=2)
    assert mapping(z).shape == (4, 8)
    torch.testing.assert_close(mapping(z), mapping(z * 3))  # only z's direction matters
    with pytest.raises(ValueError, match=r"\(N, 16\)"):
        mapping(torch.randn(4, 3))


def test_adain_sets_each_channels_mean_and_spread_from_w():
    torch.manual_seed(0)
    adain = AdaIN(3, 5)
    x, w = torch.randn(2, 3, 7, 7) * 4 + 2, torch.randn(2, 5)
    out = adain(x, w)
    scale, bias = adain.styles(w)
    torch.testing.assert_close(out.mean((2, 3)), bias, atol=1e-5, rtol=0)
    torch.testing.assert_close(out.std((2, 3), unbiased=False), (1 + scale).abs(), atol=1e-3, rtol=1e-3)


def test_style_generator_shapes_ranges_and_truncation(style):
    z = torch.randn(3, 64)
    images = style(z)
    assert images.shape == (3, 1, 28, 28) and float(images.abs().max()) <= 1
    samples = style.sample(4, seed=1)
    assert samples.shape == (4, 1, 28, 28) and float(samples.min()) >= 0 and float(samples.max()) <= 1
    assert torch.equal(samples, style.sample(4, seed=1))  # eval mode: constant noise
    same = style.sample(3, seed=1, psi=0.0)  # every code truncated to w_avg: one image
    assert torch.allclose(same[0], same[1]) and torch.allclose(same[0], same[2])
    w = style.w_of(z)
    torch.testing.assert_close(style.synthesize(w), style.synthesize(w[:, None].expand(-1, 6, -1)))
    assert not torch.equal(style.synthesize(w, noise="random"), style.synthesize(w, noise="random"))
    assert torch.equal(style.synthesize(w, noise="none"), style.synthesize(w, noise="none"))


def test_style_generator_tracks_w_avg_and_mixes_in_training():
    torch.manual_seed(0)
    generator = StyleGenerator(mixing_prob=1.0)
    before = generator.w_avg.clone()
    generator.train()(torch.randn(8, 64))
    assert not torch.equal(before, generator.w_avg)
    generator.eval()(torch.randn(8, 64))
    after = generator.w_avg.clone()
    generator(torch.randn(8, 64))
    assert torch.equal(after, generator.w_avg)  # eval mode leaves it alone


def test_mix_takes_the_coarse_w_for_the_early_layers(style):
    w_coarse, w_fine = style.w_of(torch.randn(2, 64)), style.w_of(torch.randn(2, 64))
    ws = style.mix(w_coarse, w_fine, crossover=2)
    assert ws.shape == (2, 6, 64)
    assert torch.equal(ws[:, 0], w_coarse) and torch.equal(ws[:, 1], w_coarse)
    assert all(torch.equal(ws[:, i], w_fine) for i in range(2, 6))
    assert torch.equal(style.mix(w_coarse, w_fine, 0), w_fine[:, None].expand(-1, 6, -1))
    assert torch.equal(style.mix(w_coarse, w_fine, 6), w_coarse[:, None].expand(-1, 6, -1))


def test_changing_w_fine_leaves_the_7x7_activations_alone(style):
    w_coarse = style.w_of(torch.randn(2, 64))
    fine_a, fine_b = style.w_of(torch.randn(2, 64)), style.w_of(torch.randn(2, 64))
    image_a, acts_a = style.synthesize(style.mix(w_coarse, fine_a, 2), return_activations=True)
    image_b, acts_b = style.synthesize(style.mix(w_coarse, fine_b, 2), return_activations=True)
    assert len(acts_a) == 6 and acts_a[1].shape[-1] == 7 and acts_a[2].shape[-1] == 14
    assert torch.equal(acts_a[0], acts_b[0]) and torch.equal(acts_a[1], acts_b[1])  # coarse layers: same
    assert not torch.allclose(acts_a[2], acts_b[2]) and not torch.allclose(image_a, image_b)
    _, acts_c = style.synthesize(style.mix(style.w_of(torch.randn(2, 64)), fine_a, 2), return_activations=True)
    assert not torch.allclose(acts_a[1], acts_c[1])  # a different coarse w does change them


def test_style_generator_bad_input(style):
    w = torch.randn(2, 64)
    with pytest.raises(ValueError, match="crossover"):
        style.mix(w, w, 7)
    with pytest.raises(ValueError, match="same shape"):
        style.mix(w, w[:1], 2)
    with pytest.raises(ValueError, match="w_fine"):
        style.mix(w, torch.randn(2, 10), 2)
    with pytest.raises(ValueError, match=r"\(N, 6, 64\)"):
        style.synthesize(torch.randn(2, 5, 64))
    with pytest.raises(ValueError, match="noise"):
        style.synthesize(w, noise="loud")
    with pytest.raises(ValueError, match="channels"):
        StyleGenerator(channels=(8, 8))
    with pytest.raises(ValueError, match="mixing_prob"):
        StyleGenerator(mixing_prob=2.0)

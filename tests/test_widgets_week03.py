import cv2
import numpy as np
import pytest
import torch

from coursekit.latent import sample_z
from coursekit.metrics import classifier_score
from coursekit.models.classifier import DigitClassifier
from coursekit.models.gan import Generator
from coursekit.models.stylegan import StyleGenerator
from coursekit.widgets.week03 import STRIP_STEPS, LatentWalk, StyleMixer, TruncationExplorer


def dcgan():
    torch.manual_seed(0)
    return Generator(latent_dim=8, width=4)


def stylegan():
    torch.manual_seed(1)
    model = StyleGenerator(latent_dim=8, w_dim=8, channels=(4, 4, 4), mapping_layers=2)
    with torch.no_grad():
        model.w_avg.normal_()  # a non-trivial centre, as after training
    return model


def classifier():
    torch.manual_seed(2)
    return DigitClassifier(widths=(4, 4, 4))


def as_uint8(images: torch.Tensor) -> np.ndarray:
    return np.clip(np.rint(images[:, 0].numpy() * 255), 0, 255).astype(np.uint8)


def assert_rgb(frame):
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3


# --- LatentWalk ----------------------------------------------------------------------------


def test_latent_walk_directions_are_orthonormal_and_the_code_adds_them():
    walk = LatentWalk(dcgan(), directions=3, seed=4, classifier=None)
    d = walk.directions
    assert d.shape == (3, 8)
    torch.testing.assert_close(d @ d.T, torch.eye(3), atol=1e-5, rtol=0)
    walk.set_offsets([0.5, 0.0, -1.5])
    expected = sample_z(1, 8, 4) + 0.5 * d[0] - 1.5 * d[2]
    torch.testing.assert_close(walk.code(), expected)
    assert walk.start.value == 4 and [s.max for s in walk.offsets] == [3.0] * 3
    assert torch.equal(LatentWalk(dcgan(), directions=3, seed=4, classifier=None).directions, d)  # seeded


def test_latent_walk_shows_the_digit_and_the_strip_along_the_moved_direction():
    generator = dcgan()
    walk = LatentWalk(generator, classifier=None, size=224)
    walk.offsets[2].value = 1.0
    assert walk.active == 2
    frame = walk.update()
    assert_rgb(frame)
    main = as_uint8(generator.generate(walk.code()))[0]
    np.testing.assert_array_equal(frame[0:224:8, 0:224:8, 0], main)  # nearest-upscaled 8x
    left, top, tile, gap = 224 + walk.GAP, 34, walk.TILE, walk.TILE_GAP
    values = walk.strip_values()
    assert len(values) == STRIP_STEPS and values[0] == -3.0 and values[-1] == 3.0

    def strip_tile(i):
        x = left + i * (tile + gap)
        return frame[top : top + tile, x : x + tile, 0]

    big = lambda gray: cv2.resize(gray, (tile, tile), interpolation=cv2.INTER_NEAREST)  # noqa: E731
    np.testing.assert_array_equal(strip_tile(4), big(main))  # the tile at +1.0 is the current code
    origin = as_uint8(generator.generate(walk.code() - walk.directions[2]))[0]
    np.testing.assert_array_equal(strip_tile(3), big(origin))  # 0 along direction 3, the rest unchanged
    assert "방향 3 +1.00" in walk.status.value and "방향 3의 값만" in walk.status.value


def test_latent_walk_start_seed_keeps_the_offsets_and_reset_redraws_once(count_updates):
    walk = LatentWalk(dcgan(), directions=2, classifier=None)
    walk.set_offsets([1.5, -0.6])
    first = walk.update()
    walk.start.value = 7
    assert [s.value for s in walk.offsets] == [1.5, -0.6]
    assert not np.array_equal(walk.update(), first)
    torch.testing.assert_close(walk.start_code(), sample_z(1, 8, 7))
    calls = count_updates(walk)
    walk.reset()
    assert len(calls) == 1 and [s.value for s in walk.offsets] == [0.0, 0.0]
    walk.set_offsets([0.3, 0.9])
    assert len(calls) == 2 and walk.active == 1
    assert "이동 없음" not in walk.status.value
    walk.reset_button.click()
    assert len(calls) == 3 and "이동 없음" in walk.status.value


def test_latent_walk_reads_the_digit_with_a_classifier_and_restores_modes_and_threads():
    model = classifier().train()
    generator = dcgan().train()
    threads = torch.get_num_threads()
    walk = LatentWalk(generator, classifier=model)
    assert "분류기의 판독" in walk.status.value
    assert model.training and generator.training and torch.get_num_threads() == threads
    assert "분류기" not in LatentWalk(generator, classifier=None).status.value
    assert repr(walk).startswith("LatentWalk(새 출발점 (시드)=0, 방향 1=0.0")


def test_latent_walk_works_with_a_style_generator():
    walk = LatentWalk(stylegan(), directions=2, classifier=None)
    walk.offsets[0].value = -2.0
    assert_rgb(walk.update())


@pytest.mark.parametrize(
    "args, kwargs, error",
    [
        ((object(),), {}, TypeError),
        ((None,), {}, TypeError),
        (("gen",), {"directions": 0}, ValueError),
        (("gen",), {"directions": 9}, ValueError),
        (("gen",), {"directions": 2.0}, TypeError),
        (("gen",), {"scale": 0.0}, ValueError),
        (("gen",), {"scale": float("nan")}, ValueError),
        (("gen",), {"seed": True}, TypeError),
        (("gen",), {"seed": -1}, ValueError),
        (("gen",), {"classifier": "mine"}, ValueError),
        (("gen",), {"classifier": 3}, TypeError),
    ],
)
def test_latent_walk_bad_arguments(args, kwargs, error):
    args = tuple(dcgan() if a == "gen" else a for a in args)
    with pytest.raises(error):
        LatentWalk(*args, **{"classifier": None, **kwargs})


def test_latent_walk_needs_enough_latent_dimensions():
    torch.manual_seed(0)
    with pytest.raises(ValueError, match="directions"):
        LatentWalk(Generator(latent_dim=2, width=4), directions=3, classifier=None)


# --- TruncationExplorer --------------------------------------------------------------------


def test_truncation_grid_shows_the_same_codes_and_the_score_is_measured_on_them():
    generator, model = dcgan(), classifier()
    explorer = TruncationExplorer(generator, n=4, measure_n=20, seed=3, classifier=model)
    assert (explorer.psi.min, explorer.psi.max, explorer.psi.step, explorer.psi.value) == (0.0, 1.5, 0.05, 1.0)
    explorer.psi.value = 0.5
    frame = explorer.update()
    assert_rgb(frame)
    samples = generator.sample(20, 3, psi=0.5)
    tiles = as_uint8(samples[:4])
    side = 28 * (explorer.GRID_SIDE // 56)  # 2 columns
    np.testing.assert_array_equal(frame[0:side:side // 28, 0:side:side // 28, 0], tiles[0])
    x = side + 2
    np.testing.assert_array_equal(frame[0:side:side // 28, x : x + side : side // 28, 0], tiles[1])
    expected = classifier_score(samples, classifier=model.eval())
    assert explorer.score() == expected
    caption = explorer.status.value
    assert "ψ = 0.50" in caption and f"커버리지 {expected.coverage}/10" in caption
    assert f"확신(≥0.9)한 숫자 {expected.confident:.0%}" in caption and "z' = ψ·z" in caption


def test_truncation_results_are_cached_per_psi():
    generator = dcgan()
    explorer = TruncationExplorer(generator, n=4, measure_n=10, classifier=classifier())
    calls = []
    original = generator.sample
    generator.sample = lambda *a, **k: calls.append(k["psi"]) or original(*a, **k)
    explorer.psi.value = 0.7
    explorer.psi.value = 1.0
    explorer.psi.value = 0.7
    assert calls == [0.7]
    assert list(explorer.scores()) == [0.7, 1.0]


@pytest.mark.parametrize("make", [dcgan, stylegan])
def test_psi_zero_gives_one_sample_for_every_code(make):
    explorer = TruncationExplorer(make(), n=9, measure_n=9, psi=0.0, classifier=classifier())
    digits, score = explorer.measure()
    assert digits.shape == (9, 28, 28) and (digits == digits[0]).all()
    assert max(score.histogram) == 9  # every sample in one class
    assert "전부 같은 그림" in explorer.status.value
    explorer.psi.value = 1.0
    assert not (explorer.measure()[0] == explorer.measure()[0][0]).all()


def test_truncation_with_a_style_generator_pulls_w_towards_its_mean():
    generator = stylegan()
    explorer = TruncationExplorer(generator, n=5, measure_n=12, psi=0.25, classifier=classifier())
    assert_rgb(explorer.update())
    assert "w̄" in explorer.status.value
    np.testing.assert_array_equal(explorer.measure()[0], as_uint8(generator.sample(12, 0, psi=0.25)[:5]))


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n": 0}, ValueError),
        ({"n": 300}, ValueError),
        ({"measure_n": 0}, ValueError),
        ({"seed": 1.5}, TypeError),
        ({"psi": 2.0}, ValueError),
        ({"classifier": None}, TypeError),
    ],
)
def test_truncation_bad_arguments(kwargs, error):
    with pytest.raises(error):
        TruncationExplorer(dcgan(), **{"classifier": classifier(), **kwargs})


def test_truncation_needs_a_sampling_generator():
    with pytest.raises(TypeError, match="sample"):
        TruncationExplorer(torch.nn.Linear(2, 2), classifier=classifier())


# --- StyleMixer ------------------------------------------------------------------------------


def panels(mixer, frame):
    p, gap, top = mixer.PANEL, mixer.GAP, 26
    return [frame[top : top + p, i * (p + gap) : i * (p + gap) + p] for i in range(3)]


def test_style_mixer_crossover_ends_copy_one_source():
    mixer = StyleMixer(stylegan(), seed=3)
    assert (mixer.coarse_seed.value, mixer.fine_seed.value, mixer.crossover.value) == (3, 4, 2)
    mixer.crossover.value = mixer.num_layers
    a, mix, b = panels(mixer, mixer.update())
    np.testing.assert_array_equal(mix, a)
    assert "가운데 = A" in mixer.status.value
    mixer.crossover.value = 0
    a, mix, b = panels(mixer, mixer.update())
    np.testing.assert_array_equal(mix, b)
    assert "가운데 = B" in mixer.status.value


def test_style_mixer_feeds_each_layer_its_source():
    generator = stylegan()
    mixer = StyleMixer(generator, seed=0, crossover=4)
    ws = mixer.ws()
    wa = generator.w_of(sample_z(1, 8, 0))
    wb = generator.w_of(sample_z(1, 8, 1))
    torch.testing.assert_close(ws[1, :4], wa.expand(4, -1))
    torch.testing.assert_close(ws[1, 4:], wb.expand(2, -1))
    assert "A의 w: 층 0–3 (7×7, 14×14) · B의 w: 층 4–5 (28×28)" in mixer.status.value
    expected = as_uint8(generator.images_from_ws(ws))
    frame = mixer.update()
    np.testing.assert_array_equal(panels(mixer, frame)[1][0 : mixer.PANEL : 7, 0 : mixer.PANEL : 7, 0], expected[1])


def test_style_mixer_rejects_a_dcgan_and_bad_arguments():
    with pytest.raises(TypeError, match="StyleGenerator"):
        StyleMixer(dcgan())
    with pytest.raises(ValueError):
        StyleMixer(stylegan(), crossover=7)
    with pytest.raises(ValueError):
        StyleMixer(stylegan(), psi=-0.5)

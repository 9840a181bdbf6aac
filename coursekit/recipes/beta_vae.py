"""Train the week-5 β sweep (``coursekit train beta-vae``): one VAE per KL weight, in one checkpoint.

pytorch/examples' MNIST VAE architecture (784-400-20, ReLU, Bernoulli
likelihood, Adam 1e-3, batch 128) trained for the same number of optimizer
steps as its 10 epochs on the full 60,000 digits (4,690), here on the 4,000
training digits, once for each β of :data:`SETTINGS`. The β = 1 model gives
the test negative ELBO in nats that lesson 5 compares with the reference's
105-107. Measured per β by :func:`evaluate`: reconstruction nll, KL, test
negative ELBO, and the prior samples on the digit yardstick.
"""

from __future__ import annotations

from .. import datasets, digit_bar
from ..env import seed_everything
from ..models import vae
from ..models.vae import BetaSweep
from ..train import History
from ..vae_measures import negative_elbo, prior_match
from ..vae_training import train_autoencoder

__all__ = ["COMMAND", "NAME", "DEFAULTS", "STORE_DTYPE", "SETTINGS", "train_beta_sweep", "evaluate", "load"]

COMMAND = "coursekit train beta-vae"
NAME = "beta_vae"
DEFAULTS = {"steps": 4690, "seed": 0}
STORE_DTYPE = "float16"  # the MLP weights at half size (a few MB); measured as stored
SETTINGS = {"model": "BetaSweep", "betas": (0.5, 1.0, 4.0), "latent_dim": 20, "hidden": (400,), "warmup": 0,
            "batch_size": 128, "lr": 1e-3}


def train_beta_sweep(*, steps: int = DEFAULTS["steps"], seed: int = DEFAULTS["seed"], device=None,
                     progress: bool = True) -> tuple[BetaSweep, History]:
    """Train one VAE per β from the same seed; returns ``(sweep, history of the last one)``."""
    seed_everything(seed)
    sweep = BetaSweep(SETTINGS["betas"], SETTINGS["latent_dim"], SETTINGS["hidden"])
    images = datasets.digits("train")[0]
    history = None
    for beta, model in zip(sweep.betas, sweep.models):
        settings = dict(SETTINGS, beta=beta)
        history = train_autoencoder(model, images, settings, steps=steps, seed=seed, device=device, progress=progress,
                                    schedule=False)
    return sweep.cpu().eval(), history


def evaluate(sweep: BetaSweep) -> dict[str, float]:
    """Per β (``b<β>_<measure>``): test nll, KL and negative ELBO in nats; prior samples on the digit yardstick
    (confident share, classes covered) and in the latent space (precision and coverage against the test digits' posterior samples)."""
    test = datasets.digits("test")[0]
    result = {}
    for beta, model in zip(sweep.betas, sweep.models):
        prefix = f"b{beta:g}_"
        result.update({prefix + f"test_{k}": v for k, v in negative_elbo(model, test).items()})
        measures = digit_bar.measure(model.sample(digit_bar.EVAL_COUNT, digit_bar.EVAL_SEED))
        result.update({prefix + k: measures[k] for k in ("confident", "not_digit", "coverage", "feature_distance")})
        precision, coverage = prior_match(model, test)
        result.update({prefix + "latent_precision": precision, prefix + "latent_coverage": coverage})
    return result


def load(name: str = NAME, *, directory=None):
    """The shipped checkpoint ``beta_vae`` (see :func:`coursekit.models.vae.load`)."""
    return vae.load(name, directory=directory)

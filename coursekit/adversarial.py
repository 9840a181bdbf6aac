"""The math of adversarial training, shared by every GAN of the course.

A GAN is two networks playing a game: the *discriminator* ``D`` gives a logit
``l`` ("real" when high, ``D(x) = sigmoid(l)``) and the *generator* ``G`` turns
noise ``z`` into samples that should fool it. Everything here works on logits
and writes the logarithms with ``softplus`` (``-log sigmoid(l) = softplus(-l)``,
``-log(1 - sigmoid(l)) = softplus(l)``), which never overflows or takes log(0).

- :func:`discriminator_loss`: binary cross-entropy, reals labelled 1 and fakes 0;
- :func:`generator_loss`: ``"minimax"`` (minimise ``log(1 - D(G(z)))``, the
  original game of Goodfellow et al. 2014) or ``"nonsaturating"`` (minimise
  ``-log D(G(z))``): the same fixed point, but only the second one has a steep
  gradient when D confidently rejects the fakes, i.e. early in training;
- :func:`r1_penalty`: Mescheder et al. 2018's zero-centred gradient penalty
  ``E_real |∇_x D(x)|²``; it keeps D smooth on the real data;
- the generator's exponential moving average comes from :mod:`coursekit.ema`
  (Karras et al., ProGAN and StyleGAN ship this copy: it averages out the last
  steps' oscillations, so samples are cleaner);
- :func:`make_gan_step`: the step function for :func:`coursekit.train.fit`
  that puts them together, for digits as well as for 2-D toy points.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .ema import ema_decay, update_ema

__all__ = ["LOSSES", "EMA_MODEL", "discriminator_loss", "generator_loss", "r1_penalty", "make_gan_step"]

LOSSES = ("nonsaturating", "minimax")
EMA_MODEL = "generator_ema"  # the name make_gan_step(ema=...) expects in fit's models


def _check_logits(name: str, logits) -> torch.Tensor:
    if not isinstance(logits, torch.Tensor):
        raise TypeError(f"{name} must be a torch tensor of logits, got {type(logits).__name__}")
    if logits.numel() == 0:
        raise ValueError(f"{name} is empty: need at least one logit")
    if not logits.is_floating_point():
        raise TypeError(f"{name} must be floating point (raw logits, before any sigmoid), got {logits.dtype}")
    return logits


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Binary cross-entropy with logits: ``-log D(x) - log(1 - D(G(z)))``, each term a batch mean.

    Equal to ``F.binary_cross_entropy_with_logits`` with targets 1 for the reals
    and 0 for the fakes, summed over the two halves. At ``D = 1/2`` everywhere
    (logits 0) it is ``2 log 2 ≈ 1.386``.
    """
    real_logits = _check_logits("real_logits", real_logits)
    fake_logits = _check_logits("fake_logits", fake_logits)
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def generator_loss(fake_logits: torch.Tensor, kind: str = "nonsaturating") -> torch.Tensor:
    """The generator's loss from D's logits on fakes (a batch mean).

    ``"nonsaturating"``: ``-log D(G(z)) = softplus(-l)``; its gradient with
    respect to the logit is ``-(1 - D)``, close to -1 when D rejects the fakes.
    ``"minimax"``: ``log(1 - D(G(z))) = -softplus(l)``; its gradient is ``-D``,
    which vanishes exactly when D confidently rejects the fakes (``D ≈ 0``).
    """
    fake_logits = _check_logits("fake_logits", fake_logits)
    if kind == "nonsaturating":
        return F.softplus(-fake_logits).mean()
    if kind == "minimax":
        return -F.softplus(fake_logits).mean()
    raise ValueError(f"kind must be one of {LOSSES}, got {kind!r}")


def _r1_from(real_logits: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """``E |∇_x D(x)|²`` from logits computed on ``real`` (which requires grad); differentiable."""
    (grad,) = torch.autograd.grad(real_logits.float().sum(), real, create_graph=True)
    return grad.float().pow(2).reshape(len(grad), -1).sum(1).mean()


def r1_penalty(discriminator: nn.Module, real: torch.Tensor) -> torch.Tensor:
    """Zero-centred gradient penalty on real data (R1, Mescheder et al. 2018): ``E_real |∇_x D(x)|²``.

    The squared norm of D's input gradient, summed over every non-batch
    dimension and averaged over the batch. It is differentiable (the graph is
    kept), so adding ``gamma / 2 * r1_penalty(D, real)`` to D's loss trains D
    to be flat around the real data. A D whose output does not depend on its
    input gets 0.
    """
    if not isinstance(discriminator, nn.Module):
        raise TypeError(f"discriminator must be a torch.nn.Module, got {type(discriminator).__name__}")
    if not isinstance(real, torch.Tensor) or not real.is_floating_point() or real.ndim < 2 or len(real) == 0:
        raise ValueError("real must be a non-empty floating-point batch (N, ...) of real examples")
    real = real.detach().requires_grad_(True)
    logits = discriminator(real)
    if not logits.requires_grad:  # D ignores its input (or has no parameters on the path): no gradient at all
        return torch.zeros((), device=real.device)
    return _r1_from(logits, real)


# ---- the step function ---------------------------------------------------------


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return value


def _real_of(batch) -> torch.Tensor:
    real = batch[0] if isinstance(batch, (tuple, list)) and batch else batch
    if not isinstance(real, torch.Tensor) or real.ndim < 2 or len(real) == 0:
        raise TypeError(
            "a GAN batch must be a tensor (N, ...) of real examples or a tuple whose first item is one, "
            f"got {type(real).__name__}"
        )
    return real


def make_gan_step(
    latent_dim: int,
    *,
    loss: str = "nonsaturating",
    r1_gamma: float = 0.0,
    r1_every: int = 1,
    d_steps: int = 1,
    ema: float | None = None,
    augment=None,
):
    """A step function for :func:`coursekit.train.fit`: models and optimizers named
    ``"generator"`` and ``"discriminator"``.

    Each step: ``d_steps`` discriminator updates, each on the batch of reals
    against fresh fakes from ``N(0, I)`` noise of ``latent_dim``, then one
    generator update with ``loss`` (``"nonsaturating"`` or ``"minimax"``).

    - ``r1_gamma`` > 0 adds ``r1_gamma / 2 * r1_penalty`` to D's loss. With
      ``r1_every=k`` it is added on every k-th step only, multiplied by k
      (StyleGAN2's "lazy regularization": the same average, k times cheaper).
    - ``ema`` (a decay such as 0.999): after each generator update the model
      ``"generator_ema"`` (pass ``ema_copy(generator)`` in ``fit``'s models,
      without an optimizer) is moved towards the generator with
      :func:`update_ema`, warmed up by :func:`ema_decay`. Ship that copy.
    - ``augment`` (a differentiable function of a batch, such as
      :func:`coursekit.augment.translate`): D sees every real and every fake
      through it, in its own update and in the generator's (DiffAugment, Zhao
      et al. 2020): D cannot memorise a small training set, and because the
      fakes are augmented too, G is not pushed to draw the augmentation.

    The batch is a tensor of reals or a tuple whose first item is one (images
    ``(N, C, H, W)`` or 2-D points ``(N, 2)``), already in the generator's
    output range. Returns ``d_loss`` (the cross-entropy, without R1),
    ``g_loss``, and ``d_real`` / ``d_fake``: D's mean probability "real" on the
    reals and on the fakes in the last discriminator update.
    """
    latent_dim = _check_positive_int("latent_dim", latent_dim)
    d_steps = _check_positive_int("d_steps", d_steps)
    r1_every = _check_positive_int("r1_every", r1_every)
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if isinstance(r1_gamma, bool) or not isinstance(r1_gamma, (int, float)) or not r1_gamma >= 0:
        raise ValueError(f"r1_gamma must be a number >= 0, got {r1_gamma!r}")
    if augment is not None and not callable(augment):
        raise TypeError(f"augment must be None or a function of a batch, got {type(augment).__name__}")
    seen = augment if augment is not None else (lambda x: x)
    if ema is not None and (isinstance(ema, bool) or not isinstance(ema, (int, float)) or not 0.0 < ema < 1.0):
        raise ValueError(f"ema must be None or a decay between 0 and 1 (e.g. 0.999), got {ema!r}")

    def gan_step(batch, state) -> dict[str, torch.Tensor]:
        real = _real_of(batch)
        try:
            G, D = state.models["generator"], state.models["discriminator"]
        except KeyError:
            raise KeyError(f"make_gan_step needs models named 'generator' and 'discriminator', got {sorted(state.models)}") from None
        if ema is not None and EMA_MODEL not in state.models:
            raise KeyError(f"make_gan_step(ema=...) needs a model named {EMA_MODEL!r}: pass ema_copy(generator) to fit")
        n = len(real)
        regularize = r1_gamma > 0 and state.step % r1_every == 0
        for _ in range(d_steps):
            with torch.no_grad(), state.autocast():
                fake = seen(G(torch.randn(n, latent_dim, device=real.device)))
            if regularize:  # float32 forward on the reals, kept for the gradient penalty
                real_in = seen(real).detach().requires_grad_(True)
                real_logits = D(real_in)
                with state.autocast():
                    fake_logits = D(fake)
                d_loss = discriminator_loss(real_logits.float(), fake_logits.float())
                total = d_loss + (r1_gamma / 2 * r1_every) * _r1_from(real_logits, real_in)
            else:
                with state.autocast():
                    real_logits, fake_logits = D(seen(real)), D(fake)
                    d_loss = total = discriminator_loss(real_logits.float(), fake_logits.float())
            state.optimize(total, "discriminator")
        D.requires_grad_(False)  # the generator step needs gradients through D, not for D
        try:
            with state.autocast():
                g_loss = generator_loss(D(seen(G(torch.randn(n, latent_dim, device=real.device)))).float(), loss)
            state.optimize(g_loss, "generator")
        finally:
            D.requires_grad_(True)
        if ema is not None:
            update_ema(state.models[EMA_MODEL], G, ema_decay(ema, state.step))
        return {
            "d_loss": d_loss.detach(),
            "g_loss": g_loss.detach(),
            "d_real": torch.sigmoid(real_logits.detach().float()).mean(),
            "d_fake": torch.sigmoid(fake_logits.detach().float()).mean(),
        }

    return gan_step

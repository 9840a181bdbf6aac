"""Checkers of week 5: each passes the reference solution and names the usual mistakes."""

import torch

from coursekit.checks.week05 import check_digit_codes, check_gaussian_kl, check_reparameterize
from coursekit.datasets import digits


def reparameterize(mu, log_var, eps):
    return mu + torch.exp(0.5 * log_var) * eps


def gaussian_kl(mu, log_var):
    return 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).sum(dim=1)


def test_reparameterize_checker(capsys):
    assert check_reparameterize(reparameterize)
    assert not check_reparameterize(lambda mu, lv, eps: mu + torch.exp(lv) * eps)
    assert "표준편차" in capsys.readouterr().out
    assert not check_reparameterize(lambda mu, lv, eps: torch.normal(mu.detach(), torch.exp(0.5 * lv.detach())))
    assert not check_reparameterize(lambda mu, lv, eps: (mu + torch.exp(0.5 * lv) * eps).detach())
    assert "계산 그래프" in capsys.readouterr().out
    assert not check_reparameterize(lambda mu, lv, eps: None)
    assert not check_reparameterize(lambda mu, lv, eps: (_ for _ in ()).throw(NotImplementedError))
    assert "NotImplementedError" in capsys.readouterr().out


def test_gaussian_kl_checker(capsys):
    assert check_gaussian_kl(gaussian_kl)
    assert not check_gaussian_kl(lambda mu, lv: 0.5 * (mu.pow(2) + lv.exp() - 1 - lv).mean(dim=1))
    assert "β" in capsys.readouterr().out
    assert not check_gaussian_kl(lambda mu, lv: gaussian_kl(mu, lv).mean())
    assert "(N,)" in capsys.readouterr().out
    assert not check_gaussian_kl(lambda mu, lv: 2 * gaussian_kl(mu, lv))
    assert "½" in capsys.readouterr().out
    assert not check_gaussian_kl(lambda mu, lv: 0.5 * (mu.pow(2) + lv.exp() - 1).sum(1))
    assert not check_gaussian_kl(lambda mu, lv: "kl")


class LookupDecoder:
    """A stand-in 2-D model: code (0.4 d - 1.8, 0) decodes to a real test digit of class d (anything else: blank)."""

    latent_dim = 2

    def __init__(self):
        images, labels = digits("test")
        self.examples = torch.stack([images[labels == d][0] for d in range(10)])

    def decode_images(self, z):
        out = torch.zeros(len(z), 1, 28, 28)
        for i, (a, b) in enumerate(z.tolist()):
            d = (a + 1.8) / 0.4
            if abs(b) < 0.05 and abs(d - round(d)) < 0.1 and 0 <= round(d) <= 9:
                out[i] = self.examples[round(d)]
        return out


def test_digit_codes_checker(capsys):
    model = LookupDecoder()
    right = torch.tensor([[0.4 * d - 1.8, 0.0] for d in range(10)])
    assert check_digit_codes(lambda m: right, model)
    assert check_digit_codes(lambda m: right.tolist(), model)  # a list of pairs is accepted
    swapped = right.clone()
    swapped[[3, 8]] = swapped[[8, 3]]
    assert not check_digit_codes(lambda m: swapped, model)
    assert "2개 숫자" in capsys.readouterr().out
    assert not check_digit_codes(lambda m: right[:9], model)
    assert "(10, 2)" in capsys.readouterr().out
    assert not check_digit_codes(lambda m: right * 3, model)
    assert "N(0, I)" in capsys.readouterr().out

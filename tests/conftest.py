"""Shared test helpers, and the guard that keeps every test off the network."""

import ipaddress
import os
import socket

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # before any test imports diffusers or huggingface_hub
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")


class NetworkAccessError(RuntimeError):
    """A test tried to open a connection to something other than this machine."""


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost: it would need DNS


_real_connect, _real_connect_ex = socket.socket.connect, socket.socket.connect_ex


def _guarded(real):
    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
            raise NetworkAccessError(f"a test opened a network connection to {address!r}; tests must run offline")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that connects to anything but 127.0.0.1 / ::1 (kernels and browsers on this machine are fine)."""
    monkeypatch.setattr(socket.socket, "connect", _guarded(_real_connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded(_real_connect_ex))


def _missing_tool(reason: str):
    """Skip locally, but fail on CI, where .ci/run installs the tools on purpose."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}; .ci/run must install it", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def missing_tool():
    """``missing_tool(reason)``: skip a test whose external tool is absent (fail in CI instead)."""
    return _missing_tool


def _count_updates(widget) -> list:
    """Replace ``widget.update`` by a wrapper that records each call; returns the record."""
    calls = []
    original = widget.update

    def counted():
        calls.append(1)
        return original()

    widget.update = counted
    return calls


@pytest.fixture(scope="session")
def count_updates():
    """``count_updates(widget)``: a list that grows by one on each ``widget.update()``."""
    return _count_updates


def _placeholder(*args):
    raise NotImplementedError


@pytest.fixture
def checker_verdict(capsys):
    """Exercise checkers (``coursekit.checks``) judged the way students see them.

    ``checker_verdict.accepts(check, solution)``: passes, prints "✅ 통과", and
    the student-copy placeholder (raises NotImplementedError) fails with a
    falsy CheckResult naming the error. ``checker_verdict.rejects(check,
    answer, expected)``: fails with "❌" and every text in ``expected``.
    """
    from types import SimpleNamespace

    from coursekit.checks import CheckResult

    def accepts(check, solution):
        assert check(solution)
        assert "✅ 통과" in capsys.readouterr().out
        result = check(_placeholder)
        assert not result and isinstance(result, CheckResult)
        assert "NotImplementedError" in capsys.readouterr().out

    def rejects(check, answer, expected):
        assert not check(answer)
        out = capsys.readouterr().out
        assert "❌" in out
        for text in expected:
            assert text in out, out

    return SimpleNamespace(accepts=accepts, rejects=rejects)

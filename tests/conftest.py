"""Shared test helpers."""

import os

import pytest


def _missing_tool(reason: str):
    """Skip locally, but fail on CI, where .ci/run installs the tools on purpose."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}; .ci/run must install it", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def missing_tool():
    """``missing_tool(reason)``: skip a test whose external tool is absent (fail in CI instead)."""
    return _missing_tool

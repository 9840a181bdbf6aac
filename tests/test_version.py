import pytest

import coursekit
from coursekit.version import VersionMismatch, require


def test_require_accepts_matching_spec():
    assert require(">=0.1") == coursekit.__version__
    assert require(">=0.1,<0.2", installed="0.1.7") == "0.1.7"


def test_require_names_the_fix_when_too_old():
    with pytest.raises(VersionMismatch) as err:
        require(">=0.3", installed="0.1.0")
    message = str(err.value)
    assert "coursekit>=0.3" in message and "0.1.0" in message and "pip install" in message


def test_require_rejects_too_new():
    with pytest.raises(VersionMismatch):
        require("<0.1", installed="0.1.0")


@pytest.mark.parametrize("bad", ["", "  ", "latest", None, 1])
def test_require_rejects_malformed_specs(bad):
    with pytest.raises(ValueError, match="specifier"):
        require(bad)


def test_top_level_exports():
    assert coursekit.require is require
    assert callable(coursekit.setup_lesson)

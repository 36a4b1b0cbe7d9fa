import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRACES = ROOT / "tests" / "traces"
REALDATA = ROOT.parent / "shared" / "realdata"
IN_CI = os.environ.get("CI") == "true"


def require(condition, reason):
    """Skip on a developer's machine, fail in CI: CI must exercise everything."""
    if condition:
        return
    if IN_CI:
        pytest.fail("CI requires this: " + reason)
    pytest.skip(reason)


@pytest.fixture
def realdata():
    if not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent (fresh clone outside the workspace)")
    return REALDATA

import importlib.util
import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
TRACES = ROOT / "tests" / "traces"
REALDATA = ROOT.parent / "shared" / "realdata"
IN_CI = os.environ.get("CI") == "true"


def load_benchmark(name):
    """benchmarks/NAME.py as a module (the benchmarks are scripts, not a package).

    Registered in sys.modules, once: worker processes find its functions by
    module name, and every test shares the one copy."""
    key = "repclip_bench_" + name
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, ROOT / "benchmarks" / (name + ".py"))
        mod = importlib.util.module_from_spec(spec)
        sys.modules[key] = mod
        spec.loader.exec_module(mod)
    return sys.modules[key]


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

"""firmware/requirements.txt (circup) and pyproject.toml (PyPI twins) name the same board libraries.

The virtual board runs the PyPI twins of the libraries copied onto the board;
if one list gains a library the other lacks, the simulator and the board drift.
"""

import pathlib
import re

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = pathlib.Path(__file__).resolve().parents[2]

# circup name -> PyPI distribution (Adafruit's naming: adafruit-circuitpython-<name with dashes>).
SPECIAL = {"adafruit_bus_device": "adafruit-circuitpython-busdevice"}


def circup_requirements():
    out = {}
    for lineno, line in enumerate((ROOT / "firmware" / "requirements.txt").read_text().splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = re.fullmatch(r"([a-z0-9_]+)(==([0-9][0-9.]*))?", line)
        assert m, "firmware/requirements.txt line %d: %r is not `name` or `name==version`" % (lineno, line)
        out[m.group(1)] = m.group(3)
    return out


def pypi_twin(name):
    if name in SPECIAL:
        return SPECIAL[name]
    return "adafruit-circuitpython-" + name[len("adafruit_"):].replace("_", "-")


def pyproject_dependencies():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    out = {}
    for dep in data["project"]["dependencies"]:
        m = re.match(r"([A-Za-z0-9_.\-]+)\s*(?:>=\s*([0-9.]+))?", dep)
        out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def _version(v):
    return tuple(int(x) for x in v.split("."))


def test_every_board_library_has_its_pypi_twin_and_back():
    board = circup_requirements()
    assert {"adafruit_lsm6ds", "adafruit_register", "adafruit_bus_device", "adafruit_displayio_ssd1306",
            "adafruit_display_text", "adafruit_ticks"} <= set(board)
    host = pyproject_dependencies()
    twins = {pypi_twin(n): n for n in board}
    missing = sorted(t for t in twins if t not in host)
    assert not missing, "pyproject.toml lacks the PyPI twins of firmware/requirements.txt: %s" % missing
    extra = sorted(d for d in host if d.startswith("adafruit-circuitpython-") and d not in twins)
    assert not extra, "pyproject.toml has board libraries firmware/requirements.txt lacks: %s" % extra


def test_pins_satisfy_the_host_minimums():
    host = pyproject_dependencies()
    for name, pinned in circup_requirements().items():
        assert pinned, "%s is not pinned (write %s==X.Y.Z)" % (name, name)
        minimum = host[pypi_twin(name)]
        if minimum:
            assert _version(pinned) >= _version(minimum), (name, pinned, minimum)


def test_firmware_imports_only_pinned_board_libraries():
    pinned = set(circup_requirements())
    used = set()
    for path in (ROOT / "firmware").rglob("*.py"):
        for m in re.finditer(r"^\s*(?:from|import)\s+(adafruit_[a-z0-9_]+)", path.read_text(), re.M):
            used.add(m.group(1))
    # The driver's package is adafruit_lsm6ds; imports come in through __import__ strings too.
    assert used <= pinned, "firmware imports unpinned libraries: %s" % sorted(used - pinned)

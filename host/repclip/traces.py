"""RepClip trace files: IMU samples as CSV plus a labels file with the truth.

A trace is text:

    # sensor=LSM6DSOX
    # odr_hz=104
    # mount=waist
    # mode=strength
    t_us,ax,ay,az,gx,gy,gz
    0,0.12,-0.03,9.81,0.001,0.0,-0.002
    ...

`# key=value` metadata lines come first, then the header (the gyro columns
may be absent), then rows: integer microseconds (strictly increasing) and
floats in m/s^2 and rad/s. The ground truth sits beside it in
NAME.labels.json: {"rep_count", "hop_count", "reps": [{start_us, bottom_us,
rise_us, end_us}], "hops": [{takeoff_us, touchdown_us}]} (lists may be empty
where only counts are known; real recordings add "segments" and "meta").

Every problem is a TraceError that names the file and line and says how to
fix it, so a user growing the test set with their own recordings sees what
is wrong instead of a traceback.
"""

import json
import math
import os

from repcore.engine import ODR_MAX_HZ, ODR_MIN_HZ

HEADER_FULL = ("t_us", "ax", "ay", "az", "gx", "gy", "gz")
HEADER_ACCEL = HEADER_FULL[:4]
KNOWN_META = (
    "sensor", "odr_hz", "mount", "mode", "exercise", "side", "load_kg", "tempo",
    "seed", "kind", "noise", "source", "note", "generator", "participant",
    "reps", "hops", "depth_cm", "mass_kg", "duration_s", "subject", "unit",
)
REP_KEYS = ("start_us", "bottom_us", "rise_us", "end_us")
HOP_KEYS = ("takeoff_us", "touchdown_us")


class TraceError(ValueError):
    """A trace or labels file that cannot be read; the message says where and why."""

    def __init__(self, path, line, problem, fix=None):
        self.path = str(path)
        self.line = line
        self.problem = problem
        where = self.path if line is None else "%s:%d" % (self.path, line)
        msg = "%s: %s" % (where, problem)
        if fix:
            msg += " (" + fix + ")"
        super().__init__(msg)


class Trace:
    """A whole trace in memory: meta dict, samples as 7-tuples, gyro flag, rate.

    odr_hz is the rate the samples came at, measured from their steps (it
    carries the part's clock error; the set rate under two samples); set_odr_hz is the rate the sensor was
    set to (`# odr_hz=`), the one the board hands its engine.
    """

    def __init__(self, path, meta, samples, has_gyro):
        self.path = str(path)
        self.meta = meta
        self.samples = samples
        self.has_gyro = has_gyro
        self.odr_hz = estimate_odr(samples) or self.set_odr_hz

    @property
    def set_odr_hz(self):
        rate = self.meta.get("odr_hz")
        return float(rate) if rate else None  # checked when the trace was read

    @property
    def duration_s(self):
        if len(self.samples) < 2:
            return 0.0
        return (self.samples[-1][0] - self.samples[0][0]) / 1e6

    @property
    def mode(self):
        return self.meta.get("mode")

    @property
    def mount(self):
        return self.meta.get("mount")

    def __len__(self):
        return len(self.samples)

    def __repr__(self):
        return "Trace(%r, %d samples, %.1f Hz)" % (self.path, len(self.samples), self.odr_hz or 0)


def estimate_odr(samples):
    """Sample rate in Hz: the median step (robust to gaps and jitter); None under two samples."""
    if len(samples) >= 2:
        steps = sorted(samples[i + 1][0] - samples[i][0] for i in range(min(len(samples) - 1, 4000)))
        step = steps[len(steps) // 2]
        if step > 0:
            return 1e6 / step
    return None


def _check_meta_line(path, lineno, text):
    body = text[1:].strip()
    if not body:
        return None  # a bare "#" is a comment
    if "=" not in body:
        raise TraceError(path, lineno, "metadata line %r is not key=value" % text.strip(),
                         "write it as '# key=value'")
    key, value = body.split("=", 1)
    key = key.strip()
    if not key or not key.replace("_", "").isalnum():
        raise TraceError(path, lineno, "metadata key %r is not a plain name" % key,
                         "use letters, digits and '_' only")
    if key not in KNOWN_META:
        raise TraceError(path, lineno, "unknown metadata key %r" % key,
                         "known keys: " + ", ".join(KNOWN_META))
    value = value.strip()
    if key == "odr_hz":
        _check_set_rate(path, lineno, value)
    return key, value


def _check_set_rate(path, lineno, value):
    try:
        ok = ODR_MIN_HZ <= float(value) <= ODR_MAX_HZ  # the rates the engine takes
    except ValueError:
        ok = False
    if not ok:
        raise TraceError(path, lineno, "odr_hz=%s is not a sensor rate in Hz" % value[:30],
                         "write the rate the sensor was set to, e.g. '# odr_hz=104' (%d to %d)"
                         % (ODR_MIN_HZ, ODR_MAX_HZ))


def _parse_header(path, lineno, text):
    cols = tuple(c.strip() for c in text.split(","))
    if cols == HEADER_FULL:
        return True
    if cols == HEADER_ACCEL:
        return False
    raise TraceError(path, lineno, "bad header %r" % text.strip()[:80],
                     "expected 't_us,ax,ay,az,gx,gy,gz' or 't_us,ax,ay,az'")


def _iter(path, want_meta):
    """Yield ('meta', dict, has_gyro) once, then sample tuples."""
    try:
        # binary, decoded line by line, so a bad byte is reported on its own line
        f = open(path, "rb")
    except FileNotFoundError:
        raise TraceError(path, None, "no such file", "check the path") from None
    except OSError as e:
        raise TraceError(path, None, "cannot open: %s" % e.strerror) from None
    with f:
        meta = {}
        has_gyro = None
        lineno = 0
        ncols = 0
        t_prev = None
        got_row = False
        try:
            for raw in f:
                lineno += 1
                text = raw.decode("utf-8").rstrip("\r\n")
                if has_gyro is None:
                    if not text.strip():
                        continue
                    if text.lstrip().startswith("#"):
                        kv = _check_meta_line(path, lineno, text.lstrip())
                        if kv:
                            meta[kv[0]] = kv[1]
                        continue
                    has_gyro = _parse_header(path, lineno, text)
                    ncols = 7 if has_gyro else 4
                    if want_meta:
                        yield ("meta", meta, has_gyro)
                    continue
                if not text.strip():
                    continue
                parts = text.split(",")
                if len(parts) != ncols:
                    raise TraceError(path, lineno, "%d columns, expected %d" % (len(parts), ncols),
                                     "every row needs " + ",".join(HEADER_FULL[:ncols]))
                try:
                    t = int(parts[0])
                except ValueError:
                    raise TraceError(path, lineno, "t_us %r is not an integer" % parts[0][:30],
                                     "timestamps are whole microseconds") from None
                if t_prev is not None and t <= t_prev:
                    raise TraceError(path, lineno, "t_us %d is not after the previous %d" % (t, t_prev),
                                     "timestamps must strictly increase; sort or drop duplicates")
                t_prev = t
                vals = []
                for i in range(1, ncols):
                    try:
                        v = float(parts[i])
                    except ValueError:
                        raise TraceError(path, lineno, "%s %r is not a number" % (HEADER_FULL[i], parts[i][:30]),
                                         "use plain decimal numbers") from None
                    if not math.isfinite(v):
                        raise TraceError(path, lineno, "%s is %s" % (HEADER_FULL[i], parts[i].strip()),
                                         "drop the sample or fill the gap; NaN/inf are not allowed")
                    vals.append(v)
                if ncols == 4:
                    vals.extend((0.0, 0.0, 0.0))
                got_row = True
                yield (t, vals[0], vals[1], vals[2], vals[3], vals[4], vals[5])
        except UnicodeDecodeError:
            raise TraceError(path, lineno, "not UTF-8 text", "is this a trace CSV?") from None
        if has_gyro is None:
            raise TraceError(path, lineno or None, "empty trace: no header line",
                             "expected '# key=value' lines, then 't_us,ax,ay,az,gx,gy,gz'")
        if not got_row:
            raise TraceError(path, lineno, "trace has a header but no samples")


def iter_samples(path):
    """Stream sample tuples (t_us, ax, ay, az, gx, gy, gz) without loading the file."""
    return _iter(path, False)


def read_trace(path):
    gen = _iter(path, True)
    meta = {}
    has_gyro = False
    samples = []
    for item in gen:
        if item[0] == "meta":
            meta, has_gyro = item[1], item[2]
        else:
            samples.append(item)
    return Trace(path, meta, samples, has_gyro)


def _fmt(v, decimals=5):
    """Shortest fixed-point text: trailing zeros dropped, no "-0"."""
    if v != v:
        return "nan"
    text = "%.*f" % (decimals, v)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def write_trace(path, meta, samples, labels=None, gyro=True, accel_decimals=5, gyro_decimals=5):
    """Write a trace (and NAME.labels.json when labels are given).

    accel_decimals / gyro_decimals: digits after the point (3 and 4 are below
    the LSM6DS's resolution and keep files about a third smaller).
    """
    path = str(path)
    for key in meta:
        if key not in KNOWN_META:
            raise TraceError(path, None, "unknown metadata key %r" % key, "known keys: " + ", ".join(KNOWN_META))
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    out = []
    for key, value in meta.items():
        out.append("# %s=%s\n" % (key, value))
    out.append(",".join(HEADER_FULL if gyro else HEADER_ACCEL) + "\n")
    da, dg = accel_decimals, gyro_decimals
    for s in samples:
        row = [_fmt(s[1], da), _fmt(s[2], da), _fmt(s[3], da)]
        if gyro:
            row += [_fmt(s[4], dg), _fmt(s[5], dg), _fmt(s[6], dg)]
        out.append("%d,%s\n" % (s[0], ",".join(row)))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("".join(out))
    if labels is not None:
        validate_labels(labels, labels_path(path))
        with open(labels_path(path), "w", encoding="utf-8") as f:
            json.dump(labels, f, indent=1)
            f.write("\n")


def labels_path(trace_path):
    p = str(trace_path)
    if p.endswith(".csv"):
        p = p[:-4]
    return p + ".labels.json"


def validate_labels(labels, where):
    def bad(problem, fix=None):
        raise TraceError(where, None, problem, fix)

    if not isinstance(labels, dict):
        bad("labels must be a JSON object", 'e.g. {"rep_count": 5, "hop_count": 0, "reps": [], "hops": []}')
    for key in ("rep_count", "hop_count"):
        v = labels.get(key, 0)
        if isinstance(v, bool) or not isinstance(v, int) or v < 0:
            bad("%s must be a whole number >= 0, got %r" % (key, v))
    for key, fields in (("reps", REP_KEYS), ("hops", HOP_KEYS)):
        items = labels.get(key, [])
        if not isinstance(items, list):
            bad("%s must be a list" % key)
        count = labels.get(key[:-1] + "_count", 0)
        if items and len(items) != count:
            bad("%s lists %d entries but %s_count is %d" % (key, len(items), key[:-1], count),
                "make them agree or leave the list empty")
        prev_end = None
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                bad("%s[%d] must be an object with %s" % (key, i, ", ".join(fields)))
            times = []
            for f in fields:
                v = item.get(f)
                if isinstance(v, bool) or not isinstance(v, int):
                    bad("%s[%d].%s must be an integer (microseconds), got %r" % (key, i, f, v))
                times.append(v)
            if times != sorted(times):
                bad("%s[%d]: %s are out of order" % (key, i, " <= ".join(fields)))
            if prev_end is not None and times[0] < prev_end:
                bad("%s[%d] starts before %s[%d] ends" % (key, i, key, i - 1))
            prev_end = times[-1]
    segs = labels.get("segments", [])
    if not isinstance(segs, list):
        bad("segments must be a list")
    for i, s in enumerate(segs):
        if not isinstance(s, dict) or not isinstance(s.get("start_us"), int) or not isinstance(s.get("end_us"), int):
            bad("segments[%d] needs integer start_us and end_us" % i)
    return labels


def read_labels(trace_path):
    """The labels beside a trace, validated; None when there is no labels file."""
    p = labels_path(trace_path)
    if not os.path.exists(p):
        return None
    try:
        with open(p, "r", encoding="utf-8") as f:
            labels = json.load(f)
    except json.JSONDecodeError as e:
        raise TraceError(p, e.lineno, "not valid JSON: %s" % e.msg) from None
    except UnicodeDecodeError:
        raise TraceError(p, None, "not UTF-8 text") from None
    validate_labels(labels, p)
    labels.setdefault("reps", [])
    labels.setdefault("hops", [])
    labels.setdefault("rep_count", len(labels["reps"]))
    labels.setdefault("hop_count", len(labels["hops"]))
    return labels


def truth_counts(labels):
    """(reps, hops) truth; real recordings count their segments."""
    reps = labels.get("rep_count", 0)
    hops = labels.get("hop_count", 0)
    segs = labels.get("segments") or []
    if segs and not reps and not hops:
        if (labels.get("meta") or {}).get("mode") == "hops":
            hops = len(segs)
        else:
            reps = len(segs)
    return reps, hops

"""Trace samples as the emulated IMU's physical input.

A trace is a CSV (t_us, ax, ay, az, gx, gy, gz in m/s^2 and rad/s) with optional
'# key=value' metadata lines on top (see tests/traces). The source plays the
trace from a chosen virtual time on: before it the sensor holds the first sample
(the athlete standing still), after it the last one. When the IMU samples at a
different rate than the trace was recorded at, each sample takes the most recent
trace row (zero-order hold), so every row is seen at least once when the IMU
rate is at or above the trace rate.
"""

import bisect
import csv
import pathlib


class TraceError(ValueError):
    pass


class Trace:
    def __init__(self, rows, meta=None, path=None):
        if not rows:
            raise TraceError("%s: the trace has no samples" % (path or "trace"))
        self.rows = rows  # list of (t_us, ax, ay, az, gx, gy, gz)
        self.meta = meta or {}
        self.path = path
        self.t0_us = rows[0][0]
        self.times = [r[0] - self.t0_us for r in rows]

    @property
    def period_us(self):
        return self.times[-1] // (len(self.times) - 1) if len(self.times) > 1 else 1

    @property
    def duration_us(self):
        """Time covered by the trace: the last row lasts one sample period too."""
        return self.times[-1] + self.period_us

    def __len__(self):
        return len(self.rows)


def load_trace(path):
    """Read a trace CSV; errors name the file and line."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise TraceError("%s: no such trace file (give a CSV with t_us,ax,ay,az,gx,gy,gz columns)" % path)
    meta, rows = {}, []
    with open(path, newline="") as fh:
        lines = []
        for lineno, line in enumerate(fh, 1):
            if line.startswith("#"):
                body = line[1:].strip()
                for sep in ("=", ":"):
                    if sep in body:
                        k, v = body.split(sep, 1)
                        meta[k.strip()] = v.strip()
                        break
                continue
            if line.strip():
                lines.append((lineno, line))
    if not lines:
        raise TraceError("%s: no header or samples" % path)
    header = [h.strip() for h in next(csv.reader([lines[0][1]]))]
    need = ["t_us", "ax", "ay", "az", "gx", "gy", "gz"]
    missing = [c for c in need if c not in header]
    if missing:
        raise TraceError("%s line %d: missing column(s) %s; the header must name %s"
                         % (path, lines[0][0], ", ".join(missing), ",".join(need)))
    idx = [header.index(c) for c in need]
    last_t = None
    for lineno, line in lines[1:]:
        cells = next(csv.reader([line]))
        try:
            t = int(float(cells[idx[0]]))
            vals = tuple(float(cells[i]) for i in idx[1:])
        except (ValueError, IndexError):
            raise TraceError("%s line %d: expected 7 numbers, got %r" % (path, lineno, line.strip())) from None
        if last_t is not None and t <= last_t:
            raise TraceError("%s line %d: t_us %d does not increase (previous %d)" % (path, lineno, t, last_t))
        last_t = t
        rows.append((t,) + vals)
    return Trace(rows, meta, path)


class TraceSource:
    """Plays `trace` starting at virtual time `start_ns` (set by the scenario)."""

    def __init__(self, trace, start_ns=None):
        self.trace = trace
        self.start_ns = start_ns

    def end_ns(self):
        if self.start_ns is None:
            return None
        return self.start_ns + self.trace.duration_us * 1000

    def sample(self, t_ns):
        """((ax, ay, az, gx, gy, gz), trace row index or None outside the trace)."""
        rows = self.trace.rows
        if self.start_ns is None or t_ns < self.start_ns:
            return rows[0][1:], None
        rel_us = (t_ns - self.start_ns) // 1000
        if rel_us >= self.trace.duration_us:
            return rows[-1][1:], None
        i = bisect.bisect_right(self.trace.times, rel_us) - 1
        return rows[i][1:], i

"""Make the README screenshots with the virtual board: `python -m repclip.sim.screenshots docs/img`.

Runs the real firmware through a squat set and a hop set on synthetic traces
(or tests/traces when present) and saves three screens, scaled x4 with
nearest-neighbour so the 128x64 pixels stay sharp: a live set, the RPE picker,
a hop set, and the summary after the session.
"""

import pathlib
import sys
import tempfile

from .api import simulate
from .board import ROOT
from .ssd1306 import ram_to_image


def _trace(tmp, kind):
    found = sorted((ROOT / "tests" / "traces").glob("*%s*.csv" % kind))
    if found:
        return found[0]
    from repclip.mpyrun import synthetic_hops, synthetic_squats

    hz = 208 if kind == "squat" else 416
    rows = synthetic_squats(reps=4, hz=hz) if kind == "squat" else synthetic_hops(hops=6, hz=hz)
    path = pathlib.Path(tmp) / ("%s.csv" % kind)
    with open(path, "w") as f:
        f.write("# odr_hz=%d\n# mount=waist\nt_us,ax,ay,az,gx,gy,gz\n" % hz)
        for r in rows:
            f.write("%d,%.5f,%.5f,%.5f,%.5f,%.5f,%.5f\n" % tuple(r))
    return path


def _frame_at(board, t_ms):
    """The screen as it was at t_ms (the last frame drawn at or before it)."""
    best = board.frames[0]
    for frame in board.frames:
        if frame[0] <= t_ms:
            best = frame
    return best[1]


def _save(board, ram, path, scale=4):
    ram_to_image(ram, 128, board.oled.height, scale).save(path)
    return path


def make(out_dir, scale=4):
    out = pathlib.Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    with tempfile.TemporaryDirectory() as tmp:
        squat = simulate(_trace(tmp, "squat"), pathlib.Path(tmp) / "f1", exercise="goblet_squat",
                         mode="strength", tempo="3-1-1")
        b = squat.board
        presses = [t for t, pin, down in b.buttons.log if down]
        start, stop = presses[0], presses[1]
        saved.append(_save(b, _frame_at(b, stop - 400), out / "sim_live_set.png", scale))
        after = [ram for t, ram in b.frames if t > stop]
        if after:
            saved.append(_save(b, after[0], out / "sim_rpe_picker.png", scale))
        saved.append(_save(b, b.frames[-1][1], out / "sim_summary.png", scale))  # after the session ends
        hops = simulate(_trace(tmp, "hop"), pathlib.Path(tmp) / "f2", exercise="pogo_hops", mode="hops")
        b = hops.board
        stop = [t for t, pin, down in b.buttons.log if down][1]
        saved.append(_save(b, _frame_at(b, stop - 400), out / "sim_hop_screen.png", scale))
    return saved


if __name__ == "__main__":
    for p in make(sys.argv[1] if len(sys.argv) > 1 else "docs/img"):
        print(p)

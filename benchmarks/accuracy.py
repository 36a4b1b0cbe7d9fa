"""How accurate is the engine? Generated sets with exact labels, plus real recordings (issue 2).

Generates, in memory and with fixed seeds, strength sets (kinds x mounts x
noise x ODR 12.5..833 Hz), hop series and walking/fidgeting/re-racking, runs
the repcore engine on each (repclip.replay.run_engine: the board's code, given
the rate the sensor was set to, as the board gives it) and prints:

- strength: rep count exact rate; phase boundary errors (start, bottom, rise,
  end) median and p95, engine reps matched to the labels by time overlap;
- hops: flight error median against 1 sample period + 2 ms, contact error
  median against 2 sample periods, hops found / missed / invented;
- touch-and-go sets (a tempo ending in 0: no rest between reps), the same
  figures in a section of their own;
- walking and fidgeting: false reps and hops per 10 minutes (every walk trace
  runs through a strength engine at its mount and a hops engine);
- real recordings in ../shared/realdata: truth count and engine count per file;
- the committed generated suite in tests/traces/gen, when present.

Each table is broken down by mount, ODR, noise and kind, and the verdict
lines say which ODRs a number covers: below 50 Hz a sample is 40-80 ms long,
so boundary timing there is reported but held only from ODR_TIMING_MIN_HZ up.

    python benchmarks/accuracy.py [--quick] [--seed N] [--jobs N]

tests/engine/test_accuracy.py imports this module and holds the same
thresholds on a smaller fixed-seed set.
"""

import argparse
import glob
import os
import pathlib
import statistics
import sys

from repclip.replay import run_engine

ROOT = pathlib.Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
SUITE_DIR = ROOT / "tests" / "traces" / "gen"

# The numbers.
COUNT_EXACT_MIN = 0.99
BOUNDARY_MEDIAN_MS = 60.0
BOUNDARY_P95_MS = 150.0
FALSE_PER_10MIN_MAX = 1.0
# Boundary timing is held from this ODR up (a 12.5 Hz sample lasts 80 ms).
ODR_TIMING_MIN_HZ = 50.0

ODRS = (12.5, 26.0, 52.0, 104.0, 208.0, 416.0, 833.0)
NOISES = ("none", "low", "medium", "high")
MOUNTS = ("waist", "thigh", "implement")
TEMPOS = ("3-1-1", "2-0-1", "1-0-1", "3-1-X", "4-2-2", "2-1-2", "X-0-X")
# Touch-and-go: a fourth figure of 0, no rest between reps (a section of its own).
TOUCH_AND_GO_TEMPOS = ("2-0-1-0", "3-0-2-0", "2-1-2-0", "3-1-1-0")
BOUNDARIES = ("start", "bottom", "rise", "end")


# --- cases ------------------------------------------------------------------

def strength_specs(count, seed=0):
    """`count` strength set specs covering kinds x mounts x noise x ODR, deterministic."""
    from repclip.tracegen import STRENGTH_KINDS
    specs = []
    combos = [(k, m, n) for k in STRENGTH_KINDS for m in MOUNTS for n in NOISES]
    i = 0
    while len(specs) < count:
        kind, mount, noise = combos[i % len(combos)]
        r = i // len(combos)
        odr = ODRS[(i * 3 + r) % len(ODRS)]
        specs.append({"kind": kind, "mount": mount, "noise": noise, "odr_hz": odr,
                      "reps": 3 + (i * 7 + seed) % 6, "tempo": TEMPOS[(i + r + seed) % len(TEMPOS)],
                      "seed": seed * 100003 + i})
        i += 1
    return specs


def touch_and_go_specs(count, seed=0):
    """`count` strength sets without a rest between reps (tempos ending in 0), deterministic."""
    specs = strength_specs(count, seed)
    for i, sp in enumerate(specs):
        sp["tempo"] = TOUCH_AND_GO_TEMPOS[(i + i // 7 + seed) % len(TOUCH_AND_GO_TEMPOS)]
        sp["reps"] = 5 + (i * 3 + seed) % 4  # long enough to be a run without rests
        sp["seed"] += 70000
    return specs


def hop_specs(count, seed=0):
    from repclip.tracegen import HOP_KINDS
    specs = []
    combos = [(k, m, n) for k in HOP_KINDS for m in MOUNTS for n in NOISES]
    i = 0
    while len(specs) < count:
        kind, mount, noise = combos[i % len(combos)]
        r = i // len(combos)
        odr = ODRS[(i * 3 + r + 1) % len(ODRS)]
        specs.append({"kind": kind, "mount": mount, "noise": noise, "odr_hz": odr,
                      "reps": 3 + (i * 5 + seed) % 8, "seed": seed * 100003 + 50000 + i})
        i += 1
    return specs


def walk_specs(total_s, seed=0, piece_s=60.0):
    specs = []
    i = 0
    while len(specs) * piece_s < total_s:
        specs.append({"kind": "walk", "mount": MOUNTS[i % 3], "noise": NOISES[(i // 3) % 4],
                      "odr_hz": ODRS[(i * 2 + 1) % len(ODRS)], "duration_s": piece_s,
                      "seed": seed * 100003 + 90000 + i})
        i += 1
    return specs


def generate(spec):
    from repclip import tracegen
    kw = dict(spec)
    kind = kw.pop("kind")
    return tracegen.generate(kind, **kw)


# --- scoring ----------------------------------------------------------------

def _overlap(a0, a1, b0, b1):
    return min(a1, b1) - max(a0, b0)


def match(got, truth):
    """Pair intervals by largest time overlap, each used once: [(gi, ti)], sorted by ti.

    got and truth are lists of (start, end); a pair needs a positive overlap.
    """
    cands = []
    for gi, (g0, g1) in enumerate(got):
        for ti, (t0, t1) in enumerate(truth):
            ov = _overlap(g0, g1, t0, t1)
            if ov > 0 or (g0 == g1 and t0 <= g0 <= t1):
                cands.append((ov, gi, ti))
    cands.sort(reverse=True)
    used_g, used_t, pairs = set(), set(), []
    for _, gi, ti in cands:
        if gi in used_g or ti in used_t:
            continue
        used_g.add(gi)
        used_t.add(ti)
        pairs.append((gi, ti))
    pairs.sort(key=lambda p: p[1])
    return pairs


def score_strength(reps, labels):
    truth = labels.get("reps") or []
    got = [(r.start_us, r.end_us) for r in reps]
    pairs = match(got, [(t["start_us"], t["end_us"]) for t in truth])
    errs = {b: [] for b in BOUNDARIES}
    for gi, ti in pairs:
        r, t = reps[gi], truth[ti]
        errs["start"].append(abs(r.start_us - t["start_us"]) / 1000.0)
        errs["bottom"].append(abs(r.bottom_us - t["bottom_us"]) / 1000.0)
        errs["rise"].append(abs(r.rise_us - t["rise_us"]) / 1000.0)
        errs["end"].append(abs(r.end_us - t["end_us"]) / 1000.0)
    return {"truth": labels.get("rep_count", len(truth)), "got": len(reps),
            "exact": len(reps) == labels.get("rep_count", len(truth)), "errs": errs}


def score_hops(hops, labels):
    truth = labels.get("hops") or []
    got = [(h.takeoff_us, h.touchdown_us) for h in hops]
    pairs = match(got, [(t["takeoff_us"], t["touchdown_us"]) for t in truth])
    by_truth = dict((ti, gi) for gi, ti in pairs)
    flight, contact = [], []
    for gi, ti in pairs:
        h, t = hops[gi], truth[ti]
        flight.append(abs((h.touchdown_us - h.takeoff_us) - (t["touchdown_us"] - t["takeoff_us"])) / 1000.0)
        # Contact: the ground time before this take-off, when the engine also
        # found the hop before it (the engine's contact_ms is this difference).
        if ti > 0 and (ti - 1) in by_truth and h.contact_ms is not None:
            p = hops[by_truth[ti - 1]]
            true_c = t["takeoff_us"] - truth[ti - 1]["touchdown_us"]
            contact.append(abs((h.takeoff_us - p.touchdown_us) - true_c) / 1000.0)
    n_truth = labels.get("hop_count", len(truth))
    return {"truth": n_truth, "got": len(hops), "found": len(pairs), "missed": n_truth - len(pairs),
            "invented": len(hops) - len(pairs), "flight": flight, "contact": contact}


def run_case(spec):
    """Generate one case, run the engine, score it: a plain dict (picklable)."""
    meta, samples, labels = generate(spec)
    mode = meta.get("mode") or ("hops" if spec["kind"] in _hop_kinds() else "strength")
    res = {"spec": spec, "mode": mode, "mount": spec.get("mount", "waist"),
           "odr": float(spec.get("odr_hz", 208.0)), "noise": spec.get("noise", "medium"),
           "kind": spec["kind"], "duration_s": (samples[-1][0] - samples[0][0]) / 1e6 if samples else 0.0}
    rate = float(meta["odr_hz"])  # the rate the sensor was set to: the board hands it to its engine
    if spec["kind"] == "walk":
        reps, _ = run_engine(samples, "strength", res["mount"], odr_hz=rate)
        _, hops = run_engine(samples, "hops", res["mount"], odr_hz=rate)
        res["mode"] = "walk"
        res["false_reps"] = len(reps)
        res["false_hops"] = len(hops)
        return res
    tempo = spec.get("tempo") if mode == "strength" else None
    reps, hops = run_engine(samples, mode, res["mount"], tempo, odr_hz=rate, exercise=meta.get("exercise"))
    if mode == "strength":
        res.update(score_strength(reps, labels))
        res["extra_hops"] = len(hops)
    else:
        res.update(score_hops(hops, labels))
    return res


def _hop_kinds():
    from repclip.tracegen import HOP_KINDS
    return HOP_KINDS


def run_cases(specs, jobs=1):
    if jobs > 1 and len(specs) > 8:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            return pool.map(run_case, specs, chunksize=4)
    return [run_case(s) for s in specs]


# --- aggregates -------------------------------------------------------------

def pct(values, q):
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    v = sorted(values)
    k = int(round(q / 100.0 * (len(v) - 1)))
    return v[k]


def strength_summary(results):
    out = {"sets": len(results), "exact": sum(1 for r in results if r["exact"])}
    out["exact_rate"] = out["exact"] / out["sets"] if out["sets"] else float("nan")
    for b in BOUNDARIES:
        e = [x for r in results for x in r["errs"][b]]
        out[b] = (statistics.median(e), pct(e, 95)) if e else (float("nan"), float("nan"))
    allb = [x for r in results for b in BOUNDARIES for x in r["errs"][b]]
    out["all"] = (statistics.median(allb), pct(allb, 95)) if allb else (float("nan"), float("nan"))
    return out


def hop_summary(results):
    out = {"sets": len(results)}
    for k in ("truth", "found", "missed", "invented"):
        out[k] = sum(r[k] for r in results)
    fl = [x for r in results for x in r["flight"]]
    co = [x for r in results for x in r["contact"]]
    out["flight_med"] = statistics.median(fl) if fl else float("nan")
    out["contact_med"] = statistics.median(co) if co else float("nan")
    # Limits of the slowest rate in the group (the loosest a group member may need).
    odrs = sorted(set(r["odr"] for r in results))
    out["flight_lim"] = 1000.0 / odrs[0] + 2.0 if odrs else float("nan")
    out["contact_lim"] = 2000.0 / odrs[0] if odrs else float("nan")
    return out


def walk_summary(results):
    secs = sum(r["duration_s"] for r in results)
    fr = sum(r["false_reps"] for r in results)
    fh = sum(r["false_hops"] for r in results)
    per = 600.0 / secs if secs else float("nan")
    return {"traces": len(results), "minutes": secs / 60.0, "false_reps": fr, "false_hops": fh,
            "reps_per_10min": fr * per, "hops_per_10min": fh * per}


def group(results, key):
    out = {}
    for r in results:
        out.setdefault(r[key], []).append(r)
    return [(k, out[k]) for k in sorted(out, key=lambda x: (isinstance(x, str), x))]


# --- printing ---------------------------------------------------------------

def _f(x, spec="%.0f"):
    return "-" if x != x else spec % x


def print_strength(results, title="strength"):
    print("\n== %s: %d sets, rep count exact and phase boundary error (ms, median/p95) ==" % (title, len(results)))
    for key in ("mount", "odr", "noise", "kind"):
        print("\n%-11s %5s %7s   %-9s %-9s %-9s %-9s %-9s" % ("by " + key, "sets", "exact", "start", "bottom", "rise", "end", "all"))
        for k, rs in group(results, key):
            s = strength_summary(rs)
            print("%-11s %5d %6.1f%%   %s" % (k, s["sets"], 100.0 * s["exact_rate"],
                  " ".join("%-9s" % ("%s/%s" % (_f(s[b][0]), _f(s[b][1]))) for b in BOUNDARIES + ("all",))))
    s = strength_summary(results)
    print("\nall %d sets: count exact %.1f%% (>= %.0f%%)" % (s["sets"], 100 * s["exact_rate"], 100 * COUNT_EXACT_MIN))
    held = [r for r in results if r["odr"] >= ODR_TIMING_MIN_HZ]
    if held:
        h = strength_summary(held)
        print("boundaries at ODR >= %.0f Hz (%d sets): median %s ms (<= %.0f), p95 %s ms (<= %.0f)"
              % (ODR_TIMING_MIN_HZ, len(held), _f(h["all"][0], "%.1f"), BOUNDARY_MEDIAN_MS,
                 _f(h["all"][1], "%.1f"), BOUNDARY_P95_MS))
    bad = [r for r in results if not r["exact"]]
    for r in bad[:12]:
        sp = r["spec"]
        print("  miscount: %s %s %s %.1f Hz tempo %s seed %d: truth %d got %d"
              % (sp["kind"], sp["mount"], sp["noise"], sp["odr_hz"], sp.get("tempo"), sp["seed"], r["truth"], r["got"]))


def print_hops(results, title="hops"):
    print("\n== %s: %d series; flight and contact error median (ms) vs limit; hops found/missed/invented ==" % (title, len(results)))
    for key in ("mount", "odr", "noise", "kind"):
        print("\n%-13s %5s %6s %7s %7s %9s %9s %9s %9s" % ("by " + key, "sets", "hops", "found", "missed", "invented",
                                                         "flight", "contact", "limits"))
        for k, rs in group(results, key):
            s = hop_summary(rs)
            print("%-13s %5d %6d %7d %7d %9d %9s %9s %4s/%-4s" % (k, s["sets"], s["truth"], s["found"], s["missed"],
                  s["invented"], _f(s["flight_med"], "%.2f"), _f(s["contact_med"], "%.2f"),
                  _f(s["flight_lim"], "%.1f"), _f(s["contact_lim"], "%.1f")))
    for r in [r for r in results if r["missed"] or r["invented"]][:12]:
        sp = r["spec"]
        print("  wrong: %s %s %s %.1f Hz seed %d: truth %d found %d invented %d"
              % (sp["kind"], sp["mount"], sp["noise"], sp["odr_hz"], sp["seed"], r["truth"], r["found"], r["invented"]))


def print_walk(results):
    s = walk_summary(results)
    print("\n== walking, fidgeting, re-racking, standing: %.1f min in %d traces, each through a strength and a hops engine =="
          % (s["minutes"], s["traces"]))
    print("false reps %d (%.2f per 10 min), false hops %d (%.2f per 10 min), limit %.0f per 10 min"
          % (s["false_reps"], s["reps_per_10min"], s["false_hops"], s["hops_per_10min"], FALSE_PER_10MIN_MAX))
    for r in [r for r in results if r["false_reps"] or r["false_hops"]][:12]:
        sp = r["spec"]
        print("  false: %s %s %.1f Hz seed %d: reps %d hops %d" % (sp["mount"], sp["noise"], sp["odr_hz"], sp["seed"],
                                                                  r["false_reps"], r["false_hops"]))


# --- recorded traces --------------------------------------------------------

def realdata_rows(folder=REALDATA, tempo=None, only=None):
    """[(file, mode, mount, truth, got)] for every trace in the real-data folder
    (or those whose path relative to it starts with `only`); `tempo` forces a
    tempo target on the strength sets (the recordings carry none)."""
    from repclip.traces import read_labels, read_trace, truth_counts
    rows = []
    for path in sorted(glob.glob(os.path.join(str(folder), "*", "*.csv")) + glob.glob(os.path.join(str(folder), "*.csv"))):
        if only and not os.path.relpath(path, str(folder)).startswith(only):
            continue
        tr = read_trace(path)
        labels = read_labels(path) or {}
        mode = (labels.get("meta") or {}).get("mode") or tr.meta.get("mode") or "strength"
        mount = tr.meta.get("mount") or (labels.get("meta") or {}).get("mount") or "waist"
        # the board knows the exercise the athlete chose (it says which way a rep starts)
        reps, hops = run_engine(tr.samples, mode, mount, tempo if mode == "strength" else None,
                                odr_hz=tr.set_odr_hz, exercise=tr.meta.get("exercise"))
        truth = truth_counts(labels)
        want = truth[1] if mode == "hops" else truth[0]
        got = len(hops) if mode == "hops" else len(reps)
        rows.append((os.path.relpath(path, str(folder)), mode, mount, want, got))
    return rows


def print_realdata(rows):
    print("\n== real recordings (%s) ==" % REALDATA)
    print("%-58s %-8s %-9s %5s %4s" % ("file", "mode", "mount", "truth", "got"))
    for f, mode, mount, want, got in rows:
        print("%-58s %-8s %-9s %5d %4d%s" % (f, mode, mount, want, got, "" if want == got else "  (%+d)" % (got - want)))
    exact = sum(1 for r in rows if r[3] == r[4])
    near = sum(1 for r in rows if abs(r[3] - r[4]) <= 1)
    print("exact %d/%d, within +-1 %d/%d" % (exact, len(rows), near, len(rows)))


def suite_results(folder=SUITE_DIR):
    """Score every committed generated trace (tests/traces/gen): list of result dicts."""
    from repclip.traces import read_labels, read_trace
    out = []
    for path in sorted(glob.glob(os.path.join(str(folder), "**", "*.csv"), recursive=True)):
        tr = read_trace(path)
        labels = read_labels(path)
        if labels is None:
            continue
        m = tr.meta
        kind = m.get("kind") or m.get("exercise") or "?"
        mode = m.get("mode") or "strength"
        mount = m.get("mount") or "waist"
        spec = {"kind": kind, "mount": mount, "noise": m.get("noise", "?"),
                "odr_hz": float(m.get("odr_hz") or tr.odr_hz or 0), "seed": int(m.get("seed") or 0),
                "tempo": m.get("tempo"), "file": os.path.relpath(path, str(ROOT))}
        res = {"spec": spec, "mount": mount, "odr": spec["odr_hz"], "noise": spec["noise"], "kind": kind,
               "duration_s": tr.duration_s}
        rate = tr.set_odr_hz
        if kind == "walk" or (not labels.get("rep_count") and not labels.get("hop_count") and mode != "hops"):
            reps, _ = run_engine(tr.samples, "strength", mount, odr_hz=rate)
            _, hops = run_engine(tr.samples, "hops", mount, odr_hz=rate)
            res.update(mode="walk", false_reps=len(reps), false_hops=len(hops))
        elif mode == "hops":
            _, hops = run_engine(tr.samples, "hops", mount, odr_hz=rate)
            res.update(mode="hops", **score_hops(hops, labels))
        else:
            reps, _ = run_engine(tr.samples, "strength", mount, m.get("tempo"), odr_hz=rate, exercise=m.get("exercise"))
            res.update(mode="strength", **score_strength(reps, labels))
        out.append(res)
    return out


def print_all(results):
    st = [r for r in results if r["mode"] == "strength"]
    hp = [r for r in results if r["mode"] == "hops"]
    wk = [r for r in results if r["mode"] == "walk"]
    if st:
        print_strength(st)
    if hp:
        print_hops(hp)
    if wk:
        print_walk(wk)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="about a quarter of the sets (a minute or so)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the generated sets [0]")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    args = ap.parse_args(argv)
    n_st, n_hp, walk_s = (60, 32, 600.0) if args.quick else (240, 120, 720.0)
    specs = strength_specs(n_st, args.seed) + hop_specs(n_hp, args.seed) + walk_specs(walk_s, args.seed)
    print("generated: %d strength sets, %d hop series, %.0f s of walking (seed %d); ODRs %s Hz"
          % (n_st, n_hp, walk_s, args.seed, ", ".join("%g" % o for o in ODRS)))
    print_all(run_cases(specs, args.jobs))
    print_strength(run_cases(touch_and_go_specs(n_st // 4, args.seed), args.jobs),
                   title="touch-and-go (tempo ending in 0, no rest between reps)")
    if SUITE_DIR.is_dir():
        res = suite_results()
        if res:
            print("\n######## committed suite %s: %d traces ########" % (os.path.relpath(str(SUITE_DIR), str(ROOT)), len(res)))
            print_all(res)
    if REALDATA.is_dir():
        print_realdata(realdata_rows())
    else:
        print("\n(real recordings: %s is absent)" % REALDATA)
    return 0


if __name__ == "__main__":
    sys.exit(main())

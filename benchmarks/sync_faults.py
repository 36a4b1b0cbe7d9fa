"""Randomized fault-injection runs of the whole sync (default 1,000).

Each run puts 1-4 sessions on an in-memory device and syncs over a relay that
drops, flips, truncates, injects junk and cuts the cable at random points,
re-running sync until the device is empty. Prints runs, sessions, lost,
duplicated, sync attempts and retries. Exit code 1 if anything was lost or
duplicated.

    python benchmarks/sync_faults.py [RUNS] [FIRST_SEED]
"""

import pathlib
import sys
import tempfile
import time

from repclip.link.testing import run_until_synced  # noqa: E402


def main(runs=1000, first=0):
    t0 = time.perf_counter()
    sessions = lost = duplicated = attempts = retries = unfinished = early = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(first, first + runs):
            run = run_until_synced(seed, pathlib.Path(tmp) / ("%d.db" % seed))
            sessions += len(run.originals)
            lost += len(run.lost) + len(run.corrupted)
            duplicated += len(run.duplicated)
            early += len(run.early_deletes)
            unfinished += bool(run.left_on_device)
            attempts += run.attempts
            retries += run.retries
    dt = time.perf_counter() - t0
    print("runs %d  sessions %d  lost %d  duplicated %d  freed-before-stored %d  unfinished %d  "
          "sync attempts %d  retries %d  (%.1f s)"
          % (runs, sessions, lost, duplicated, early, unfinished, attempts, retries, dt))
    return 1 if lost or duplicated or unfinished or early else 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    sys.exit(main(*args))

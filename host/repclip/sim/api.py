"""Python API of the virtual board: simulate() one workout on a trace, serve_link() a flash dir.

Used by `repclip sim`, `repclip demo` and the end-to-end tests.
"""

import contextlib
import pathlib
import sys
import threading
import time

from .board import FIRMWARE_DIR, VirtualBoard
from .scenario import default_scenario
from .trace_source import TraceSource, load_trace


class SimResult:
    """What one simulated run left behind."""

    def __init__(self, board, flash_dir, session_ids, frames, stop_reason):
        self.board = board
        self.flash_dir = pathlib.Path(flash_dir)
        self.session_ids = session_ids  # sessions created by this run, oldest first
        self.frames = frames  # PNG paths (png_dir given) or Pillow images
        self.events = list(board.engine_events)  # what the firmware's engine reported
        self.buzzer = list(board.buzzer)  # (t_ms, on, frequency)
        self.console = board.console_text
        self.stop_reason = stop_reason
        self.device_id = None
        for sid in session_ids:
            sess = self.session(sid)
            if sess is not None and sess.device_id:
                self.device_id = sess.device_id
                break

    @classmethod
    def from_flash(cls, flash_dir, session_ids):
        """A result view of what is on a flash dir (no run attached)."""
        obj = cls.__new__(cls)
        obj.board = None
        obj.flash_dir = pathlib.Path(flash_dir)
        obj.session_ids = list(session_ids)
        obj.frames, obj.events, obj.buzzer, obj.console, obj.stop_reason = [], [], [], "", None
        obj.device_id = None
        return obj

    def session_bytes(self, sid):
        for path in self.flash_dir.rglob("S%08d*" % sid):
            return path.read_bytes()
        return None

    def session(self, sid):
        """repclip.session.parse_session of a stored session (None if its file is missing)."""
        from repclip.session import parse_session

        data = self.session_bytes(sid)
        return None if data is None else parse_session(data)

    def sessions(self):
        return [self.session(sid) for sid in self.session_ids]


def _session_ids(flash_dir):
    """Session ids on the flash: through the firmware's SessionLog if present, else by file name."""
    ids = []
    for path in sorted(pathlib.Path(flash_dir).rglob("S*.rcl")):
        try:
            ids.append(int(path.stem[1:9]))
        except ValueError:
            continue
    return sorted(set(ids))


def simulate(trace_path, flash_dir, *, exercise=None, side=None, mode=None, tempo=None, mount=None, png_dir=None,
             rpe=7, discomfort=0, imu_variant="LSM6DSOX", imu_present=True, scenario=None,
             echo_console=False, firmware_dir=None, serve=None, **settings_overrides):
    """Run the firmware through one set on `trace_path`; returns a SimResult.

    The scenario (scenario.default_scenario unless one is given) chooses the
    exercise, starts the set at 1 s, plays the trace, stops the set at its end,
    enters RPE and discomfort and ends the session. settings_overrides are
    settings.toml keys (REPCLIP_X=... or x=...).
    """
    trace = load_trace(trace_path)
    source = TraceSource(trace)
    overrides = dict(settings_overrides)
    if mode is None:
        mode = trace.meta.get("mode")
    if exercise is None:
        exercise = trace.meta.get("exercise")
    if mount is None:
        mount = trace.meta.get("mount")  # where the recording was worn: the board is set the same way
    for key, value in (("REPCLIP_MODE", mode), ("REPCLIP_TEMPO", tempo), ("REPCLIP_SIDE", side),
                       ("REPCLIP_EXERCISE", exercise), ("REPCLIP_MOUNT_POINT", mount)):
        if value is not None:
            overrides.setdefault(key, value)
    before = set(_session_ids(flash_dir))
    board = VirtualBoard(flash_dir, settings=overrides, trace_source=source, imu_variant=imu_variant,
                         imu_present=imu_present, echo_console=echo_console, firmware_dir=firmware_dir,
                         data="pty" if serve else "pipe")
    odr = int(board.settings.get("REPCLIP_ODR_HOPS" if mode == "hops" else "REPCLIP_ODR_STRENGTH", 208) or 208)
    (scenario or default_scenario)(board, source, exercise=exercise, rpe=rpe, discomfort=discomfort, odr=odr)
    if serve is not None:
        _serve_after_scenario(board, serve)
    try:
        reason = board.run()
    except KeyboardInterrupt:
        reason = "interrupted (Ctrl-C)"
    finally:
        if serve is not None:
            board.data_stream.close()
    new_ids = [sid for sid in _session_ids(flash_dir) if sid not in before]
    frames = _frames_out(board, png_dir)
    return SimResult(board, flash_dir, new_ids, frames, reason)


def _serve_after_scenario(board, serve):
    """At the scenario's end: real-time pacing, no time limit, `serve(port)` in a thread; stop when it returns."""
    done = threading.Event()
    end_s = board.clock.stop_at_ns / 1e9 if board.clock.stop_at_ns else 0.0

    def host():
        try:
            serve(board.data_stream.port)
        finally:
            done.set()

    def go_live():
        board.clock.stop_at_ns = None
        board.clock.realtime = True
        threading.Thread(target=host, name="repclip-sim-host", daemon=True).start()

    def stop_when_done(now_ns):
        if done.is_set():
            from .clock import SimStop

            raise SimStop("the host is done")

    board.clock.stop_at_ns = None
    board.at(end_s, go_live)
    board.clock.sleep_hooks.append(stop_when_done)


def _frames_out(board, png_dir):
    from .ssd1306 import ram_to_image

    images = [ram_to_image(ram, 128, board.oled.height) for _, ram in board.frames]
    if png_dir is None:
        return images
    out = pathlib.Path(png_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for (t_ms, _), img in zip(board.frames, images):
        path = out / ("frame_%07dms.png" % t_ms)
        img.save(path)
        paths.append(path)
    return paths


def _device_of(flash_dir):
    """The device id written in the newest session file on the flash, if any."""
    from repcore import record

    for path in sorted(pathlib.Path(flash_dir).glob("S*.rcl"), reverse=True):
        recs, _ = record.read_records(path.read_bytes())
        if recs and recs[0][1] == record.SESSION:
            _, meta = record.decode_payload(record.SESSION, recs[0][2])
            if meta.get("device"):
                return meta["device"]
    return None


@contextlib.contextmanager
def serve_link(flash_dir, device=None, hello=None, on_plan=None, on_clock=None):
    """Serve the firmware's LinkServer over the SessionLog in `flash_dir` on a fresh pty.

    The board's name in HELLO is the device id of the sessions on the flash
    (as the real board would report it), else "RC-SIM".
    Yields the pty path for pyserial / `repclip sync --port PATH`; the server
    runs in a thread until the with-block ends. Plans and clock sets the host
    pushes are kept on the yielded path's `.plans` / `.clocks` lists too.
    """
    from .usb import PtySerial

    lib = str(FIRMWARE_DIR / "lib")
    if lib not in sys.path:
        sys.path.insert(0, lib)
    from repclip_board.linkserver import LinkServer
    from repclip_board.sessionlog import SessionLog

    try:
        from repclip_board import FIRMWARE_VERSION as fw
    except ImportError:
        fw = "sim"
    log = SessionLog(str(flash_dir))
    stream = PtySerial()
    plans, clocks = [], []
    info = dict(hello or {"device": device or _device_of(flash_dir) or "RC-SIM", "fw": fw, "clock": 0,
                          "uptime_ms": 0, "board": "repclip_virtual_board", "state": "home",
                          "recording": None})
    started = time.monotonic()

    def hello_info():
        info["uptime_ms"] = int((time.monotonic() - started) * 1000)
        try:
            info["free"] = log.free_bytes()
        except (OSError, AttributeError):
            pass
        return info

    server = LinkServer(stream, log, hello_info, on_plan=on_plan or plans.append,
                        on_clock=on_clock or clocks.append)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                if not server.poll():
                    time.sleep(0.0005)
            except OSError:
                return

    thread = threading.Thread(target=loop, name="repclip-sim-link", daemon=True)
    thread.start()
    port = _Port(stream.port, plans, clocks, server)
    try:
        yield port
    finally:
        stop.set()
        thread.join(2)
        stream.close()


class _Port(str):
    """The pty path (a str) carrying what the host pushed."""

    def __new__(cls, path, plans, clocks, server):
        obj = str.__new__(cls, path)
        obj.plans, obj.clocks, obj.server = plans, clocks, server
        return obj

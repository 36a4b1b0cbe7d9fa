"""The app's state machine with fake hardware (no virtual board): buttons in, records out."""

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "firmware" / "lib"))

from repcore.events import Hop, Rep  # noqa: E402
from repclip.session import parse_session  # noqa: E402
from repclip_board import app as A  # noqa: E402
from repclip_board import buttons as B  # noqa: E402
from repclip_board.buzzer import Buzzer  # noqa: E402
from repclip_board.imu import ImuStopped  # noqa: E402
from repclip_board.screens import Screens  # noqa: E402
from repclip_board.sessionlog import SessionLog  # noqa: E402
from repclip_board.settings import Settings  # noqa: E402


class FakeEvent:
    key_number = 0
    pressed = False
    timestamp = 0


class FakeQueue:
    def __init__(self):
        self.items = []

    def get_into(self, ev):
        if not self.items:
            return False
        ev.key_number, ev.pressed = self.items.pop(0)
        return True


class FakeKeys:
    key_count = 3

    def __init__(self):
        self.events = FakeQueue()


class FakeImu:
    """Delivers `samples` (t_us, ax..gz) a few per drain; can be told to fail."""

    name = "FAKE"

    def __init__(self, samples=(), fail_after=None):
        self.samples = list(samples)
        self.pos = 0
        self.fail_after = fail_after
        self.running = False
        self.configured = None
        self.overruns = 0

    def configure(self, odr, accel_g, gyro_dps):
        self.configured = (odr, accel_g, gyro_dps)

    def start(self):
        self.running = True
        self.pos = 0

    def stop(self):
        self.running = False

    def drain(self, handler):
        if self.fail_after is not None and self.pos >= self.fail_after:
            raise ImuStopped("IMU stopped answering (I2C error 5)")
        n = 0
        while self.pos < len(self.samples) and n < 50:
            handler(*self.samples[self.pos])
            self.pos += 1
            n += 1
        return n


class FakeEngine:
    """Emits a Rep (or Hop) every 1000 samples: a stand-in with the Engine's interface."""

    def __init__(self, mode, mount, tempo, odr, exercise=None):
        self.mode, self.mount, self.tempo, self.odr, self.exercise = mode, mount, tempo, odr, exercise
        self.n = 0
        self.count = 0

    def feed(self, t, ax, ay, az, gx, gy, gz):
        self.n += 1
        if self.n % 1000:
            return None
        self.count += 1
        if self.mode == "hops":
            return Hop(self.count, t - 400_000, t, None if self.count == 1 else 230, 3.1, 150.0, "moderate")
        return Rep(self.count, t - 4_700_000, t - 1_700_000, t - 700_000, t)

    def finish(self):
        return None


def samples(n, hz=208):
    return [(i * 1_000_000 // hz, 0.0, 0.0, 9.81, 0.0, 0.0, 0.0) for i in range(n)]


@pytest.fixture(autouse=True)
def roomy_flash(monkeypatch):
    monkeypatch.setattr(os, "statvfs", lambda p: os.statvfs_result((512, 512, 8192, 4096, 4096, 0, 0, 0, 0, 255)))


def make_app(tmp_path, imu=None, **values):
    settings = Settings(dict({"REPCLIP_DATA_DIR": str(tmp_path), "REPCLIP_TEMPO": "3-1-1"}, **values))
    keys = FakeKeys()
    app = A.App(settings, Screens(None, 64), B.Buttons(keys, FakeEvent()), Buzzer(None),
                imu if imu is not None else FakeImu(samples(3000)), SessionLog(str(tmp_path)),
                engine_factory=FakeEngine, device_id="RC-TEST", board_name="fake")
    return app, keys


class Clock:
    def __init__(self):
        self.ms = 1000


def press(app, keys, clock, key, hold_ms=80):
    keys.events.items.append((key, True))
    app.step(clock.ms)
    clock.ms += hold_ms
    app.step(clock.ms)
    keys.events.items.append((key, False))
    app.step(clock.ms)
    clock.ms += 20


def run(app, clock, steps):
    for _ in range(steps):
        clock.ms += 10
        app.step(clock.ms)


def session_file(tmp_path, sid):
    return parse_session((tmp_path / ("S%08d.rcl" % sid)).read_bytes())


def test_full_set_flow_writes_a_session_the_host_parses(tmp_path):
    app, keys = make_app(tmp_path)
    c = Clock()
    assert app.state == A.HOME and app.screens.current_big == "READY"
    assert app.exercise == "goblet_squat"
    press(app, keys, c, 1)  # B: start
    assert app.state == A.RUNNING and app.imu.configured == (208, 4, 1000)
    # the engine is told the lift (which way a rep starts; a squat's reps are in the pelvis tilt)
    assert (app.engine.mode, app.engine.mount, app.engine.exercise) == ("strength", "waist", "goblet_squat")
    run(app, c, 100)  # 3000 samples at 50 per step -> 3 reps
    assert app.reps == 3 and app.screens.current_big == "3"
    assert "IN TEMPO" in " ".join(app.screens.text()) or "OUT OF TEMPO" in " ".join(app.screens.text())
    press(app, keys, c, 1)  # B: stop -> RPE picker starting at 5
    assert app.state == A.PICK_RPE and app.value == 5
    press(app, keys, c, 0)
    press(app, keys, c, 0)  # A, A: 7
    press(app, keys, c, 1)
    assert app.state == A.PICK_DISCOMFORT and app.rpe == 7
    press(app, keys, c, 0)  # discomfort 1
    press(app, keys, c, 1)
    assert app.state == A.HOME and app.set_no == 1
    press(app, keys, c, 1, hold_ms=1200)  # B held: end session
    assert app.state == A.MESSAGE and app.session_id is None
    sess = session_file(tmp_path, 1)
    assert sess.ended and sess.tail is None and sess.device_id == "RC-TEST"
    (s,) = sess.sets
    assert (s.exercise, s.mode, s.tempo, s.rpe, s.discomfort) == ("goblet_squat", "strength", "3-1-1", 7, 1)
    assert [r.index for r in s.reps] == [1, 2, 3]
    # The app judged the tempo the engine left open: 3-1-1 exactly.
    assert all(r.tempo_ok for r in s.reps)


def test_long_press_fires_once_while_held_and_release_is_ignored(tmp_path):
    app, keys = make_app(tmp_path)
    b = app.buttons
    keys.events.items.append((0, True))
    assert b.poll(0) == B.NONE
    assert b.poll(500) == B.NONE
    assert b.poll(1000) == B.A_LONG
    assert b.poll(1500) == B.NONE
    keys.events.items.append((0, False))
    assert b.poll(1600) == B.NONE
    keys.events.items.append((1, True))
    keys.events.items.append((1, False))
    assert b.poll(1700) == B.B_SHORT


def test_menu_cycles_exercises_and_sides_and_hops_mode(tmp_path):
    app, keys = make_app(tmp_path)
    c = Clock()
    names = list(app.exercises)
    press(app, keys, c, 0)
    assert app.exercise == names[1]
    press(app, keys, c, 0, hold_ms=1100)
    assert app.side == "L"
    press(app, keys, c, 0, hold_ms=1100)
    assert app.side == "R"
    app.index = app.exercises.index("pogo_hops")
    assert app.mode() == "hops" and app.tempo_text() is None
    press(app, keys, c, 1)
    assert app.imu.configured == (416, 16, 1000)
    run(app, c, 100)
    assert app.hops == 3 and app.screens.current_big == "3"
    assert any("flight" in r for r in app.screens.text())


def test_imu_stopping_mid_set_closes_the_set_cleanly(tmp_path):
    app, keys = make_app(tmp_path, imu=FakeImu(samples(3000), fail_after=1500))
    c = Clock()
    press(app, keys, c, 1)
    run(app, c, 60)
    assert app.state == A.MESSAGE and app.screens.current[0] == "IMU ERROR"
    press(app, keys, c, 1)
    assert app.state == A.HOME
    press(app, keys, c, 1, hold_ms=1200)
    sess = session_file(tmp_path, 1)
    (s,) = sess.sets
    assert s.ended and len(s.reps) == 1 and "stopped answering" in s.end_meta["error"]
    assert sess.meta["notes"][0]["error"].startswith("IMU stopped answering")


def test_missing_imu_shows_error_and_never_starts_a_session(tmp_path):
    settings = Settings({"REPCLIP_DATA_DIR": str(tmp_path)})
    keys = FakeKeys()
    app = A.App(settings, Screens(None, 64), B.Buttons(keys, FakeEvent()), Buzzer(None), None,
                SessionLog(str(tmp_path)), engine_factory=FakeEngine, imu_error="IMU not found at I2C 0x6A")
    c = Clock()
    assert app.screens.current[0] == "IMU NOT FOUND"
    press(app, keys, c, 1)
    assert app.state == A.MESSAGE and app.session_id is None
    assert app.log.session_ids() == []


def test_full_flash_refuses_to_start(tmp_path, monkeypatch):
    app, keys = make_app(tmp_path, REPCLIP_RESERVE_BYTES=10 * 1024 * 1024)
    app.log.reserve = 10 * 1024 * 1024
    c = Clock()
    press(app, keys, c, 1)
    assert app.state == A.MESSAGE and app.screens.current[0] == "FLASH FULL"
    assert app.log.session_ids() == [] and not app.imu.running


def test_prescription_preselects_and_advances(tmp_path):
    app, keys = make_app(tmp_path)
    plan = {"v": 1, "date": "2026-11-25", "rest": False, "exercises": [
        {"exercise": "split_squat", "mode": "strength", "sets": 1, "reps": 8, "tempo": "2-0-1",
         "load_kg": 12.0, "side": "L"},
        {"exercise": "pogo_hops", "mode": "hops", "sets": "two?", "hops": 10, "tempo": None, "load_kg": None,
         "side": "both", "mount": "thigh"}]}
    app.on_plan(plan)
    assert app.exercise == "split_squat" and app.tempo_text() == "2-0-1" and app.load_kg() == 12.0
    assert app.side == "L"
    assert "plan 1/1 x8 12kg" in app.screens.current
    c = Clock()
    press(app, keys, c, 1)
    assert (app.engine.exercise, app.engine.tempo) == ("split_squat", "2-0-1")
    run(app, c, 100)
    press(app, keys, c, 1)
    press(app, keys, c, 1)
    press(app, keys, c, 1)
    assert app.state == A.HOME and app.exercise == "pogo_hops" and app.side is None
    assert app.mount_for() == "thigh" and app.prescribed_line() == "plan 1/two? x10"
    # The plan survives a reboot (kept on the flash).
    app2, _ = make_app(tmp_path)
    assert app2.prescription == plan
    sess_start = (tmp_path / "S00000001.rcl").read_bytes()
    assert b"split_squat" in sess_start


def test_raw_mode_records_every_sample(tmp_path):
    app, keys = make_app(tmp_path, REPCLIP_RAW=1)
    c = Clock()
    press(app, keys, c, 1)
    run(app, c, 100)
    press(app, keys, c, 1)
    press(app, keys, c, 1)
    press(app, keys, c, 1)
    app.end_session(c.ms)
    sess = session_file(tmp_path, 1)
    (s,) = sess.sets
    assert len(s.samples) == 3000 and s.end_meta["samples"] == 3000
    assert [round(r[0]) for r in s.samples[:3]] == [0, 4807, 9615]
    assert abs(s.samples[10][3] - 9.81) < 0.006
    assert app.log.is_raw(1)


class FakePwm:
    def __init__(self):
        self.frequency = 440
        self._duty = 0
        self.tones = []

    @property
    def duty_cycle(self):
        return self._duty

    @duty_cycle.setter
    def duty_cycle(self, v):
        if v and not self._duty:
            self.tones.append(self.frequency)
        self._duty = v


def test_cues_follow_the_engine_phase():
    from repcore.tempo import parse_tempo
    from repclip_board.buzzer import BOTTOM_HZ, RISE_HZ, TICK_HZ, TempoCues

    pwm = FakePwm()
    cues = TempoCues(Buzzer(pwm), parse_tempo("3-1-1"))
    now = 0
    # Lowering starts at 1.0 s of stream time; the loop runs every 10 ms.
    for t_ms in range(1000, 4000, 10):
        now += 10
        cues.follow(now, "eccentric", 1_000_000, t_ms * 1000)
        cues.update(now)
    assert pwm.tones == [TICK_HZ] * 3  # 0, 1, 2 s of a 3 s lowering
    for t_ms in range(4000, 5200, 10):
        now += 10
        cues.follow(now, "pause", 4_000_000, t_ms * 1000)
        cues.update(now)
    assert pwm.tones == [TICK_HZ] * 3 + [BOTTOM_HZ, RISE_HZ]
    assert pwm.duty_cycle == 0  # every tone was switched off on its deadline


def test_cues_metronome_without_a_live_phase():
    from repcore.tempo import parse_tempo
    from repclip_board.buzzer import LEAD_MS, RISE_HZ, TICK_HZ, TempoCues

    pwm = FakePwm()
    cues = TempoCues(Buzzer(pwm), parse_tempo("2-0-1"))
    cues.restart(0)
    for now in range(0, LEAD_MS + 3000, 10):
        cues.update(now)
    assert pwm.tones == [TICK_HZ, TICK_HZ, RISE_HZ]


def test_link_is_served_when_idle_and_sync_status_shows(tmp_path):
    from repcore import protocol as P
    from repcore.frame import FrameReader, encode_frame

    class Stream:
        def __init__(self):
            self.inbox = bytearray()
            self.out = bytearray()

        @property
        def in_waiting(self):
            return len(self.inbox)

        def read(self, n):
            data = bytes(self.inbox[:n])
            del self.inbox[:n]
            return data

        def write(self, b):
            self.out += bytes(b)
            return len(b)

    stream = Stream()
    settings = Settings({"REPCLIP_DATA_DIR": str(tmp_path)})
    keys = FakeKeys()
    app = A.App(settings, Screens(None, 64), B.Buttons(keys, FakeEvent()), Buzzer(None), FakeImu(samples(1200)),
                SessionLog(str(tmp_path)), stream=stream, engine_factory=FakeEngine, device_id="RC-LINK")
    c = Clock()
    press(app, keys, c, 1)
    stream.inbox += encode_frame(P.HELLO, 1, b"")
    run(app, c, 5)
    assert stream.out == b""  # not served mid-set
    press(app, keys, c, 1)
    run(app, c, 1)
    reader = FrameReader()
    reader.feed(bytes(stream.out))
    ftype, seq, payload = reader.next_frame()
    info = P.unpack_json(payload, "HELLO_R")
    assert ftype == P.HELLO_R and info["device"] == "RC-LINK" and info["state"] == "rpe"
    assert info["recording"] == 1
    press(app, keys, c, 1)
    press(app, keys, c, 1)
    assert "sync: 1 on flash" in app.screens.current


def test_edit_mode_drive_refuses_to_record(tmp_path):
    settings = Settings({"REPCLIP_DATA_DIR": str(tmp_path)})
    keys = FakeKeys()
    app = A.App(settings, Screens(None, 64), B.Buttons(keys, FakeEvent()), Buzzer(None), FakeImu(samples(10)),
                SessionLog(str(tmp_path)), engine_factory=FakeEngine, writable=False)
    assert "edit mode: no rec" in app.screens.current
    c = Clock()
    press(app, keys, c, 1)
    assert app.state == A.MESSAGE and app.screens.current[0] == "CANNOT RECORD"
    assert app.log.session_ids() == [] and not app.imu.running


def test_low_battery_warning_on_ready(tmp_path):
    class Battery:
        mv = 3900

        def millivolts(self):
            return self.mv

    bat = Battery()
    settings = Settings({"REPCLIP_DATA_DIR": str(tmp_path), "REPCLIP_BATTERY_LOW_MV": 3450})
    app = A.App(settings, Screens(None, 64), B.Buttons(FakeKeys(), FakeEvent()), Buzzer(None), FakeImu(),
                SessionLog(str(tmp_path)), battery=bat, engine_factory=FakeEngine)
    app.step(0)
    assert app.battery_mv == 3900 and not any("LOW BATTERY" in r for r in app.screens.current if r)
    bat.mv = 3390
    app.step(10_000)  # checked every 30 s, not every loop
    assert app.battery_mv == 3900
    app.step(31_000)
    assert "LOW BATTERY 3.39V" in app.screens.current


def test_power_cut_mid_set_then_reboot(tmp_path):
    app, keys = make_app(tmp_path)
    c = Clock()
    press(app, keys, c, 1)
    run(app, c, 50)  # 2500 samples: 2 reps recorded, set still running
    assert app.reps == 2
    path = tmp_path / "S00000001.rcl"
    data = path.read_bytes()
    path.write_bytes(data + data[-20:-3])  # the battery dies while a record is half written
    # Reboot: a fresh app over the same flash (the old file handle is simply gone).
    app2, keys2 = make_app(tmp_path)
    assert app2.log.is_complete(1)
    c2 = Clock()
    press(app2, keys2, c2, 1)
    assert app2.session_id == 2
    sess = session_file(tmp_path, 1)
    assert sess.tail is not None and not sess.ended
    (s,) = sess.sets
    assert [r.index for r in s.reps] == [1, 2] and not s.ended


def test_the_board_engine_is_built_for_the_selected_lift():
    sldl = A.default_engine_factory("strength", "waist", "3-1-1", 208, "single_leg_deadlift")
    assert sldl.exercise == "single_leg_deadlift" and sldl.det.angular and sldl.det.lead == -1
    step = A.default_engine_factory("strength", "waist", "2-0-2", 208, "step_up")
    assert not step.det.angular and step.det.lead == 1

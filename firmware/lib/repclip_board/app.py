"""The RepClip app: the state machine between buttons, IMU FIFO, engine, screen, buzzer, log and link.

    HOME (ready)  -- B -->  RUNNING (set)  -- B -->  RPE picker -- B -->  discomfort picker -- B --> HOME
      A: next exercise      FIFO -> engine -> events     A: +1 (wraps)       A: +1 (wraps)
      A held: side          events -> screen, log, cues  C: skip             C: skip
      B held: end session
    any error screen -- B (or A) --> HOME

The session file opens with the first set (an idle board leaves no empty
sessions) and closes when B is held on HOME. Records: SESSION, then per set
SET_START, REP/HOP as they happen (and SAMPLES in raw mode), SET_END after the
pickers, SESSION_END; JSON keys as documented in host/repclip/session.py. The
log is flushed and os.sync()ed after every REP/HOP and at set start, stop and end.

The link (LinkServer.poll) is served whenever no set is running. Every loop
iteration ends in time.sleep(): on the board that lets USB and displayio run;
on the virtual board it advances the virtual clock (and may raise the
simulator's stop exception, which derives from BaseException and is never
caught here).
"""

import json
import os
import time

from adafruit_ticks import ticks_add, ticks_diff, ticks_ms
from repcore import MOUNTS, record
from repcore.compat import const
from repcore.tempo import TempoError, parse_tempo

from repclip_board import FIRMWARE_VERSION
from repclip_board import buttons as B
from repclip_board.buzzer import TempoCues
from repclip_board.imu import ImuError
from repclip_board.recorder import RawRecorder
from repclip_board.sessionlog import FlashFullError, SessionLogError

HOME = const(0)
RUNNING = const(1)
PICK_RPE = const(2)
PICK_DISCOMFORT = const(3)
MESSAGE = const(4)
STATE_NAMES = ("home", "running", "rpe", "discomfort", "message")

RPE_START = const(5)
DISCOMFORT_START = const(0)
SIDES = (None, "L", "R")
RUNNING_SLEEP_S = 0.01  # FIFO holds >= 0.5 s at 416 Hz: a 10 ms loop never lets it overflow
IDLE_SLEEP_S = 0.02
BATTERY_EVERY_MS = const(30000)
PLAN_FILE = "plan.json"


def _sets(entry):
    """Prescribed sets of a plan entry; anything odd counts as 1 (a plan must never crash the board)."""
    try:
        n = int(entry.get("sets") or 1)
    except (TypeError, ValueError):
        return 1
    return n if n > 0 else 1


def default_engine_factory(mode, mount, tempo_text, odr, exercise=None):
    from repcore.engine import Engine

    # (the lift tells the engine which way a rep starts, and for squats and
    # hinges at the waist to find the reps in the pelvis tilt)
    return Engine(mode=mode, mount=mount, tempo=tempo_text, odr_hz=odr, exercise=exercise)


class App:
    def __init__(self, settings, screens, buttons, buzzer, imu, log, stream=None, battery=None,
                 engine_factory=None, device_id="RC-0000", board_name="unknown", imu_error=None,
                 sleep=None, writable=True):
        self.s = settings
        self.screens = screens
        self.buttons = buttons
        self.buzzer = buzzer
        self.cues = TempoCues(buzzer)
        self.imu = imu
        self.imu_error = imu_error if imu is None else None
        if imu is None and not self.imu_error:
            self.imu_error = "IMU not found"
        self.log = log
        self.battery = battery
        self.engine_factory = engine_factory or default_engine_factory
        self.device_id = device_id
        self.board_name = board_name
        self.sleep = sleep or time.sleep
        self.writable = writable
        self.cues_on = settings.flag("REPCLIP_CUES")
        self.raw = settings.flag("REPCLIP_RAW")
        self.mount = settings.text("REPCLIP_MOUNT_POINT") or "waist"
        self.hop_exercises = settings.names("REPCLIP_HOP_EXERCISES")
        self.started_ms = ticks_ms()
        self.clock_unix = 0  # set by the host (CLOCK); 0 = unknown
        self.clock_ticks = self.started_ms
        self.battery_mv = None
        self._battery_at = None
        self.link = None
        if stream is not None:
            from repclip_board.linkserver import LinkServer

            self.link = LinkServer(stream, log, self.hello_info, on_plan=self.on_plan, on_clock=self.on_clock)
        # Session / set state.
        self.state = HOME
        self.session_id = None
        self.session_ticks = 0
        self.set_no = 0  # sets recorded in the open session
        self.sets_done = {}  # exercise -> sets finished this session (for the prescription)
        self.engine = None
        self.reps = 0
        self.hops = 0
        self.last_event = None
        self.set_ticks = 0
        self.value = 0
        self.rpe = None
        self.message_until = None
        self.notes = 0
        self.follow_phase = False
        self.sync_text = None
        self._seen_requests = 0
        self.last_t_us = 0
        self.tempo = None
        self._on_sample = self.on_sample  # bound once: the FIFO handler allocates nothing per sample
        self.recorder = RawRecorder(self._append) if self.raw else None
        # What the next set will be.
        self.prescription = self._load_plan()
        self.exercises = []
        self.index = 0
        self.side = None
        self._build_menu(settings.text("REPCLIP_EXERCISE"))
        side = settings.text("REPCLIP_SIDE").upper()
        self.side = side if side in ("L", "R") else None
        self.show_home()

    # -- selection ------------------------------------------------------------------------
    def _prescribed(self):
        p = self.prescription
        if not isinstance(p, dict) or p.get("rest"):
            return []
        out = []
        for e in p.get("exercises") or ():
            if isinstance(e, dict) and e.get("exercise"):
                out.append(e)
        return out

    def _build_menu(self, preferred=""):
        names = []
        for e in self._prescribed():
            if e["exercise"] not in names:
                names.append(e["exercise"])
        for name in self.s.names("REPCLIP_EXERCISES"):
            if name not in names:
                names.append(name)
        if preferred and preferred not in names:
            names.insert(0, preferred)
        self.exercises = names or ["exercise"]
        if preferred:
            self.index = self.exercises.index(preferred)
        else:
            self.index = self._next_prescribed_index()

    def _next_prescribed_index(self):
        for e in self._prescribed():
            if self.sets_done.get(e["exercise"], 0) < _sets(e):
                return self.exercises.index(e["exercise"])
        return self.index if self.index < len(self.exercises) else 0

    def _preselect_side(self):
        e = self.entry()
        if e is not None:
            side = str(e.get("side") or "").upper()
            self.side = side if side in ("L", "R") else None

    def mount_for(self):
        """The prescription's mount for this exercise, else REPCLIP_MOUNT_POINT."""
        e = self.entry()
        if e is not None and e.get("mount") in MOUNTS:
            return e["mount"]
        return self.mount

    @property
    def exercise(self):
        return self.exercises[self.index]

    def entry(self):
        """The prescription entry for the selected exercise, or None."""
        for e in self._prescribed():
            if e["exercise"] == self.exercise:
                return e
        return None

    def mode(self):
        e = self.entry()
        if e and e.get("mode") in ("strength", "hops"):
            return e["mode"]
        forced = self.s.text("REPCLIP_MODE")
        if forced in ("strength", "hops"):
            return forced
        return "hops" if self.exercise in self.hop_exercises else "strength"

    def tempo_text(self):
        if self.mode() == "hops":
            return None
        e = self.entry()
        if e is not None and "tempo" in e:
            return e.get("tempo") or None
        return self.s.text("REPCLIP_TEMPO") or None

    def load_kg(self):
        e = self.entry()
        if e is not None and e.get("load_kg") is not None:
            return e.get("load_kg")
        return self.s.float_or_none("REPCLIP_LOAD_KG")

    def target_reps(self):
        e = self.entry()
        if e is None:
            return None
        return e.get("hops") if self.mode() == "hops" else e.get("reps")

    def prescribed_line(self):
        p = self.prescription
        if isinstance(p, dict) and p.get("rest"):
            return "plan: rest day"
        e = self.entry()
        if e is None:
            return None
        done = self.sets_done.get(self.exercise, 0)
        amount = self.target_reps()
        load = e.get("load_kg")
        return "plan %d/%s x%s%s" % (done + 1 if done < _sets(e) else done, e.get("sets") or "?",
                                   amount if amount is not None else "?", "" if load is None else " %gkg" % load)

    # -- screens ---------------------------------------------------------------------------
    def status_line(self):
        if self.battery_mv is not None and self.battery_mv < self.s.integer("REPCLIP_BATTERY_LOW_MV"):
            return "LOW BATTERY %d.%02dV" % (self.battery_mv // 1000, (self.battery_mv % 1000) // 10)
        if not self.writable:
            return "edit mode: no rec"
        return self.sync_text

    def show_home(self):
        self.state = HOME
        if self.imu is None:
            self.screens.message("IMU NOT FOUND", self.imu_error, footer="sync still works")
            return
        self.screens.home(self.exercise, self.mode(), self.side, self.tempo_text(), self.set_no + 1,
                          self.prescribed_line(), self.status_line())

    def show_message(self, title, text, seconds=None):
        self.state = MESSAGE
        print("%s: %s" % (title, text))
        self.screens.message(title, text)
        self.message_until = None if seconds is None else ticks_add(ticks_ms(), int(seconds * 1000))

    def show_running(self):
        if self.mode() == "hops":
            self.screens.hops(self.exercise, self.hops, self.last_event)
        else:
            self.screens.reps(self.exercise, self.reps, self.last_event, self.tempo_text(), self.target_reps())

    def show_picker(self):
        if self.state == PICK_RPE:
            self.screens.picker("RPE (effort)", self.value, 1, 10, "10 = max effort")
        else:
            self.screens.picker("discomfort / pain", self.value, 0, 10, "0 = none")

    # -- time --------------------------------------------------------------------------------
    def unix_now(self, now=None):
        if not self.clock_unix:
            return 0
        if now is None:
            now = ticks_ms()
        elapsed = ticks_diff(now, self.clock_ticks)
        if elapsed > 3600000:  # re-anchor hourly: ticks_diff is only valid within 2**28 ms
            self.clock_unix += elapsed // 1000
            self.clock_ticks = ticks_add(self.clock_ticks, (elapsed // 1000) * 1000)
            elapsed = ticks_diff(now, self.clock_ticks)
        return self.clock_unix + elapsed // 1000

    def session_ms(self, now=None):
        return ticks_diff(ticks_ms() if now is None else now, self.session_ticks)

    # -- link callbacks --------------------------------------------------------------------------
    def hello_info(self):
        info = {"device": self.device_id, "fw": FIRMWARE_VERSION, "clock": self.unix_now(),
                "uptime_ms": ticks_diff(ticks_ms(), self.started_ms), "board": self.board_name,
                "imu": None if self.imu is None else self.imu.name, "state": STATE_NAMES[self.state],
                "recording": self.session_id}
        try:
            info["free"] = self.log.free_bytes()
        except OSError:
            pass
        if self.battery_mv is not None:
            info["battery_mv"] = self.battery_mv
        return info

    def on_clock(self, unix_s):
        self.clock_unix = unix_s
        self.clock_ticks = ticks_ms()

    def on_plan(self, plan):
        """Today's prescription from the host: kept on the flash, shown, used to preselect."""
        if not isinstance(plan, dict):
            raise ValueError("a prescription must be a JSON object")
        self.prescription = plan
        self._save_plan(plan)
        self.sets_done = {}
        self._build_menu()
        self._preselect_side()
        if self.state == HOME:
            self.show_home()

    def _plan_path(self):
        return self.log.root.rstrip("/") + "/" + PLAN_FILE

    def _save_plan(self, plan):
        path = self._plan_path()
        tmp = path + ".tmp"
        try:
            with open(tmp, "w") as f:
                f.write(json.dumps(plan))
            try:
                os.remove(path)
            except OSError:
                pass
            os.rename(tmp, path)
            os.sync()
        except OSError as e:  # read-only drive: the plan still applies until power-off
            print("plan not saved: %s" % e)

    def _load_plan(self):
        try:
            with open(self._plan_path()) as f:
                return json.loads(f.read())
        except (OSError, ValueError):
            return None

    # -- the loop ------------------------------------------------------------------------------
    def run(self):
        while True:
            self.step()
            self.sleep(RUNNING_SLEEP_S if self.state == RUNNING else IDLE_SLEEP_S)

    def step(self, now=None):
        if now is None:
            now = ticks_ms()
        while True:
            action = self.buttons.poll(now)
            if action == B.NONE:
                break
            self.on_button(action, now)
        if self.state == RUNNING:
            self.pump(now)
        else:
            if self.message_until is not None and ticks_diff(now, self.message_until) >= 0:
                self.message_until = None
                self.show_home()
            self.serve_link()
            self.check_battery(now)
        if self.cues_on:
            self.cues.update(now)

    def serve_link(self):
        if self.link is None:
            return
        try:
            self.link.poll()
        except Exception as e:  # a link failure must never stop the recorder  # noqa: BLE001
            print("link error: %s" % e)
        if self.link.requests != self._seen_requests:
            # Sync status on READY: how many sessions are still on the flash (listdir only on change).
            self._seen_requests = self.link.requests
            try:
                left = len(self.log.session_ids())
            except OSError:
                return
            self.sync_text = "sync: %d on flash" % left
            if self.state == HOME:
                self.show_home()

    def check_battery(self, now):
        if self.battery is None:
            return
        if self._battery_at is not None and ticks_diff(now, self._battery_at) < BATTERY_EVERY_MS:
            return
        self._battery_at = now
        try:
            mv = self.battery.millivolts()
        except (OSError, ValueError):
            return
        low = self.s.integer("REPCLIP_BATTERY_LOW_MV")
        was_low = self.battery_mv is not None and self.battery_mv < low
        self.battery_mv = mv
        if (mv is not None and mv < low) != was_low and self.state == HOME:
            self.show_home()  # only when the warning appears or goes: no redraw every 30 s

    # -- buttons -------------------------------------------------------------------------------
    def on_button(self, action, now):
        st = self.state
        if st == HOME:
            if action == B.B_SHORT:
                self.start_set(now)
            elif action == B.B_LONG:
                self.end_session(now)
            elif action == B.A_SHORT:
                self.index = (self.index + 1) % len(self.exercises)
                self.show_home()
            elif action == B.A_LONG:
                self.side = SIDES[(SIDES.index(self.side) + 1) % len(SIDES)]
                self.show_home()
        elif st == RUNNING:
            if action == B.B_SHORT:
                self.stop_set(now)
        elif st in (PICK_RPE, PICK_DISCOMFORT):
            low, high = (1, 10) if st == PICK_RPE else (0, 10)
            if action == B.A_SHORT:
                self.value = low if self.value >= high else self.value + 1
                self.show_picker()
            elif action in (B.B_SHORT, B.C_SHORT):
                value = self.value if action == B.B_SHORT else None
                if st == PICK_RPE:
                    self.rpe = value
                    self.state = PICK_DISCOMFORT
                    self.value = DISCOMFORT_START
                    self.show_picker()
                else:
                    self.finish_set(now, value)
        elif st == MESSAGE:
            if action in (B.A_SHORT, B.B_SHORT, B.C_SHORT):
                self.message_until = None
                self.show_home()

    # -- sets and sessions ----------------------------------------------------------------------
    def _append(self, rec):
        """Raw SAMPLES blocks (several a second): flushed to the filesystem, which CircuitPython
        writes to the flash within about a second; os.sync() per block would wear the flash."""
        self.log.append(rec)
        self.log.flush()

    def _open_session(self, now):
        meta = {"v": 1, "device": self.device_id, "fw": FIRMWARE_VERSION, "clock": self.unix_now(now),
                "board": self.board_name, "imu": None if self.imu is None else self.imu.name,
                "mount": self.mount, "raw": self.raw, "prescription": self.prescription}
        self.session_id = self.log.start_session(meta)
        self.session_ticks = now
        self.set_no = 0
        print("session %d started" % self.session_id)

    def _stop_imu(self):
        try:
            self.imu.stop()
        except (ImuError, OSError):
            pass

    def start_set(self, now):
        if self.imu is None:
            self.show_message("IMU NOT FOUND", self.imu_error)
            return
        if not self.writable:
            self.show_message("CANNOT RECORD", "A was held at boot: drive is for editing. Reset.")
            return
        mode = self.mode()
        tempo_text = self.tempo_text()
        try:
            tempo = parse_tempo(tempo_text)
        except TempoError as e:
            self.show_message("BAD TEMPO", str(e))
            return
        odr = self.s.integer("REPCLIP_ODR_HOPS" if mode == "hops" else "REPCLIP_ODR_STRENGTH")
        try:
            mount = self.mount_for()
            self.engine = self.engine_factory(mode, mount, tempo_text, odr, self.exercise)
        except (ImportError, ValueError, TypeError) as e:
            self.show_message("ENGINE ERROR", str(e))
            return
        # The IMU first: a dead sensor must not leave an empty set in the log.
        try:
            accel_key = "REPCLIP_ACCEL_G_HOPS" if mode == "hops" else "REPCLIP_ACCEL_G_STRENGTH"
            self.imu.configure(odr, self.s.integer(accel_key), self.s.integer("REPCLIP_GYRO_DPS"))
            self.imu.start()
        except (ImuError, ValueError) as e:
            self.engine = None
            self.show_message("IMU ERROR", "%s. Check the cable; B to go on." % e)
            return
        try:
            if self.session_id is None:
                self._open_session(now)
        except FlashFullError as e:
            self._stop_imu()
            self.show_message("FLASH FULL", str(e))
            return
        except OSError as e:
            self._stop_imu()
            self.show_message("CANNOT RECORD", "flash not writable (%s). Reset without holding A." % e)
            return
        self.set_no += 1
        self.reps = 0
        self.hops = 0
        self.last_event = None
        self.rpe = None
        self.tempo = tempo
        self.set_ticks = now
        try:
            self.log.append_json(record.SET_START, {
                "set": self.set_no, "exercise": self.exercise, "mode": mode, "mount": mount,
                "side": self.side, "tempo": tempo_text, "load_kg": self.load_kg(),
                "t_ms": self.session_ms(now), "odr": odr, "target": self.target_reps()})
            self.log.sync()
        except OSError as e:
            self.storage_failed(e)
            return
        if self.recorder is not None:
            self.recorder.start(self.set_no)
        self.state = RUNNING
        self.cues.tempo = tempo
        self.last_t_us = 0
        # Cue from the engine's live phase when it has one, else run the metronome.
        self.follow_phase = (self.cues_on and mode != "hops" and tempo is not None
                             and hasattr(self.engine, "phase") and hasattr(self.engine, "phase_start_us"))
        if self.cues_on and mode != "hops" and not self.follow_phase:
            self.cues.restart(now)
        print("set %d: %s %s" % (self.set_no, self.exercise, mode))
        self.show_running()

    def on_sample(self, t_us, ax, ay, az, gx, gy, gz):
        self.last_t_us = t_us
        if self.recorder is not None:
            self.recorder.add(t_us, ax, ay, az, gx, gy, gz)
        ev = self.engine.feed(t_us, ax, ay, az, gx, gy, gz)
        if ev is not None:
            self.on_event(ev)

    def pump(self, now):
        """Drain the IMU FIFO into the engine (and the raw recorder)."""
        try:
            self.imu.drain(self._on_sample)
        except ImuError as e:
            self.imu_failed(e, now)
            return
        except OSError as e:
            self.storage_failed(e)
            return
        if self.follow_phase and self.engine is not None:
            self.cues.follow(now, self.engine.phase, self.engine.phase_start_us, self.last_t_us)

    def on_event(self, ev):
        if isinstance(ev, (list, tuple)):
            for one in ev:
                self.on_event(one)
            return
        kind = getattr(ev, "kind", None)
        try:
            if kind == "rep":
                if self.tempo is not None and ev.tempo_ok is None:
                    self.tempo.judge_rep(ev)
                rec = record.encode_rep(self.set_no, ev)
            elif kind == "hop":
                rec = record.encode_hop(self.set_no, ev)
            else:
                return
        except Exception as e:  # an event the record format cannot hold: skip it, keep the set  # noqa: BLE001
            print("event not recorded (%s): %r" % (e, ev))
            return
        self.log.append(rec)
        # Events are seconds apart and are the set's data: put each on the flash at once,
        # so a pulled battery loses at most the record being written.
        self.log.sync()
        if kind == "rep":
            self.reps += 1
            if self.cues_on and not self.follow_phase:
                self.cues.restart(ticks_ms())
        else:
            self.hops += 1
        self.last_event = ev
        self.show_running()

    def _finish_engine(self):
        """Take the engine's last events (a rep completing at the very end): finish() until None."""
        fn = getattr(self.engine, "finish", None)
        if fn is None:
            return
        for _ in range(64):
            ev = fn()
            if ev is None:
                return
            self.on_event(ev)

    def stop_set(self, now):
        try:
            self.imu.drain(self._on_sample)
            self.imu.stop()
        except ImuError as e:
            self.imu_failed(e, now)
            return
        except OSError as e:
            self.storage_failed(e)
            return
        self._finish_engine()
        self.cues.stop()
        try:
            if self.recorder is not None:
                self.recorder.flush()
            if self.imu.overruns:
                self.log.append_json(record.NOTE, {"set": self.set_no, "fifo_overruns": self.imu.overruns})
            self.log.sync()
        except OSError as e:
            self.storage_failed(e)
            return
        self.state = PICK_RPE
        self.value = RPE_START
        self.show_picker()

    def finish_set(self, now, discomfort, error=None):
        end = {"set": self.set_no, "reps": self.reps, "hops": self.hops, "rpe": self.rpe,
               "discomfort": discomfort, "t_ms": self.session_ms(now),
               "duration_ms": ticks_diff(now, self.set_ticks)}
        if error:
            end["error"] = error
        if self.recorder is not None:
            end["samples"] = self.recorder.samples
        try:
            self.log.append_json(record.SET_END, end)
            self.log.sync()
        except OSError as e:
            self.storage_failed(e)
            return
        self.engine = None
        self.sets_done[self.exercise] = self.sets_done.get(self.exercise, 0) + 1
        e = self.entry()
        if e is not None and self.sets_done[self.exercise] >= _sets(e):
            self.index = self._next_prescribed_index()
            self._preselect_side()
        print("set %d saved: %d reps %d hops rpe %s discomfort %s" % (
            self.set_no, self.reps, self.hops, self.rpe, discomfort))
        if error is None:
            self.show_home()

    def end_session(self, now):
        if self.session_id is None:
            self.show_message("NO SESSION", "Nothing recorded yet. B starts a set.", seconds=2)
            return
        sid = self.session_id
        sets = self.set_no
        try:
            self.log.end_session({"sets": sets, "t_ms": self.session_ms(now)})
        except OSError as e:
            self.log.close()
            print("session end not written: %s" % e)
        self.session_id = None
        self.set_no = 0
        self.sets_done = {}
        self.show_message("SAVED", "session %d: %d sets. Sync with: repclip sync" % (sid, sets), seconds=3)

    # -- failures --------------------------------------------------------------------------------
    def imu_failed(self, err, now):
        """The IMU stopped answering: close the set's records cleanly and say so."""
        text = str(err)
        try:
            self.imu.stop()
        except (ImuError, OSError):
            pass
        self.cues.stop()
        if self.state == RUNNING or self.engine is not None:
            try:
                self.log.append_json(record.NOTE, {"set": self.set_no, "error": text})
            except (OSError, SessionLogError):
                pass
            self.finish_set(now, None, error=text)
        self.engine = None
        self.state = HOME
        self.show_message("IMU ERROR", text + ". Check the cable; B to go on.")

    def storage_failed(self, err):
        """Flash trouble mid-session: close the file (what is written stays readable) and say so."""
        sid = self.session_id
        self.log.close()
        self.session_id = None
        self.set_no = 0
        self.engine = None
        self.cues.stop()
        try:
            self.imu.stop()
        except (ImuError, OSError, AttributeError):
            pass
        title = "FLASH FULL" if isinstance(err, FlashFullError) else "STORAGE ERROR"
        self.show_message(title, "%s (session %s closed; sync to free space)" % (err, sid))

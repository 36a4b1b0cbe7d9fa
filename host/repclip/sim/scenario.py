"""Scripted workouts for the virtual board: button presses and trace playback on virtual time.

The default scenario is the flow of the board contract (docs/firmware.md):
    0.0 s   boot, home screen (exercise from REPCLIP_EXERCISE / the first in REPCLIP_EXERCISES)
    1.0 s   B: start the set; the trace starts playing 1 s later (after the FIFO runs)
    end     B: stop the set 0.3 s after the trace ends
    then    RPE picker: A steps the value up from RPE_START, B confirms; the same for discomfort
    then    B held 1.5 s: end the session
    +2 s    the run stops (SimStop from time.sleep)
"""

START_SET_S = 1.0
TRACE_LEAD_S = 1.0
STOP_AFTER_TRACE_S = 0.3
STEP_S = 0.4
RPE_START = 5  # the value the firmware's RPE picker shows first
DISCOMFORT_START = 0
END_HOLD_S = 1.5


def default_scenario(board, source, *, exercise=None, rpe=7, discomfort=0, odr=208, start_s=START_SET_S):
    t = start_s
    board.press(t, "B")
    source.start_ns = int((t + TRACE_LEAD_S) * 1e9)
    t = source.end_ns() / 1e9 + STOP_AFTER_TRACE_S
    board.press(t, "B")
    t = enter_value(board, t + STEP_S, rpe, RPE_START, 1, 10)
    t = enter_value(board, t + STEP_S, discomfort, DISCOMFORT_START, 0, 10)
    t += STEP_S
    board.press(t, "B", hold_ms=int(END_HOLD_S * 1000))
    board.stop_at(t + END_HOLD_S + 2.0)
    return t


def enter_value(board, t, value, start, low, high):
    """Press A until a picker that starts at `start` (wrapping high -> low) shows `value`, then B."""
    if value is None:
        value = start
    steps = (value - start) % (high - low + 1)
    for _ in range(steps):
        board.press(t, "A")
        t += STEP_S
    board.press(t, "B")
    return t


def idle_scenario(seconds):
    """Just boot and idle (link serving, error screens)."""

    def scenario(board, source, **_):
        board.stop_at(seconds)

    return scenario

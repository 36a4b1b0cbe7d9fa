"""The trace generator against physics it must obey and the truth it claims.

Most checks use frame="world" (world-frame specific force, x forward, z up)
and noise="none" so the numbers can be held tightly; the sensor-frame checks
use the same motion (motion and sensor draw from separate seeded streams).
"""

import filecmp
import math
import pathlib

import pytest
from click.testing import CliRunner

from repclip import tracegen
from repclip.tracegen import TracegenError, generate
from repclip.tracegen import hops as hopmodel
from repclip.tracegen.cli import tracegen_command
from repclip.tracegen.motion import G
from repclip.tracegen.suite import SUITE, spec_name, write_spec
from repclip.traces import read_labels, read_trace

ROOT = pathlib.Path(__file__).resolve().parents[2]
GEN = ROOT / "tests" / "traces" / "gen"
FAST = 3332.0  # an LSM6DS rate fine enough to integrate the motion by the samples


def norm3(a, b, c):
    return math.sqrt(a * a + b * b + c * c)


def integrate_vertical(samples, t_from_us, t_to_us, v0=0.0):
    """Vertical velocity and height from world-frame samples between two times.

    Each sample is the mean over its own period (prev_t, t], so summing
    value x period is exact for the velocity; height uses the trapezoid.
    Returns lists (t_us, v, z) at the sample times.
    """
    out = []
    v = v0
    z = 0.0
    prev = None
    for s in samples:
        if s[0] <= t_from_us:
            prev = s[0]
            continue
        if s[0] > t_to_us:
            break
        dt = (s[0] - prev) / 1e6
        v_new = v + (s[3] - G) * dt
        z += 0.5 * (v + v_new) * dt
        v = v_new
        prev = s[0]
        out.append((s[0], v, z))
    return out


def at(series, t_us):
    """The (t, v, z) entry closest to t_us."""
    return min(series, key=lambda e: abs(e[0] - t_us))


@pytest.fixture(scope="module")
def pogo_world():
    return generate("pogo", odr_hz=FAST, reps=6, noise="none", seed=11, frame="world", context=False, jitter=0.0)


@pytest.fixture(scope="module")
def squat_world():
    return generate("squat", odr_hz=416, reps=3, tempo="3-1-1", noise="none", seed=12, frame="world",
                    context=False)


# --- hops ------------------------------------------------------------------------

def test_free_fall_reads_near_zero_in_every_flight():
    for kind, mount in (("pogo", "waist"), ("low_hops", "thigh"), ("lateral_bounds", "implement"),
                        ("drop_jump", "waist")):
        meta, samples, labels = generate(kind, mount=mount, odr_hz=208, reps=4, noise="none", seed=5)
        flights = labels["hops"] + labels.get("drops", [])
        assert flights and len(labels["hops"]) == 4
        checked = 0
        prev = samples[0][0]
        for s in samples:
            for h in flights:
                # the sample's whole averaging period lies inside the flight
                if h["takeoff_us"] < prev and s[0] < h["touchdown_us"]:
                    assert norm3(*s[1:4]) < 0.2 * G, (kind, mount, s)
                    checked += 1
            prev = s[0]
        assert checked > 4 * 25, (kind, checked)


def test_momentum_balances_over_every_hop_cycle(pogo_world):
    meta, samples, labels = pogo_world
    hops = labels["hops"]
    # one cycle: apex to apex (vertical velocity zero at both ends), i.e. half a flight,
    # a contact, half a flight; the mean specific force over it must be g
    for a, b in zip(hops, hops[1:]):
        apex_a = (a["takeoff_us"] + a["touchdown_us"]) // 2
        apex_b = (b["takeoff_us"] + b["touchdown_us"]) // 2
        total = 0.0
        span = 0.0
        prev = None
        for s in samples:
            if prev is not None and apex_a < s[0] <= apex_b:
                dt = s[0] - prev
                total += s[3] * dt
                span += dt
            prev = s[0]
        mean = total / span
        assert abs(mean - G) / G < 0.02, mean


def test_jump_height_from_flight_time_matches_the_simulated_apex(pogo_world):
    meta, samples, labels = pogo_world
    series = integrate_vertical(samples, 0, samples[-1][0])
    for h in labels["hops"]:
        take = at(series, h["takeoff_us"])
        land = at(series, h["touchdown_us"])
        flight = [e for e in series if h["takeoff_us"] <= e[0] <= h["touchdown_us"]]
        apex = max(e[2] for e in flight) - take[2]
        truth_m = G * ((h["touchdown_us"] - h["takeoff_us"]) / 1e6) ** 2 / 8.0
        assert abs(apex - truth_m) < 0.008, (apex, truth_m)  # the clip wobbles <= 3 mm about the centre of mass
        assert abs(h["height_cm"] / 100.0 - truth_m) < 1e-3
        # take-off and touch-down at the same height: h = g t^2 / 8 is exact
        assert abs(land[2] - take[2]) < 0.01
        # and the body is rising at take-off, falling at touch-down, by g t / 2
        v_exp = G * (h["touchdown_us"] - h["takeoff_us"]) / 2e6
        assert abs(take[1] - v_exp) < 0.05 and abs(land[1] + v_exp) < 0.05


def test_contact_force_is_never_negative_and_peaks_in_the_stated_range():
    for hardness in (0.0, 0.5, 1.0):
        import random
        peak, rise = hopmodel.impact_params(hardness, "waist", random.Random(1))
        assert 2.5 * G < peak < 9 * G and 0.004 <= rise <= 0.025
        f = hopmodel.contact_force(0.2, 1.7, 1.8, peak, rise)
        vals = [f(i * 0.2 / 400)[0] for i in range(401)]
        # zero at touch-down; at take-off only the impact's far tail is left
        assert min(vals) >= 0.0 and vals[0] == 0.0 and abs(vals[-1]) < 0.01 * peak
        # impulse: landing speed + take-off speed + g T
        imp = sum(0.5 * (vals[i] + vals[i + 1]) * 0.2 / 400 for i in range(400))
        assert abs(imp - (1.7 + 1.8 + G * 0.2)) < 0.01
        # mean velocity zero over the contact: take-off height = touch-down height
        assert abs(hopmodel._displacement(f, 0.2, -1.7)) < 1e-3


def test_a_contact_does_not_fall_back_toward_free_fall():
    # A hop's contact is a spring's: once the landing has loaded the body to
    # 1 g the force does not fall back before the push (in 9 of 10 low-hop
    # contacts at the thigh it fell to ~0.1 g between impact and push).
    import random
    rng = random.Random(5)
    for kind, ((c0, c1), (f0, f1), (h0, h1)) in hopmodel.HOP_PARAMS.items():
        for mount in ("waist", "thigh", "implement"):
            for _ in range(25):
                T = rng.uniform(c0, c1)
                peak, rise = hopmodel.impact_params(rng.uniform(h0, h1), mount, rng)
                v_in, v_out = G * rng.uniform(f0, f1) / 2, G * rng.uniform(f0, f1) / 2
                f = hopmodel.contact_force(T, v_in, v_out, peak, rise)
                top = dip = 0.0
                for i in range(401):  # to the middle of the contact
                    v = f(T / 2 * i / 400)[0]
                    top = max(top, min(v, G))
                    dip = max(dip, top - v)
                assert dip <= 0.05 * G, (kind, mount, T, v_in, v_out, peak, rise)
                # and the momentum still balances
                imp = sum(0.5 * (f(T * i / 400)[0] + f(T * (i + 1) / 400)[0]) * T / 400 for i in range(400))
                assert abs(imp - (v_in + v_out + G * T)) < 0.02


def test_countermovement_starts_still_dips_and_leaves_at_zero_force():
    f = hopmodel.cmj_force(0.6, 1.7)
    assert abs(f(0.0)[0] - G) < 1e-9  # standing still
    assert abs(f(0.6)[0]) < 1e-6  # take-off: free fall begins
    assert min(f(i * 0.006)[0] for i in range(101)) >= 0.0
    assert abs(hopmodel._displacement(f, 0.6, 0.0)) < 1e-3  # leaves at standing height


def test_landing_labels_describe_the_impact():
    meta, samples, labels = generate("pogo", odr_hz=208, reps=5, noise="none", seed=3)
    for h in labels["hops"]:
        assert 2.0 < h["landing_peak_g"] < 12.0
        assert 0 < h["landing_rise_ms"] < 40.0
    assert labels["hops"][0]["contact_before_ms"] is None
    assert all(150.0 <= h["contact_before_ms"] <= 260.0 for h in labels["hops"][1:])
    flights = [(h["touchdown_us"] - h["takeoff_us"]) / 1000.0 for h in labels["hops"]]
    assert all(230.0 <= f <= 470.0 for f in flights)


def test_drop_jumps_label_the_rebounds_and_list_the_drops():
    meta, samples, labels = generate("drop_jump", odr_hz=104, reps=3, noise="none", seed=4)
    assert labels["hop_count"] == 3 and len(labels["drops"]) == 3
    for d, h in zip(labels["drops"], labels["hops"]):
        # drop, contact, then the rebound take-off
        assert d["touchdown_us"] < h["takeoff_us"] < d["touchdown_us"] + 400000
        assert 0.15 < (d["touchdown_us"] - d["takeoff_us"]) / 1e6 < 0.32  # 0.3-0.45 m box, after the lean-off


def test_lateral_bounds_reverse_sideways_in_each_contact():
    meta, samples, labels = generate("lateral_bounds", odr_hz=832, reps=4, noise="none", seed=6,
                                     frame="world", context=False, jitter=0.0)
    hops = labels["hops"]
    vy = 0.0
    prev = None
    signs = []
    k = 0
    for s in samples:
        if prev is not None:
            vy += s[2] * (s[0] - prev) / 1e6
        prev = s[0]
        if k < len(hops) and s[0] >= (hops[k]["takeoff_us"] + hops[k]["touchdown_us"]) // 2:
            signs.append(1 if vy > 0.3 else (-1 if vy < -0.3 else 0))
            k += 1
    assert len(signs) == 4 and 0 not in signs
    assert all(a == -b for a, b in zip(signs, signs[1:]))


# --- strength ------------------------------------------------------------------------

def test_reps_start_and_end_at_rest_and_travel_the_labelled_depth(squat_world):
    meta, samples, labels = squat_world
    assert labels["rep_count"] == 3 and meta["mode"] == "strength"
    series = integrate_vertical(samples, 0, samples[-1][0])
    for r in labels["reps"]:
        start, bottom = at(series, r["start_us"]), at(series, r["bottom_us"])
        rise, end = at(series, r["rise_us"]), at(series, r["end_us"])
        for e in (start, bottom, rise, end):
            assert abs(e[1]) < 0.01, e  # velocity ~0 at every boundary
        depth = start[2] - bottom[2]
        assert abs(depth * 100.0 - r["depth_cm"]) < 1.0
        assert 0.3 < depth < 0.6
        assert abs(end[2] - start[2]) < 0.01  # back to standing
        assert abs(rise[2] - bottom[2]) < 0.005  # still in the pause
        # moving in between: going down, then up
        mid_down = at(series, (r["start_us"] + r["bottom_us"]) // 2)
        mid_up = at(series, (r["rise_us"] + r["end_us"]) // 2)
        assert mid_down[1] < -0.1 and mid_up[1] > 0.2


def test_phase_durations_follow_the_tempo_with_per_rep_variation():
    meta, samples, labels = generate("split_squat", mount="waist", odr_hz=52, reps=8, tempo="3-1-2", noise="none",
                                     seed=7)
    ecc = [(r["bottom_us"] - r["start_us"]) / 1e6 for r in labels["reps"]]
    pause = [(r["rise_us"] - r["bottom_us"]) / 1e6 for r in labels["reps"]]
    con = [(r["end_us"] - r["rise_us"]) / 1e6 for r in labels["reps"]]
    for xs, target in ((ecc, 3.0), (pause, 1.0), (con, 2.0)):
        assert all(0.74 * target <= x <= 1.3 * target for x in xs), xs
        assert abs(sum(xs) / len(xs) - target) < 0.2 * target
        assert len(set(round(x, 3) for x in xs)) == len(xs)  # not all the same


def test_concentric_first_lifts_go_up_first():
    meta, samples, labels = generate("step_up", mount="waist", odr_hz=416, reps=2, tempo="2-0-1", noise="none",
                                     seed=8, frame="world", context=False)
    assert labels["concentric_first"] is True
    series = integrate_vertical(samples, 0, samples[-1][0])
    for r in labels["reps"]:
        top = at(series, r["bottom_us"])[2] - at(series, r["start_us"])[2]
        assert 0.25 < top < 0.5
        # concentric-first: the first stroke takes the tempo's last number (1 s), the second its first (2 s)
        assert (r["bottom_us"] - r["start_us"]) < (r["end_us"] - r["rise_us"])


def test_gyro_integrates_to_the_orientation_the_accelerometer_sees():
    # thigh squat: the thigh flexes ~90 deg, so gravity swings across the sensor frame
    meta, samples, labels = generate("squat", mount="thigh", odr_hz=833, reps=1, tempo="2-1-1", noise="none",
                                     seed=9, context=False)
    rep = labels["reps"][0]
    t0 = rep["start_us"] - 500000
    first = next(s for s in samples if s[0] >= t0)
    n = norm3(*first[1:4])
    v = [first[1] / n, first[2] / n, first[3] / n]  # "up" in sensor coordinates, at rest
    prev = first[0]
    for s in samples:
        if s[0] <= first[0]:
            continue
        if s[0] > (rep["bottom_us"] + rep["rise_us"]) // 2:
            break
        dt = (s[0] - prev) / 1e6
        prev = s[0]
        wx, wy, wz = s[4] * dt, s[5] * dt, s[6] * dt
        # a world-fixed vector seen from a frame rotating at w: dv = -w x v
        v = [v[0] - (wy * v[2] - wz * v[1]), v[1] - (wz * v[0] - wx * v[2]), v[2] - (wx * v[1] - wy * v[0])]
        k = norm3(*v)
        v = [x / k for x in v]
    a = s[1:4]
    k = norm3(*a)
    cos = (v[0] * a[0] + v[1] * a[1] + v[2] * a[2]) / k
    assert math.degrees(math.acos(min(1.0, cos))) < 1.5
    # and it did rotate a lot: the thigh went from upright to near horizontal
    cos0 = (first[1] * a[0] + first[2] * a[1] + first[3] * a[2]) / (n * k)
    assert math.degrees(math.acos(cos0)) > 60.0


def test_every_mount_moves_what_it_should():
    """Thigh: big rotation; waist: some; implement: big travel, little rotation."""
    def rotation_deg(mount):
        meta, samples, labels = generate("squat", mount=mount, odr_hz=104, reps=1, noise="none", seed=10,
                                         context=False)
        r = labels["reps"][0]
        a = next(s for s in samples if s[0] >= r["start_us"])
        b = next(s for s in samples if s[0] >= (r["bottom_us"] + r["rise_us"]) // 2)
        cos = sum(x * y for x, y in zip(a[1:4], b[1:4])) / (norm3(*a[1:4]) * norm3(*b[1:4]))
        return math.degrees(math.acos(min(1.0, cos)))

    thigh, waist, implement = rotation_deg("thigh"), rotation_deg("waist"), rotation_deg("implement")
    assert thigh > 65.0 and 20.0 < waist < 50.0 and implement < 16.0


# --- sensor model ------------------------------------------------------------------------

def test_at_rest_the_accelerometer_reads_one_g():
    for noise, tol in (("none", 0.01), ("low", 0.25), ("high", 0.6)):
        meta, samples, labels = generate("squat", odr_hz=104, reps=1, noise=noise, seed=13)
        still = samples[:150]  # the first 1.5 s: standing still
        mean = [sum(s[i] for s in still) / len(still) for i in (1, 2, 3)]
        assert abs(norm3(*mean) - G) < tol, (noise, norm3(*mean))


def test_noise_levels_are_what_they_say():
    def spread(noise):
        meta, samples, labels = generate("squat", odr_hz=104, reps=1, noise=noise, seed=14)
        xs = [s[1] for s in samples[:150]]
        m = sum(xs) / len(xs)
        return math.sqrt(sum((x - m) ** 2 for x in xs) / len(xs))

    assert spread("none") < 0.08  # postural sway only: ~0.2 deg of tilt moves gravity by ~0.04 m/s^2
    assert 0.2 < spread("high") < 0.4
    assert spread("low") < spread("medium") < spread("high")


def test_white_noise_is_a_density_per_sample_sigma_grows_as_sqrt_odr():
    # A sample averages its period, noise included (a datasheet's ug/sqrt(Hz)):
    # 16x the rate is 4x the per-sample sigma; the table's figure holds at 208 Hz.
    from repclip.tracegen import sensor

    def spread(odr):
        meta, samples, labels = generate("squat", odr_hz=odr, reps=1, noise="high", seed=14,
                                         context=False, orientation="upright")
        zs = [s[3] for s in samples if s[0] - samples[0][0] < 1500000]  # standing: 1.5 s
        m = sum(zs) / len(zs)
        return math.sqrt(sum((z - m) ** 2 for z in zs) / len(zs))

    assert sensor.noise_sigmas("high", sensor.NOISE_REF_HZ) == sensor.NOISE["high"][:2]
    ratio = spread(416.0) / spread(26.0)
    assert 3.2 < ratio < 4.8, ratio


def test_a_random_mount_angle_preserves_norms():
    a = generate("pogo", mount="thigh", odr_hz=104, reps=3, noise="none", seed=15, orientation="upright")[1]
    b = generate("pogo", mount="thigh", odr_hz=104, reps=3, noise="none", seed=15)[1]
    assert len(a) == len(b)
    differ = 0
    for x, y in zip(a, b):
        assert x[0] == y[0]
        assert abs(norm3(*x[1:4]) - norm3(*y[1:4])) < 1e-9
        assert abs(norm3(*x[4:7]) - norm3(*y[4:7])) < 1e-9
        differ += abs(x[3] - y[3]) > 0.5
    assert differ > len(a) // 2  # the axes really are rotated


def test_same_seed_same_trace_other_seed_other_trace():
    a = generate("low_hops", mount="waist", odr_hz=52, reps=4, seed=16)
    b = generate("low_hops", mount="waist", odr_hz=52, reps=4, seed=16)
    c = generate("low_hops", mount="waist", odr_hz=52, reps=4, seed=17)
    assert a == b
    assert a[2] != c[2] and a[1] != c[1]


def test_noise_and_rate_do_not_change_the_motion():
    a = generate("squat", odr_hz=52, reps=3, seed=18, noise="none")[2]
    b = generate("squat", odr_hz=416, reps=3, seed=18, noise="high")[2]
    assert a == b


@pytest.mark.parametrize("odr", [12.5, 26.0, 104.0, 833.0])
def test_timestamps_follow_the_odr_with_bounded_jitter(odr):
    meta, samples, labels = generate("walk", odr_hz=odr, noise="low", seed=19, duration_s=20.0, jitter=0.03,
                                     odr_error=0.01)
    period = 1e6 / odr * 1.01
    steps = [b[0] - a[0] for a, b in zip(samples, samples[1:])]
    assert min(steps) > 0
    assert all(abs(d - period) <= 0.06 * period + 1 for d in steps)
    assert abs((samples[-1][0] - samples[0][0]) / (len(samples) - 1) - period) < 0.002 * period + 1
    assert len(set(steps)) > 3  # jittered, not a fixed step
    assert meta["odr_hz"] == "%g" % odr


def test_without_jitter_the_steps_are_the_period():
    meta, samples, labels = generate("pogo", odr_hz=208, reps=3, seed=20, jitter=0.0, odr_error=0.0)
    steps = set(b[0] - a[0] for a, b in zip(samples, samples[1:]))
    assert steps <= {4807, 4808, 4809}


def test_dropped_samples():
    full = generate("squat", odr_hz=104, reps=2, seed=21, drop_rate=0.0)[1]
    lossy = generate("squat", odr_hz=104, reps=2, seed=21, drop_rate=0.1)[1]
    assert 0.85 * len(full) < len(lossy) < 0.95 * len(full)
    kept = set(s[0] for s in full)
    assert all(s[0] in kept for s in lossy)
    assert lossy[0][0] == full[0][0] and lossy[-1][0] == full[-1][0]


def test_a_slow_sensor_averages_an_impact_over_its_period():
    fast = generate("pogo", odr_hz=FAST, reps=3, noise="none", seed=22, frame="world", context=False)[1]
    slow = generate("pogo", odr_hz=26, reps=3, noise="none", seed=22, frame="world", context=False)[1]
    peak_fast = max(s[3] for s in fast)
    peak_slow = max(s[3] for s in slow)
    assert peak_slow < 0.8 * peak_fast  # a 38 ms sample smears a ~10 ms spike
    # each slow sample is the mean of the motion over its own period
    i = 0
    prev = slow[0][0]
    checked = 0
    for s in slow[1:]:
        vals = []
        while i < len(fast) and fast[i][0] <= s[0]:
            if fast[i][0] > prev:
                vals.append(fast[i][3])
            i += 1
        if len(vals) > 5:
            assert abs(sum(vals) / len(vals) - s[3]) < 0.03 * G + 0.02 * abs(s[3])
            checked += 1
        prev = s[0]
    assert checked > 100


def test_nothing_exceeds_the_sensor_full_scale():
    meta, samples, labels = generate("drop_jump", mount="thigh", odr_hz=833, reps=1, noise="high", seed=23,
                                     context=False)
    assert max(abs(v) for s in samples for v in s[1:4]) <= 16 * G + 1e-9
    assert max(abs(v) for s in samples for v in s[4:7]) <= math.radians(2000) + 1e-9


def test_labels_are_continuous_times_not_sample_times():
    meta, samples, labels = generate("squat", odr_hz=26, reps=4, noise="none", seed=24)
    times = set(s[0] for s in samples)
    bounds = [r[k] for r in labels["reps"] for k in ("start_us", "bottom_us", "rise_us", "end_us")]
    assert sum(1 for b in bounds if b in times) <= 1


# --- walk, all kinds, suite, errors -------------------------------------------------------

def test_walk_has_no_reps_and_no_hops_and_lasts_as_asked():
    for mount in tracegen.MOUNTS:
        meta, samples, labels = generate("walk", mount=mount, odr_hz=52, noise="medium", seed=25, duration_s=40.0)
        assert labels["rep_count"] == 0 and labels["hop_count"] == 0
        assert labels["reps"] == [] and labels["hops"] == []
        assert abs((samples[-1][0] - samples[0][0]) / 1e6 - 40.0) < 1.0
        # it moves: walking bouts push the reading well away from 1 g
        assert max(abs(norm3(*s[1:4]) - G) for s in samples) > 2.0


@pytest.mark.parametrize("kind", tracegen.STRENGTH_KINDS + tracegen.HOP_KINDS)
def test_every_kind_and_mount_makes_a_valid_labelled_trace(kind, tmp_path):
    for mount in tracegen.MOUNTS:
        meta, samples, labels = generate(kind, mount=mount, odr_hz=52, reps=3, noise="medium", seed=26)
        want = (3, 0) if kind in tracegen.STRENGTH_KINDS else (0, 3)
        assert (labels["rep_count"], labels["hop_count"]) == want
        assert meta["mode"] == ("strength" if kind in tracegen.STRENGTH_KINDS else "hops")
        assert meta["mount"] == mount and meta["kind"] == kind
        first, last = samples[0][0], samples[-1][0]
        for item in labels["reps"] + labels["hops"]:
            assert all(first + 1000000 < v < last - 1000000 for k, v in item.items() if k.endswith("_us"))
        path = tmp_path / ("%s_%s.csv" % (kind, mount))
        tracegen.write(path, meta, samples, labels)
        tr = read_trace(path)
        assert len(tr.samples) == len(samples) and tr.meta["kind"] == kind
        assert read_labels(path)["reps"] == labels["reps"]


def test_the_suite_covers_kinds_mounts_noise_and_rates():
    kinds = set(s["kind"] for s in SUITE)
    assert kinds == set(tracegen.KINDS)
    assert set(s["mount"] for s in SUITE) == set(tracegen.MOUNTS)
    assert set(s["noise"] for s in SUITE) == set(tracegen.NOISE_LEVELS)
    assert {25.0, 52.0, 104.0, 208.0, 416.0, 833.0} <= set(s["odr_hz"] for s in SUITE)
    hop_rates = [s["odr_hz"] for s in SUITE if s["kind"] in tracegen.HOP_KINDS]
    assert sum(1 for r in hop_rates if r >= 104) >= len(hop_rates) - 2
    assert 30 <= len(SUITE) <= 40
    assert len(set(spec_name(s) for s in SUITE)) == len(SUITE)


def test_the_committed_suite_is_what_the_generator_makes(tmp_path):
    from conftest import require
    require(GEN.is_dir(), "tests/traces/gen (run: python -m repclip.tracegen.suite)")
    spec = next(s for s in SUITE if s["kind"] == "pogo" and s["odr_hz"] == 52.0)
    path = write_spec(spec, tmp_path)
    name = pathlib.Path(path).name
    assert filecmp.cmp(path, GEN / name, shallow=False), "regenerate: python -m repclip.tracegen.suite"
    lab = name[:-4] + ".labels.json"
    assert filecmp.cmp(str(tmp_path / lab), str(GEN / lab), shallow=False)
    committed = sorted(p.name for p in GEN.glob("*.csv"))
    assert committed == sorted(spec_name(s) + ".csv" for s in SUITE)
    assert sum(p.stat().st_size for p in GEN.iterdir()) < 6.5e6


@pytest.mark.parametrize("kwargs, words", [
    ({"kind": "burpee"}, ["kind", "burpee", "squat"]),
    ({"kind": "squat", "mount": "wrist"}, ["mount", "wrist", "thigh"]),
    ({"kind": "squat", "noise": "loud"}, ["noise", "loud", "medium"]),
    ({"kind": "squat", "odr_hz": 5000000}, ["odr_hz", "outside"]),
    ({"kind": "squat", "odr_hz": "fast"}, ["odr_hz", "not a number"]),
    ({"kind": "squat", "reps": 0}, ["reps", "1 to 100"]),
    ({"kind": "squat", "reps": 2.5}, ["reps"]),
    ({"kind": "squat", "tempo": "3-1"}, ["tempo", "3-1-1"]),
    ({"kind": "squat", "seed": "x"}, ["seed", "integer"]),
    ({"kind": "squat", "depth": 3}, ["unknown option", "depth", "walk_before"]),
    ({"kind": "squat", "drop_rate": 0.9}, ["drop_rate"]),
    ({"kind": "squat", "jitter": 0.7}, ["jitter"]),
    ({"kind": "squat", "orientation": "sideways"}, ["orientation", "upright"]),
])
def test_bad_arguments_say_what_and_what_is_allowed(kwargs, words):
    kw = dict(kwargs)
    kind = kw.pop("kind")
    with pytest.raises(TracegenError) as e:
        generate(kind, **kw)
    for w in words:
        assert w in str(e.value), (w, str(e.value))


def test_cli_writes_trace_and_labels_and_prints_one_line(tmp_path):
    out = tmp_path / "sq.csv"
    res = CliRunner().invoke(tracegen_command, ["--kind", "squat", "--mount", "thigh", "--odr", "52", "--reps", "4",
                                                "--tempo", "2-1-1", "--noise", "low", "--seed", "3", str(out)])
    assert res.exit_code == 0, res.output
    assert len(res.output.strip().splitlines()) == 1 and "4 reps" in res.output
    tr = read_trace(out)
    assert tr.meta["mount"] == "thigh" and tr.meta["tempo"] == "2-1-1" and tr.meta["seed"] == "3"
    assert read_labels(out)["rep_count"] == 4
    # the same as the API with the same arguments
    meta, samples, labels = generate("squat", mount="thigh", odr_hz=52, reps=4, tempo="2-1-1", noise="low", seed=3)
    assert read_labels(out)["reps"] == labels["reps"]


@pytest.mark.parametrize("args, words", [
    (["--kind", "burpee"], ["burpee"]),
    (["--kind", "squat", "--odr", "2"], ["--odr", "outside"]),
    (["--kind", "squat", "--tempo", "fast"], ["--tempo", "3-1-1"]),
    (["--kind", "squat", "--reps", "0"], ["--reps"]),
    (["--kind", "squat", "--drop-rate", "2"], ["--drop-rate"]),
])
def test_cli_bad_options_are_usage_errors_without_traceback(tmp_path, args, words):
    res = CliRunner().invoke(tracegen_command, args + [str(tmp_path / "x.csv")])
    assert res.exit_code == 2
    assert "Traceback" not in res.output
    for w in words:
        assert w in res.output, res.output
    assert not (tmp_path / "x.csv").exists()


def test_repclip_tracegen_runs_from_the_main_command(tmp_path):
    from repclip.cli import main
    out = tmp_path / "walk.csv"
    res = CliRunner().invoke(main, ["tracegen", "--kind", "walk", "--duration", "10", "--odr", "26", str(out)])
    assert res.exit_code == 0, res.output
    assert "no reps, no hops" in res.output
    labels = read_labels(out)
    assert labels["rep_count"] == 0 and labels["hop_count"] == 0
    assert abs(read_trace(out).duration_s - 10.0) < 0.5

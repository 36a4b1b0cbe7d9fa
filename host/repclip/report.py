"""`repclip report`: one self-contained HTML file (inline SVG, inline CSS, no external assets).

Sections: the status with its reasons and the next prescription; a weekly
adherence calendar coloured by status; per-rep tempo of each strength
exercise's latest session against the target band; per-hop landing peak and
ground contact; left/right asymmetry; trends across sessions. Elements carry
classes and data-* attributes so a headless browser test can check them.
"""

import datetime
import html
import pathlib
import sys

import click

from repcore.tempo import EXPLOSIVE, EXPLOSIVE_MAX_MS, TempoError, parse_tempo
from repclip.merge import BACK_OFF, HOLD, PHASES, PUSH, _label

COLORS = {PUSH: "#2e9d57", HOLD: "#e0a100", BACK_OFF: "#d1453b", "missed": "#9aa0a6", "planned": "#ffffff",
          "today": "#cfe3ff", "unplanned": "#7a5cc2"}
PHASE_COLORS = {"eccentric": "#3b73c4", "pause": "#8a63c9", "concentric": "#e07b39"}
TREND_SESSIONS = 12
CALENDAR_WEEKS = 26
E = html.escape

CSS = """
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{margin:0 0 4px}h2{margin:28px 0 8px;border-bottom:1px solid #ddd}h3{margin:16px 0 4px}
.status{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
.push{background:#2e9d57}.hold{background:#e0a100}.back-off{background:#d1453b}
table{border-collapse:collapse}td,th{padding:4px 8px;white-space:normal;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
.muted{color:#777}svg{display:block;margin:4px 0}ul{margin:4px 0 4px 18px;padding:0}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-2px}
"""


def _cls(status):
    return (status or "none").replace(" ", "-")


def _badge(status):
    return '<span class="status %s">%s</span>' % (_cls(status), E(status or "-"))


def render(plan, result, title=None):
    """The report as an HTML string."""
    from repclip.merge import paused_gc

    with paused_gc():  # a big merged store is all live objects: no point letting the GC rescan it
        return _render(plan, result, title)


def _render(plan, result, title):
    title = title or "RepClip report: %s" % plan.athlete
    parts = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width,initial-scale=1">',
             "<title>%s</title><style>%s</style></head><body>" % (E(title), CSS),
             "<h1>%s</h1>" % E(title),
             '<p class="muted">Plan %s to %s &middot; %d sessions &middot; as of %s</p>'
             % (plan.start, plan.end, len(result.matches), result.as_of)]
    parts.append(_status_section(result))
    parts.append(_next_section(plan, result))
    parts.append(_calendar_section(plan, result))
    parts.append(_tempo_section(result))
    parts.append(_hops_section(result))
    parts.append(_asymmetry_section(result))
    parts.append(_trend_section(result))
    parts.append('<p class="muted">Made by repclip on %s.</p></body></html>'
                 % datetime.datetime.now().strftime("%Y-%m-%d %H:%M"))
    return "\n".join(parts)


def write_report(path, plan, result):
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(plan, result), encoding="utf-8")
    return path


# -- sections ----------------------------------------------------------------------

def _status_section(result):
    out = ['<section id="status"><h2>Status: %s</h2>' % _badge(result.status)]
    if result.status is None:
        out.append("<p>No planned exercise has been done yet.</p></section>")
        return "".join(out)
    out.append("<table><tr><th>Exercise</th><th>Status</th><th>Done</th><th>Why</th><th>Next step</th></tr>")
    for name, e in result.latest.items():
        done = "%d / %s" % (e.done, e.target if e.target is not None else "-")
        reasons = "".join("<li>%s</li>" % E(r) for r in e.reasons)
        nxt = E(e.next.describe()) if e.next else "-"
        out.append('<tr class="exercise-status" data-exercise="%s" data-status="%s"><td>%s</td><td>%s</td>'
                   '<td style="white-space:nowrap">%s</td><td><ul>%s</ul></td><td>%s</td></tr>'
                   % (E(name), E(e.status or ""), E(_label(name)), _badge(e.status) if e.status else "unplanned",
                      done, reasons, nxt))
    for d, e in result.unplanned:
        out.append('<tr class="exercise-extra" data-exercise="%s"><td>%s</td><td>extra</td><td>%d</td>'
                   '<td><ul><li>%s</li></ul></td><td>-</td></tr>'
                   % (E(e.exercise), E(_label(e.exercise)), e.done, E("done on %s, not in the plan for that day" % d)))
    out.append("</table></section>")
    return "".join(out)


def _calendar_section(plan, result):
    """Weeks as rows, Monday..Sunday as columns; a cell per planned day coloured by its state."""
    first = plan.start - datetime.timedelta(days=plan.start.weekday())
    last_day = max([min(plan.end, result.as_of + datetime.timedelta(days=7 * 4))] +
                   [d for d, _, _ in result.calendar])
    # a long plan shows its last CALENDAR_WEEKS weeks up to as_of (and a few weeks ahead)
    week_offset = max(0, (result.as_of - first).days // 7 - CALENDAR_WEEKS + 5)
    first += datetime.timedelta(days=7 * week_offset)
    weeks = (last_day - first).days // 7 + 1
    cell, gap, left, top = 34, 4, 60, 18
    w, h = left + 7 * (cell + gap), top + weeks * (cell + gap)
    by_day = {}
    for d, name, state in result.calendar:
        by_day.setdefault(d, []).append((name, state))
    svg = ['<svg class="chart calendar" width="%d" height="%d" viewBox="0 0 %d %d" role="img" '
           'aria-label="weekly adherence calendar">' % (w, h, w, h)]
    for i, wd in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")):
        svg.append('<text x="%d" y="12" font-size="11" text-anchor="middle">%s</text>'
                   % (left + i * (cell + gap) + cell // 2, wd))
    for wk in range(weeks):
        y = top + wk * (cell + gap)
        svg.append('<text x="0" y="%d" font-size="11">week %d</text>' % (y + cell // 2 + 4, wk + 1 + week_offset))
        for i in range(7):
            day = first + datetime.timedelta(days=7 * wk + i)
            x = left + i * (cell + gap)
            entries = by_day.get(day)
            if not entries:
                fill, state, label = "#f3f3f3", "rest", "rest"
            else:
                state = _worst_state([s for _, s in entries])
                fill = COLORS.get(state, "#ddd")
                label = "; ".join("%s: %s" % (n, s) for n, s in entries)
            svg.append('<rect class="day" data-date="%s" data-state="%s" x="%d" y="%d" width="%d" height="%d" '
                       'rx="4" fill="%s" stroke="#ccc"><title>%s %s</title></rect>'
                       % (day, E(state), x, y, cell, cell, fill, day, E(label)))
            svg.append('<text x="%d" y="%d" font-size="9" fill="#555">%d</text>' % (x + 3, y + 11, day.day))
    svg.append("</svg>")
    legend = "".join('<span><i style="background:%s;border:1px solid #ccc"></i>%s</span>' % (c, E(s))
                     for s, c in COLORS.items())
    return '<section id="calendar"><h2>Adherence</h2>%s<div class="legend">%s</div></section>' % ("".join(svg), legend)


_STATE_RANK = ["planned", "today", "unplanned", PUSH, "missed", HOLD, BACK_OFF]


def _worst_state(states):
    return max(states, key=lambda s: _STATE_RANK.index(s) if s in _STATE_RANK else 0)


def _latest_with(result, mode):
    """Each exercise's most recent workout with data: extra (unplanned) sets when they are newer."""
    newer = {e.exercise: e for _, e in result.unplanned}
    for name, e in result.latest.items():
        e = newer.get(name, e)
        if e.mode == mode and (e.reps if mode == "strength" else e.hops):
            yield name, e


def _tempo_section(result):
    out = ['<section id="tempo"><h2>Tempo per rep</h2>']
    any_chart = False
    for name, e in _latest_with(result, "strength"):
        any_chart = True
        tempo = None
        for s in e.sets:
            try:
                tempo = parse_tempo(s.tempo or (e.prescribed.tempo if e.prescribed else None))
            except TempoError:
                tempo = None
            if tempo:
                break
        comp = ", ".join("%s %d%%" % (p, round(v * 100)) for p, v in e.compliance.items())
        out.append("<h3>%s <span class=\"muted\">(%s; in tempo: %s)</span></h3>"
                   % (E(_label(name)), E(str(tempo) if tempo else "no tempo target"), E(comp or "-")))
        out.append(_tempo_chart(name, e.reps, tempo))
    if not any_chart:
        out.append('<p class="muted">No strength reps recorded yet.</p>')
    out.append("</section>")
    return "".join(out)


def _tempo_chart(name, reps, tempo):
    """Three rows (eccentric, pause, concentric): one dot per rep, the target band shaded."""
    n = len(reps)
    row_h, left, step = 70, 90, max(8, min(28, 700 // max(n, 1)))
    w = left + step * n + 20
    h = row_h * 3 + 20
    svg = ['<svg class="chart tempo" data-exercise="%s" data-reps="%d" width="%d" height="%d" viewBox="0 0 %d %d" '
           'role="img" aria-label="tempo per rep, %s">' % (E(name), n, w, h, w, h, E(_label(name)))]
    for row, phase in enumerate(PHASES):
        values = [getattr(r, phase + "_ms") for r in reps]
        target = getattr(tempo, phase + "_ms") if tempo else None
        hi_target = EXPLOSIVE_MAX_MS if target == EXPLOSIVE else (target + tempo.tolerance_ms if tempo else 0)
        lo_target = (0 if target == EXPLOSIVE else max(0, target - tempo.tolerance_ms)) if tempo else 0
        # the row shows the band and the reps with a margin, not 0..max: the band stays readable
        v_lo, v_hi = min(values + [lo_target]), max(values + [hi_target])
        pad = max(200, (v_hi - v_lo) * 0.15)
        v_lo, v_hi = max(0, v_lo - pad), v_hi + pad
        y0 = row * row_h + 10
        scale = (row_h - 16) / (v_hi - v_lo)

        def y(v, y0=y0, scale=scale, v_lo=v_lo):
            return y0 + row_h - 12 - (v - v_lo) * scale

        svg.append('<text x="0" y="%d" font-size="11" fill="%s">%s</text>' % (y0 + row_h // 2, PHASE_COLORS[phase], phase))
        svg.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#ddd"/>' % (left, w - 10, y0 + row_h - 4, y0 + row_h - 4))
        if tempo is not None:
            lo = lo_target
            svg.append('<rect class="band" data-phase="%s" data-lo="%d" data-hi="%d" x="%d" y="%.1f" width="%d" '
                       'height="%.1f" fill="%s" opacity="0.15"/>'
                       % (phase, lo, hi_target, left, y(hi_target), w - 10 - left, y(lo) - y(hi_target),
                          PHASE_COLORS[phase]))
            svg.append('<text x="%d" y="%.1f" font-size="9" fill="#666" text-anchor="end">%.1f s</text>'
                       % (left - 4, y(hi_target) + 3, hi_target / 1000))
        for i, (r, v) in enumerate(zip(reps, values)):
            verdict = getattr(r, "tempo_" + phase)
            ok = verdict == 0 if verdict is not None else None
            color = PHASE_COLORS[phase] if ok is not False else "#d1453b"
            svg.append('<circle class="rep" data-phase="%s" data-rep="%d" data-ms="%d" data-ok="%s" cx="%d" cy="%.1f" '
                       'r="4" fill="%s"><title>rep %d %s %d ms</title></circle>'
                       % (phase, i + 1, v, {True: "yes", False: "no", None: "-"}[ok], left + step * i + step // 2,
                          y(v), color, i + 1, phase, v))
    svg.append("</svg>")
    return "".join(svg)


def _hops_section(result):
    out = ['<section id="hops"><h2>Hops: landing and contact</h2>']
    any_chart = False
    for name, e in _latest_with(result, "hops"):
        any_chart = True
        out.append("<h3>%s <span class=\"muted\">(mean peak %.1f g, contact %s ms, height %.1f cm)</span></h3>"
                   % (E(_label(name)), e.peak_g or 0, "%d" % e.contact_ms if e.contact_ms else "-", e.height_cm or 0))
        out.append(_hop_chart(name, e.hops))
    if not any_chart:
        out.append('<p class="muted">No hops recorded yet.</p>')
    out.append("</section>")
    return "".join(out)


def _hop_chart(name, hops):
    """Two panels sharing the hop axis: landing peak g (bars) above, ground contact ms (dots) below."""
    n = len(hops)
    left, step = 60, max(6, min(24, 720 // max(n, 1)))
    top_h, bottom_h, gap = 110, 70, 24
    w, h = left + step * n + 20, top_h + gap + bottom_h + 16
    gmax = max([x.peak_g for x in hops] + [1]) * 1.1
    cmax = max([x.contact_ms or 0 for x in hops] + [100]) * 1.1
    svg = ['<svg class="chart hops" data-exercise="%s" data-hops="%d" width="%d" height="%d" viewBox="0 0 %d %d" '
           'role="img" aria-label="landing peak and contact per hop, %s">' % (E(name), n, w, h, w, h, E(_label(name)))]
    base = top_h
    cbase = top_h + gap + bottom_h
    svg.append('<text x="0" y="12" font-size="10" fill="#3b73c4">peak g</text>')
    svg.append('<text x="0" y="26" font-size="10">%.1f</text>' % (gmax / 1.1))
    svg.append('<text x="0" y="%d" font-size="10" fill="#e07b39">contact ms</text>' % (top_h + gap + 10))
    svg.append('<text x="0" y="%d" font-size="10">%d</text>' % (top_h + gap + 24, cmax / 1.1))
    svg.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#bbb"/>' % (left, w - 10, base, base))
    svg.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="#bbb"/>' % (left, w - 10, cbase, cbase))
    for i, hop in enumerate(hops):
        x = left + step * i
        bh = hop.peak_g / gmax * (top_h - 8)
        color = {"soft": "#3b73c4", "moderate": "#e0a100", "hard": "#d1453b"}.get(hop.softness, "#3b73c4")
        svg.append('<rect class="hop" data-hop="%d" data-peak-g="%.2f" data-contact-ms="%s" x="%d" y="%.1f" width="%d" '
                   'height="%.1f" fill="%s"><title>hop %d: %.2f g (%s), contact %s ms</title></rect>'
                   % (i + 1, hop.peak_g, hop.contact_ms if hop.contact_ms else "", x + 1, base - bh, max(2, step - 2),
                      bh, color, i + 1, hop.peak_g, E(hop.softness), hop.contact_ms or "-"))
        if hop.contact_ms:
            cy = cbase - hop.contact_ms / cmax * (bottom_h - 6)
            svg.append('<circle class="contact" cx="%.1f" cy="%.1f" r="3" fill="#e07b39"/>' % (x + step / 2, cy))
    svg.append("</svg>")
    return "".join(svg)


def _asymmetry_section(result):
    rows = []
    for name, e in result.latest.items():
        sides = e.side_summary()
        if "L" in sides and "R" in sides:
            rows.append((name, e, sides))
    out = ['<section id="asymmetry"><h2>Left / right</h2>']
    if not rows:
        out.append('<p class="muted">No single-leg sets with both sides recorded yet.</p></section>')
        return "".join(out)
    for name, e, sides in rows:
        metrics = [("done", "reps" if e.mode == "strength" else "hops", "%d")]
        metrics.append(("compliance", "in tempo", None) if e.mode == "strength" else ("peak_g", "landing peak g", "%.1f"))
        out.append("<h3>%s</h3>" % E(_label(name)))
        w, bar_h = 520, 16
        svg = ['<svg class="chart asymmetry" data-exercise="%s" width="%d" height="%d" role="img" '
               'aria-label="left right asymmetry, %s">' % (E(name), w, len(metrics) * 2 * (bar_h + 6) + 10, E(_label(name)))]
        y = 4
        for key, what, fmt in metrics:
            vals = [sides[s][key] for s in ("L", "R")]
            top = max([v for v in vals if v is not None] + [1e-9])
            for side, v in zip(("L", "R"), vals):
                shown = "-" if v is None else (fmt % v if fmt else "%d%%" % round(v * 100))
                bw = 0 if v is None else v / top * 300
                svg.append('<text x="0" y="%d" font-size="11">%s %s</text>' % (y + 12, what, side))
                svg.append('<rect class="side" data-side="%s" data-metric="%s" data-value="%s" x="130" y="%d" width="%.1f" '
                           'height="%d" fill="%s"/>' % (side, key, shown, y, bw, bar_h,
                                                        "#3b73c4" if side == "L" else "#e07b39"))
                svg.append('<text x="%.1f" y="%d" font-size="11">%s</text>' % (136 + bw, y + 12, shown))
                y += bar_h + 6
        svg.append("</svg>")
        out.append("".join(svg))
    out.append("</section>")
    return "".join(out)


def _trend_section(result):
    out = ['<section id="trends"><h2>Trends</h2>']
    for name, hist in result.history.items():
        hist = [(d, x) for d, x in hist[-TREND_SESSIONS:] if x.sets]
        if not hist:
            continue
        if hist[-1][1].mode == "hops":
            metrics = (("peak_g", "landing peak g"), ("contact_ms", "ground contact ms"))
        else:
            metrics = (("rom_cm", "ROM cm"), ("velocity", "mean velocity m/s"))
        for attr, unit in metrics:
            series = [(d, getattr(x, attr)) for d, x in hist if getattr(x, attr) is not None]
            if len(series) < 2:
                continue
            out.append("<h3>%s: %s</h3>" % (E(_label(name)), E(unit)))
            out.append(_line_chart(name, series, unit))
    out.append("</section>")
    return "".join(out)


def _next_section(plan, result):
    """The next planned day after as_of, adjusted by the status."""
    from repclip.merge import adjusted_prescription

    nxt = plan.next_session(result.as_of + datetime.timedelta(days=1))
    if nxt is None:
        return '<section id="next"><h2>Next</h2><p>The plan is over: time for a new block.</p></section>'
    p = adjusted_prescription(plan, result, nxt.date)
    rows = []
    for ex in p["exercises"]:
        amount = "%d x %s %s" % (ex["sets"], ex.get("reps", ex.get("hops")), "reps" if "reps" in ex else "hops")
        bits = [amount] + (["tempo " + ex["tempo"]] if ex.get("tempo") else []) + \
            (["%g kg" % ex["load_kg"]] if ex.get("load_kg") is not None else [])
        why = "%s: %s" % (ex["status"], ex["because"]) if ex.get("status") else "as planned"
        rows.append('<tr class="next-exercise" data-exercise="%s"><td>%s</td><td>%s</td><td>%s</td></tr>'
                    % (E(ex["exercise"]), E(_label(ex["exercise"])), E(", ".join(bits)), E(why)))
    return ('<section id="next"><h2>Next: %s %s, %s</h2><table><tr><th>Exercise</th><th>Do</th><th>Why</th></tr>'
            '%s</table></section>' % (nxt.date.strftime("%a"), nxt.date, E(nxt.name), "".join(rows)))


def _line_chart(name, series, unit):
    w, h, left = 560, 120, 40
    vals = [v for _, v in series]
    lo, hi = min(vals), max(vals)
    span = (hi - lo) or 1.0
    step = (w - left - 20) / max(len(series) - 1, 1)
    pts = [(left + i * step, 10 + (hi - v) / span * (h - 40)) for i, v in enumerate(vals)]
    svg = ['<svg class="chart trend" data-exercise="%s" width="%d" height="%d" role="img" aria-label="%s trend">'
           % (E(name), w, h, E(unit))]
    svg.append('<polyline fill="none" stroke="#3b73c4" stroke-width="2" points="%s"/>'
               % " ".join("%.1f,%.1f" % p for p in pts))
    for (x, y), (d, v) in zip(pts, series):
        svg.append('<circle class="point" data-date="%s" data-value="%.2f" cx="%.1f" cy="%.1f" r="3" fill="#3b73c4">'
                   '<title>%s: %.2f</title></circle>' % (d, v, x, y, d, v))
    svg.append('<text x="0" y="14" font-size="10">%.1f</text><text x="0" y="%d" font-size="10">%.1f</text>'
               % (hi, h - 28, lo))
    svg.append('<text x="%d" y="%d" font-size="10">%s</text><text x="%d" y="%d" font-size="10" text-anchor="end">%s</text>'
               % (left, h - 6, series[0][0], w - 20, h - 6, series[-1][0]))
    svg.append("</svg>")
    return "".join(svg)


@click.command("report")
@click.option("--db", type=click.Path(dir_okay=False), default=None, help="Session store (default: user data dir).")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False), default=None, help="Training plan TOML.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=".", show_default=True,
              help="Directory to write report.html into.")
@click.option("--date", "as_of", default=None, help="Judge as of this date (YYYY-MM-DD); default: last session.")
def report_command(db, plan_path, out_dir, as_of):
    """Write a self-contained HTML report (status, adherence, tempo, hops, asymmetry, trends)."""
    from repclip.merge import merge
    from repclip.merge_cli import fail, load_inputs

    if as_of is not None:
        try:
            as_of = datetime.date.fromisoformat(as_of)
        except ValueError:
            fail("--date %r is not a date; use YYYY-MM-DD" % as_of)
    plan, sessions = load_inputs(db, plan_path)
    result = merge(plan, sessions, as_of)
    try:
        path = write_report(pathlib.Path(out_dir) / "report.html", plan, result)
    except OSError as e:
        fail("cannot write the report into %s: %s (choose another --out)" % (out_dir, e.strerror or e))
    click.echo(str(path))
    sys.exit(0)

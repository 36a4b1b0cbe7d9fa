"""What the OLED shows: a fixed set of labels reused for every screen.

One displayio Group holds N text rows (terminalio font, 6x12 px) and one large
row (scale 2) for the headline number. Screens only set `.text` (and only when
it changed), so no label is created after start and a screen change costs one
bitmap redraw per changed row. 128x64 shows 5 rows, 128x32 shows 3 (the large
row is dropped there and its text goes into row 1).

The text of each screen is built by pure functions (`*_lines`) so the tests can
check the content without a display; Screens.show() puts lines on the glass.
"""

from repcore.events import TEMPO_FAST, TEMPO_OK, TEMPO_SLOW

WIDTH = 128
CHARS = 21  # 128 px / 6 px per glyph


def _clip(text):
    text = str(text)
    return text if len(text) <= CHARS else text[:CHARS]


def _sec(ms):
    return "%d.%d" % (ms // 1000, (ms % 1000) // 100)


def _verdict_mark(v):
    if v is None:
        return ""
    if v == TEMPO_OK:
        return ""
    if v == TEMPO_FAST:
        return "-"
    if v == TEMPO_SLOW:
        return "+"
    return "?"


def pretty(exercise):
    return str(exercise).replace("_", " ")


def side_text(side):
    return "both" if not side else side


# -- screen contents (pure) ------------------------------------------------------------
# A screen is (big, rows). With a big headline rows are [title, beside-big, detail,
# detail, beside-big footer]; without one, five plain full-width rows.
def home_lines(exercise, mode, side, tempo, set_no, prescribed=None, status=None):
    """(big, rows) for the ready screen."""
    detail = "hops" if mode == "hops" else "tempo %s" % (tempo or "-")
    return "READY", [_clip("%s %s" % (pretty(exercise), side or "")), "set %d" % set_no,
                     _clip(prescribed or detail), _clip(status or "A:next B+:end"), "B:start"]


def rep_lines(exercise, reps, last_rep, tempo, target_reps=None):
    """(big, rows) for a running strength set: count, last rep's phases, in/out of tempo."""
    count = "%d" % reps if not target_reps else "%d/%d" % (reps, target_reps)
    if last_rep is None:
        d1 = _clip("target %s" % (tempo or "-"))
        d2 = "go"
    else:
        d1 = _clip("%s%s %s%s %s%s s" % (
            _sec(last_rep.eccentric_ms), _verdict_mark(last_rep.tempo_eccentric),
            _sec(last_rep.pause_ms), _verdict_mark(last_rep.tempo_pause),
            _sec(last_rep.concentric_ms), _verdict_mark(last_rep.tempo_concentric)))
        ok = last_rep.tempo_ok
        if ok is None:
            d2 = "no tempo target"
        elif ok:
            d2 = _clip("IN TEMPO %s" % tempo)
        else:
            d2 = _clip("OUT OF TEMPO %s" % tempo)
    return count, [_clip(pretty(exercise)), "REPS", d1, d2, "B:stop"]


def hop_lines(exercise, hops, last_hop):
    """(big, rows) for a running hop set: count, flight, contact, landing softness."""
    if last_hop is None:
        d1 = "flight --- ms"
        d2 = "contact --- ms"
    else:
        d1 = _clip("flight %d ms %d cm" % (last_hop.flight_ms, int(last_hop.jump_height_cm + 0.5)))
        contact = "---" if last_hop.contact_ms is None else "%d" % last_hop.contact_ms
        d2 = _clip("ct %s ms %s" % (contact, last_hop.softness))
    return "%d" % hops, [_clip(pretty(exercise)), "HOPS", d1, d2, "B:stop"]


def picker_lines(title, value, low, high, hint):
    return "%d" % value, [_clip(title), "%d-%d" % (low, high), _clip(hint), "A:+1  C:skip", "B:ok"]


def message_lines(title, lines):
    rows = [_clip(title)]
    for line in lines:
        rows.append(_clip(line))
    return "", rows


def wrap(text, width=CHARS):
    """Split a message into rows of at most `width` characters at spaces."""
    out = []
    line = ""
    for word in str(text).split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = word if not line else line + " " + word
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
    if line:
        out.append(line)
    return out


# Label positions (x, y of the text's vertical centre) for 128x64.
_BIG_LAYOUT = ((0, 5), (66, 18), (0, 45), (0, 57), (66, 31))
_BIG_AT = (0, 25)
_PLAIN_LAYOUT = ((0, 5), (0, 17), (0, 29), (0, 41), (0, 53))
_SMALL_LAYOUT = ((0, 5), (0, 15), (0, 25))  # 128x32: three plain rows


class Screens:
    """The OLED. `display` is an adafruit_displayio_ssd1306.SSD1306 (or None: nothing drawn)."""

    def __init__(self, display, height=64, font=None):
        self.display = display
        self.height = height
        self.tall = height >= 64
        self.rows = 5 if self.tall else 3
        self.current = [None] * self.rows
        self.current_big = None
        self.layout = None
        self.labels = []
        self.big = None
        self.last = ("", [])
        if display is None:
            return
        import displayio
        from adafruit_display_text import label

        if font is None:
            import terminalio

            font = terminalio.FONT
        group = displayio.Group()
        for x, y in (_PLAIN_LAYOUT if self.tall else _SMALL_LAYOUT):
            lab = label.Label(font, text="", x=x, y=y)
            self.labels.append(lab)
            group.append(lab)
        if self.tall:
            self.big = label.Label(font, text="", scale=2, x=_BIG_AT[0], y=_BIG_AT[1])
            group.append(self.big)
        display.root_group = group
        self.group = group

    @classmethod
    def from_i2c(cls, i2c, height=64, address=0x3C):
        import displayio
        import i2cdisplaybus
        import adafruit_displayio_ssd1306

        displayio.release_displays()
        bus = i2cdisplaybus.I2CDisplayBus(i2c, device_address=address)
        display = adafruit_displayio_ssd1306.SSD1306(bus, width=WIDTH, height=height)
        return cls(display, height)

    def _fit(self, big, rows):
        rows = list(rows) + [""] * (5 - len(rows))
        if self.tall:
            return rows[:5]
        if big:  # 3 rows: title, headline with its label, the first detail
            return [rows[0], _clip("%s %s  %s" % (big, rows[1], rows[4])), rows[2]]
        return rows[:3]

    def show(self, big, rows):
        """Put a screen up (see home_lines() for the row roles)."""
        self.last = (big, rows)
        fit = self._fit(big, rows)
        layout = _BIG_LAYOUT if (self.tall and big) else None
        if self.labels and self.tall and layout is not self.layout:
            for lab, (x, y) in zip(self.labels, layout or _PLAIN_LAYOUT):
                lab.x = x
                lab.y = y
        self.layout = layout
        for i in range(self.rows):
            text = fit[i]
            if text != self.current[i]:
                self.current[i] = text
                if self.labels:
                    self.labels[i].text = text
        if self.tall and big != self.current_big:
            self.current_big = big
            if self.big is not None:
                self.big.text = big

    # -- the app's screens -------------------------------------------------------
    def home(self, *args, **kwargs):
        self.show(*home_lines(*args, **kwargs))

    def reps(self, *args, **kwargs):
        self.show(*rep_lines(*args, **kwargs))

    def hops(self, *args, **kwargs):
        self.show(*hop_lines(*args, **kwargs))

    def picker(self, *args):
        self.show(*picker_lines(*args))

    def message(self, title, text, footer="B:ok"):
        room = self.rows - 2
        lines = wrap(text)[:room]
        lines += [""] * (room - len(lines))
        self.show(*message_lines(title, lines + [footer or ""]))

    def text(self):
        """What the screen says, row by row (for the console and tests)."""
        out = [r for r in self.current if r]
        if self.current_big:
            out.insert(1, self.current_big)
        return out

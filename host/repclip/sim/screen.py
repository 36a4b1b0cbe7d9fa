"""Read the virtual OLED without OCR: find text by its exact pixels.

`text_pattern()` draws a string with the same font the firmware uses
(terminalio.FONT from adafruit-blinka-displayio, optionally at a Label scale),
glyph by glyph as adafruit_display_text places them; `find_text()` looks for
that exact pixel block (lit and unlit) in a decoded frame. A match means the
panel shows those characters in that font; nothing reads the app's variables.
"""

from .ssd1306 import ram_to_rows


def text_pattern(text, font=None, scale=1):
    """Rows of '0'/'1' strings: `text` rendered in `font`, trimmed to its lit pixels."""
    if font is None:
        import terminalio

        font = terminalio.FONT
    glyphs = []
    for ch in text:
        g = font.get_glyph(ord(ch))
        if g is None:
            raise ValueError("font has no glyph for %r" % ch)
        glyphs.append(g)
    top = max(g.height + g.dy for g in glyphs)
    bottom = min(g.dy for g in glyphs)
    height = top - bottom
    width = 0
    cursor = 0
    placed = []
    for g in glyphs:
        x0 = cursor + g.dx
        placed.append((x0, top - (g.height + g.dy), g))
        width = max(width, x0 + g.width)
        cursor += g.shift_x
    width = max(width, cursor)
    canvas = [[0] * width for _ in range(height)]
    for x0, y0, g in placed:
        bmp = g.bitmap
        base = g.tile_index * g.width
        for y in range(g.height):
            for x in range(g.width):
                if bmp[base + x, y]:
                    canvas[y0 + y][x0 + x] = 1
    # Trim to the lit bounding box so the match does not depend on spacing around it.
    rows = [i for i, r in enumerate(canvas) if any(r)]
    cols = [j for j in range(width) if any(canvas[i][j] for i in range(height))]
    if not rows:
        return ["0"]
    canvas = [r[cols[0]: cols[-1] + 1] for r in canvas[rows[0]: rows[-1] + 1]]
    if scale > 1:
        canvas = [[v for v in r for _ in range(scale)] for r in canvas for _ in range(scale)]
    return ["".join("1" if v else "0" for v in r) for r in canvas]


def frame_rows(ram, height=64):
    return ["".join("1" if v else "0" for v in r) for r in ram_to_rows(ram, 128, height)]


def find_text(ram, text, scale=1, height=64, font=None):
    """(x, y) of the top-left lit pixel of `text` on the screen `ram`, or None."""
    pattern = text_pattern(text, font, scale)
    rows = frame_rows(ram, height)
    inverted = ["".join("0" if c == "1" else "1" for c in r) for r in pattern]
    for pat in (pattern, inverted):
        ph, first = len(pat), pat[0]
        for y in range(0, len(rows) - ph + 1):
            x = rows[y].find(first)
            while x != -1:
                if all(rows[y + k][x: x + len(pat[k])] == pat[k] for k in range(1, ph)):
                    return x, y
                x = rows[y].find(first, x + 1)
    return None


def shows(ram, text, scales=(1, 2, 3), height=64):
    """True when `text` appears on the screen at any of `scales`."""
    return any(find_text(ram, text, s, height) is not None for s in scales)

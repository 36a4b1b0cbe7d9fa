"""Emulated SSD1306 OLED controller: decodes the I2C command/data stream into pixels.

Every I2C write starts with a control byte: 0x80 = one command byte follows (and
maybe more 0x80/byte pairs), 0x00 = the rest are command bytes, 0x40 = the rest
are GDDRAM data. The GDDRAM is 8 pages x 128 columns; each data byte is one
column of 8 pixels of the current page, LSB = top pixel. Horizontal, vertical
and page addressing modes move the write pointer as the datasheet says; the
column (0x21) and page (0x22) windows bound it. That is all the displayio
SSD1306 driver uses, so decoding it gives the exact image the panel would show.
"""

from .i2c import I2CDeviceModel

# Command -> number of parameter bytes that follow it.
_PARAMS = {0x20: 1, 0x21: 2, 0x22: 2, 0x81: 1, 0x8D: 1, 0xA8: 1, 0xD3: 1, 0xD5: 1, 0xD9: 1,
           0xDA: 1, 0xDB: 1, 0xA3: 2, 0x26: 6, 0x27: 6, 0x29: 5, 0x2A: 5, 0xAD: 1}


class EmulatedSSD1306(I2CDeviceModel):
    def __init__(self, width=128, height=64):
        self.width = width
        self.height = height
        self.ram = bytearray(128 * 8)
        self.mode = 2  # page addressing after reset
        self.col_start, self.col_end = 0, 127
        self.page_start, self.page_end = 0, 7
        self.col = 0
        self.page = 0
        self.display_on = False
        self.inverted = False
        self.contrast = 0x7F
        self.mux = 63
        self._cmd = None
        self._args = []
        self.data_writes = 0  # bumps on every data transaction: "something was drawn"
        self.commands = []  # decoded (command, args) for tests

    # -- bus -----------------------------------------------------------
    def write(self, data):
        self.check()
        i = 0
        n = len(data)
        while i < n:
            control = data[i]
            i += 1
            if control & 0x40:  # data
                self._data(data[i:])
                return
            if control & 0x80:  # Co=1: exactly one command byte, then another control byte
                if i < n:
                    self._command_byte(data[i])
                i += 1
            else:  # Co=0: all remaining bytes are commands
                for b in data[i:]:
                    self._command_byte(b)
                return

    def read(self, n):
        self.check()
        # Status byte: D6 = display off.
        return bytes([0x00 if self.display_on else 0x40]) * n

    # -- commands ------------------------------------------------------
    def _command_byte(self, b):
        if self._cmd is not None:
            self._args.append(b)
            if len(self._args) == _PARAMS[self._cmd]:
                self._apply(self._cmd, self._args)
                self._cmd, self._args = None, []
            return
        if b in _PARAMS:
            self._cmd, self._args = b, []
            return
        self._apply(b, [])

    def _apply(self, cmd, args):
        self.commands.append((cmd, tuple(args)))
        if cmd == 0x20:
            self.mode = args[0] & 0x03
        elif cmd == 0x21:
            self.col_start, self.col_end = args[0] & 0x7F, args[1] & 0x7F
            self.col = self.col_start
        elif cmd == 0x22:
            self.page_start, self.page_end = args[0] & 0x07, args[1] & 0x07
            self.page = self.page_start
        elif 0xB0 <= cmd <= 0xB7:
            self.page = cmd & 0x07
        elif cmd <= 0x0F:
            self.col = (self.col & 0xF0) | cmd
        elif 0x10 <= cmd <= 0x1F:
            self.col = ((cmd & 0x07) << 4) | (self.col & 0x0F)
        elif cmd == 0xAE:
            self.display_on = False
        elif cmd == 0xAF:
            self.display_on = True
        elif cmd == 0xA6:
            self.inverted = False
        elif cmd == 0xA7:
            self.inverted = True
        elif cmd == 0x81:
            self.contrast = args[0]
        elif cmd == 0xA8:
            self.mux = args[0] & 0x3F

    def _data(self, payload):
        self.data_writes += 1
        for b in payload:
            self.ram[self.page * 128 + self.col] = b
            if self.mode == 0:  # horizontal
                self.col += 1
                if self.col > self.col_end:
                    self.col = self.col_start
                    self.page = self.page + 1 if self.page < self.page_end else self.page_start
            elif self.mode == 1:  # vertical
                self.page += 1
                if self.page > self.page_end:
                    self.page = self.page_start
                    self.col = self.col + 1 if self.col < self.col_end else self.col_start
            else:  # page mode: column wraps within the page
                self.col = (self.col + 1) & 0x7F

    # -- pixels --------------------------------------------------------
    def pixel(self, x, y):
        on = (self.ram[(y >> 3) * 128 + x] >> (y & 7)) & 1
        return on ^ (1 if self.inverted else 0)

    def snapshot(self):
        """Bytes of the visible panel: GDDRAM pages for the configured height."""
        return bytes(self.ram[: 128 * (self.height // 8)])


def ram_to_rows(ram, width=128, height=64):
    """GDDRAM bytes -> list of rows, each a list of 0/1 pixels (1 = lit)."""
    return [[(ram[(y >> 3) * 128 + x] >> (y & 7)) & 1 for x in range(width)] for y in range(height)]


def ram_to_image(ram, width=128, height=64, scale=1):
    """GDDRAM bytes -> Pillow image (mode '1', white = lit), optionally scaled up."""
    from PIL import Image

    img = Image.new("1", (width, height), 0)
    px = img.load()
    for y in range(height):
        page = (y >> 3) * 128
        bit = 1 << (y & 7)
        for x in range(width):
            if ram[page + x] & bit:
                px[x, y] = 1
    if scale != 1:
        img = img.resize((width * scale, height * scale), Image.NEAREST)
    return img

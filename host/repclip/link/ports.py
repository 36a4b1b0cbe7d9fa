"""Find RepClip boards among the serial ports.

A CircuitPython board with the data channel enabled shows two CDC ports. The
data one's USB interface is named "CircuitPython CDC2 data" (pyserial's
ListPortInfo.interface on Linux and macOS); where the OS gives no interface
names, the two ports of one board share a serial number and the data port is
the second one (higher USB interface number).
"""

from repclip.link.errors import NoBoardFound

# USB vendor ids CircuitPython boards ship with.
CIRCUITPY_VIDS = {
    0x239A: "Adafruit",
    0x2E8A: "Raspberry Pi",
    0x303A: "Espressif",
    0x2886: "Seeed",
    0x1B4F: "SparkFun",
    0x1209: "pid.codes",
    0x2341: "Arduino",
    0x04D8: "Microchip",
}
DATA_INTERFACE = "CircuitPython CDC2 data"


class Board:
    """One port of a CircuitPython board: role is 'data', 'console' or '?'."""

    def __init__(self, info, role):
        self.info = info
        self.role = role
        self.port = info.device
        self.vid = info.vid
        self.pid = info.pid
        self.serial_number = info.serial_number
        self.interface = getattr(info, "interface", None)

    def vid_pid(self):
        return "%04X:%04X" % (self.vid or 0, self.pid or 0)


def _order(info):
    # location looks like "1-1.2:1.2" on Linux: the interface number sorts data after console.
    return (info.location or "", info.device)


def classify(port_infos):
    """Board entries for every port that belongs to a CircuitPython board."""
    ours = [p for p in port_infos if p.vid in CIRCUITPY_VIDS]
    boards = []
    by_serial = {}
    for p in ours:
        by_serial.setdefault((p.vid, p.serial_number), []).append(p)
    for group in by_serial.values():
        group.sort(key=_order)
        named = [p for p in group if getattr(p, "interface", None)]
        for i, p in enumerate(group):
            iface = getattr(p, "interface", None) or ""
            if named:
                role = "data" if "data" in iface.lower() or "cdc2" in iface.lower() else "console"
            elif len(group) == 2:
                role = "data" if i == 1 else "console"
            else:
                role = "?"  # one port only: the data channel is probably not enabled
            boards.append(Board(p, role))
    boards.sort(key=lambda b: b.port)
    return boards


def list_boards():
    from serial.tools import list_ports

    return classify(list_ports.comports())


def find_data_port(boards=None):
    """The data port of the one connected board; NoBoardFound with advice otherwise."""
    boards = list_boards() if boards is None else boards
    data = [b for b in boards if b.role == "data"]
    if len(data) == 1:
        return data[0].port
    if len(data) > 1:
        raise NoBoardFound("%d RepClip boards are connected (%s): choose one with --port"
                           % (len(data), ", ".join(b.port for b in data)))
    if boards:
        raise NoBoardFound("found a CircuitPython board (%s) but not its data channel: boot.py must call "
                           "usb_cdc.enable(console=True, data=True); then reset the board, or pass --port"
                           % ", ".join(b.port for b in boards))
    raise NoBoardFound("no RepClip board found: plug it in (a data-capable USB cable), or pass --port; "
                       "`repclip devices` lists what is connected")

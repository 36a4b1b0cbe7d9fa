"""CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), used by frames and records.

binascii.crc32 exists only on full CircuitPython builds, so the board uses this
small table-driven version; CPython uses binascii.crc_hqx, which is the same CRC.
"""

try:
    from binascii import crc_hqx as _crc_hqx
except ImportError:  # CircuitPython / MicroPython
    _crc_hqx = None


def _make_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            if crc & 0x8000:
                crc = ((crc << 1) ^ 0x1021) & 0xFFFF
            else:
                crc = (crc << 1) & 0xFFFF
        table.append(crc)
    return tuple(table)


_TABLE = None if _crc_hqx is not None else _make_table()


def crc16(data, crc=0xFFFF, start=0, end=None):
    """CRC of data[start:end], continuing from `crc` (chain calls to stream)."""
    if end is None:
        end = len(data)
    if _crc_hqx is not None:
        return _crc_hqx(memoryview(data)[start:end], crc)
    # Iterating a memoryview and dropping the redundant masks (crc stays 16-bit,
    # (crc >> 8) ^ byte stays 8-bit) costs ~30 % less on MicroPython; same CRC.
    table = _TABLE
    for b in memoryview(data)[start:end]:
        crc = ((crc << 8) & 0xFFFF) ^ table[(crc >> 8) ^ b]
    return crc


def crc16_pure(data, crc=0xFFFF):
    """The portable implementation, always; tests compare it with crc_hqx."""
    table = _TABLE if _TABLE is not None else _make_table()
    for b in data:
        crc = ((crc << 8) & 0xFF00) ^ table[((crc >> 8) ^ b) & 0xFF]
    return crc

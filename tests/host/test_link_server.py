"""LinkServer (device side) against the host LinkClient over an in-process, fault-free relay."""

import random
import struct

import pytest

from repcore import protocol as P
from repcore.crc16 import crc16
from repcore.frame import FrameReader, encode_frame
from repclip.link.client import LinkClient
from repclip.link.errors import DeviceError, LinkTimeout, NoBoardFound
from repclip.link.ports import classify, find_data_port
from repclip.link.testing import FaultyRelay, MemoryLog, firmware_lib, make_session

firmware_lib()
from repclip_board.linkserver import LinkServer  # noqa: E402

HELLO = {"device": "RC-1", "fw": "0.1.0", "clock": 0, "uptime_ms": 5, "free": 1000, "board": "test"}


def _link(log, chunk=1024, **kw):
    seen = {"plans": [], "clocks": []}
    servers = []

    def factory(stream):
        srv = LinkServer(stream, log, lambda: HELLO, on_plan=seen["plans"].append,
                         on_clock=seen["clocks"].append, chunk=chunk, **kw)
        servers.append(srv)
        return srv

    relay = FaultyRelay(factory, random.Random(0), 0, 0, 0, 0, 0)
    return LinkClient(relay, timeout=0.1, retries=2), relay, seen


def test_hello_carries_device_info_and_protocol_version():
    client, _, _ = _link(MemoryLog())
    info = client.hello()
    assert info["proto"] == P.PROTOCOL_VERSION and info["device"] == "RC-1" and info["fw"] == "0.1.0"


def test_list_pages_through_many_sessions_with_flags():
    log = MemoryLog({i: b"x" * i for i in range(1, 121)}, open_ids={120})
    client, _, _ = _link(log)
    entries = client.list_sessions()
    assert [e[0] for e in entries] == list(range(1, 121))
    assert all(size == sid for sid, size, _ in entries)
    assert [flags & P.F_COMPLETE for _, _, flags in entries] == [1] * 119 + [0]


def test_read_streams_offset_tagged_chunks_equal_to_the_file():
    raw = make_session(1, pad=9000)
    client, relay, _ = _link(MemoryLog({1: raw}), chunk=700)
    got = bytearray()
    client.read_session(1, 0, len(raw), lambda off, data: got.extend(data))
    assert bytes(got) == raw and client.retry_count == 0 and client.wasted_bytes == 0
    # Resume from the middle: only the remainder comes over.
    got2 = bytearray(raw[:5000])
    client.read_session(1, 5000, len(raw), lambda off, data: got2.extend(data))
    assert bytes(got2) == raw and client.data_bytes == len(raw) + len(raw) - 5000


def test_data_frames_from_the_preallocated_buffer_match_encode_frame_byte_for_byte():
    raw = bytes(range(256)) * 10
    out = bytearray()

    class Stream:
        in_waiting = 0

        def write(self, b):
            out.extend(b)

    srv = LinkServer(Stream(), MemoryLog({3: raw}), lambda: HELLO, chunk=1000)
    srv._handle(P.READ, 9, P.pack_read(3, 100, 0))
    expect = b"".join(encode_frame(P.DATA, 9, P.pack_data_head(3, off) + raw[off:min(off + 1000, len(raw))])
                      for off in range(100, len(raw), 1000))
    assert bytes(out) == expect


def test_read_errors_name_the_problem():
    client, _, _ = _link(MemoryLog({1: b"abc"}))
    with pytest.raises(DeviceError, match="no session 2") as e:
        client.read_session(2, 0, 3, lambda o, d: None)
    assert e.value.code == P.E_NO_SESSION
    with pytest.raises(DeviceError, match="past the end") as e:
        client.read_session(1, 4, 10, lambda o, d: None)
    assert e.value.code == P.E_BAD_REQUEST
    with pytest.raises(DeviceError, match="LIST said 10"):
        client.read_session(1, 0, 10, lambda o, d: None)  # file shorter than the host thinks


def test_ack_deletes_only_on_matching_size_and_crc_and_never_an_open_session():
    raw = make_session(4)
    log = MemoryLog({4: raw, 5: raw}, open_ids={5})
    client, _, _ = _link(log)
    assert client.ack(4, len(raw), crc16(raw) ^ 1) == P.E_MISMATCH
    assert client.ack(4, len(raw) - 1, crc16(raw)) == P.E_MISMATCH
    assert 4 in log.files
    with pytest.raises(DeviceError) as e:
        client.ack(5, len(raw), crc16(raw))
    assert e.value.code == P.E_BUSY and 5 in log.files
    assert client.ack(4, len(raw), crc16(raw)) == P.OK
    assert 4 not in log.files and log.deleted == [4]
    # The same ACK again (its answer was lost): the session is gone, which is what the host wanted.
    assert client.ack(4, len(raw), crc16(raw)) == P.OK


def test_plan_and_clock_reach_the_callbacks():
    client, _, seen = _link(MemoryLog())
    assert client.push_plan({"exercise": "goblet_squat", "sets": 3, "reps": 8, "tempo": "3-1-1"}) == P.OK
    assert client.set_clock(1_800_000_000) == P.OK
    assert seen["plans"] == [{"exercise": "goblet_squat", "sets": 3, "reps": 8, "tempo": "3-1-1"}]
    assert seen["clocks"] == [1_800_000_000]


def _raw_exchange(log, frames, **kw):
    """Feed request frames straight in, return the decoded answers."""
    out = FrameReader()

    class Stream:
        def __init__(self):
            self.buf = bytearray(b"".join(frames))

        @property
        def in_waiting(self):
            return len(self.buf)

        def read(self, n):
            d = bytes(self.buf[:n])
            del self.buf[:n]
            return d

        def write(self, b):
            out.feed(bytes(b))

    srv = LinkServer(Stream(), log, lambda: HELLO, **kw)
    srv.poll()
    answers = []
    while True:
        f = out.next_frame()
        if f is None:
            return srv, answers
        answers.append(f)


def test_unknown_bad_and_unsupported_requests_get_error_frames_and_responses_are_ignored():
    srv, answers = _raw_exchange(MemoryLog(), [
        encode_frame(0x42, 1), encode_frame(P.READ, 2, b"short"), encode_frame(P.PLAN, 3, b"{not json"),
        encode_frame(P.HELLO_R, 4, b"{}"), encode_frame(P.CLOCK, 5, P.pack_clock(1)),
        encode_frame(P.LIST, 6, b"\x00")])
    codes = [(seq, t, P.unpack_error(p)[0]) for t, seq, p in answers]
    assert codes == [(1, P.ERROR, P.E_UNKNOWN_REQUEST), (2, P.ERROR, P.E_BAD_REQUEST),
                     (3, P.ERROR, P.E_UNKNOWN_REQUEST), (5, P.ERROR, P.E_UNKNOWN_REQUEST),
                     (6, P.ERROR, P.E_BAD_REQUEST)]  # no on_plan / on_clock; HELLO_R (a response) unanswered
    assert "READ request must be 12 bytes" in P.unpack_error(answers[1][2])[1]
    assert srv.requests == 5 and srv.errors == 5


def test_flash_errors_become_storage_errors_and_the_server_keeps_serving():
    class BrokenLog(MemoryLog):
        def read_into(self, sid, offset, buf):
            raise OSError(5, "Input/output error")

    _, answers = _raw_exchange(BrokenLog({1: b"abc"}), [encode_frame(P.READ, 1, P.pack_read(1, 0, 0)),
                                                       encode_frame(P.HELLO, 2)])
    assert answers[0][0] == P.ERROR and P.unpack_error(answers[0][2])[0] == P.E_STORAGE
    assert answers[1][0] == P.HELLO_R


def test_a_silent_device_gives_a_clear_timeout():
    class Dead:
        def poll(self):
            return False

    relay = FaultyRelay(lambda s: Dead(), random.Random(0), 0, 0, 0, 0, 0)
    client = LinkClient(relay, timeout=0.1, retries=2)
    with pytest.raises(LinkTimeout, match="not responding"):
        client.hello()
    assert client.retry_count == 2


class _Port:
    def __init__(self, device, vid, pid, serial, interface=None, location=None):
        self.device, self.vid, self.pid, self.serial_number = device, vid, pid, serial
        self.interface, self.location = interface, location


def test_ports_pick_the_named_data_interface_or_pair_by_serial_number():
    named = [_Port("/dev/ttyACM0", 0x239A, 0x8111, "ABC", "CircuitPython CDC control", "1-1:1.0"),
             _Port("/dev/ttyACM1", 0x239A, 0x8111, "ABC", "CircuitPython CDC2 data", "1-1:1.2"),
             _Port("/dev/ttyUSB0", 0x0403, 0x6001, "FTDI")]
    boards = classify(named)
    assert [(b.port, b.role) for b in boards] == [("/dev/ttyACM0", "console"), ("/dev/ttyACM1", "data")]
    assert find_data_port(boards) == "/dev/ttyACM1" and boards[1].vid_pid() == "239A:8111"
    unnamed = [_Port("COM7", 0x303A, 0x7003, "S1", None, "1-2:x.2"), _Port("COM6", 0x303A, 0x7003, "S1", None,
                                                                           "1-2:x.0")]
    assert find_data_port(classify(unnamed)) == "COM7"
    with pytest.raises(NoBoardFound, match="usb_cdc.enable"):
        find_data_port(classify([_Port("/dev/ttyACM0", 0x239A, 0x8111, "ABC", "CircuitPython CDC control")]))
    with pytest.raises(NoBoardFound, match="no RepClip board found"):
        find_data_port(classify(named[2:]))
    two = named[:2] + [_Port("/dev/ttyACM3", 0x239A, 0x8111, "DEF", "CircuitPython CDC2 data")]
    with pytest.raises(NoBoardFound, match="choose one with --port"):
        find_data_port(classify(two))


def test_list_response_fits_in_one_frame():
    entries = [(i, i, 1) for i in range(48)]
    assert len(P.pack_list_response(48, entries)) < 4096
    assert struct.calcsize(P.LIST_ENTRY) == P.LIST_ENTRY_LEN


def test_a_long_read_is_spread_over_polls_and_later_requests_wait_their_turn():
    raw = bytes(range(256)) * 20  # 5120 bytes -> 6 frames of 1000
    out = FrameReader()

    class Stream:
        def __init__(self):
            self.buf = bytearray(encode_frame(P.READ, 1, P.pack_read(3, 0, 0)) + encode_frame(P.HELLO, 2))

        @property
        def in_waiting(self):
            return len(self.buf)

        def read(self, n):
            d = bytes(self.buf[:n])
            del self.buf[:n]
            return d

        def write(self, b):
            out.feed(bytes(b))

    srv = LinkServer(Stream(), MemoryLog({3: raw}), lambda: HELLO, chunk=1000, frames_per_poll=2)
    per_poll = []
    while srv.poll():
        got = []
        while True:
            f = out.next_frame()
            if f is None:
                break
            got.append(f[0])
        per_poll.append(got)
    assert per_poll == [[P.DATA] * 2, [P.DATA] * 2, [P.DATA] * 2, [P.HELLO_R]]
    assert not srv.busy()


def test_devices_and_sync_commands_without_and_with_a_board(monkeypatch, tmp_path):
    from click.testing import CliRunner
    from serial.tools import list_ports

    from repclip.link.cli import devices_command, sync_command

    monkeypatch.setattr(list_ports, "comports", lambda: [])
    runner = CliRunner()
    result = runner.invoke(devices_command, [])
    assert result.exit_code == 1 and "no CircuitPython board found" in result.output
    result = runner.invoke(sync_command, ["--db", str(tmp_path / "x.db")])
    assert result.exit_code == 1 and "no RepClip board found" in result.output and "Traceback" not in result.output
    monkeypatch.setattr(list_ports, "comports", lambda: [
        _Port("/dev/ttyACM0", 0x239A, 0x8111, "ABC", "CircuitPython CDC control", "1-1:1.0"),
        _Port("/dev/ttyACM1", 0x239A, 0x8111, "ABC", "CircuitPython CDC2 data", "1-1:1.2")])
    result = runner.invoke(devices_command, [])
    assert result.exit_code == 0
    rows = [line.split() for line in result.output.splitlines()[1:]]
    assert rows[0][:4] == ["/dev/ttyACM0", "239A:8111", "ABC", "console"]
    assert rows[1][:4] == ["/dev/ttyACM1", "239A:8111", "ABC", "data"]

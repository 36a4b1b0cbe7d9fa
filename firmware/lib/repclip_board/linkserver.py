"""Device side of the RepClip link: answers repcore.protocol requests on usb_cdc.data.

The app calls LinkServer.poll() from its loop when no set is being recorded.
poll() reads whatever bytes are waiting, decodes whole frames and answers each
request; a READ is answered by streaming DATA frames straight from the session
file into one preallocated frame buffer, so a transfer allocates nothing per
chunk. A long READ is spread over several poll() calls (`frames_per_poll`
frames each) so the app loop keeps running: buttons, screen, the virtual
board's clock. Requests that arrive meanwhile wait, in order, in the reader.

Runs on CircuitPython, MicroPython and CPython: struct + repcore only.
`log` is repclip_board.sessionlog.SessionLog (or anything with the same
session_ids/size/is_complete/is_raw/read_into/crc/delete methods).
"""

import struct

from repcore import protocol as P
from repcore.compat import const
from repcore.crc16 import crc16
from repcore.frame import HEADER_LEN, MAX_PAYLOAD, SYNC0, SYNC1, VERSION, FrameReader, encode_frame

DEFAULT_CHUNK = const(1024)  # DATA payload bytes per frame (file bytes, after the 8-byte head)
_READ_BUF = const(256)  # bytes pulled from the stream per read call
_LIST_PAGE = const(48)  # LIST entries per response (9 bytes each)
_FRAMES_PER_POLL = const(8)  # DATA frames sent per poll() while a READ streams


class LinkServer:
    """Answer host requests on `stream` (usb_cdc.data or any object with in_waiting/read/write)."""

    def __init__(self, stream, log, hello_info, on_plan=None, on_clock=None, chunk=DEFAULT_CHUNK,
                 frames_per_poll=_FRAMES_PER_POLL):
        if chunk < 1 or chunk + P.DATA_HEAD_LEN > MAX_PAYLOAD:
            raise ValueError("chunk must be 1..%d bytes" % (MAX_PAYLOAD - P.DATA_HEAD_LEN))
        self.stream = stream
        self.log = log
        self.hello_info = hello_info
        self.on_plan = on_plan
        self.on_clock = on_clock
        self.chunk = chunk
        self.reader = FrameReader()
        self._rbuf = bytearray(_READ_BUF)
        self._rview = memoryview(self._rbuf)
        self._has_readinto = hasattr(stream, "readinto")
        # One frame buffer for DATA: header | u32 session | u32 offset | chunk | crc.
        self._frame = bytearray(HEADER_LEN + P.DATA_HEAD_LEN + chunk + 2)
        self._fview = memoryview(self._frame)
        self.frames_per_poll = frames_per_poll
        # The READ being streamed: session, next offset, end offset, request seq.
        self._streaming = False
        self._s_sid = self._s_off = self._s_end = self._s_seq = 0
        self.requests = 0  # counters for the screen / tests
        self.errors = 0

    # -- input ---------------------------------------------------------
    def _pull(self):
        waiting = self.stream.in_waiting
        if not waiting:
            return 0
        n = waiting if waiting < _READ_BUF else _READ_BUF
        if self._has_readinto:
            got = self.stream.readinto(self._rview[:n])
            if got:
                self.reader.feed(self._rview[:got])
            return got or 0
        data = self.stream.read(n)
        if data:
            self.reader.feed(data)
            return len(data)
        return 0

    def poll(self):
        """Read what is waiting and answer whole requests (or continue a READ stream).

        True if anything was done; call again while it returns True to finish a transfer.
        """
        while self._pull():
            pass
        if self._streaming:
            self._stream_some()
            return True
        handled = False
        while not self._streaming:
            frame = self.reader.next_frame()
            if frame is None:
                return handled
            ftype, seq, payload = frame
            if ftype & P.RESPONSE:
                continue  # a response or our own echo: never answer it (no ping-pong)
            self.requests += 1
            handled = True
            self._handle(ftype, seq, payload)
        return True

    def busy(self):
        """True while a READ is still streaming."""
        return self._streaming

    # -- output --------------------------------------------------------
    def _send(self, ftype, seq, payload=b""):
        self.stream.write(encode_frame(ftype, seq, payload))

    def _status(self, ftype, seq, code):
        self._send(ftype | P.RESPONSE, seq, P.pack_status(code))

    def _error(self, seq, code, message):
        self.errors += 1
        self._send(P.ERROR, seq, P.pack_error(code, message))

    # -- requests ------------------------------------------------------
    def _handle(self, ftype, seq, payload):
        try:
            if ftype == P.HELLO:
                info = dict(self.hello_info())
                info["proto"] = P.PROTOCOL_VERSION
                self._send(P.HELLO_R, seq, P.pack_json(info))
            elif ftype == P.LIST:
                self._list(seq, payload)
            elif ftype == P.READ:
                self._read(seq, payload)
            elif ftype == P.ACK:
                self._ack(seq, payload)
            elif ftype == P.PLAN:
                if self.on_plan is None:
                    self._error(seq, P.E_UNKNOWN_REQUEST, "this device does not take a plan")
                    return
                self.on_plan(P.unpack_json(payload, "PLAN"))
                self._status(ftype, seq, P.OK)
            elif ftype == P.CLOCK:
                if self.on_clock is None:
                    self._error(seq, P.E_UNKNOWN_REQUEST, "this device has no settable clock")
                    return
                self.on_clock(P.unpack_clock(payload))
                self._status(ftype, seq, P.OK)
            else:
                self._error(seq, P.E_UNKNOWN_REQUEST, "unknown request type 0x%02x" % ftype)
        except ValueError as e:  # ProtocolError, or a log refusing the request (SessionLogError)
            self._error(seq, P.E_BAD_REQUEST, str(e))
        except OSError as e:  # flash trouble: say so, keep serving
            self._error(seq, P.E_STORAGE, "storage: %s" % e)

    def _list(self, seq, payload):
        if len(payload) != 2:
            raise P.ProtocolError("LIST request must be 2 bytes, got %d" % len(payload))
        start = struct.unpack("<H", payload)[0]
        log = self.log
        ids = log.session_ids()
        entries = []
        for sid in ids[start:start + _LIST_PAGE]:
            flags = 0
            if log.is_complete(sid):
                flags |= P.F_COMPLETE
            if log.is_raw(sid):
                flags |= P.F_RAW
            entries.append((sid, log.size(sid), flags))
        self._send(P.LIST_R, seq, P.pack_list_response(len(ids), entries))

    def _read(self, seq, payload):
        sid, offset, length = P.unpack_read(payload)
        log = self.log
        if sid not in log.session_ids():
            self._error(seq, P.E_NO_SESSION, "no session %d" % sid)
            return
        size = log.size(sid)
        if offset > size:
            self._error(seq, P.E_BAD_REQUEST, "offset %d is past the end of session %d (%d bytes)" % (offset, sid, size))
            return
        # length 0 means "to the end of the file".
        self._s_end = size if length == 0 or offset + length > size else offset + length
        self._s_sid = sid
        self._s_off = offset
        self._s_seq = seq & 0xFF
        self._streaming = True
        self._stream_some()

    def _stream_some(self):
        """Send up to frames_per_poll DATA frames of the current READ."""
        frame = self._frame
        view = self._fview
        body = HEADER_LEN + P.DATA_HEAD_LEN
        sid = self._s_sid
        offset = self._s_off
        end = self._s_end
        try:
            for _ in range(self.frames_per_poll):
                want = end - offset
                if want > self.chunk:
                    want = self.chunk
                n = self.log.read_into(sid, offset, view[body:body + want]) if want else 0
                plen = P.DATA_HEAD_LEN + n
                struct.pack_into("<BBBBBHII", frame, 0, SYNC0, SYNC1, VERSION, P.DATA, self._s_seq, plen, sid,
                                 offset)
                total = HEADER_LEN + plen
                struct.pack_into("<H", frame, total, crc16(frame, 0xFFFF, 2, total))
                self.stream.write(view[:total + 2])
                offset += n
                if n == 0 or offset >= end:
                    self._streaming = False
                    break
        except OSError as e:  # the file went away or the flash failed mid-stream
            self._streaming = False
            self._error(self._s_seq, P.E_STORAGE, "storage: %s" % e)
        self._s_off = offset

    def _ack(self, seq, payload):
        sid, size, crc = P.unpack_ack(payload)
        log = self.log
        if sid not in log.session_ids():
            self._error(seq, P.E_NO_SESSION, "no session %d" % sid)
            return
        if not log.is_complete(sid):
            self._error(seq, P.E_BUSY, "session %d is still being recorded" % sid)
            return
        if size != log.size(sid) or crc != log.crc(sid):
            self._status(P.ACK, seq, P.E_MISMATCH)
            return
        log.delete(sid)
        self._status(P.ACK, seq, P.OK)

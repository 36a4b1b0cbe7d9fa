"""Request/response over a link transport, with sequence numbers and retries.

Each request carries a sequence number; only a response with that number (and
the matching response type or ERROR) is taken, so stale frames left by an
earlier, timed-out attempt are discarded. A request that gets no valid answer
within `timeout` seconds (dropped or garbled frames) is sent again, up to
`retries` times, then LinkTimeout.

READ is special: the device streams DATA frames, each with its file offset.
The client keeps only the frame that continues exactly where it is; on a gap
or a silence it re-asks from its current offset, so nothing is read twice
unless a frame was actually lost.
"""

import time

from repcore import protocol as P
from repcore.frame import encode_frame
from repclip.link.errors import DeviceError, LinkTimeout
from repclip.link.framing import HostFrameReader


class LinkClient:
    def __init__(self, transport, timeout=0.5, retries=8, deadline=None):
        self.transport = transport
        self.timeout = timeout
        self.retries = retries
        self.deadline = deadline  # overall seconds for this client, or None
        self.reader = HostFrameReader()
        self._seq = 0
        self._clock = getattr(transport, "clock", time.monotonic)
        self._t0 = self._clock()
        self.retry_count = 0
        self.data_bytes = 0  # session bytes received and used
        self.wasted_bytes = 0  # session bytes received again or out of order

    # -- plumbing ------------------------------------------------------
    def _next_seq(self):
        self._seq = (self._seq + 1) & 0xFF
        return self._seq

    def _check_deadline(self, what):
        if self.deadline is not None and self._clock() - self._t0 > self.deadline:
            raise LinkTimeout("%s: the link did not finish within %.0f s" % (what, self.deadline))

    def _frames(self):
        """Yield the whole frames of one read (up to timeout); None on silence, the cue to retry.

        Frames the caller does not consume stay in the reader for the next call.
        """
        got = False
        while True:
            f = self.reader.next_frame()
            if f is None:
                break
            got = True
            yield f
        if got:
            return
        data = self.transport.read(65536, self.timeout)
        if not data:
            yield None
            return
        self.reader.feed(data)
        while True:
            f = self.reader.next_frame()
            if f is None:
                return
            yield f

    def request(self, ftype, payload=b"", what=None):
        """Send one request and return the response payload (raises DeviceError on ERROR)."""
        what = what or "request 0x%02x" % ftype
        want = ftype | P.RESPONSE
        for attempt in range(self.retries + 1):
            self._check_deadline(what)
            if attempt:
                self.retry_count += 1
            seq = self._next_seq()
            self.transport.write(encode_frame(ftype, seq, payload))
            waiting = True
            junk_frames = 0
            while waiting:
                for f in self._frames():
                    if f is None:
                        waiting = False  # timed out: send again
                        break
                    rtype, rseq, body = f
                    if rseq != seq:
                        junk_frames += 1
                        continue  # stale answer to an earlier attempt
                    if rtype == want:
                        return body
                    if rtype == P.ERROR:
                        code, text = P.unpack_error(body)
                        raise DeviceError(code, text, what)
                    junk_frames += 1
                if junk_frames > 512:
                    waiting = False
                self._check_deadline(what)
        raise LinkTimeout("%s: no valid answer after %d tries: the board is not responding "
                          "(is the RepClip app running and not recording a set?)" % (what, self.retries + 1))

    # -- messages ------------------------------------------------------
    def hello(self):
        info = P.unpack_json(self.request(P.HELLO, b"", "HELLO"), "HELLO response")
        if info.get("proto") != P.PROTOCOL_VERSION:
            from repclip.link.errors import LinkError

            raise LinkError("the board speaks link protocol %r, this repclip speaks %d: update %s"
                            % (info.get("proto"), P.PROTOCOL_VERSION,
                               "the firmware" if (info.get("proto") or 0) < P.PROTOCOL_VERSION else "repclip"))
        return info

    def list_sessions(self):
        """[(session_id, size, flags)] for every session on the device, oldest first."""
        entries = []
        while True:
            total, page = P.unpack_list_response(
                self.request(P.LIST, P.pack_list_request(len(entries)), "LIST"))
            entries.extend(page)
            if not page or len(entries) >= total:
                return entries

    def ack(self, session_id, size, crc):
        """Status: OK (device freed it) or E_MISMATCH (device holds other bytes; it keeps them).

        E_NO_SESSION counts as OK: it means an earlier ACK was carried out and
        only its answer was lost, so the session is already freed.
        """
        try:
            return P.unpack_status(self.request(P.ACK, P.pack_ack(session_id, size, crc), "ACK %d" % session_id))
        except DeviceError as e:
            if e.code == P.E_NO_SESSION:
                return P.OK
            raise

    def push_plan(self, prescription):
        return P.unpack_status(self.request(P.PLAN, P.pack_json(prescription), "PLAN"))

    def set_clock(self, unix_seconds):
        return P.unpack_status(self.request(P.CLOCK, P.pack_clock(int(unix_seconds)), "CLOCK"))

    def read_session(self, session_id, offset, size, sink, window=32768):
        """Fetch bytes [offset, size) of a session, calling sink(offset, chunk) in order.

        Asks for `window` bytes per READ and sends the next READ when half of
        the current window has arrived, so the device never waits for a round
        trip; a lost frame costs at most the two windows in flight.
        """
        what = "READ session %d" % session_id
        tries = 0
        requested = offset  # bytes asked for so far (end of the last window)
        live = set()  # sequence numbers of READs whose frames count
        last_progress = offset
        while offset < size:
            self._check_deadline(what)
            if requested < size and requested - offset <= window // 2:
                seq = self._next_seq()
                n = min(window, size - requested)
                self.transport.write(encode_frame(P.READ, seq, P.pack_read(session_id, requested, n)))
                live.add(seq)
                requested += n
            restart = False
            for f in self._frames():
                if f is None:
                    restart = True  # silence: ask again from where we are
                    break
                rtype, rseq, body = f
                if rtype == P.ERROR and rseq in live:
                    code, text = P.unpack_error(body)
                    raise DeviceError(code, text, what)
                if rtype != P.DATA:
                    continue
                try:
                    sid, off, chunk = P.unpack_data(body)
                except P.ProtocolError:
                    continue
                if sid != session_id:
                    continue
                if off != offset:
                    # A gap (lost frame) or a repeat from an abandoned READ stream.
                    self.wasted_bytes += len(chunk)
                    if off > offset and rseq in live:
                        restart = True
                        break
                    continue
                if not chunk:
                    if rseq in live:
                        raise DeviceError(P.E_MISMATCH, "session %d ended at %d bytes, LIST said %d"
                                          % (session_id, offset, size), what)
                    continue
                take = chunk[:size - offset]
                sink(offset, take)
                offset += len(take)
                self.data_bytes += len(take)
                if offset >= size or requested - offset <= window // 2:
                    break  # done, or time to ask for the next window
            if restart and offset < size:
                self.retry_count += 1
                live.clear()  # frames still coming from those READs no longer drive anything
                requested = offset
                tries = 0 if offset > last_progress else tries + 1
                last_progress = offset
                if tries > self.retries:
                    raise LinkTimeout("%s: stalled at byte %d of %d after %d tries: the board stopped answering"
                                      % (what, offset, size, tries))
        return offset

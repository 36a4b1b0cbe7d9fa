"""Host side of the RepClip link: find the board, talk repcore.protocol over serial, sync into the store.

    ports      which serial port is the board's data channel
    transport  pyserial with exclusive open, timeouts and clear errors
    client     request/response with sequence numbers and retries
    sync       hello -> list -> read (resumable) -> verify -> commit -> ack
    cli        `repclip devices` and `repclip sync`
"""

"""Link errors: each says what went wrong and what to do about it."""


class LinkError(Exception):
    """Base of every link failure; str() is a message fit for the user."""


class NoBoardFound(LinkError):
    pass


class PortBusy(LinkError):
    pass


class BoardUnplugged(LinkError):
    pass


class LinkTimeout(LinkError):
    pass


class DeviceError(LinkError):
    """The device answered with an ERROR frame."""

    def __init__(self, code, message, request=""):
        self.code = code
        self.device_message = message
        super().__init__("device refused %s: %s (error %d)" % (request or "the request", message, code))

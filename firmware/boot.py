"""RepClip boot: a second USB serial channel for the link, and a flash the firmware can write.

Runs once at power-on / hard reset, before code.py. Normally it remounts the
CIRCUITPY drive writable for the firmware (session logs), which makes it
read-only for the computer. Hold the FIRST button of REPCLIP_BUTTONS while the
board starts to skip that: the drive stays writable from the computer so you
can edit code.py or settings.toml (the firmware then cannot record sessions and
says so on the screen).
"""

import os

import board
import digitalio
import storage
import usb_cdc

# Console stays for the REPL; "data" is the second CDC port the host's link uses.
usb_cdc.enable(console=True, data=True)


def _first_button_held():
    names = (os.getenv("REPCLIP_BUTTONS") or "").split(",")
    name = names[0].strip() if names else ""
    if not name:
        return False
    try:
        pin = getattr(board, name)
    except AttributeError:
        return False
    button = digitalio.DigitalInOut(pin)
    try:
        button.switch_to_input(pull=digitalio.Pull.UP)
        return not button.value  # buttons short to GND
    finally:
        button.deinit()


if _first_button_held():
    print("boot: button held, CIRCUITPY stays writable by the computer (no recording)")
else:
    storage.remount(os.getenv("REPCLIP_MOUNT") or "/", readonly=False)

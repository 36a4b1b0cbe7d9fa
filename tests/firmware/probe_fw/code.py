"""Probe firmware: exercises the virtual board the way the real app does, with nothing else.

Real Adafruit stack (SSD1306 over i2cdisplaybus, adafruit_display_text, adafruit_lsm6ds),
FIFO driven through adafruit_bus_device, keypad, usb_cdc.data echo, buzzer, os.getenv.
The tests in tests/firmware/test_sim_*.py check what it saw against the emulator's truth.
"""

import os
import struct
import time

import board
import displayio
import i2cdisplaybus
import keypad
import pwmio
import terminalio
import usb_cdc
import adafruit_displayio_ssd1306
from adafruit_display_text import label
from adafruit_ticks import ticks_diff, ticks_ms

displayio.release_displays()
i2c = board.STEMMA_I2C()
bus = i2cdisplaybus.I2CDisplayBus(i2c, device_address=0x3C)
display = adafruit_displayio_ssd1306.SSD1306(bus, width=128, height=int(os.getenv("REPCLIP_DISPLAY_HEIGHT")))
group = displayio.Group()
line1 = label.Label(terminalio.FONT, text="BOOT", x=0, y=6)
line2 = label.Label(terminalio.FONT, text="", x=0, y=40, scale=2)
group.append(line1)
group.append(line2)
display.root_group = group

pins = [getattr(board, n) for n in os.getenv("REPCLIP_BUTTONS").split(",")]
keys = keypad.Keys(pins, value_when_pressed=False, pull=True)
ev = keypad.Event()
buzzer = pwmio.PWMOut(board.D5, duty_cycle=0, frequency=2000, variable_frequency=True)

imu = None
variant = os.getenv("PROBE_IMU") or "LSM6DSOX"
try:
    if variant == "LSM6DSOX":
        from adafruit_lsm6ds.lsm6dsox import LSM6DSOX as Driver
    else:
        from adafruit_lsm6ds.lsm6ds3trc import LSM6DS3TRC as Driver
    from adafruit_lsm6ds import AccelRange, Rate

    imu = Driver(i2c, 0x6A)
    imu.accelerometer_range = AccelRange.RANGE_8G
    imu.accelerometer_data_rate = Rate.RATE_208_HZ
    imu.gyro_data_rate = Rate.RATE_208_HZ
except (ValueError, RuntimeError, OSError) as exc:
    print("IMU error:", exc)
    line1.text = "IMU not found"

print("accel", imu.acceleration if imu else None)
dev = imu.i2c_device if imu else None
tagged = variant == "LSM6DSOX"
if dev:
    with dev:
        if tagged:
            dev.write(bytes([0x09, 0x55]))  # BDR gyro + accel 208 Hz
            dev.write(bytes([0x0A, 0x06]))  # continuous mode
        else:
            dev.write(bytes([0x08, 0x09]))  # no decimation for gyro and accel
            dev.write(bytes([0x0A, (5 << 3) | 6]))  # ODR_FIFO 208 Hz, continuous

WORD = 7 if tagged else 2
buf = bytearray(WORD * 48)
status = bytearray(2)
accel_words = 0
gyro_words = 0
overruns = 0
slot = 0  # untagged pattern position
last_z = 0
shown = ticks_ms()
presses = 0
failed = False
drain = os.getenv("PROBE_DRAIN") != "0"
while True:
    if dev and drain and not failed:
        try:
            with dev:
                dev.write_then_readinto(bytes([0x3A]), status)
                n = status[0] | ((status[1] & (0x03 if tagged else 0x07)) << 8)
                if status[1] & 0x40:
                    overruns += 1
                n = min(n, 48)
                if n:
                    dev.write_then_readinto(bytes([0x78 if tagged else 0x3E]), buf, in_end=n * WORD)
        except OSError as exc:
            failed = True
            print("IMU stopped:", exc)
            line1.text = "IMU error"
            n = 0
        for i in range(n):
            if tagged:
                tag = buf[i * 7] >> 3
                if tag == 2:
                    accel_words += 1
                    last_z = struct.unpack_from("<h", buf, i * 7 + 5)[0]
                elif tag == 1:
                    gyro_words += 1
            else:
                if slot == 3:
                    accel_words += 1
                elif slot == 0:
                    gyro_words += 1
                slot = (slot + 1) % 6
    while keys.events.get_into(ev):
        if ev.pressed:
            presses += 1
            print("key", ev.key_number, "pressed at", ev.timestamp)
            buzzer.duty_cycle = 32768
        else:
            buzzer.duty_cycle = 0
    if usb_cdc.data is not None and usb_cdc.data.in_waiting:
        usb_cdc.data.write(b"echo:" + usb_cdc.data.read(usb_cdc.data.in_waiting))
    if ticks_diff(ticks_ms(), shown) >= 250 and not failed and imu is not None:
        shown = ticks_ms()
        line1.text = "K%d OVR%d" % (presses, overruns)
        line2.text = "N%d" % accel_words
        print("samples", accel_words, gyro_words, "z", last_z)
    time.sleep(0.005)

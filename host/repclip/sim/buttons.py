"""The virtual board's buttons: scripted presses delivered through keypad.Keys queues.

Buttons are named by their role letter in REPCLIP_BUTTONS order (A = next/select,
B = start/stop/confirm, C = back) or by pin name. A press is a pressed event at
the scheduled virtual time and a released event `hold_ms` later, with
supervisor.ticks_ms timestamps, as keypad delivers them on the board.
"""


class ButtonPanel:
    def __init__(self, clock, pin_names=()):
        self.clock = clock
        self.pin_names = list(pin_names)  # role order: A, B, C
        self.keys = []
        self.held = set()
        self.log = []  # (t_ms, pin name, pressed)

    def pin_for(self, button):
        if len(button) == 1 and button.upper() in "ABC":
            i = "ABC".index(button.upper())
            if i >= len(self.pin_names):
                raise ValueError("button %s is not wired: REPCLIP_BUTTONS lists %s"
                                 % (button, ", ".join(self.pin_names) or "no pins"))
            return self.pin_names[i]
        return button

    def attach(self, keys):
        self.keys.append(keys)

    def detach(self, keys):
        if keys in self.keys:
            self.keys.remove(keys)

    def is_held(self, pin_name):
        return pin_name in self.held

    def set(self, button, pressed):
        pin = self.pin_for(button)
        if pressed:
            self.held.add(pin)
        else:
            self.held.discard(pin)
        stamp = self.clock.ticks_ms()
        self.log.append((self.clock.ns // 1_000_000, pin, pressed))
        for keys in self.keys:
            for i, p in enumerate(keys.pins):
                if getattr(p, "name", p) == pin:
                    keys.events._put(i, pressed, stamp)

#!/usr/bin/env python3
"""Wake a sleeping test VM through QEMU's QMP socket.

Usage: vm-waker.py RESULTS QMP_SOCKET

The guest (tests/guest/init.sh, sleep_in) writes "REQUEST wake ID STATE"
to its results port before it writes STATE to /sys/power/state, and
"WOKE ID" once that write has returned. Until WOKE ID is seen:

- STATE mem: when QEMU reports the guest suspended (S3), system_wakeup;
- STATE freeze (suspend to idle, the guest keeps running for QEMU): an
  ACPI power button press (system_powerdown), a wakeup event for the
  guest's s2idle loop, every 5 s.

Runs until the results file says DONE or QEMU goes away. Prints what it
did on standard error.
"""

import json
import re
import socket
import sys
import time


class Qmp:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self._read()                    # greeting
        self.cmd("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(4096)
            if not data:
                raise ConnectionError("QMP socket closed")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def cmd(self, name):
        self.sock.sendall(json.dumps({"execute": name}).encode() + b"\n")
        while True:
            msg = self._read()
            if "event" in msg:
                continue
            if "error" in msg:
                raise RuntimeError(f"{name}: {msg['error']}")
            return msg.get("return")


def main():
    results, path = sys.argv[1], sys.argv[2]
    qmp = None
    for _ in range(300):
        try:
            qmp = Qmp(path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            time.sleep(0.2)
    if qmp is None:
        print("vm-waker: no QMP socket", file=sys.stderr)
        return 1
    handled = set()
    last_press = 0.0
    while True:
        try:
            with open(results, "rb") as f:
                text = f.read().decode("ascii", "replace").replace("\r", "")
        except FileNotFoundError:
            text = ""
        if re.search(r"^DONE", text, re.M):
            return 0
        woke = set(re.findall(r"^WOKE (\S+)", text, re.M))
        pending = [(i, s) for i, s in
                   re.findall(r"^REQUEST wake (\S+) (\S+)", text, re.M)
                   if i not in woke and i not in handled]
        try:
            for ident, state in pending:
                if state == "mem":
                    if qmp.cmd("query-status").get("status") == "suspended":
                        qmp.cmd("system_wakeup")
                        print(f"vm-waker: {ident}: system_wakeup", file=sys.stderr)
                        handled.add(ident)
                elif time.monotonic() - last_press >= 5:
                    # Give the guest time to enter s2idle first; a press
                    # before that does nothing (no handler in the guest).
                    if last_press:
                        qmp.cmd("system_powerdown")
                        print(f"vm-waker: {ident}: power button", file=sys.stderr)
                    last_press = time.monotonic()
        except (ConnectionError, OSError):
            return 0
        if not pending:
            last_press = 0.0
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())

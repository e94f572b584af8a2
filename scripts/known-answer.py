#!/usr/bin/env python3
"""Known answer for a PCR after one opening, recomputed on the host.

Reads a guest's results (stdin): "PCR <n> <bank> <hex>" before the
opening, "PCR-AFTER-ONE-OPENING <n> <bank> <hex>" after it, and with
--launch-cmdline a "CMDLINE <hex>" line. Prints one "PASS|FAIL NAME
[DETAIL]" line per bank:

  after = HASH(before || HASH(event)), the documented event (tag
          0x8F3B22EE, "efi_rtgate:open");
  with --launch-cmdline, also before = HASH(ones || HASH(cmdline)): an
          emulated Secure Launch measured the command line into a PCR
          that no D-RTM reset set to zero (tests/slaunch/README.md).

Usage: known-answer.py NAME PCR [--launch-cmdline] < RESULTS
"""
import hashlib
import struct
import sys

BANKS = ("sha1", "sha256", "sha384", "sha512")
EVENT = struct.pack("<II", 0x8F3B22EE, 15) + b"efi_rtgate:open"


def main():
    name, pcr = sys.argv[1], sys.argv[2]
    launch = "--launch-cmdline" in sys.argv[3:]
    before, after, cmdline = {}, {}, None
    for line in sys.stdin:
        f = line.split()
        if len(f) == 2 and f[0] == "CMDLINE":
            cmdline = bytes.fromhex(f[1])
        elif len(f) == 4 and f[0] == "PCR" and f[1] == pcr:
            before[f[2]] = f[3]
        elif len(f) == 4 and f[0] == "PCR-AFTER-ONE-OPENING" and f[1] == pcr:
            after[f[2]] = f[3]
    for bank in BANKS:
        test = "%s-%s" % (name, bank)
        if bank not in before or bank not in after or (launch and cmdline is None):
            print("FAIL", test, "no PCR values (or command line) from the guest")
            continue

        def h(data):
            return hashlib.new(bank, data).digest()

        problems = []
        start = bytes.fromhex(before[bank])
        if launch:
            want = h(b"\xff" * len(start) + h(cmdline))
            if want != start:
                problems.append("before: want %s got %s" % (want.hex(), before[bank]))
        want = h(start + h(EVENT)).hex()
        if want != after[bank]:
            problems.append("after: want %s got %s" % (want, after[bank]))
        print("FAIL" if problems else "PASS", test, "; ".join(problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())

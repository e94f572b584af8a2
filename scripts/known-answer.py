#!/usr/bin/env python3
"""Known answer for a PCR after one opening, recomputed on the host.

Reads a guest's results (stdin): "PCR <n> <bank> <hex>" before the
opening, "PCR-AFTER-ONE-OPENING <n> <bank> <hex>" after it, the runtime
code event the gate's log recorded, "CODE-EVENT <hex>", and with
--launch-cmdline a "CMDLINE <hex>" line. Prints one "PASS|FAIL NAME
[DETAIL]" line per bank, and one for the code event's format:

  after = HASH(HASH(before || HASH(code)) || HASH(event)): the gate was
          closed at boot, so the opening extends the runtime code event
          first, then the documented event (tag 0x8F3B22EE,
          "efi_rtgate:open");
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
CODE_MAGIC = b"efi_rtgate:code\0"
CODE_RANGE = 48


def code_problems(code):
    """What is wrong with the runtime code event (the admin guide's format)."""
    if len(code) < 8 + len(CODE_MAGIC) + 8:
        return "too short (%d bytes)" % len(code)
    tag, size = struct.unpack_from("<II", code)
    data = code[8:]
    if tag != 0x8F3B22EE or size != len(data):
        return "tag 0x%08x size %d for %d bytes" % (tag, size, len(data))
    if not data.startswith(CODE_MAGIC):
        return "data does not start with efi_rtgate:code"
    source, nr = struct.unpack_from("<II", data, len(CODE_MAGIC))
    if source not in (1, 2) or nr == 0 or nr > 128:
        return "source %d, %d ranges" % (source, nr)
    if len(data) != len(CODE_MAGIC) + 8 + nr * CODE_RANGE:
        return "%d bytes for %d ranges" % (len(data), nr)
    return None


def main():
    name, pcr = sys.argv[1], sys.argv[2]
    launch = "--launch-cmdline" in sys.argv[3:]
    before, after, cmdline, code = {}, {}, None, None
    for line in sys.stdin:
        f = line.split()
        if len(f) == 2 and f[0] == "CMDLINE":
            cmdline = bytes.fromhex(f[1])
        elif len(f) == 2 and f[0] == "CODE-EVENT" and code is None:
            code = bytes.fromhex(f[1])
        elif len(f) == 4 and f[0] == "PCR" and f[1] == pcr:
            before[f[2]] = f[3]
        elif len(f) == 4 and f[0] == "PCR-AFTER-ONE-OPENING" and f[1] == pcr:
            after[f[2]] = f[3]
    problem = "no runtime code event from the guest" if code is None else code_problems(code)
    print("FAIL" if problem else "PASS", "%s-code-event-format" % name, problem or "")
    for bank in BANKS:
        test = "%s-%s" % (name, bank)
        if bank not in before or bank not in after or (launch and cmdline is None) \
                or code is None:
            print("FAIL", test, "no PCR values (or command line, code event) from the guest")
            continue

        def h(data):
            return hashlib.new(bank, data).digest()

        problems = []
        start = bytes.fromhex(before[bank])
        if launch:
            want = h(b"\xff" * len(start) + h(cmdline))
            if want != start:
                problems.append("before: want %s got %s" % (want.hex(), before[bank]))
        want = h(h(start + h(code)) + h(EVENT)).hex()
        if want != after[bank]:
            problems.append("after: want %s got %s" % (want, after[bank]))
        print("FAIL" if problems else "PASS", test, "; ".join(problems))
    return 0


if __name__ == "__main__":
    sys.exit(main())

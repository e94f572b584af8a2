#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Write an efi_rtgate event log for rtgate-verify's self-test.

The log is what the kernel writes after COUNT openings: a Spec ID Event03
header listing BANKS, then one EV_EVENT_TAG record per opening (or per
kexec load, for the event numbers given with -x); with --code N, each
opening is preceded by a runtime code event with N ranges, as after a
boot that closed the gate, and --half ends the log with a code event
whose opening failed. On stdout go
the PCR values the log replays to, one "alg:hex" line per bank, computed
here with hashlib. A DEFECT makes the log malformed in one way.

With --drtm FILE, a D-RTM launch's log is written too, as Secure Launch
exposes it: the same header, then EV_NO_ACTION, one event for PCR 17 and
K events for the PCR, zero bytes up to the end of a 4 KiB container. The
printed values then replay the D-RTM events for the PCR first.
"""

import argparse
import hashlib
import struct
import sys

ALGS = {
    "sha1": (0x0004, 20),
    "sha256": (0x000B, 32),
    "sha384": (0x000C, 48),
    "sha512": (0x000D, 64),
}

EV_NO_ACTION = 3
EV_EVENT_TAG = 6
TAG_ID = 0x8F3B22EE
TAG_DATA = b"efi_rtgate:open"
KEXEC_DATA = b"efi_rtgate:kexec"
CODE_MAGIC = b"efi_rtgate:code\0"

DEFECTS = (
    "bad-signature",    # header is "Spec ID Event02"
    "bad-version",      # specVersionMajor 1
    "no-algs",          # numberOfAlgorithms 0
    "many-algs",        # numberOfAlgorithms 0xffffffff
    "dup-alg",          # the header lists the first bank twice
    "unknown-alg",      # the header lists sm3_256 (0x0012)
    "bad-alg-size",     # the header gives sha1 32 bytes
    "header-stray",     # one byte too many in the Spec ID event
    "bad-tag",          # tag 0x8F3B22ED (the EFI stub's load options)
    "bad-data",         # "efi_rtgate:opem"
    "bad-type",         # EV_IPL (0xd) instead of EV_EVENT_TAG
    "bad-digest",       # one bit flipped in the last event's first digest
    "mixed-pcr",        # the last event is in the next PCR
    "bad-pcr",          # the last event is in PCR 24
    "missing-digest",   # the last event lacks its last digest
    "dup-digest",       # the last event has its first digest twice
    "many-digests",     # DigestCount 0xffffffff in the last event
    "long-event",       # EventSize 24 with a NUL after the data
    "huge-event",       # EventSize 0xffffffff in the last event
    "trailing",         # three stray bytes after the last event
    "bad-kexec-data",   # the last event is "efi_rtgate:kexeC"
    "code-bad-source",  # (--code) the last code event has source 3
    "code-bad-count",   # (--code) ... one range more than it holds
    "code-unaligned",   # (--code) ... a range starting at 0x...800
    "code-empty-range", # (--code) ... a range of length 0
    "code-bad-size",    # (--code) ... taggedEventDataSize one short
    "code-bad-digest",  # (--code) ... its sha256 digest has a bit flipped
)

DRTM_DEFECTS = (
    "drtm-missing-digest",  # the last PCR event lacks the last bank
    "drtm-unknown-alg",     # the last PCR event has an sm3_256 digest
    "drtm-garbage",         # a stray byte in the zero padding
    "drtm-truncated",       # the last event is cut short, no padding
    "drtm-no-header",       # the log starts with an event
)
DRTM_CONTAINER = 4096


def drtm_record(pcr, etype, banks, data, defect=None):
    digests = [(ALGS[b][0], hashlib.new(b, data).digest()) for b in banks]
    if defect == "drtm-missing-digest":
        digests.pop()
    elif defect == "drtm-unknown-alg":
        digests[-1] = (0x0012, bytes(32))
    rec = struct.pack("<III", pcr, etype, len(digests))
    rec += b"".join(struct.pack("<H", a) + d for a, d in digests)
    return rec + struct.pack("<I", len(data)) + data


def drtm_log(pcr, banks, count, defect):
    """The log and the data of its events for PCR, in order."""
    log = b"" if defect == "drtm-no-header" else spec_id_event(banks, None)
    log += drtm_record(0, EV_NO_ACTION, banks, b"StartupLocality\0\4")
    log += drtm_record(17, 0x502, banks, b"launch: PCR 17")
    datas = []
    for i in range(count):
        data = b"launch: PCR %d event %d" % (pcr, i)
        datas.append(data)
        last = i == count - 1
        log += drtm_record(pcr, 0x502, banks, data, defect if last else None)
    if defect == "drtm-truncated":
        return log[:-3], datas
    log += bytes(DRTM_CONTAINER - len(log))
    if defect == "drtm-garbage":
        log = log[:-100] + b"\1" + log[-99:]
    return log, datas


def spec_id_event(banks, defect):
    sig = b"Spec ID Event02\0" if defect == "bad-signature" else b"Spec ID Event03\0"
    major = 1 if defect == "bad-version" else 2
    algs = [(ALGS[b][0], ALGS[b][1]) for b in banks]
    if defect == "dup-alg":
        algs.append(algs[0])
    elif defect == "unknown-alg":
        algs.append((0x0012, 32))
    elif defect == "bad-alg-size":
        algs = [(a, 32 if a == 0x0004 else s) for a, s in algs]
    count = len(algs)
    if defect == "no-algs":
        algs, count = [], 0
    elif defect == "many-algs":
        count = 0xFFFFFFFF
    ev = sig + struct.pack("<IBBBBI", 0, 0, major, 0, 2, count)
    ev += b"".join(struct.pack("<HH", a, s) for a, s in algs)
    ev += b"\0"                                 # vendorInfoSize
    if defect == "header-stray":
        ev += b"\0"
    return struct.pack("<II20sI", 0, EV_NO_ACTION, bytes(20), len(ev)) + ev


def code_event(nr, defect):
    """The runtime code event: nr ranges of 4 KiB-multiples, known digests."""
    source = 3 if defect == "code-bad-source" else 1
    count = nr + 1 if defect == "code-bad-count" else nr
    data = CODE_MAGIC + struct.pack("<II", source, count)
    for i in range(nr):
        start = 0x1F659000 + 0x10000 * i
        if defect == "code-unaligned" and i == nr - 1:
            start += 0x800
        length = 0 if defect == "code-empty-range" and i == 0 else 0x1000 * (i + 1)
        data += struct.pack("<QQ", start, length)
        data += hashlib.sha256(b"runtime code %d" % i).digest()
    size = len(data) - 1 if defect == "code-bad-size" else len(data)
    return struct.pack("<II", TAG_ID, size) + data


def event_record(pcr, banks, event, last, defect):
    digests = [(ALGS[b][0], hashlib.new(b, event).digest()) for b in banks]
    if defect == "code-bad-digest" and last == "code":
        d = bytearray(digests[0][1])
        d[0] ^= 1
        digests[0] = (digests[0][0], bytes(d))
        last = False
    etype = EV_EVENT_TAG
    count = len(digests)
    if last is True:
        if defect == "bad-digest":
            d = bytearray(digests[0][1])
            d[0] ^= 1
            digests[0] = (digests[0][0], bytes(d))
        elif defect == "mixed-pcr":
            pcr += 1
        elif defect == "bad-pcr":
            pcr = 24
        elif defect == "bad-type":
            etype = 0xD
        elif defect == "missing-digest":
            digests.pop()
            count -= 1
        elif defect == "dup-digest":
            digests[-1] = digests[0]
        elif defect == "many-digests":
            count = 0xFFFFFFFF
    rec = struct.pack("<III", pcr, etype, count)
    rec += b"".join(struct.pack("<H", a) + d for a, d in digests)
    size = len(event)
    if last is True and defect == "huge-event":
        size = 0xFFFFFFFF
    return rec + struct.pack("<I", size) + event


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-p", type=int, default=18, metavar="PCR")
    ap.add_argument("-b", default="sha1,sha256,sha384,sha512", metavar="BANKS",
                    help="comma separated banks, in header order")
    ap.add_argument("-n", type=int, default=2, metavar="COUNT",
                    help="number of openings (0: empty log)")
    ap.add_argument("-x", default="", metavar="LIST",
                    help="comma separated event numbers (from 1) that are "
                         "kexec loads instead of openings")
    ap.add_argument("--code", type=int, default=0, metavar="N",
                    help="a runtime code event of N ranges before each opening")
    ap.add_argument("--half", action="store_true",
                    help="(with --code) end with a code event and no opening")
    ap.add_argument("-s", action="append", default=[], metavar="ALG:HEX",
                    help="start value of a bank (default zeros)")
    ap.add_argument("-d", choices=DEFECTS, metavar="DEFECT",
                    help="one of: " + ", ".join(DEFECTS))
    ap.add_argument("--drtm", metavar="FILE",
                    help="also write a D-RTM launch log for the PCR")
    ap.add_argument("-k", type=int, default=2, metavar="K",
                    help="D-RTM events for the PCR (with --drtm)")
    ap.add_argument("--drtm-defect", choices=DRTM_DEFECTS, metavar="DEFECT",
                    help="one of: " + ", ".join(DRTM_DEFECTS))
    ap.add_argument("--list-drtm-defects", action="store_true",
                    help="print the D-RTM log DEFECT names and exit")
    ap.add_argument("--list-defects", action="store_true",
                    help="print the DEFECT names and exit")
    ap.add_argument("out", nargs="?")
    args = ap.parse_args()
    if args.list_defects:
        print(*DEFECTS)
        return 0
    if args.list_drtm_defects:
        print(*DRTM_DEFECTS)
        return 0
    if not args.out:
        ap.error("the output file is required")

    banks = args.b.split(",")
    start = {b: bytes(ALGS[b][1]) for b in ALGS}
    for s in args.s:
        alg, hexval = s.split(":", 1)
        start[alg] = bytes.fromhex(hexval)

    event = struct.pack("<II", TAG_ID, len(TAG_DATA)) + TAG_DATA
    if args.d == "bad-tag":
        event = struct.pack("<II", TAG_ID - 1, len(TAG_DATA)) + TAG_DATA
    elif args.d == "bad-data":
        event = event[:-1] + b"m"
    elif args.d == "long-event":
        event += b"\0"

    kexec = struct.pack("<II", TAG_ID, len(KEXEC_DATA)) + KEXEC_DATA
    kexec_at = {int(x) for x in args.x.split(",") if x}
    events = [kexec if i + 1 in kexec_at else event for i in range(args.n)]
    if args.n and args.d == "bad-kexec-data":
        events[-1] = kexec[:-1] + b"C"

    # (event, role): role True for the last event, "code" for the code
    # event before the last opening (where the code defects go)
    records = []
    for i, ev in enumerate(events):
        if args.code and ev is event:
            code_defect = args.d if i == args.n - 1 and not args.half else None
            records.append((code_event(args.code, code_defect),
                            "code" if code_defect else False))
        records.append((ev, i == args.n - 1 and not args.half))
    if args.code and args.half:
        records.append((code_event(args.code, args.d), "code"))
    events = [r[0] for r in records]

    log = b""
    if records:
        log = spec_id_event(banks, args.d)
        for ev, role in records:
            log += event_record(args.p, banks, ev, role, args.d)
    if args.d == "trailing":
        log += b"\0\0\0"
    with open(args.out, "wb") as f:
        f.write(log)
    drtm = []
    if args.drtm:
        dlog, drtm = drtm_log(args.p, banks, args.k, args.drtm_defect)
        with open(args.drtm, "wb") as f:
            f.write(dlog)

    # Nothing logged yet: the verifier checks sha256 only, or the banks of
    # the D-RTM log
    for b in banks if records or args.drtm else ["sha256"]:
        pcr = start[b]
        for data in drtm:
            pcr = hashlib.new(b, pcr + hashlib.new(b, data).digest()).digest()
        for ev in events:
            pcr = hashlib.new(b, pcr + hashlib.new(b, ev).digest()).digest()
        print(f"{b}:{pcr.hex()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Compare the runtime code digests of two boots.

Each guest's results hold the runtime code event its gate logged before
the first opening ("CODE-EVENT <hex>", the whole tagged event). Prints
one "PASS|FAIL NAME [DETAIL]" line: with "same", both boots must record
the same ranges with the same digests (the same firmware, booted twice);
with "differ", the digests must differ (another firmware build). The
ranges of each boot are printed on stderr.

Usage: code-digests.py NAME same|differ RESULTS_A RESULTS_B
"""
import struct
import sys

MAGIC = b"efi_rtgate:code\0"


def table(path):
    """The ranges of the first code event in @path: [(start, len, digest)]."""
    with open(path, errors="replace") as f:
        for line in f:
            field = line.split()
            if len(field) == 2 and field[0] == "CODE-EVENT":
                data = bytes.fromhex(field[1])[8:]
                if not data.startswith(MAGIC):
                    raise ValueError("%s: not a runtime code event" % path)
                source, nr = struct.unpack_from("<II", data, len(MAGIC))
                ranges = []
                for i in range(nr):
                    off = len(MAGIC) + 8 + 48 * i
                    start, length = struct.unpack_from("<QQ", data, off)
                    ranges.append((start, length, data[off + 16:off + 48].hex()))
                if len(data) != len(MAGIC) + 8 + 48 * nr or not ranges:
                    raise ValueError("%s: %d ranges in %d bytes" % (path, nr, len(data)))
                return source, ranges
    raise ValueError("%s: no CODE-EVENT line" % path)


def main():
    name, want, path_a, path_b = sys.argv[1:5]
    try:
        a, b = table(path_a), table(path_b)
    except (OSError, ValueError) as err:
        print("FAIL", name, err)
        return 0
    for path, (source, ranges) in ((path_a, a), (path_b, b)):
        print("%s: source %d, %d ranges, %d KiB" %
              (path, source, len(ranges), sum(r[1] for r in ranges) >> 10),
              file=sys.stderr)
        for start, length, digest in ranges:
            print("  0x%012x-0x%012x %s" % (start, start + length - 1, digest),
                  file=sys.stderr)
    digests_a = [r[2] for r in a[1]]
    digests_b = [r[2] for r in b[1]]
    if want == "same":
        ok = a == b
        detail = "" if ok else "the same firmware recorded other ranges or digests"
    else:
        ok = digests_a != digests_b
        detail = "" if ok else "two firmware builds recorded the same digests"
    print("PASS" if ok else "FAIL", name, detail)
    return 0


if __name__ == "__main__":
    sys.exit(main())

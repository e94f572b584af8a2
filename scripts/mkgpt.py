#!/usr/bin/env python3
"""Write a raw disk image with a GUID partition table and one EFI system
partition: the disk efibootmgr -c names in the open15 scenario.

Usage: mkgpt.py IMAGE MIB

The partition is not formatted: efibootmgr builds the HD() node of a boot
entry from the partition table alone. The GUIDs are fixed so that every
run writes the same image.
"""
import struct
import sys
import uuid
import zlib

SECTOR = 512
ENTRIES = 128
ENTRY_SIZE = 128
ESP = uuid.UUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
DISK = uuid.UUID("52746761-7465-4553-5000-000000000001")
PART = uuid.UUID("52746761-7465-4553-5000-000000000002")


def header(lba, other, entries_lba, last_lba, entries_crc):
    fields = [b"EFI PART", 0x00010000, 92, 0, 0, lba, other, 34,
              last_lba - 34, DISK.bytes_le, entries_lba, ENTRIES,
              ENTRY_SIZE, entries_crc]
    fmt = "<8sIIIIQQQQ16sQIII"
    crc = zlib.crc32(struct.pack(fmt, *fields))
    fields[3] = crc
    return struct.pack(fmt, *fields).ljust(SECTOR, b"\0")


def main():
    path, mib = sys.argv[1], int(sys.argv[2])
    sectors = mib * 1024 * 1024 // SECTOR
    last = sectors - 1
    name = "EFI system partition".encode("utf-16-le").ljust(72, b"\0")
    entry = struct.pack("<16s16sQQQ72s", ESP.bytes_le, PART.bytes_le,
                        2048, last - 34, 0, name)
    table = entry.ljust(ENTRIES * ENTRY_SIZE, b"\0")
    crc = zlib.crc32(table)
    mbr = bytearray(SECTOR)
    mbr[446:462] = struct.pack("<B3sB3sII", 0, b"\0\x02\0", 0xEE,
                               b"\xff\xff\xff", 1, min(last, 0xFFFFFFFF))
    mbr[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.truncate(sectors * SECTOR)
        f.write(mbr)
        f.write(header(1, last, 2, last, crc))
        f.write(table)
        f.seek((last - 32) * SECTOR)
        f.write(table)
        f.write(header(last, 1, last - 32, last, crc))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The harness's own reader and writer of the deferred-write file (EBBR
chapter 5 "File Format For Storing EFI Variables"), written from the
specification, not from the kernel's code, for the deferred scenario.

  varfile.py check TEST FILE UUID RESULTS
      judge the file the closed boot persisted: well formed (magic,
      revision, length, CRC-32), bound to UUID, and holding what that boot
      wrote (RESULTS: its results, for the boot entry numbers). Prints
      PASS/FAIL lines for scripts/check.sh.
  varfile.py bad KIND UUID OUT
      write a file the stub must reject: crc, foreign (well formed, for a
      boot with another UUID), bsonly (an entry without runtime access),
      truncated. Each also writes RtGateProbe, which must not appear.
  varfile.py fwlog TEST FILE RESULTS
      the firmware's TCG2 event log a later boot printed (FWLOG): the
      stub's tagged event in PCR 9 measures FILE, and the log replays to
      the PCR 9 that boot read (PCR9).
  varfile.py many N UUID OUT
      write a file of N plain writes bound to UUID: RtGateKNN (NN from
      00), vendor 52746761-...cc, NV|BS|RT, 256 bytes of the byte NN.
  varfile.py store VARS N
      how many of those N variables the firmware's variable store VARS
      (OVMF's flash image, read as the firmware writes it) holds in the
      state "added", each with the value "many" gave it; prints the count.
  varfile.py dbx KEY CERT TEXT OUT
      write OUT, the data of an authenticated append to dbx (UEFI 2.10,
      8.2.2: EFI_VARIABLE_AUTHENTICATION_2, then one EFI_SIGNATURE_LIST
      holding the SHA-256 of TEXT), signed with KEY (PEM, not encrypted)
      and CERT by efitools' sign-efi-sig-list; prints that SHA-256 as hex.
  varfile.py verbatim TEST FILE UUID AUTH...
      the file a closed boot persisted holds, after the binding to UUID,
      exactly one authenticated append to dbx per AUTH, in that order,
      its data byte for byte that AUTH. Prints PASS/FAIL lines.
"""
import base64
import hashlib
import struct
import subprocess
import sys
import uuid
import zlib

MAGIC = b"UbEfiVa"
HEADER = struct.Struct("<Q7sBII")
ENTRY = struct.Struct("<IIQ16s")
GLOBAL = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")
SHIM = uuid.UUID("605dab50-e046-4300-abb6-3dd810dd8b23")
RTGATE = uuid.UUID("29b18b67-47a7-48e1-9c85-e58aba96382f")
TEST = uuid.UUID("52746761-7465-4553-5000-0000000000cc")
NV, BS, RT = 1, 2, 4
TAG_ID = 0x8F3B22EF


class Bad(Exception):
    pass


def parse(data):
    """The entries of a file: (attr, vendor UUID, name, data); Bad if any
    part is malformed."""
    if len(data) < HEADER.size:
        raise Bad("shorter than its header")
    reserved, magic, rev, length, crc = HEADER.unpack_from(data)
    if reserved or magic != MAGIC or rev != 1:
        raise Bad("header: reserved %d magic %r revision %d" % (reserved, magic, rev))
    if length > len(data) or length < HEADER.size:
        raise Bad("length %d, file %d bytes" % (length, len(data)))
    if zlib.crc32(data[HEADER.size:length]) != crc:
        raise Bad("CRC-32 mismatch")
    out, off = [], HEADER.size
    while off < length:
        if length - off < ENTRY.size:
            raise Bad("entry header at %d truncated" % off)
        size, attr, time, guid = ENTRY.unpack_from(data, off)
        p = off + ENTRY.size
        end = p
        while True:
            if end + 2 > length:
                raise Bad("name at %d not terminated" % p)
            if data[end:end + 2] == b"\0\0":
                break
            end += 2
        name = data[p:end].decode("utf-16-le")
        d = end + 2
        if d + size > length:
            raise Bad("data of %s past the end" % name)
        nxt = (d + size + 7) & ~7
        if nxt > length or any(data[d + size:nxt]):
            raise Bad("padding of %s" % name)
        out.append((attr, uuid.UUID(bytes_le=guid), name, data[d:d + size], time))
        off = nxt
    return out


def entry(attr, vendor, name, value, time=0):
    raw = name.encode("utf-16-le") + b"\0\0"
    e = ENTRY.pack(len(value), attr, time, vendor.bytes_le) + raw + value
    return e + b"\0" * (-len(e) % 8)


def build(entries):
    body = b"".join(entries)
    return HEADER.pack(0, MAGIC, 1, HEADER.size + len(body), zlib.crc32(body)) + body


def binding(machine):
    return entry(BS, RTGATE, "RtGateMachine", uuid.UUID(machine).bytes_le)


def results_field(path, key):
    for line in open(path, errors="replace"):
        if line.startswith(key + " "):
            return line.split()[1:]
    return []


def check(test, path, machine, results):
    ok = True

    def rec(good, name, detail=""):
        nonlocal ok
        ok &= good
        print("%s %s.%s %s" % ("PASS" if good else "FAIL", test, name, detail))

    try:
        data = open(path, "rb").read()
    except OSError as e:
        rec(False, "file-persisted", str(e))
        return
    try:
        ents = parse(data)
    except Bad as e:
        rec(False, "file-well-formed", str(e))
        return
    rec(True, "file-well-formed", "%d entries, %d bytes" % (len(ents), len(data)))
    first = ents[0] if ents else None
    rec(first is not None and first[:3] == (BS, RTGATE, "RtGateMachine") and
        first[3] == uuid.UUID(machine).bytes_le, "file-bound-to-machine",
        "first entry %r" % (first[:3],) if first else "no entry")
    got = {(v, n): (a, d) for a, v, n, d, _ in ents[1:]}
    f = results_field(results, "ENTRIES")
    ids = dict(zip(f[0::2], f[1::2]))
    closed, nxt, main = ids.get("closed"), ids.get("next"), ids.get("main")
    rec(all((ids.get(k) for k in ("main", "next", "closed"))), "entry-numbers-reported", " ".join(f))
    want = {
        "boot-entry-created": (GLOBAL, "Boot%s" % closed, None),
        "bootnext": (GLOBAL, "BootNext", bytes.fromhex(nxt or "0000")[::-1] if nxt else None),
        "bootorder": (GLOBAL, "BootOrder",
                      b"".join(bytes.fromhex(x)[::-1] for x in (main, closed, nxt))
                      if closed and nxt and main else None),
        "custom-var-written": (TEST, "RtGateNew", b"new"),
        "custom-var-deleted": (TEST, "RtGateOld", b""),
        "moknew": (SHIM, "MokNew", None),
        "mokauth": (SHIM, "MokAuth", None),
    }
    for name, (vendor, var, value) in want.items():
        a_d = got.get((vendor, var))
        if a_d is None:
            rec(False, "file-" + name, "%s-%s missing" % (var, vendor))
            continue
        a, d = a_d
        good = a & (NV | BS | RT) == NV | BS | RT and (value is None or d == value)
        rec(good, "file-" + name, "attr 0x%x, %d bytes" % (a, len(d)))
    # Everything a boot applies must persist: no volatile entry.
    rec(all(a & NV for a, *_ in ents[1:]), "file-only-non-volatile")
    rec(all(t == 0 for *_, t in ents), "file-timestamps-zero")
    # The number of entries the next boot reports applied
    print("INFO %s.entries %d" % (test, len(ents) - 1))


def bad(kind, machine, out):
    probe = entry(NV | BS | RT, TEST, "RtGateProbe", b"probe")
    if kind == "foreign":
        data = build([binding(machine), probe])
    elif kind == "crc":
        data = bytearray(build([binding(machine), probe]))
        data[-8] ^= 1
    elif kind == "bsonly":
        data = build([binding(machine), probe, entry(NV | BS, TEST, "RtGateBsOnly", b"x")])
    elif kind == "truncated":
        data = build([binding(machine), probe])[:-8]
    else:
        sys.exit("unknown kind %s" % kind)
    # The file must be what KIND says, read with this reader: crc and
    # truncated do not parse; foreign and bsonly do, bsonly with an
    # entry that lacks runtime access.
    try:
        ents = parse(bytes(data))
    except Bad:
        ents = None
    if kind in ("crc", "truncated"):
        ok = ents is None
    elif kind == "bsonly":
        ok = ents is not None and any(not a & RT for a, *_ in ents[1:])
    else:
        ok = ents is not None
    if not ok:
        sys.exit("varfile.py: the %s file is not what it should be" % kind)
    open(out, "wb").write(bytes(data))


def many_value(i):
    return bytes([i]) * 256


def many(n, machine, out):
    n = int(n)
    ents = [entry(NV | BS | RT, TEST, "RtGateK%02d" % i, many_value(i)) for i in range(n)]
    data = build([binding(machine)] + ents)
    if len(parse(data)) != n + 1:
        sys.exit("varfile.py: the file of %d writes does not parse back" % n)
    open(out, "wb").write(data)


# The firmware's variable store (UEFI PI, Vol. 3; EDK II's
# VariableFormat.h): a firmware volume header, the variable store header
# (signature GUID, size, format, state, 8 reserved bytes), then variables,
# each 4-byte aligned: StartId 0x55AA, State, Reserved, Attributes,
# MonotonicCount, TimeStamp, PubKeyIndex, NameSize, DataSize, VendorGuid
# (authenticated layout), the name, the data.
VAR_HDR = struct.Struct("<HBBIQ16sIII16s")
VAR_ADDED = 0x3F


def store_vars(image):
    fv_len = struct.unpack_from("<H", image, 0x30)[0]
    if image[0x28:0x2C] != b"_FVH":
        raise Bad("no firmware volume header")
    size = struct.unpack_from("<I", image, fv_len + 16)[0]
    off, end = fv_len + 28, fv_len + size
    while off + VAR_HDR.size <= end:
        (start, state, _, attr, _, _, _, name_size, data_size,
         guid) = VAR_HDR.unpack_from(image, off)
        if start != 0x55AA:
            break
        # EDK II reads the sizes of a header whose state, attributes or
        # a size is still erased (all ones: a write cut short) as 0.
        if 0xFF == state or 0xFFFFFFFF in (attr, name_size, data_size):
            name_size = data_size = 0
        p = off + VAR_HDR.size
        name = image[p:p + name_size].decode("utf-16-le", "replace").rstrip("\0")
        yield state, uuid.UUID(bytes_le=guid), name, image[p + name_size:p + name_size + data_size]
        off = (p + name_size + data_size + 3) & ~3


def store(path, n):
    n = int(n)
    want = {"RtGateK%02d" % i: many_value(i) for i in range(n)}
    got = set()
    for state, vendor, name, value in store_vars(open(path, "rb").read()):
        if state == VAR_ADDED and vendor == TEST and want.get(name) == value:
            got.add(name)
    print(len(got))


IMAGE_SECURITY = uuid.UUID("d719b2cb-3d3a-4596-a3bc-dad00e67656f")
CERT_SHA256 = uuid.UUID("c1c41626-504c-4092-aca9-41f936934328")
CERT_PKCS7 = uuid.UUID("4aafd29d-68df-49ee-8aa9-347d375665a7")
TIME_AUTH, APPEND = 0x20, 0x40


def dbx(key, cert, text, out):
    digest = hashlib.sha256(text.encode()).digest()
    sig = TEST.bytes_le + digest
    esl = CERT_SHA256.bytes_le + struct.pack("<III", 28 + len(sig), 0, len(sig)) + sig
    open(out + ".esl", "wb").write(esl)
    # efitools' sign-efi-sig-list, as distributions sign updates: -a an
    # append (the attributes signed include APPEND_WRITE).
    subprocess.run(["sign-efi-sig-list", "-a", "-t", "2026-01-01 00:00:00",
                    "-g", str(TEST), "-k", key, "-c", cert, "dbx", out + ".esl", out],
                   stdout=subprocess.DEVNULL, check=True)
    data = open(out, "rb").read()
    # What UEFI 2.10, 8.2.2 says it is: EFI_VARIABLE_AUTHENTICATION_2 (a
    # time, then WIN_CERTIFICATE_UEFI_GUID of the PKCS#7 type), then the list.
    length, rev, ctype = struct.unpack_from("<IHH", data, 16)
    if (rev, ctype, data[24:40]) != (0x0200, 0x0EF1, CERT_PKCS7.bytes_le) or \
            data[16 + length:] != esl:
        sys.exit("varfile.py: %s is not an authenticated append of the list" % out)
    print(digest.hex())


def verbatim(test, path, machine, *auths):
    try:
        ents = parse(open(path, "rb").read())
        why = None
    except (OSError, Bad) as e:
        ents, why = [], str(e)
    ok = bool(ents) and ents[0][2] == "RtGateMachine" and \
        ents[0][3] == uuid.UUID(machine).bytes_le
    print("%s %s.file-bound-to-machine %s" % ("PASS" if ok else "FAIL", test, why or ""))
    want = [(NV | BS | RT | TIME_AUTH | APPEND, IMAGE_SECURITY, "dbx", open(a, "rb").read())
            for a in auths]
    got = [e[:4] for e in ents[1:]]
    ok = got == want
    print("%s %s.authenticated-writes-kept-verbatim %d entries%s" % (
        "PASS" if ok else "FAIL", test, len(got),
        "" if ok else ": " + ", ".join("%s-%s %#x %d bytes" % (v, n, a, len(d))
                                       for a, v, n, d in got)))


def tcg2_events(log):
    """(pcr, type, {alg: digest}, event) of a crypto-agile TCG2 log"""
    pcr, etype = struct.unpack_from("<II", log)
    (size,) = struct.unpack_from("<I", log, 28)
    spec = log[32:32 + size]
    if not spec.startswith(b"Spec ID Event03"):
        raise Bad("no Spec ID Event03 header")
    (n,) = struct.unpack_from("<I", spec, 24)
    sizes = {}
    for i in range(n):
        alg, dsz = struct.unpack_from("<HH", spec, 28 + 4 * i)
        sizes[alg] = dsz
    off = 32 + size
    while off + 12 <= len(log):
        pcr, etype, count = struct.unpack_from("<III", log, off)
        off += 12
        digests = {}
        for _ in range(count):
            (alg,) = struct.unpack_from("<H", log, off)
            digests[alg] = log[off + 2:off + 2 + sizes[alg]]
            off += 2 + sizes[alg]
        (esz,) = struct.unpack_from("<I", log, off)
        ev = log[off + 4:off + 4 + esz]
        off += 4 + esz
        yield pcr, etype, digests, ev


def fwlog(test, path, results):
    data = open(path, "rb").read()
    length = HEADER.unpack_from(data)[3]
    want = hashlib.sha256(data[:length]).digest()
    b64 = results_field(results, "FWLOG")
    pcr9 = results_field(results, "PCR9")
    if not b64 or not pcr9:
        print("FAIL %s.fwlog-reported FWLOG %s PCR9 %s" % (test, bool(b64), pcr9))
        return
    log = base64.b64decode(b64[0])
    pcr = bytes(32)
    found = 0
    for idx, et, dig, ev in tcg2_events(log):
        if idx != 9 or et == 3:
            continue
        pcr = hashlib.sha256(pcr + dig[0x0b]).digest()
        if et == 6 and len(ev) >= 8 and struct.unpack_from("<I", ev)[0] == TAG_ID:
            found += 1
            ok = dig[0x0b] == want
            print("%s %s.stub-event-measures-file %s" %
                  ("PASS" if ok else "FAIL", test, dig[0x0b].hex()[:16]))
    print("%s %s.stub-event-in-firmware-log %d event(s)" %
          ("PASS" if found == 1 else "FAIL", test, found))
    ok = pcr.hex() == pcr9[0]
    print("%s %s.firmware-log-replays-pcr9 %s" % ("PASS" if ok else "FAIL", test,
                                                  "" if ok else "%s != %s" % (pcr.hex(), pcr9[0])))


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "check" and len(sys.argv) == 6:
        check(*sys.argv[2:])
    elif cmd == "bad" and len(sys.argv) == 5:
        bad(*sys.argv[2:])
    elif cmd == "fwlog" and len(sys.argv) == 5:
        fwlog(*sys.argv[2:])
    elif cmd == "many" and len(sys.argv) == 5:
        many(*sys.argv[2:])
    elif cmd == "verbatim" and len(sys.argv) >= 6:
        verbatim(*sys.argv[2:])
    elif cmd == "dbx" and len(sys.argv) == 6:
        dbx(*sys.argv[2:])
    elif cmd == "store" and len(sys.argv) == 4:
        store(*sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Judge QEMU execution traces of the firmware's runtime code.

Usage:
  fwtrace.py ranges CONSOLE SYSTEM_MAP
      Print the QEMU -dfilter ranges to trace: every EfiRuntimeServicesCode
      range of the EFI memory map in CONSOLE (a boot with efi=debug), the
      x86_64 EFI virtual window (EFI_VA_END..EFI_VA_START) and one byte at
      start_kernel and at rtgate_measure_open (markers, from SYSTEM_MAP).
  fwtrace.py filter SYSTEM_MAP
      Print the command that condenses a trace as it is written (for
      scripts/vm.sh's EXEC_TRACE_FILTER).
  fwtrace.py judge PREFIX MAP_CONSOLE SYSTEM_MAP CLOSED_CONSOLE CLOSED_EXEC \\
                   OFF_CONSOLE OFF_EXEC
      Print "PASS|FAIL NAME [detail]" lines (scripts/check.sh counts them).
  fwtrace.py judge-closed PREFIX MAP_CONSOLE SYSTEM_MAP CLOSED_CONSOLE CLOSED_EXEC
      The same for a closed boot alone (the deferred scenario's boot from
      its ESP, which writes variables while closed, then opens).

Every translation block QEMU logs ("Trace N: HOST [CS/PC/FLAGS/CFLAGS]")
is either a marker or firmware code. QEMU logs each block it enters from
its execution loop or through an indirect jump (helper lookup_tb_ptr); it
chains direct jumps only between blocks of the same guest page, and no
kernel page is a firmware page: every entry into firmware from the kernel
is logged, while a block that firmware reaches by a direct jump from its
own code may not be (counts are of entries, unless vm.sh ran with
EXEC_TRACE_NOCHAIN=1). The promise: in a boot closed by the
gate, no firmware block runs between the kernel's entry (start_kernel) and
the first opening (rtgate_measure_open); after it, some do. Under
efi_rtgate=off firmware runs at boot and, after SetVirtualAddressMap(),
in the EFI virtual window.
"""
import re
import sys

EFI_VA_END = 0xffffffef00000000     # -68 GiB
EFI_VA_START = 0xffffffff00000000   # -4 GiB
MEM_RE = re.compile(r'efi: mem\d+: \[([^|\]]+)\|.*range=\[0x([0-9a-f]+)-0x([0-9a-f]+)\]')
TRACE_RE = re.compile(r'^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/')


def runtime_code(console):
    """The EfiRuntimeServicesCode ranges of the boot-time memory map."""
    ranges = []
    with open(console, errors='replace') as f:
        for line in f:
            m = MEM_RE.search(line)
            if m and m.group(1).strip() == 'Runtime Code':
                r = (int(m.group(2), 16), int(m.group(3), 16) + 1)
                if r not in ranges:
                    ranges.append(r)
    return sorted(ranges)


def symbol(system_map, name):
    with open(system_map) as f:
        for line in f:
            addr, _, sym = line.split()
            if sym == name:
                return int(addr, 16)
    raise SystemExit(f'fwtrace: {name} not in {system_map}')


def filter_spec(ranges, marks):
    spec = [f'0x{lo:x}..0x{hi - 1:x}' for lo, hi in ranges]
    spec.append(f'0x{EFI_VA_END:x}..0x{EFI_VA_START - 1:x}')
    spec += [f'0x{m:x}+1' for m in marks]
    return ','.join(spec)


def condense_filter(system_map):
    """An awk program for vm.sh's EXEC_TRACE_FILTER: the trace is
    gigabytes before the kernel starts (firmware at boot); keep every line
    from start_kernel on and only count the ones before it."""
    mark = f"{symbol(system_map, 'start_kernel'):016x}"
    return ("awk -F/ 'k { print; next } $2 == \"%s\" { k = 1; print; next } "
            "/^Trace / { n++ } END { print \"PRE_KERNEL \" n + 0 }'" % mark)


def scan(exec_log, ranges, start, opening):
    """Count firmware blocks before the kernel, before the first opening
    and after it; and those in the EFI virtual window. The log is the
    condensed one: lines from start_kernel on, then "PRE_KERNEL N"."""
    count = {'pre_kernel': 0, 'boot': 0, 'opened': 0, 'virtual': 0,
             'kernel': False, 'opening': False, 'first_boot_pc': None}
    phase = 'pre_kernel'
    with open(exec_log, errors='replace') as f:
        for line in f:
            if line.startswith('PRE_KERNEL '):
                count['pre_kernel'] += int(line.split()[1])
                continue
            m = TRACE_RE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc == start:
                count['kernel'] = True
                if phase == 'pre_kernel':
                    phase = 'boot'
                continue
            if pc == opening:
                count['opening'] = True
                if phase == 'boot':
                    phase = 'opened'
                continue
            virtual = EFI_VA_END <= pc < EFI_VA_START
            if not virtual and not any(lo <= pc < hi for lo, hi in ranges):
                continue
            count[phase] += 1
            count['virtual'] += virtual
            if phase == 'boot' and count['first_boot_pc'] is None:
                count['first_boot_pc'] = pc
    return count


def judge(prefix, argv):
    map_console, system_map, c_console, c_exec, o_console, o_exec = argv
    ranges = runtime_code(map_console)
    out = []

    def res(ok, name, detail=''):
        out.append(f"{'PASS' if ok else 'FAIL'} {prefix}.{name} {detail}".rstrip())

    res(bool(ranges), 'runtime-code-ranges-found', f'{len(ranges)} in {map_console}')
    # The traced boots must have had the memory map the filter was made from.
    for name, console in (('closed', c_console), ('off', o_console)):
        if console is None:
            continue
        got = runtime_code(console)
        res(got == ranges, f'{name}.same-runtime-code-ranges',
            '' if got == ranges else f'{got} != {ranges}')
    start = symbol(system_map, 'start_kernel')
    opening = symbol(system_map, 'rtgate_measure_open')

    c = scan(c_exec, ranges, start, opening)
    res(c['kernel'], 'closed.kernel-entry-traced')
    res(c['pre_kernel'] > 0, 'closed.firmware-traced-before-kernel',
        f"{c['pre_kernel']} blocks")
    res(c['boot'] == 0, 'closed.no-firmware-block-before-opening',
        f"{c['boot']} blocks" + (f", first at 0x{c['first_boot_pc']:x}"
                                 if c['first_boot_pc'] else ''))
    res(c['opening'], 'closed.opening-traced')
    res(c['opened'] > 0, 'closed.firmware-runs-after-opening',
        f"{c['opened']} blocks")
    res(c['virtual'] == 0, 'closed.no-block-in-efi-virtual-window',
        f"{c['virtual']} blocks")
    if o_console is None:
        print('\n'.join(out))
        print(f"INFO {prefix} closed: {c['pre_kernel']} firmware blocks before "
              f"the kernel, {c['boot']} from start_kernel to the opening, "
              f"{c['opened']} after it", file=sys.stderr)
        return

    o = scan(o_exec, ranges, start, opening)
    res(o['kernel'], 'off.kernel-entry-traced')
    res(o['boot'] > 0, 'off.firmware-runs-at-boot', f"{o['boot']} blocks")
    res(o['virtual'] > 0, 'off.firmware-in-efi-virtual-window',
        f"{o['virtual']} blocks")
    res(not o['opening'], 'off.no-opening', '')
    print('\n'.join(out))
    print(f"INFO {prefix} closed: {c['pre_kernel']} firmware blocks before "
          f"the kernel, {c['boot']} from start_kernel to the opening, "
          f"{c['opened']} after it; off: {o['boot']} after start_kernel "
          f"({o['virtual']} in the EFI virtual window)", file=sys.stderr)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'ranges':
        ranges = runtime_code(sys.argv[2])
        if not ranges:
            raise SystemExit(f'fwtrace: no Runtime Code range in {sys.argv[2]}')
        marks = [symbol(sys.argv[3], 'start_kernel'),
                 symbol(sys.argv[3], 'rtgate_measure_open')]
        print(filter_spec(ranges, marks))
    elif len(sys.argv) == 3 and sys.argv[1] == 'filter':
        print(condense_filter(sys.argv[2]))
    elif len(sys.argv) == 9 and sys.argv[1] == 'judge':
        judge(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 7 and sys.argv[1] == 'judge-closed':
        judge(sys.argv[2], sys.argv[3:] + [None, None])
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()

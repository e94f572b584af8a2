#!/bin/sh
# Measure what the gate costs, as ratios taken in one run (never in
# make check). Boots the VMs RUNS times (default 5), alternating kernels, and
# ends with one line per figure: RATIO <name> <median ratio>.
# Usage: bench.sh REPO BUILD BASE
set -eu
repo=$1 build=$2 base=$3
runs=${RUNS:-5}
b=$build/$base
frag=$repo/configs/rtgate.config
echo "bench: building the gate kernel and the same kernel without the gate"
FLAVOR= "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" "$frag" >"$b/bench-build.log" 2>&1
FLAVOR=-nogate "$repo/scripts/build-kernel.sh" "$repo" "$build" "$base" "$frag" \
	"$repo/configs/nogate.config" >>"$b/bench-build.log" 2>&1
"$repo/scripts/mkinitramfs.sh" "$repo" "${KSRC:-$b/linux}" "$b" >/dev/null
out=$b/bench
rm -rf "$out"
mkdir -p "$out"

# The open-state check must be a static branch: a NOP patched at run time,
# with no load of the key in the function that queues runtime calls.
dis=$(objdump -d --disassemble=__efi_queue_work "$b/obj/vmlinux")
echo "bench: __efi_queue_work in the gate kernel, static-branch sites:"
echo "$dis" | grep -E 'nop|xchg +%ax,%ax' | sed 's/^/    /'
if echo "$dis" | grep -q 'efi_rtgate_closed_key'; then
	echo "bench: __efi_queue_work reads efi_rtgate_closed_key: not a static branch" >&2
	exit 1
fi
echo "$dis" | grep -qE '(0f 1f 44 00 00|66 90)[[:space:]]+(nopl|xchg|nop)' || {
	echo "bench: no patchable NOP in __efi_queue_work" >&2
	exit 1
}
echo "bench: the check is a NOP while the gate is open (no load of the key)"

vm() {	# vm NAME KERNEL TPM ARGS
	SWTPM_LOGLEVEL=20 "$repo/scripts/vm.sh" "$2" "$b/initramfs.cpio.gz" "$out" "$1" "$3" \
		"rtgate_test=bench kunit.enable=0 $4"
	grep -aq '^DONE' "$out/$1.results" || {
		echo "bench: VM $1 did not finish; see $out/$1.console" >&2
		exit 1
	}
}
val() { tr -d '\r' < "$out/$1.results" | sed -n "s/^BENCH $2 //p" | head -n 1; }
# TPM commands seen by swtpm during a boot, up to the guest's first line
tpm_cmds() { grep -c 'SWTPM_IO_Read: length' "$out/$1.swtpm.log" 2>/dev/null || echo 0; }

: > "$out/raw"
i=1
while [ "$i" -le "$runs" ]; do
	echo "bench: run $i of $runs"
	vm gate-open-$i "$b/bzImage" tpm2 "efi_rtgate=off rtgate_bench=read"
	vm nogate-$i "$b/bzImage-nogate" tpm2 "rtgate_bench=read"
	vm gate-closed-$i "$b/bzImage" tpm2 "efi_rtgate=on efi_rtgate_pcr=15 rtgate_bench=gate"
	vm boot-on-$i "$b/bzImage" tpm2 "efi_rtgate=on rtgate_bench=boot"
	vm boot-off-$i "$b/bzImage" tpm2 "efi_rtgate=off rtgate_bench=boot"
	{
		echo "open-call-overhead $i $(val gate-open-$i read_ns) $(val nogate-$i read_ns)"
		echo "refused-vs-allowed-call $i $(val gate-closed-$i refused_ns) $(val gate-closed-$i allowed_ns)"
		echo "enable-vs-tpm2_pcrextend $i $(val gate-closed-$i enable_ns) $(val gate-closed-$i pcrextend_ns)"
		echo "boot-gate-on-vs-off $i $(val boot-on-$i init_ns) $(val boot-off-$i init_ns)"
		echo "boot-tpm-commands-on-minus-off $i $(tpm_cmds boot-on-$i) $(tpm_cmds boot-off-$i)"
	} >> "$out/raw"
	i=$((i + 1))
done

echo
echo "Raw measurements (ns, per run: numerator denominator):"
cat "$out/raw"
echo
python3 - "$out/raw" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    name, run, a, b = line.split()
    rows.setdefault(name, []).append((int(a), int(b)))
targets = {"open-call-overhead": 1.02, "refused-vs-allowed-call": 0.05,
           "enable-vs-tpm2_pcrextend": 1.0, "boot-gate-on-vs-off": 1.02}
print(f"{'figure':30} {'min':>8} {'median':>8} {'max':>8} {'target':>8}")
ratios = {}
for name, pairs in rows.items():
    if name == "boot-tpm-commands-on-minus-off":
        continue
    r = [a / b for a, b in pairs]
    ratios[name] = statistics.median(r)
    print(f"{name:30} {min(r):8.4f} {statistics.median(r):8.4f} {max(r):8.4f} {'<= %.2f' % targets[name]:>8}")
d = [a - b for a, b in rows["boot-tpm-commands-on-minus-off"]]
print(f"TPM commands at boot, gate on minus gate off, per run: {d}")
print()
bad = 0
for name, r in ratios.items():
    ok = r <= targets[name]
    bad += not ok
    print(f"RATIO {name} {r:.4f}")
if any(d):
    bad += 1
    print("bench: the gate issued TPM commands at boot")
sys.exit(1 if bad else 0)
PY

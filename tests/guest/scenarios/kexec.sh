# shellcheck shell=sh
# Scenario kexec: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
# bases: upstream lts
# efi_rtgate=on, PCR 15: loading a kexec image while the gate is armed
# is measured like an opening; with the TPM gone the load fails and
# nothing is logged. The image is this kernel (mkinitramfs.sh).
expect closed-at-boot 0 state
snapshot 15 /tmp/before
check kexec-file-load kexec -s -l /boot/bzImage --append="efi_rtgate=off"
check kexec-load kexec -l /boot/bzImage --append="efi_rtgate=off"
expect still-closed-after-loads 0 state
check load-message dmesg_has "kexec image load by kexec\[[0-9]*\] measured into PCR 15"
expect log-two-events 2 log_events
expect log-kexec-only "kexec kexec" log_kinds
snapshot 15 /tmp/after
check pcr15-changed-all-banks all_banks_changed 15 /tmp/before /tmp/after
check log-replays-to-pcr15 replay_matches 15
expect verify-counts-kexec-loads 1 sh -c 'rtgate-verify -p 15 >/tmp/v.out 2>&1; echo $?'
check verify-says-two-kexec-loads grep -q "opened 0 times, 2 kexec loads since launch; PCR 15 matches log" /tmp/v.out
check kexec-unload kexec -u
expect unload-not-measured 2 log_events
kill_tpm
# The load fails for the TPM (ENODEV or EIO), not for anything else.
check load-fails-without-tpm sh -c '! kexec -s -l /boot/bzImage --append=efi_rtgate=off 2>/tmp/k.err &&
	grep -qE "No such device|Input/output error" /tmp/k.err'
check refusal-message dmesg_has "kexec load refused: its measurement into PCR 15 failed"
expect log-unchanged 2 log_events

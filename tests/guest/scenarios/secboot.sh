# shellcheck shell=sh
# Scenario secboot: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=on efi_rtgate_pcr=15 kunit.enable=0
# bases: upstream lts
# Secure-Boot-enabled OVMF with enrolled keys, the kernel signed for
# it. Closed at boot: the kernel keeps the Secure Boot state the EFI
# stub read before ExitBootServices(), it does not read it as off.
sbvar=$VARS/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c
expect closed-at-boot 0 state
check secure-boot-enabled dmesg_has "Secure boot enabled"
check no-secure-boot-disabled sh -c '! dmesg | grep -q "Secure boot disabled"'
check no-secureboot-fallback sh -c '! dmesg | grep -q "Secure Boot state unreadable"'
# IMA took its architecture policy, which x86 gives only under Secure
# Boot, at boot while closed.
expect ima-arch-policy-loaded-while-closed 1 ima_arch_rules
# The firmware is not asked meanwhile: reads come from the snapshot.
mount_vars
snapshot_reads enabled
expect secure-boot-on-while-closed 01 sh -c "od -An -tx1 $sbvar | awk '{ print \$5 }'"
# After a measured opening, the firmware's own variable agrees.
expect open OK write_knob 1
emit_code_event
remount_vars
# efivarfs: 4 bytes of attributes, then the value.
expect firmware-says-secure-boot-on 01 sh -c "od -An -tx1 $sbvar | awk '{ print \$5 }'"
# The keys loaded at boot while closed (from the snapshot) are the
# certificates in the firmware's own db, read now that it answers;
# the host compares both keyrings with the open boot (secbootoff).
emit_keyrings
check platform-keys-loaded-while-closed test "$(keyring_count platform)" -ge 1
platform_keys_are_db

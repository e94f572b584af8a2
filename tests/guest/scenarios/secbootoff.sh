# shellcheck shell=sh
# Scenario secbootoff: sourced by /init (tests/guest/init.sh) after lib.sh.
# check: tpm2 efi_rtgate=off kunit.enable=0
# bases: upstream lts
# The same machine and kernel with efi_rtgate=off: the keys the
# kernel loads when firmware answers from boot.
open_at_boot cmdline
expect ima-arch-policy-loaded 1 ima_arch_rules
emit_keyrings
platform_keys_are_db

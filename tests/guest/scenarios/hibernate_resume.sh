# shellcheck shell=sh
# Scenario hibernate_resume: sourced by /init (tests/guest/init.sh) after lib.sh.
# Run by the second boot of hibernate (scripts/check.sh hibernate_vms):
# tpm2, hibernate's arguments and resume=/dev/vda.
# Reached only if the second boot did not restore the image.
fail "image-restored the second boot started afresh"

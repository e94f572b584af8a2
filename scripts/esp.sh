# shellcheck shell=sh
# The ESP of a test machine kept in a directory (scripts/vm.sh VM_KEEP),
# built and read on the host with mkfs.vfat and mtools. Sourced by
# scripts/check.sh and scripts/bench.sh, which set $repo.

# make_esp KEEP KERNEL INITRD: KEEP/esp.img, a disk with one EFI system
# partition (FAT, from 1 MiB) holding the kernel as \EFI\Linux\linux.efi,
# the initramfs as \EFI\Linux\initrd.img, and a certificate for mokutil.
make_esp() {
	keep=$1
	python3 "$repo/scripts/mkgpt.py" "$keep/esp.img" 64 &&
	mkfs.vfat --offset 2048 -n ESP "$keep/esp.img" $(((64 * 2048 - 35 - 2048) / 2)) &&
	mmd -i "$keep/esp.img@@1M" ::EFI ::EFI/Linux &&
	mcopy -i "$keep/esp.img@@1M" "$2" ::EFI/Linux/linux.efi &&
	mcopy -i "$keep/esp.img@@1M" "$3" ::EFI/Linux/initrd.img &&
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=rtgate-mok -days 1 \
		-keyout "$keep/mok.key" -outform DER -out "$keep/mok.der" &&
	mcopy -i "$keep/esp.img@@1M" "$keep/mok.der" ::mok.der
}
# esp_put KEEP FILE NAME / esp_get KEEP NAME FILE: copy to or from the ESP
esp_put() { mcopy -o -i "$1/esp.img@@1M" "$2" "::$3"; }
esp_get() { rm -f "$3"; mcopy -n -i "$1/esp.img@@1M" "::$2" "$3" 2>/dev/null; }
esp_step() { printf '%s' "$2" > "$1/step" && esp_put "$1" "$1/step" rtgate.step; }

# The demo (make demo): boot 1 writes persisted state and junk; boot 2 shows what
# survived. Lines starting with DEMO: are the narrative the host prints.
say() { echo "DEMO: $*"; }

stage2() {
	if [ "$BOOT" = 1 ]; then
		say "boot 1: in the new root; writing persisted state and junk"
		echo '{ ... }: { networking.hostName = "demo"; }' >/etc/nixos/configuration.nix
		mkdir -p /var/lib/demo
		echo 1 >/var/lib/demo/counter
		echo "boot 1 was here" >>/var/log/demo.log
		head -c 64 /dev/urandom >/etc/ssh/ssh_host_ed25519_key
		chmod 0600 /etc/ssh/ssh_host_ed25519_key
		tr -d '-' </proc/sys/kernel/random/uuid >/etc/machine-id
		mkdir -p /root /opt/junk
		echo "a forgotten file" >/root/notes.txt
		dd if=/dev/urandom of=/opt/junk/big bs=1M count=20 2>/dev/null
		say "  wrote /etc/nixos/configuration.nix, /var/lib/demo/counter, /var/log/demo.log (persisted)"
		say "  wrote /etc/ssh/ssh_host_ed25519_key $(sha256sum </etc/ssh/ssh_host_ed25519_key | head -c 16)… and machine-id $(cat /etc/machine-id)"
		say "  wrote junk: /root/notes.txt and /opt/junk/big (20 MB), not declared anywhere"
		return
	fi
	say "boot 2: in the new root; what survived?"
	for f in /root/notes.txt /opt/junk/big; do
		if [ -e $f ]; then fail "$f survived"; else say "  $f: gone (the root was rolled back)"; fi
	done
	for f in /etc/nixos/configuration.nix /var/lib/demo/counter /var/log/demo.log; do
		if [ -e $f ]; then say "  $f: still there, $(stat -c '%u:%g %a' $f)"; else fail "$f lost"; fi
	done
	say "  ssh host key $(sha256sum </etc/ssh/ssh_host_ed25519_key | head -c 16)…, machine-id $(cat /etc/machine-id): the same as in boot 1"
	say "  /etc/nixos, /var/lib, /var/log are bind mounts from /persist; /etc/ssh -> $(readlink /etc/ssh), /etc/machine-id -> $(readlink /etc/machine-id)"
	say "the listing after boot (blankslate-audit.service runs: blankslate audit):"
	out=$($T/blankslate audit 2>&1) || fail "blankslate audit: $out"
	echo "$out" | grep -F -e 'audit: [listed]' -e 'audit: [timing]' | head -2 | sed 's/ \[bytes=.*//; s/^/DEMO:   /'
	rec=/persist/var/log/blankslate/$(ls /persist/var/log/blankslate | grep '\.json$' | sort | tail -1)
	for f in /root/notes.txt /opt/junk/big; do
		if grep -q "\"path\": \"$f\"" "$rec"; then say "  $f: in the record $rec, erased"; else fail "$rec does not list $f"; fi
	done
}

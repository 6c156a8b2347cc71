#!/bin/bash
# SPDX-License-Identifier: MIT
# tree.sh SUITE [FLAVOUR] — prints the path of a ready Debian SUITE tree for
# the system tier, building it first when the cache has none for this
# package list.
#
# The tree is made by mmdebstrap from the Debian archive (the tool's default
# mirror), with systemd as init and the real service managers and firewall
# front ends ssh-doctor must judge: ssh.service and ssh.socket, journald and
# rsyslog, ufw, fail2ban, sshguard, firewalld, iptables (both back ends) and
# nftables. It also holds the run-time libraries of ssh-doctor, so the
# binary built on this machine runs inside.
#
# Cache: $SSHD_SYSTEM_CACHE (default /var/cache/ssh-doctor-system), outside
# the checkout so that `git clean` keeps it. A tree's folder name carries a
# hash of the suite, the package list and this script: change either and a
# new tree is built, the old one of that suite removed. A lock keeps two
# tests from building the same tree at once.
#
# Everything in the tree that would start at boot and change what a scenario
# stages (fail2ban, sshguard, firewalld, ufw, rsyslog) is disabled here;
# a scenario enables what it needs.
#
# FLAVOUR "persist" is the same tree with iptables-persistent
# (netfilter-persistent, which restores /etc/iptables/rules.v4 and .v6 at
# boot) instead of ufw: Debian's ufw Breaks iptables-persistent, so the two
# cannot share a tree, and the other scenarios keep theirs unchanged. Its
# installation saves no rules (debconf's autosave questions answered no):
# a test writes the rule set the boot restores. A test asks for it with
# SYS_FLAVOUR=persist before sourcing lib.sh.
set -euo pipefail

suite=${1:?usage: tree.sh SUITE [FLAVOUR]}
flavour=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
cache=${SSHD_SYSTEM_CACHE:-/var/cache/ssh-doctor-system}

pkgs=(systemd systemd-sysv dbus libpam-systemd udev
      openssh-server openssh-client
      iproute2 iptables nftables ufw fail2ban sshguard firewalld rsyslog
      python3-systemd procps psmisc netcat-openbsd less
      libssh-4 libpcap0.8 libncursesw6 libjansson4)
case "$suite" in
bookworm) pkgs+=(tcpd) ;;            # tcpdmatch; sshd still links libwrap
trixie)   ;;                         # OpenSSH 10: no libwrap any more
*)        echo "tree.sh: unknown suite '$suite' (bookworm or trixie)" >&2; exit 2 ;;
esac
hooks=()
case "$flavour" in
'')      name=$suite ;;
persist) name=$suite-persist
         kept=()
         for p in "${pkgs[@]}"; do [ "$p" = ufw ] || kept+=("$p"); done
         pkgs=("${kept[@]}" iptables-persistent)
         hooks+=(--essential-hook='printf "iptables-persistent iptables-persistent/autosave_v4 boolean false\niptables-persistent iptables-persistent/autosave_v6 boolean false\n" | chroot "$1" debconf-set-selections') ;;
*)       echo "tree.sh: unknown flavour '$flavour' (persist, or none)" >&2; exit 2 ;;
esac
disable="fail2ban.service sshguard.service firewalld.service rsyslog.service"
[ -z "$flavour" ] && disable="$disable ufw.service"

key=$( { echo "$suite"; echo "$flavour"; printf '%s\n' "${pkgs[@]}"; cat "$0"; } | sha256sum | cut -c1-12)
tree="$cache/$name-$key"

mkdir -p "$cache"
exec 9>"$cache/$name.lock"
flock 9

if [ -f "$tree/.ready" ]; then
	echo "$tree"
	exit 0
fi

# An older tree of this suite and flavour is of no more use (the key is
# twelve hex digits: "bookworm-" never matches "bookworm-persist-").
for old in "$cache/$name"-????????????; do
	[ -d "$old" ] && [ "$old" != "$tree" ] && rm -rf --one-file-system "$old"
done

start=$(date +%s)
work="$tree.new"
rm -rf --one-file-system "$work"
echo "tree.sh: building the Debian $name tree in $tree (${#pkgs[@]} packages)" >&2
list=$(IFS=,; echo "${pkgs[*]}")
mmdebstrap --variant=minbase --include="$list" "${hooks[@]}" \
	--customize-hook="chroot \"\$1\" systemctl disable $disable" \
	--customize-hook='chroot "$1" systemctl mask systemd-networkd-wait-online.service getty@tty1.service' \
	--customize-hook='echo sdsys > "$1/etc/hostname"; : > "$1/etc/machine-id"' \
	--customize-hook='[ ! -f "$1/etc/ufw/ufw.conf" ] || sed -i "s/^ENABLED=.*/ENABLED=no/" "$1/etc/ufw/ufw.conf"' \
	--customize-hook='mkdir -p "$1/opt/ssh-doctor"' \
	"$suite" "$work" >"$cache/$name.build.log" 2>&1 || {
	echo "tree.sh: mmdebstrap failed for $name; last lines of $cache/$name.build.log:" >&2
	tail -n 20 "$cache/$name.build.log" >&2
	rm -rf --one-file-system "$work"
	exit 1
}
touch "$work/.ready"
mv "$work" "$tree"
echo "tree.sh: $name tree built in $(( $(date +%s) - start )) s" >&2
echo "$tree"

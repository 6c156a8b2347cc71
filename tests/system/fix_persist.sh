#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fix_persist: iptables rules kept over a reboot by
# netfilter-persistent, on the "persist" tree (tree.sh: iptables-persistent
# instead of ufw, which Debian does not let be installed beside it).
# /etc/iptables/rules.v4 drops port 22 from 192.0.2.0/24, and the boot
# restores it: the client 192.0.2.1 and another machine, 192.0.2.3, are
# kept out. ssh-doctor --fix --yes --from 192.0.2.1 lets the client in with
# iptables and saves the rule set with netfilter-persistent, rules.v4
# backed up first, byte for byte. After a reboot the client still gets
# sshd's identification and 192.0.2.3 stays out. Then, from the old rule
# set again, the same fix on a terminal that nobody confirms is rolled
# back: the rule is gone, rules.v4 is byte-identical to before and the
# rules.v6 the save made is removed.
# The same for nftables: /etc/nftables.conf (nftables.service enabled)
# drops port 22 from 192.0.2.0/24. The fix adds the client's accept with
# nft and to /etc/nftables.conf (backed up, checked with nft -c -f first);
# after a reboot the client gets in and 192.0.2.3 stays out. A SIGTERM
# while the diagnosis runs again undoes both: the file is byte-identical
# to before and the rule set is as it was.
# suites: bookworm trixie
SYS_FLAVOUR=persist
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin script

rules='*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -s 192.0.2.0/24 -p tcp -m tcp --dport 22 -j DROP
COMMIT
'
sys_must test -x /usr/sbin/netfilter-persistent
printf '%s' "$rules" | sys_write /etc/iptables/rules.v4
sys_must systemctl is-enabled netfilter-persistent.service
sys_reboot
sys_client_addr 192.0.2.3

# the boot restored the DROP
SDT_CHECKS=$((SDT_CHECKS + 1))
if sys_in iptables -S INPUT | grep -q -- '-s 192.0.2.0/24 .*--dport 22 -j DROP'; then
    sdt_pass "the boot restored the DROP of 192.0.2.0/24 from rules.v4"
else
    sdt_fail "the boot did not restore rules.v4: $(sys_in iptables -S INPUT 2>&1 | tr '\n' ' ')"
fi
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
assert_kept_out 192.0.2.3
old_sum=$(sys_in sha256sum /etc/iptables/rules.v4 | cut -d' ' -f1)

# the fix, saved the way this system restores it at boot
sys_fix --from 192.0.2.1
assert_fixed local_firewall iptables
assert_json '.fix.actions[0].persistent == true and .fix.actions[0].persist_note == null' 'the change survives a reboot (netfilter-persistent)'
assert_json '.fix.actions[0].backup != null' 'a backup was made before the rules were saved'
SDT_CHECKS=$((SDT_CHECKS + 1))
if sys_in grep -q -- '-A INPUT -s 192.0.2.1/32 .*--dport 22 .*-j ACCEPT' /etc/iptables/rules.v4 &&
    sys_in grep -q -- '-A INPUT -s 192.0.2.0/24 .*--dport 22 .*-j DROP' /etc/iptables/rules.v4; then
    sdt_pass "rules.v4 now holds the ACCEPT for the client, and the DROP for the rest"
else
    sdt_fail "rules.v4 was not saved with the client's ACCEPT and the DROP: $(sys_in cat /etc/iptables/rules.v4 2>&1 | grep -- '^-A' | tr '\n' ' ')"
fi
backup=$(sdt_jq '.fix.actions[0].backup // ""')
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ -n "$backup" ] && [ "$(sys_in sha256sum "$backup" | cut -d' ' -f1)" = "$old_sum" ]; then
    sdt_pass "the backup $backup is rules.v4 as it was, byte for byte"
else
    sdt_fail "the backup '$backup' is not rules.v4 as it was"
fi

# the reboot restores the fix, and the restriction
sys_reboot
sys_expect_banner 22
assert_kept_out 192.0.2.3
sys_doctor --from 192.0.2.1
assert_cause ok

# from the old rule set again (the save of the fix above also wrote a
# rules.v6, which was not there before: gone again too): a fix nobody
# confirms is rolled back
printf '%s' "$rules" | sys_write /etc/iptables/rules.v4
sys_must rm -f /etc/iptables/rules.v6
sys_must iptables-restore /etc/iptables/rules.v4
[ "$(sys_in sha256sum /etc/iptables/rules.v4 | cut -d' ' -f1)" = "$old_sum" ] || sdt_die "rules.v4 is not as at first"
sys_state_kept >"$SDT_TMP/kept-before.txt"
out=$(sys_in sh -c '(printf "y\n"; sleep 20) | timeout 60 script -qec "/opt/ssh-doctor/ssh-doctor --fix --side server --from 192.0.2.1 --confirm-timeout 5" /dev/null' 2>&1)
sdt_log "the session on the terminal: $(tail -n 8 <<<"$out" | tr -d '\r' | tr '\n' ' ')"
SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -q 'netfilter-persistent' <<<"$out" && grep -q 'no confirmation: rolling back' <<<"$out"; then
    sdt_pass "the rules were saved, no confirmation came within 5 s, and it rolled back"
else
    sdt_fail "no save and rollback on the terminal: $(tail -n 8 <<<"$out" | tr -d '\r' | tr '\n' ' ')"
fi
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(sys_in sha256sum /etc/iptables/rules.v4 | cut -d' ' -f1)" = "$old_sum" ] && ! sys_in test -e /etc/iptables/rules.v6; then
    sdt_pass "after the rollback rules.v4 is byte-identical to before (and no rules.v6 was left)"
else
    sdt_fail "after the rollback rules.v4 differs, or a rules.v6 was left: $(sys_in cat /etc/iptables/rules.v4 2>&1 | grep -- '^-A' | tr '\n' ' ')"
fi
sys_state_kept >"$SDT_TMP/kept-after.txt"
SDT_CHECKS=$((SDT_CHECKS + 1))
if cmp -s "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt"; then
    sdt_pass "after the rollback the system is as before (files, rule sets, units)"
else
    sdt_fail "the rollback left changes: $(diff "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt" | head -n 8 | tr '\n' ' ')"
fi

# nftables: the rule set nftables.service loads at boot
sys_must rm -f /etc/iptables/rules.v4 /etc/iptables/rules.v6
sys_must iptables -F INPUT
nftconf='#!/usr/sbin/nft -f
flush ruleset

table inet block {
	chain input {
		type filter hook input priority 0; policy accept;
		ip saddr 192.0.2.0/24 tcp dport 22 drop
	}
}
'
printf '%s' "$nftconf" | sys_write /etc/nftables.conf
sys_must systemctl enable nftables.service
sys_reboot
SDT_CHECKS=$((SDT_CHECKS + 1))
if sys_in nft list chain inet block input 2>/dev/null | grep -q 'ip saddr 192.0.2.0/24 tcp dport 22 drop'; then
    sdt_pass "the boot loaded the drop of 192.0.2.0/24 from /etc/nftables.conf"
else
    sdt_fail "the boot did not load /etc/nftables.conf: $(sys_in nft list ruleset 2>&1 | tr '\n' ' ' | head -c 300)"
fi
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
assert_kept_out 192.0.2.3
conf_sum=$(sys_in sha256sum /etc/nftables.conf | cut -d' ' -f1)
sys_fix --from 192.0.2.1
assert_fixed local_firewall nft
assert_json '[.fix.actions[] | select(.kind == "edit" and .path == "/etc/nftables.conf" and .owner == "nft" and .persistent == true and .result == "applied")] | length == 1' 'an edit of /etc/nftables.conf, applied, survives a reboot'
assert_json '.fix.actions[] | select(.kind == "edit") | .diff | test("\\+insert rule inet block input ip saddr 192.0.2.1 tcp dport 22 accept")' 'the diff adds the accept for the client alone'
assert_json '.fix.actions[] | select(.kind == "edit") | .check | test("nft -c -f")' 'the file is checked with nft -c -f'
backup=$(sdt_jq '.fix.actions[] | select(.kind == "edit") | .backup // ""')
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ -n "$backup" ] && [ "$(sys_in sha256sum "$backup" | cut -d' ' -f1)" = "$conf_sum" ]; then
    sdt_pass "the backup $backup is /etc/nftables.conf as it was, byte for byte"
else
    sdt_fail "the backup '$backup' is not /etc/nftables.conf as it was"
fi
sys_reboot
sys_expect_banner 22
assert_kept_out 192.0.2.3
sys_doctor --from 192.0.2.1
assert_cause ok

# from the old file again: SIGTERM while the diagnosis runs again
printf '%s' "$nftconf" | sys_write /etc/nftables.conf
sys_must nft -f /etc/nftables.conf
sys_state_kept >"$SDT_TMP/kept-before.txt"
SDT_REPORT="$SDT_TMP/report.json"
: >"$SDT_TMP/doctor.stderr"
sys_in timeout -k 5 120 /opt/ssh-doctor/ssh-doctor --fix --yes --json --side server --from 192.0.2.1 \
    >"$SDT_REPORT" 2>"$SDT_TMP/doctor.stderr" </dev/null &
bg=$!
for ((i = 0; i < 600; i++)); do
    grep -q '^checking:' "$SDT_TMP/doctor.stderr" && break
    sleep 0.05
done
grep -q '^checking:' "$SDT_TMP/doctor.stderr" || sdt_die "the plan did not get to the diagnosis again: $(tail -n 5 "$SDT_TMP/doctor.stderr" | tr '\n' ' ')"
dpid=$(sys_in pgrep -x ssh-doctor | head -n 1)
[ -n "$dpid" ] && sys_in kill -TERM "$dpid"
wait "$bg"
SDT_RC=$?
assert_report_contract
assert_json '[.fix.actions[] | select(.kind == "edit")] | length == 1' 'the plan held the edit of /etc/nftables.conf'
assert_json '.fix.interrupted and .fix.undone and (.fix.state | startswith("old: interrupted"))' 'SIGTERM came during the check, every change was undone: the old state'
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(sys_in sha256sum /etc/nftables.conf | cut -d' ' -f1)" = "$conf_sum" ]; then
    sdt_pass "after the undo /etc/nftables.conf is byte-identical to before"
else
    sdt_fail "after the undo /etc/nftables.conf differs: $(sys_in cat /etc/nftables.conf 2>&1 | tail -n 3 | tr '\n' ' ')"
fi
sys_state_kept >"$SDT_TMP/kept-after.txt"
SDT_CHECKS=$((SDT_CHECKS + 1))
if cmp -s "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt"; then
    sdt_pass "after the undo the system is as before (files, rule sets, units)"
else
    sdt_fail "the undo left changes: $(diff "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt" | head -n 8 | tr '\n' ' ')"
fi
sys_finish

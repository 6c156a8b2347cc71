#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fix_firewall: ssh-doctor --fix --yes --from 192.0.2.1 lets
# the judged client in past what blocks it, and only it: an iptables DROP
# of port 22 (an ACCEPT for the client before it; the DROP stays for the
# rest), an nft DROP in a table of its own (the same, removed by the
# handle nft gave it on undo), a real fail2ban ban of the client (unban),
# and "sshd: ALL" in hosts.deny (hosts.allow names the client). Each time
# the client gets the identification and the report lists the change;
# then the container reboots and SSH still answers.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

# 1. iptables: DROP for every source
sys_must iptables -A INPUT -p tcp --dport 22 -j DROP
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_fix --from 192.0.2.1
assert_fixed local_firewall iptables
assert_json '.fix.actions[0].argv | index("192.0.2.1") != null' 'the new rule names the client'
assert_json '.fix.actions[0].undo_command | test("-D INPUT -s 192.0.2.1")' 'undone by deleting that exact rule'
assert_json '.fix.actions[0].persistent == false and (.fix.actions[0].persist_note | test("boot"))' 'not persistent here (no netfilter-persistent), and says so'
SDT_CHECKS=$((SDT_CHECKS + 1))
if sys_in iptables -S INPUT | grep -q -- '--dport 22 -j DROP'; then
    sdt_pass "the DROP for every other source stays"
else
    sdt_fail "the DROP for other sources is gone: the fix opened the port to the world"
fi
sys_must iptables -F INPUT

# 2. nftables: a table of its own drops port 22
sys_must nft add table inet block
sys_must nft add chain inet block input '{ type filter hook input priority 0; policy accept; }'
sys_must nft add rule inet block input tcp dport 22 drop
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
sys_fix --from 192.0.2.1
assert_fixed local_firewall nft
assert_json '.fix.actions[0].undo_command | test("^nft delete rule inet block input handle [0-9]+$")' 'undone by the handle nft gave the new rule'
SDT_CHECKS=$((SDT_CHECKS + 1))
if sys_in nft list chain inet block input | grep -q 'tcp dport 22 drop'; then
    sdt_pass "the nft drop for every other source stays"
else
    sdt_fail "the nft drop for other sources is gone"
fi
sys_must nft delete table inet block

# 3. fail2ban bans the client
printf '[sshd]\nenabled = true\nbackend = systemd\n' | sys_write /etc/fail2ban/jail.d/zz-test.local
sys_must systemctl enable --now fail2ban.service
sys_wait_active fail2ban.service
for ((i = 0; i < 50; i++)); do
    sys_in fail2ban-client status sshd >/dev/null 2>&1 && break
    sleep 0.2
done
sys_must fail2ban-client set sshd banip 192.0.2.1
wire_nc "$CLI" "$SRV_ADDR" 22 'refused|timed out' 2
sys_fix --from 192.0.2.1
assert_fixed fail2ban_ban fail2ban-client
assert_json '.fix.actions[0].undo_command | test("banip 192.0.2.1")' 'undone by banning the client again'

# 4. TCP wrappers: hosts.deny refuses sshd to everyone
printf 'sshd: ALL\n' | sys_write /etc/hosts.deny
out=$(sdt_in "$CLI" timeout 5 nc -w 2 "$SRV_ADDR" 22 </dev/null 2>&1 | head -c 64)
[[ "$out" == SSH-2.0-* ]] && sdt_die "hosts.deny should keep the client from sshd's identification, got: $out"
sys_fix --from 192.0.2.1
assert_fixed tcp_wrappers hosts.allow
assert_json '.fix.actions[0].diff | test("\\+sshd: 192.0.2.1")' 'hosts.allow names the client, and only it'
sys_must grep -qx 'sshd: ALL' /etc/hosts.deny

sys_reboot
sys_expect_banner 22
sys_doctor --from 192.0.2.1
assert_cause ok
sys_finish

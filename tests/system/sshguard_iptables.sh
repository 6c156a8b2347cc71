#!/bin/bash
# SPDX-License-Identifier: MIT
# System test sshguard_iptables: sshguard with its iptables back end
# (sshg-fw-iptables: a DROP rule per block in chain sshguard, which INPUT
# jumps to, set up as sshguard-setup(7) says) blocks the client (192.0.2.1)
# and another source (192.0.2.3) after their failed logins. Judged for the
# client: fail2ban_ban, certain. The fix deletes that one DROP rule from
# chain sshguard, as the back end does when a block ends; typed at the
# console, the client gets in and 192.0.2.3 stays blocked.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

# sshguard_attack ADDR — failed logins from ADDR until sshguard blocks it
# (at most 8).
sshguard_attack() {
    local i
    for ((i = 0; i < 8; i++)); do
        sdt_in "$CLI" timeout 10 ssh -F /dev/null -b "$1" -o BatchMode=yes -o ConnectTimeout=3 \
            -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
            "nosuch@$SRV_ADDR" true >/dev/null 2>&1
        sys_in iptables -S sshguard 2>/dev/null | grep -q -- "-s ${1//./\\.}/32 -j DROP" && return 0
    done
    sdt_die "sshguard did not block $1 after 8 failed logins"
}

sys_must sed -i -e 's|^BACKEND=.*|BACKEND="/usr/libexec/sshguard/sshg-fw-iptables"|' /etc/sshguard/sshguard.conf
sys_must iptables -N sshguard
sys_must iptables -A INPUT -j sshguard
sys_must systemctl start sshguard.service
sys_wait_active sshguard.service
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.130
sshguard_attack 192.0.2.1
sshguard_attack 192.0.2.3
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130

sys_doctor --from 192.0.2.130
assert_json '.verdict.cause != "fail2ban_ban"' 'a client that is not blocked is not told it is'

sys_doctor --from 192.0.2.1
assert_cause fail2ban_ban
assert_confidence certain
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_fix_has 'iptables -D sshguard -s 192.0.2.1'
assert_fix_has '-j DROP'
assert_fix_lacks 'restart'
assert_fix_lacks '192.0.2.3'
sys_try_fix --from 192.0.2.1
assert_kept_out 192.0.2.3
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(sys_in systemctl is-active sshguard.service)" = active ] &&
   sys_in iptables -S sshguard 2>/dev/null | grep -q -- '-s 192\.0\.2\.3/32 -j DROP'; then
    sdt_pass "sshguard still runs and still blocks 192.0.2.3"
else
    sdt_fail "sshguard stopped or lost its block of 192.0.2.3"
fi
sys_finish

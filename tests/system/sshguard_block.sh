#!/bin/bash
# SPDX-License-Identifier: MIT
# System test sshguard_block: sshguard with its nftables back end (Debian's
# default, sshg-fw-nft-sets) blocks the client (192.0.2.1) and another
# source (192.0.2.3) after their failed logins, as it does on a server
# facing the Internet. Judged for the client: fail2ban_ban (the id covers
# sshguard), certain, naming 192.0.2.1. sshguard has no unban command, and
# restarting it would lift every block: the fix takes that one address out
# of sshguard's set, as its back end does when a block ends. Typed at the
# console, the client gets in, and 192.0.2.3 stays blocked by a sshguard
# that still runs. Blocked again (sshguard still counts its block as
# current, so the element is put back as its back end adds it), `--fix
# --yes` lifts it the same way, and its undo would put the address back.
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
        sys_in nft list set ip sshguard attackers 2>/dev/null | grep -q "[ {]${1//./\\.}[ ,}]" && return 0
    done
    sdt_die "sshguard did not block $1 after 8 failed logins"
}

sys_must systemctl start sshguard.service
sys_wait_active sshguard.service
for ((i = 0; i < 50; i++)); do
    sys_in nft list set ip sshguard attackers >/dev/null 2>&1 && break
    sleep 0.2
done
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.130
sshguard_attack 192.0.2.1
sshguard_attack 192.0.2.3
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out|refused' 2
assert_kept_out 192.0.2.3
assert_gets_in 192.0.2.130

sys_doctor --from 192.0.2.130
assert_json '.verdict.cause != "fail2ban_ban"' 'a client that is not blocked is not told it is'

sys_doctor --from 192.0.2.1
assert_cause fail2ban_ban
assert_confidence certain
assert_exit 1
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_evidence_has '192\\.0\\.2\\.1'
assert_fix_has "nft delete element ip sshguard attackers '{ 192.0.2.1 }'"
assert_fix_lacks 'restart'
assert_fix_lacks '192.0.2.3'
sys_try_fix --from 192.0.2.1
assert_kept_out 192.0.2.3
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(sys_in systemctl is-active sshguard.service)" = active ] &&
   sys_in nft list set ip sshguard attackers 2>/dev/null | grep -q '192\.0\.2\.3'; then
    sdt_pass "sshguard still runs and still blocks 192.0.2.3"
else
    sdt_fail "sshguard stopped or lost its block of 192.0.2.3"
fi

sys_must nft add element ip sshguard attackers '{ 192.0.2.1 }'
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out|refused' 2
sys_fix --from 192.0.2.1
assert_fixed fail2ban_ban nft
assert_json '.fix.actions[0].undo_command | test("nft add element ip sshguard attackers")' 'undone by putting the address back in the set'
assert_kept_out 192.0.2.3
sys_finish

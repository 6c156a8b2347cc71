#!/bin/bash
# SPDX-License-Identifier: MIT
# System test sshguard_block: sshguard running with its nftables back end
# holds a block of the client's address (put into its set as sshguard does).
# Judged for that client: fail2ban_ban (the id covers sshguard), certain,
# naming 192.0.2.1; sshguard forgets its blocks when it starts again.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl start sshguard.service
sys_wait_active sshguard.service
for ((i = 0; i < 50; i++)); do
    sys_in nft list set ip sshguard attackers >/dev/null 2>&1 && break
    sleep 0.2
done
sys_must nft add element ip sshguard attackers '{ 192.0.2.1 }'
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out|refused' 2
sys_doctor --from 192.0.2.1
assert_cause fail2ban_ban
assert_confidence certain
assert_exit 1
assert_evidence_has '192\\.0\\.2\\.1'
assert_fix_has 'systemctl restart sshguard'
sys_try_fix --from 192.0.2.1
sys_finish

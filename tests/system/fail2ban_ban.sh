#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fail2ban_ban: fail2ban's sshd jail (journal back end, as on a
# system without rsyslog) holds a real ban of the client's address; the
# server itself still gets in. Judged for that client (--from 192.0.2.1):
# fail2ban_ban, certain, and the unban command. Without --from the client is
# unknown: the ban is said, and not ruled out, but nothing is certain about it.
# Another source on the client's side (192.0.2.3) is not banned and gets in:
# judged for it, the ban is not its cause. A third (192.0.2.4) is banned too:
# the unban, typed at the console, lets the client in and leaves that ban.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

printf '[sshd]\nenabled = true\nbackend = systemd\n' | sys_write /etc/fail2ban/jail.d/zz-test.local
sys_must systemctl start fail2ban.service
sys_wait_active fail2ban.service
for ((i = 0; i < 50; i++)); do
    sys_in fail2ban-client status sshd >/dev/null 2>&1 && break
    sleep 0.2
done
sys_must fail2ban-client set sshd banip 192.0.2.1
sys_must fail2ban-client set sshd banip 192.0.2.4
sys_client_addr 192.0.2.3
sys_client_addr 192.0.2.4
wire_nc "$CLI" "$SRV_ADDR" 22 'refused|timed out' 2
assert_gets_in 192.0.2.3
assert_kept_out 192.0.2.4
sys_doctor --from 192.0.2.9
assert_json '.verdict.cause != "fail2ban_ban"' 'a client that is not banned is not told it is'
sys_doctor --from 192.0.2.3
assert_cause ok
assert_json '.verdict.for == ["192.0.2.3"]' 'verdict.for names the source that is not banned'

sys_doctor
assert_json '.verdict.cause != "fail2ban_ban" or .verdict.confidence != "certain"' \
    'without --from a ban is not certain'
assert_json '[.verdict.unchecked[]] | any(test("banned"))' 'the bans are named as not checked for the client'

sys_doctor --from 192.0.2.1
assert_cause fail2ban_ban
assert_confidence certain
assert_exit 1
assert_evidence_has '192\\.0\\.2\\.1'
assert_fix_has 'fail2ban-client set sshd unbanip 192.0.2.1'
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_fix_lacks '192.0.2.4'
sys_try_fix --from 192.0.2.1
assert_kept_out 192.0.2.4
SDT_CHECKS=$((SDT_CHECKS + 1))
if sys_in fail2ban-client get sshd banned 192.0.2.4 2>/dev/null | grep -qx 1; then
    sdt_pass "fail2ban still bans 192.0.2.4"
else
    sdt_fail "fail2ban no longer bans 192.0.2.4: the fix lifted more than the client's ban"
fi
sys_finish

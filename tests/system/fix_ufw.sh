#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fix_ufw: ufw denies port 22 to everyone; ssh-doctor --fix
# --yes --from 192.0.2.1 lets that client in with ufw itself (a rule put
# before ufw's deny, so the deny still holds for the rest), and the rule
# survives a reboot (ufw writes user.rules). Without --from there is no
# plan: the only fix would open the port to everyone.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must ufw deny 22/tcp
sys_must ufw --force enable
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out' 2
# without the client's address the only fix would open the port to every
# source: no plan, nothing changed
sys_state_kept >"$SDT_TMP/kept-before.txt"
sys_fix
assert_exit 1
assert_json '.fix.refused and (.fix.why | test("--from")) and (.fix.actions | length) == 0' 'no plan without --from, and it says why'
sys_state_kept >"$SDT_TMP/kept-after.txt"
SDT_CHECKS=$((SDT_CHECKS + 1))
if cmp -s "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt"; then
    sdt_pass "a refused plan changes nothing"
else
    sdt_fail "a refused plan changed: $(diff "$SDT_TMP/kept-before.txt" "$SDT_TMP/kept-after.txt" | head -n 6 | tr '\n' ' ')"
fi
sys_fix --from 192.0.2.1
assert_fixed local_firewall ufw
assert_json '.fix.actions[0].argv[1:] == ["prepend", "allow", "from", "192.0.2.1", "to", "any", "port", "22", "proto", "tcp"]' \
    'ufw prepend allow from the client only'
assert_json '.fix.actions[0].undo_command | test("ufw --force delete allow from 192.0.2.1")' 'undone with ufw delete'
assert_json '.fix.actions[0].persistent' 'ufw keeps it across a reboot'
sys_must sh -c 'ufw status | grep -q "22/tcp *DENY"'

sys_reboot
sys_expect_banner 22
sys_must sh -c 'ufw status | grep -q "192.0.2.1"'
sys_finish

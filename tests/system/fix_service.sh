#!/bin/bash
# SPDX-License-Identifier: MIT
# System test fix_service: ssh-doctor --fix --yes repairs the service and
# the configuration, and the repair survives a reboot. In one container,
# one break after another: ssh.service stopped, disabled and masked; a
# line sshd -t rejects in sshd_config (the running sshd keeps the old
# configuration until it restarts); sshd moved to port 2222 while the
# client asks for 22. Each time: the plan's actions, the client gets the
# identification, the report lists each change with its undo and backup;
# then the container reboots and SSH still answers on 22.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

# 1. stopped; stopped and disabled; masked
sys_must systemctl stop ssh.service
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_fix --from 192.0.2.1
assert_fixed sshd_not_running systemctl
assert_json '[.fix.actions[].argv[1]] == ["start"]' 'only a start: the unit is enabled'
assert_json '.fix.actions[0].undo_command | test("systemctl stop ssh")' 'undone by a stop'

sys_must systemctl disable --now ssh.service
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_fix --from 192.0.2.1
assert_fixed sshd_not_running systemctl
assert_json '[.fix.actions[].argv[1]] == ["enable", "start"]' 'enable, then start'

sys_must systemctl mask --now ssh.service
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_fix --from 192.0.2.1
assert_fixed sshd_not_running systemctl
assert_json '[.fix.actions[].argv[1]][0] == "unmask"' 'unmask first'
assert_json '[.fix.actions[].undo_command] | map(test("systemctl (mask|disable|stop)")) | all' 'undone by mask, disable, stop'
assert_json '[.fix.actions[].persistent] | all' 'each change survives a reboot'
sys_in journalctl -t ssh-doctor --no-pager -o cat 2>/dev/null | grep -q 'fix applied: unmask' &&
    sdt_pass "each change is in the system log (authpriv)" || sdt_fail "the system log has no 'fix applied' line"
SDT_CHECKS=$((SDT_CHECKS + 1))

# 2. a configuration line sshd -t rejects
printf 'NoSuchKeyword yes\n' | sys_in sh -c 'cat >> /etc/ssh/sshd_config'
sys_in chmod 0640 /etc/ssh/sshd_config
sys_fix --from 192.0.2.1
assert_fixed sshd_config_error sshd_config
assert_json '.fix.actions[0].kind == "edit" and (.fix.actions[0].diff | test("\\+#NoSuchKeyword yes"))' 'the diff comments the line out'
assert_json '.fix.actions[0].backup | test("^/etc/ssh/sshd_config\\.ssh-doctor-[0-9]{8}T[0-9]{6}")' 'the backup is named by the time'
bak=$(sdt_jq '.fix.actions[0].backup')
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(sys_in stat -c %a "$bak")" = 640 ] && sys_in grep -qx 'NoSuchKeyword yes' "$bak"; then
    sdt_pass "the backup holds the old file, with its mode (640)"
else
    sdt_fail "the backup $bak is not the old file with mode 640"
fi
sys_must sshd -t

# 3. sshd on port 2222, the client on 22
sys_in sed -i 's/^#\?Port .*/Port 2222/' /etc/ssh/sshd_config
sys_in grep -q '^Port 2222' /etc/ssh/sshd_config || printf 'Port 2222\n' | sys_in sh -c 'cat >> /etc/ssh/sshd_config'
sys_must systemctl restart ssh.service
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_fix --from 192.0.2.1
assert_fixed wrong_port sshd_config
assert_json '.fix.actions[0].diff | test("\\+Port 22\\n")' 'Port 22 is added'
sys_expect_banner 2222

# after a reboot, all of it holds
sys_reboot
sys_expect_banner 22
sys_expect_banner 2222
sys_doctor --from 192.0.2.1
assert_cause ok
sys_finish

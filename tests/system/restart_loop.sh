#!/bin/bash
# System test restart_loop: a bad line in sshd_config, then a restart: the
# unit fails (ExecStartPre runs sshd -t). The logs step must see systemd's own
# lines about the unit (logged with UNIT=ssh.service, not _SYSTEMD_UNIT).
# Expected: sshd_config_error, certain, the file and line named.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

printf 'NoSuchKeyword yes\n' | sys_in sh -c 'cat >> /etc/ssh/sshd_config'
sys_in systemctl restart ssh.service >/dev/null 2>&1
sleep 1
sys_in systemctl reset-failed ssh.service >/dev/null 2>&1
sys_in systemctl start ssh.service >/dev/null 2>&1
sleep 1
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause sshd_config_error
assert_confidence certain
assert_exit 1
assert_evidence_has 'sshd_config.*line [0-9]+|line [0-9]+.*sshd_config'
assert_json '.steps[] | select(.id == "logs") | (.evidence | any(test("Failed with result|ssh.service")))' \
    "the logs step shows systemd's lines about ssh.service"
sys_finish

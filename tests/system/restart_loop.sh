#!/bin/bash
# SPDX-License-Identifier: MIT
# System test restart_loop: a bad line in sshd_config, then a restart: the
# unit fails (ExecStartPre runs sshd -t). The logs step must see systemd's own
# lines about the unit (logged with UNIT=ssh.service, not _SYSTEMD_UNIT).
# Expected: sshd_config_error, certain, the file and line named.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

printf 'NoSuchKeyword yes\n' | sys_in sh -c 'cat >> /etc/ssh/sshd_config'
sys_in systemctl restart ssh.service >/dev/null 2>&1
# systemd restarts it (Restart=on-failure) until its start limit is hit;
# wait for that, so the state is settled before ssh-doctor looks.
for ((i = 0; i < 200; i++)); do
    [ "$(sys_in systemctl show -p ActiveState --value ssh.service)" = failed ] && break
    sleep 0.1
done
[ "$(sys_in systemctl show -p ActiveState --value ssh.service)" = failed ] ||
    sdt_die "ssh.service did not end failed within 20 s"
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause sshd_config_error
assert_confidence certain
assert_exit 1
assert_evidence_has 'sshd_config.*line [0-9]+|line [0-9]+.*sshd_config'
assert_json '.steps[] | select(.id == "logs") | (.evidence | any(test("Failed with result|Start request repeated")))' \
    "the logs step shows systemd's lines about ssh.service"
sys_finish

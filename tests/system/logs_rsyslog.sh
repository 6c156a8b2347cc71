#!/bin/bash
# SPDX-License-Identifier: MIT
# System test logs_rsyslog: rsyslog running and writing /var/log/auth.log; a
# bind failure of sshd reaches auth.log. Expected: listen_address, and the
# logs step reads auth.log.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl enable --now rsyslog.service
sys_wait_active rsyslog.service
printf 'ListenAddress 192.0.2.77\n' | sys_write /etc/ssh/sshd_config.d/listen.conf
sys_in systemctl restart ssh.service >/dev/null 2>&1
sleep 1
for ((i = 0; i < 30; i++)); do
    sys_in grep -q 'Cannot bind any address' /var/log/auth.log 2>/dev/null && break
    sleep 0.2
done
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause listen_address
assert_exit 1
assert_json '[.steps[] | select(.id == "logs") | .evidence[], .details[]?] | any(test("auth.log"))' \
    'the logs step read /var/log/auth.log'
sys_finish

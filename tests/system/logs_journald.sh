#!/bin/bash
# SPDX-License-Identifier: MIT
# System test logs_journald: no rsyslog (journald only, as a stock Debian 12
# install): a bind failure of sshd is read from the journal. sshd_config
# names ListenAddress 192.0.2.77, not an address of this machine.
# Expected: listen_address, the log line quoted.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

printf 'ListenAddress 192.0.2.77\n' | sys_write /etc/ssh/sshd_config.d/listen.conf
sys_in systemctl restart ssh.service >/dev/null 2>&1
sleep 1
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
sys_doctor
assert_cause listen_address
assert_exit 1
assert_json '.steps[] | select(.id == "logs") | (.evidence | any(test("Cannot bind any address|Cannot assign requested address")))' \
    'the logs step quotes the bind failure from the journal'
sys_finish

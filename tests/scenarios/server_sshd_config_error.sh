#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_sshd_config_error: /etc/ssh/sshd_config has a misspelt
# keyword ("Portt 2222") on line 12, so sshd -t rejects the file and sshd
# refuses to start; nothing listens.
# Expected: verdict sshd_config_error (it outranks "not running": it is why
# sshd does not run), exit 1, the verdict naming /etc/ssh/sshd_config, line 12
# and the keyword; the self-test to 192.0.2.2:22 gets the host's own RST.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd_config line 12 "Portt 2222", no
#                                    sshd; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_config_break "$SRV" 'Portt 2222'

# OpenSSH 9.2 prints "/etc/ssh/sshd_config: line 12: Bad configuration
# option: Portt" and "...: terminating, 1 bad configuration options".
wire_sshd_check "$SRV" 255 '^/etc/ssh/sshd_config: line 12: Bad configuration option: Portt$'
sshd_start_fail "$SRV" 'line 12: Bad configuration option: Portt'
wire_listeners "$SRV" '^$'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause sshd_config_error
assert_exit 1
assert_config_error_named 'Portt' 'the bad keyword "Portt"'
assert_selftest_seen "$SRV_ADDR" 22 rst
sdt_finish

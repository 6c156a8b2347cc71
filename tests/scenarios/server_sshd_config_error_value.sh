#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_sshd_config_error_value: a known keyword with a value sshd
# does not take ("PermitRootLogin maybe" on line 12). sshd -t says so in its
# other form, "/etc/ssh/sshd_config line 12: unsupported option "maybe"."
# (no colon after the file name, no "terminating" summary line), and sshd
# refuses to start.
# Expected: verdict sshd_config_error, exit 1, the verdict naming
# /etc/ssh/sshd_config, line 12 and the value; the self-test to
# 192.0.2.2:22 gets the host's own RST.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd_config line 12 "PermitRootLogin
#                                    maybe", no sshd; ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_config_break "$SRV" 'PermitRootLogin maybe'

wire_sshd_check "$SRV" 255 '^/etc/ssh/sshd_config line 12: unsupported option "maybe"\.$'
sshd_start_fail "$SRV" 'line 12: unsupported option "maybe"'
wire_listeners "$SRV" '^$'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause sshd_config_error
assert_exit 1
assert_config_error_named 'maybe' 'the bad value "maybe"'
assert_selftest_seen "$SRV_ADDR" 22 rst
sdt_finish

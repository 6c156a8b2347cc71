#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_listen_address_absent: "ListenAddress 192.0.2.77" names an
# address this server does not have, so sshd cannot bind it ("Bind to port
# 22 on 192.0.2.77 failed: Cannot assign requested address.", "Cannot bind
# any address.") and exits; sshd -t does not check addresses and is content.
# Expected: verdict listen_address (the reason sshd is not running, so it
# outranks sshd_not_running), exit 1, the verdict naming 192.0.2.77; the
# self-test to 192.0.2.2:22 gets the host's own RST.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (ListenAddress 192.0.2.77, sshd gave up;
#                                    ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
printf 'Port 22\nListenAddress 192.0.2.77\n' >>"$SSHD_CONFIG"
if sdt_in "$SRV" ip -o addr show | grep -q ' 192\.0\.2\.77/'; then
    sdt_die "the server has 192.0.2.77"
fi

wire_sshd_check "$SRV" 0 ''
sshd_start_fail "$SRV" 'Bind to port 22 on 192\.0\.2\.77 failed: Cannot assign requested address'
grep -q 'Cannot bind any address' "$SDT_TMP/sshd.log" || sdt_die "sshd did not say 'Cannot bind any address'"
wire_listeners "$SRV" '^$'
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause listen_address
assert_exit 1
assert_verdict_names '192\.0\.2\.77' 'the address the machine lacks (192.0.2.77)'
assert_json '.verdict.summary | test("sshd (listens|runs)") | not' \
    'the summary does not say sshd listens: no sshd runs'
assert_selftest_seen "$SRV_ADDR" 22 rst
sdt_finish

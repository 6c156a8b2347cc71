#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario server_log_earlier_bind_failure: sshd's log holds an earlier
# sshd's failure ("Bind to port 22 on 192.0.2.77 failed", "Cannot bind any
# address.") and, after it, the running sshd's "Server listening on 0.0.0.0
# port 22.": someone fixed the ListenAddress and started sshd again. The
# failure is history, not what holds sshd now.
# Expected: verdict ok, exit 0; the logs step shows no failure as current
# (not [FAIL]), and no verdict evidence quotes the bind failure.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (sshd :22, log with an earlier failure;
#                                    ssh-doctor here)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq

topo_direct
sshd_setup "$SRV"
cp "$SSHD_CONFIG" "$SDT_TMP/sshd_config.good"
printf 'Port 22\nListenAddress 192.0.2.77\n' >>"$SSHD_CONFIG"
sshd_start_fail "$SRV" 'Cannot bind any address'
kept_log=$(cat "$SDT_TMP/sshd.log")

# The fixed configuration; the new sshd writes to the same log, after the
# earlier one's lines, as a log file or the journal keeps them.
cp "$SDT_TMP/sshd_config.good" "$SSHD_CONFIG"
printf 'Port 22\n' >>"$SSHD_CONFIG"
sdt_in "$SRV" /usr/sbin/sshd -t -f /etc/ssh/sshd_config -o PidFile=none || sdt_die "sshd -t rejects the fixed configuration"
printf '%s\n' "$kept_log" >"$SDT_TMP/sshd.log"
setsid ip netns exec "$SRV" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config -o PidFile=none \
    </dev/null >>"$SDT_TMP/sshd.log" 2>&1 &
SSHD_PID=$!
SDT_PIDS+=("$SSHD_PID")
sdt_wait_listen "$SRV" 22 "$SSHD_PID"
for ((i = 0; i < 50; i++)); do
    grep -q 'Server listening on 0\.0\.0\.0 port 22' "$SDT_TMP/sshd.log" && break
    sleep 0.1
done
grep -q 'Cannot bind any address' "$SDT_TMP/sshd.log" || sdt_die "the log lost the earlier failure"
awk '/Cannot bind any address/ { f = NR } /Server listening on 0\.0\.0\.0 port 22/ { l = NR }
     END { exit !(f && l > f) }' "$SDT_TMP/sshd.log" \
    || sdt_die "expected the failure, then 'Server listening', in the log: $(tr '\n' ' ' <"$SDT_TMP/sshd.log")"
wire_ssh "$CLI" "$SRV_ADDR" 22 'Remote protocol version 2\.0, remote software version OpenSSH'

run_doctor_server "$SRV"
assert_server_report 22
assert_cause ok
assert_exit 0
assert_json '.steps[] | select(.id == "logs") | .status != "fail"' \
    'the logs step does not fail on the earlier sshd'\''s bind failure'
assert_json '[.verdict.evidence[] | select(test("Cannot bind|192\\.0\\.2\\.77"))] | length == 0' \
    'the verdict does not quote the earlier bind failure'
assert_selftest_seen "$SRV_ADDR" 22 synack
sdt_finish

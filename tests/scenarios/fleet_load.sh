#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario fleet_load: a mixed fleet under load, many targets at once.
# topo_fleet 5: 40 targets, 5 of each client cause the lab makes (ok,
# wrong_port, port_closed, firewall_drop, firewall_reject by ICMP and by
# tcp-reset, host_unreachable, not_ssh), diagnosed with -j 20 by one run.
# Expected: every target gets the cause the lab made (a tcp-reset reject is
# firewall_reject, not port_closed; a drop is firewall_drop, not
# local_firewall), through the run's one shared capture; every report keeps
# to its own target's packets; "ok" only with an SSH identification read;
# the exit status is 1. The run's wall time is logged, never asserted.
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables socat jq

topo_fleet 5
cut -d' ' -f1 "$SDT_TMP/fleet.expected" >"$SDT_TMP/targets"
n=$(wc -l <"$SDT_TMP/targets")
sdt_need_doctor

sdt_log "run: ssh-doctor --targets - -j 20 --json ($n targets)"
t0=$(date +%s%N)
sdt_in "$CLI" timeout -k 5 120 "$SSH_DOCTOR" --targets - -j 20 --json <"$SDT_TMP/targets" \
    >"$SDT_TMP/lines.json" 2>"$SDT_TMP/doctor.stderr"
SDT_RC=$?
t1=$(date +%s%N)
sdt_log "ssh-doctor exited $SDT_RC after $(( (t1 - t0) / 1000000 )) ms"
assert_exit 1

SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(wc -l <"$SDT_TMP/lines.json")" = "$n" ]; then
    sdt_pass "$n lines on stdout, one per target"
else
    sdt_fail "expected $n lines, got $(wc -l <"$SDT_TMP/lines.json")"
fi
# one report checked against the schema is enough here (scenario fleet
# checks each line); the rest is about the causes
head -n 1 "$SDT_TMP/lines.json" >"$SDT_TMP/line1.json"
SDT_REPORT="$SDT_TMP/line1.json"
assert_report_contract

wrong=0
while read -r target cause; do
    got=$(jq -r --arg t "$target" 'select(.fleet.given == $t) | .verdict.cause // "error"' "$SDT_TMP/lines.json")
    if [ "$got" != "$cause" ]; then
        wrong=$((wrong + 1))
        sdt_log "$target: expected $cause, got '${got:-no report}'"
    fi
done <"$SDT_TMP/fleet.expected"
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$wrong" = 0 ]; then
    sdt_pass "all $n targets have the cause the lab made"
else
    sdt_fail "$wrong of $n targets have another cause than the lab made"
fi

SDT_CHECKS=$((SDT_CHECKS + 1))
bad=$(jq -r 'select(.capture.available != true or .capture.interface != "any") | .fleet.given' "$SDT_TMP/lines.json" | tr '\n' ' ')
if [ -z "$bad" ]; then
    sdt_pass "every report comes from the run's one capture (interface any)"
else
    sdt_fail "not from the shared capture: $bad"
fi

SDT_CHECKS=$((SDT_CHECKS + 1))
bad=$(jq -r '(.fleet.given | sub(":[0-9]+$"; "")) as $a
             | select([.capture.packets[] | select(.protocol != "arp")
                       | select(.src != $a and .dst != $a
                                and (.quoted == null or (.quoted.src != $a and .quoted.dst != $a)))] | length > 0)
             | .fleet.given' "$SDT_TMP/lines.json" | tr '\n' ' ')
if [ -z "$bad" ]; then
    sdt_pass "every report lists only packets to or from its own target"
else
    sdt_fail "packets of other targets in: $bad"
fi

SDT_CHECKS=$((SDT_CHECKS + 1))
bad=$(jq -r 'select(.verdict.cause == "ok")
             | select([.steps[] | select(.id == "ssh_banner" and .status == "pass")] | length == 0)
             | .fleet.given' "$SDT_TMP/lines.json" | tr '\n' ' ')
if [ -z "$bad" ]; then
    sdt_pass "ok only where the banner step read an SSH identification"
else
    sdt_fail "ok without an identification read: $bad"
fi

sdt_finish

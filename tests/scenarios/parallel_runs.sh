#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario parallel_runs: four ssh-doctor runs at once against one address.
# Each report must hold only the packets of its own connections: its SYNs'
# source ports, the answers to them, the ICMP errors quoting them (and the
# link's ARP/NDP for the target), never another run's.
# Port 22 drops SYNs, so each run waits a while with its SYNs unanswered
# while the others send theirs.
# Expected: four firewall_drop verdicts, exit 1 each, and the source ports of
# the four packet lists pairwise disjoint.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2 (iptables INPUT DROP dport 22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin iptables nc jq

topo_direct
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 22 -j DROP || sdt_die "iptables rule"
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out'

pids=()
for i in 1 2 3 4; do
    sdt_in "$CLI" timeout -k 5 60 "$SSH_DOCTOR" --json "$SRV_ADDR" \
        >"$SDT_TMP/report$i.json" 2>"$SDT_TMP/doctor$i.stderr" </dev/null &
    pids+=($!)
done
for i in 1 2 3 4; do
    wait "${pids[$((i - 1))]}"
    echo $? >"$SDT_TMP/rc$i"
done

# The local ports of a report's TCP packets and of the SYNs its ICMP errors
# quote (out: the source port, in: the destination port), one per line.
local_ports() {
    jq -r --arg t "$SRV_ADDR" '.capture.packets[]
        | if .protocol == "tcp" then (if .direction == "out" then .src_port else .dst_port end)
          elif (.icmp.about.protocol // "") == "tcp" then .icmp.about.src_port
          else empty end' "$1" | sort -u
}
# The source ports of a report's own SYNs.
syn_ports() {
    jq -r '.capture.packets[] | select(.protocol == "tcp" and .direction == "out"
        and (.tcp_flags | index("SYN")) and ((.tcp_flags | index("ACK")) | not)) | .src_port' "$1" | sort -u
}

for i in 1 2 3 4; do
    SDT_REPORT="$SDT_TMP/report$i.json"
    SDT_RC=$(cat "$SDT_TMP/rc$i")
    assert_report_contract
    assert_exit 1
    assert_cause firewall_drop
    if [ "$(sdt_jq '.capture.available')" != true ]; then
        sdt_skip "no capture in run $i: $(sdt_jq '.capture.reason')"
    fi
    assert_outcome silence
    syn_ports "$SDT_REPORT" >"$SDT_TMP/syn$i"
    local_ports "$SDT_REPORT" >"$SDT_TMP/ports$i"
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ -s "$SDT_TMP/syn$i" ] && [ -z "$(comm -23 "$SDT_TMP/ports$i" "$SDT_TMP/syn$i")" ]; then
        sdt_pass "run $i: every TCP packet belongs to one of its own $(wc -l <"$SDT_TMP/syn$i") SYN source ports"
    else
        sdt_fail "run $i: packets of ports it never sent a SYN from: $(comm -23 "$SDT_TMP/ports$i" "$SDT_TMP/syn$i" | tr '\n' ' ')"
    fi
done
for i in 1 2 3 4; do
    for j in 1 2 3 4; do
        [ "$i" -lt "$j" ] || continue
        SDT_CHECKS=$((SDT_CHECKS + 1))
        both=$(comm -12 "$SDT_TMP/ports$i" "$SDT_TMP/ports$j" | tr '\n' ' ')
        if [ -z "$both" ]; then
            sdt_pass "runs $i and $j share no packet"
        else
            sdt_fail "runs $i and $j both list packets of ports $both"
        fi
    done
done
SDT_REPORT="$SDT_TMP/report1.json"
sdt_finish

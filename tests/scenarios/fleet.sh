#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario fleet: one run, several targets, one of each client cause the lab
# makes (topo_fleet): ok, wrong_port, port_closed, firewall_drop,
# firewall_reject (ICMP and tcp-reset), host_unreachable, not_ssh.
# Expected: with --targets - --json, one report per line (JSON Lines), each
# valid against the schema, each with the cause of its target, and the exit
# status the highest of all (1); with --batch, a table of one line per target
# and the counts per cause; several HOST arguments work as a fleet too; a
# list of only good hosts exits 0.
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables socat jq

topo_fleet 1
{ echo "# the lab, one target of each kind"; echo; cut -d' ' -f1 "$SDT_TMP/fleet.expected"; } \
    >"$SDT_TMP/targets"

sdt_log "run: ssh-doctor --targets - -j 4 --json"
sdt_in "$CLI" timeout -k 5 60 "$SSH_DOCTOR" --targets - -j 4 --json <"$SDT_TMP/targets" \
    >"$SDT_TMP/lines.json" 2>"$SDT_TMP/doctor.stderr"
SDT_RC=$?
assert_exit 1
n=$(wc -l <"$SDT_TMP/fleet.expected")
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(wc -l <"$SDT_TMP/lines.json")" = "$n" ]; then
    sdt_pass "$n lines on stdout, one per target"
else
    sdt_fail "expected $n lines, got $(wc -l <"$SDT_TMP/lines.json")"
fi
i=0
while IFS= read -r line; do
    i=$((i + 1))
    printf '%s\n' "$line" >"$SDT_TMP/line$i.json"
    SDT_REPORT="$SDT_TMP/line$i.json"
    SDT_RC=1
    assert_report_contract
done <"$SDT_TMP/lines.json"
SDT_REPORT="$SDT_TMP/line1.json"
while read -r target cause; do
    SDT_CHECKS=$((SDT_CHECKS + 1))
    got=$(jq -r --arg t "$target" 'select(.fleet.given == $t) | .verdict.cause' "$SDT_TMP/lines.json")
    if [ "$got" = "$cause" ]; then
        sdt_pass "$target: $cause"
    else
        sdt_fail "$target: expected $cause, got '${got:-no report}'"
    fi
done <"$SDT_TMP/fleet.expected"
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(jq -r '.fleet.line' "$SDT_TMP/lines.json" | sort -n | tr '\n' ' ')" = "$(seq 3 $((n + 2)) | tr '\n' ' ')" ]; then
    sdt_pass "fleet.line names each target's line of the file"
else
    sdt_fail "fleet.line: $(jq -r '.fleet.line' "$SDT_TMP/lines.json" | tr '\n' ' ')"
fi

sdt_log "run: ssh-doctor --batch --targets FILE"
sdt_in "$CLI" timeout -k 5 60 "$SSH_DOCTOR" --batch --targets "$SDT_TMP/targets" \
    >"$SDT_TMP/table.txt" 2>"$SDT_TMP/doctor.stderr"
SDT_RC=$?
assert_exit 1
SDT_CHECKS=$((SDT_CHECKS + 1))
if head -n 1 "$SDT_TMP/table.txt" | grep -q '^TARGET  *CAUSE  *CONFIDENCE  *TIME$'; then
    sdt_pass "the table has its header"
else
    sdt_fail "no table header: $(head -n 1 "$SDT_TMP/table.txt")"
fi
while read -r target cause; do
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if grep -q "^$target  *$cause  *[a-z-]*  *[0-9.]* s$" "$SDT_TMP/table.txt"; then
        sdt_pass "table row: $target $cause"
    else
        sdt_fail "no table row '$target $cause'"
    fi
done <"$SDT_TMP/fleet.expected"
SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -q "^$n targets:$" "$SDT_TMP/table.txt" && grep -q '^ *2  firewall_reject$' "$SDT_TMP/table.txt"; then
    sdt_pass "counts per cause follow the table"
else
    sdt_fail "no counts per cause: $(tail -n 9 "$SDT_TMP/table.txt" | tr '\n' '|')"
fi
cat "$SDT_TMP/table.txt"

# several HOST arguments, all answering: exit 0
ok=$(awk '$2 == "ok" { print $1 }' "$SDT_TMP/fleet.expected")
sdt_in "$CLI" timeout -k 5 60 "$SSH_DOCTOR" --json "$ok" "$ok" \
    >"$SDT_TMP/ok.json" 2>"$SDT_TMP/doctor.stderr"
SDT_RC=$?
assert_exit 0
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(jq -r '.verdict.cause' "$SDT_TMP/ok.json" | tr '\n' ' ')" = "ok ok " ]; then
    sdt_pass "two HOST arguments: two reports, both ok"
else
    sdt_fail "two HOST arguments: $(tr '\n' ' ' <"$SDT_TMP/ok.json" | cut -c1-200)"
fi
SDT_REPORT="$SDT_TMP/line1.json"
sdt_finish

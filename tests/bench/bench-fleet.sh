#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-fleet.sh — ssh-doctor on 200 targets at once, next to nmap scanning
# the same ones, in one run.
#
# Usage (as root, from anywhere):
#   tests/bench/bench-fleet.sh [-k PER-KIND] [-j JOBS] [PATH-TO-ssh-doctor]
#
#   PER-KIND             targets of each kind (default 25: 8 kinds, 200 targets)
#   JOBS                 ssh-doctor --jobs (default 32)
#   PATH-TO-ssh-doctor   default: $SSH_DOCTOR, else build/ssh-doctor
#
# The lab is tests/scenarios/lib.sh's topo_fleet (network namespaces,
# 192.0.2.0/24 only, no default route): per kind, PER-KIND targets that are
# ok (sshd on 22), wrong_port (sshd on 2222 only), port_closed, firewall_drop
# (iptables DROP), firewall_reject by ICMP port unreachable and by tcp-reset,
# host_unreachable (addresses nobody has) and not_ssh (an SMTP greeting).
# From the client namespace it times, one after the other:
#   ssh-doctor --targets - -j JOBS --json          (every target in one run)
#   nmap -n -Pn -p PORT -iL LIST                    (one per target port, all
#                                                    at once: the same pairs)
# and prints the wall times, their ratio, and how many targets each named a
# cause for (ssh-doctor: a verdict, and how many match the lab; nmap names a
# port state only: open, closed or filtered), and how many of ssh-doctor's
# reports came from its one shared capture.
#
# This is not a test: it always exits 0 once it ran (77 when it cannot run;
# under CI=true it fails instead, as the scenarios do).
#
# Needs: iproute2, iptables, openssh-server, socat, nmap, jq, coreutils.

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${SSHD_SOURCE_DIR:=$(cd "$BENCH_DIR/../.." && pwd)}"
export SSHD_SOURCE_DIR

K=25
JOBS=32
while [ $# -gt 0 ]; do
    case "$1" in
        -k) K=${2:?-k needs a number}; shift 2 ;;
        -j) JOBS=${2:?-j needs a number}; shift 2 ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        -*) echo "usage: $0 [-k PER-KIND] [-j JOBS] [PATH-TO-ssh-doctor]" >&2; exit 2 ;;
        *) SSH_DOCTOR=$1; shift ;;
    esac
done
case "$K" in ''|*[!0-9]*|0) echo "PER-KIND must be 1 to 25" >&2; exit 2 ;; esac
[ "$K" -le 25 ] || { echo "PER-KIND must be 1 to 25" >&2; exit 2; }

. "$BENCH_DIR/../scenarios/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables socat nmap jq
sdt_need_doctor

topo_fleet "$K"
EXP="$SDT_TMP/fleet.expected"
N=$(wc -l <"$EXP")
cut -d' ' -f1 "$EXP" >"$SDT_TMP/targets"

now_ns() { date +%s%N; }
fmt_ms() { awk -v ms="$1" 'BEGIN { printf "%.3f s", ms / 1000 }'; }

echo "ssh-doctor: $SSH_DOCTOR"
echo "targets: $N ($K of each kind), ssh-doctor --jobs $JOBS"
echo

# ssh-doctor: every target in one run
t0=$(now_ns)
sdt_in "$CLI" timeout -k 5 300 "$SSH_DOCTOR" --targets - -j "$JOBS" --json \
    <"$SDT_TMP/targets" >"$SDT_TMP/doctor.jsonl" 2>"$SDT_TMP/doctor.stderr"
DOC_RC=$?
t1=$(now_ns)
DOC_MS=$(( (t1 - t0) / 1000000 ))

# nmap: the same address and port pairs, one scan per port, all at once
t0=$(now_ns)
nmaps=()
for port in $(cut -d: -f2 "$SDT_TMP/targets" | sort -un); do
    grep ":$port\$" "$SDT_TMP/targets" | cut -d: -f1 >"$SDT_TMP/nmap-$port.list"
    sdt_in "$CLI" timeout -k 5 300 nmap -n -Pn -p "$port" -iL "$SDT_TMP/nmap-$port.list" -oG - \
        >"$SDT_TMP/nmap-$port.out" 2>&1 </dev/null &
    nmaps+=($!)
done
# only the scans: the lab's servers are children of this shell too
wait "${nmaps[@]}"
t1=$(now_ns)
NMAP_MS=$(( (t1 - t0) / 1000000 ))

# per target: expected cause, ssh-doctor's cause, nmap's state
: >"$SDT_TMP/rows"
while read -r target expect; do
    addr=${target%:*} port=${target#*:}
    cause=$(jq -r --arg t "$target" 'select(.fleet.given == $t) | .verdict.cause // "error"' \
        "$SDT_TMP/doctor.jsonl" | head -n 1)
    state=$(awk -v a="$addr" -v p="$port" '$1 == "Host:" && $2 == a && /Ports:/ {
                for (i = 1; i <= NF; i++) if (index($i, p "/") == 1) { split($i, f, "/"); print f[2] } }' \
        "$SDT_TMP/nmap-$port.out" | head -n 1)
    echo "$expect ${cause:-none} ${state:-none}" >>"$SDT_TMP/rows"
done <"$EXP"

doc_named=$(awk '$2 != "none" && $2 != "error"' "$SDT_TMP/rows" | wc -l)
doc_right=$(awk '$1 == $2' "$SDT_TMP/rows" | wc -l)
nmap_named=$(awk '$3 == "open" || $3 == "closed" || $3 == "filtered"' "$SDT_TMP/rows" | wc -l)
ratio=$(awk -v a="$DOC_MS" -v b="$NMAP_MS" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')

printf '%-12s %10s  %-28s %s\n' tool "wall time" "a cause named" "what it names"
printf '%-12s %10s  %-28s %s\n' ssh-doctor "$(fmt_ms "$DOC_MS")" "$doc_named of $N ($doc_right as the lab made)" \
    "a cause id (exit status $DOC_RC)"
printf '%-12s %10s  %-28s %s\n' nmap "$(fmt_ms "$NMAP_MS")" "0 of $N" \
    "a port state for $nmap_named of $N (open/closed/filtered)"
echo "ratio ssh-doctor / nmap: $ratio"
# one capture for the whole run: each report says where its packets came from
shared=$(jq -r 'select(.capture.available == true and .capture.interface == "any") | .fleet.given' \
    "$SDT_TMP/doctor.jsonl" | wc -l)
echo "ssh-doctor reports from the run's one capture (on 'any'): $shared of $N"
echo
printf '%-18s %6s  %-34s %s\n' "lab's cause" targets "ssh-doctor said" "nmap said"
for expect in $(cut -d' ' -f1 "$SDT_TMP/rows" | sort -u); do
    printf '%-18s %6s  %-34s %s\n' "$expect" "$(awk -v e="$expect" '$1 == e' "$SDT_TMP/rows" | wc -l)" \
        "$(awk -v e="$expect" '$1 == e { print $2 }' "$SDT_TMP/rows" | sort | uniq -c | awk '{ printf "%s %s ", $1, $2 }')" \
        "$(awk -v e="$expect" '$1 == e { print $3 }' "$SDT_TMP/rows" | sort | uniq -c | awk '{ printf "%s %s ", $1, $2 }')"
done
exit 0

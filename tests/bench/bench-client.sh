#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-client.sh — how long ssh-doctor takes to reach a client-side verdict,
# next to nmap and nc probing the same port.
#
# Usage (as root, from anywhere):
#   tests/bench/bench-client.sh [-n RUNS] [PATH-TO-ssh-doctor]
#
#   RUNS                 runs per tool and case (default 5)
#   PATH-TO-ssh-doctor   default: $SSH_DOCTOR, else build/ssh-doctor in the
#                        repository
#
# It builds two test hosts with tests/scenarios/lib.sh (network namespaces,
# 192.0.2.0/24 only, no default route), on the server:
#   refused   port 22: nothing listens, the host answers RST
#   dropped   port 23: iptables DROP, nothing comes back
#   rejected  port 24: iptables REJECT, ICMP port unreachable
#   absent    192.0.2.99 port 22: nobody has the address, ARP fails
#   noping    192.0.2.3 port 22 (the server's second address): nothing
#             listens, and iptables drops ping to it (ping and TCP overlap)
# and, from the client namespace, times (date +%s%N) RUNS runs each of
#   ssh-doctor --json [-p PORT] ADDR
#   nmap -n -Pn -p PORT ADDR
#   nc -zv -w 5 ADDR PORT
# then prints the median wall time per tool and case, the ratio
# ssh-doctor/nmap, the cause ssh-doctor named, and what nmap and nc said.
#
# ICMP error rate limits are switched off in the server namespace so that
# repeated runs see the same answers (DESIGN.md, wire facts).
#
# Wall times are noisy on a shared machine (a build on the same cores adds
# tens of milliseconds to a run): use several runs (-n 5 or more) and read
# the medians. Where ssh-doctor's time comes from, per case: refused and
# rejected, the answer's own round trip plus opening the capture (the
# kernel needs an RCU grace period to set up and to close a packet socket,
# some 10 to 40 ms); dropped, two SYNs of 100 ms each (4 round trips, at
# least 100 ms: see silence_plan_make in engine/conn.h); absent, the
# kernel's wait for one unanswered ARP probe (about 1 s, read from the
# neighbour table) instead of its three; noping, the 100 ms the ping step
# waits before the TCP step starts (it keeps listening for a late echo).
#
# This is not a test: it always exits 0 once it ran (77 when it cannot run;
# under CI=true it fails instead, as the scenarios do).
#
# Needs: iproute2, iptables, nmap, netcat-openbsd, jq, coreutils, util-linux.

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${SSHD_SOURCE_DIR:=$(cd "$BENCH_DIR/../.." && pwd)}"
export SSHD_SOURCE_DIR

RUNS=5
while [ $# -gt 0 ]; do
    case "$1" in
        -n) RUNS=${2:?-n needs a number}; shift 2 ;;
        -h|--help) sed -n '2,45p' "$0"; exit 0 ;;
        -*) echo "usage: $0 [-n RUNS] [PATH-TO-ssh-doctor]" >&2; exit 2 ;;
        *) SSH_DOCTOR=$1; shift ;;
    esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "RUNS must be a positive number" >&2; exit 2 ;; esac

. "$BENCH_DIR/../scenarios/lib.sh" || exit 1
sdt_begin iptables nmap nc jq
sdt_need_doctor

topo_direct
# Same answers on every run: no ICMP rate limit on the answering host.
sdt_in "$SRV" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 \
    || sdt_die "icmp rate limit in the server namespace"
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 23 -j DROP || sdt_die "iptables DROP"
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 24 -j REJECT --reject-with icmp-port-unreachable \
    || sdt_die "iptables REJECT"
NOPING_ADDR=192.0.2.3
ip -n "$SRV" addr add "$NOPING_ADDR/24" dev "$SRV_IF" || sdt_die "second server address"
sdt_in "$SRV" iptables -w 10 -A INPUT -d "$NOPING_ADDR" -p icmp --icmp-type echo-request -j DROP \
    || sdt_die "iptables DROP ping"

# name  address  port
CASES=(
    "refused  $SRV_ADDR 22"
    "dropped  $SRV_ADDR 23"
    "rejected $SRV_ADDR 24"
    "absent   192.0.2.99 22"
    "noping   $NOPING_ADDR 22"
)

# now_ns — wall clock in nanoseconds.
now_ns() { date +%s%N; }

# time_ms CMD... — run CMD in the client namespace, print its wall time in ms;
# its stdout and stderr go to $SDT_TMP/last.out.
time_ms() {
    local t0 t1
    t0=$(now_ns)
    sdt_in "$CLI" timeout -k 5 120 "$@" >"$SDT_TMP/last.out" 2>&1 </dev/null
    t1=$(now_ns)
    echo $(( (t1 - t0) / 1000000 ))
}

fmt_ms() { awk -v ms="$1" 'BEGIN { printf "%.3f s", ms / 1000 }'; }

echo "ssh-doctor: $SSH_DOCTOR"
echo "runs per tool and case: $RUNS"
echo

ROWS=()
for c in "${CASES[@]}"; do
    read -r name addr port <<<"$c"
    doc=() nm=() ncs=()
    cause="?" nmap_state="?" nc_said="?"
    for ((r = 1; r <= RUNS; r++)); do
        doc+=("$(time_ms "$SSH_DOCTOR" --json -p "$port" "$addr")")
        cause=$(jq -r '.verdict.cause // "?"' "$SDT_TMP/last.out" 2>/dev/null || echo "no JSON")
        nm+=("$(time_ms nmap -n -Pn -p "$port" "$addr")")
        nmap_state=$(awk -v p="$port/tcp" '$1 == p { print $2 }' "$SDT_TMP/last.out")
        [ -n "$nmap_state" ] || nmap_state=$(grep -o 'Host seems down\|0 hosts up' "$SDT_TMP/last.out" | head -n 1)
        ncs+=("$(time_ms nc -zv -w 5 "$addr" "$port")")
        nc_said=$(sed -n 's/.* timed out: .*/timed out/p; s/.* failed: //p; s/.*succeeded.*/succeeded/p' "$SDT_TMP/last.out" | head -n 1)
        printf '.' >&2
    done
    md=$(sdt_median "${doc[@]}"); mn=$(sdt_median "${nm[@]}"); mc=$(sdt_median "${ncs[@]}")
    ratio=$(awk -v a="$md" -v b="$mn" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
    ROWS+=("$name|$addr:$port|$(fmt_ms "$md")|$(fmt_ms "$mn")|$(fmt_ms "$mc")|$ratio|$cause|${nmap_state:-?}|${nc_said:-?}")
done
echo >&2

printf '%-9s %-16s %11s %11s %11s %8s  %-17s %-10s %s\n' \
    case target ssh-doctor nmap nc doc/nmap "ssh-doctor cause" "nmap" "nc"
for row in "${ROWS[@]}"; do
    IFS='|' read -r name tgt d n c ratio cause ns nc <<<"$row"
    printf '%-9s %-16s %11s %11s %11s %8s  %-17s %-10s %s\n' \
        "$name" "$tgt" "$d" "$n" "$c" "$ratio" "$cause" "$ns" "$nc"
done
echo
echo "(medians of $RUNS runs, wall time from the client namespace)"
exit 0

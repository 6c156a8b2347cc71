#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-capture.sh — does the capture keep up, and keep out what is not ours,
# while unrelated traffic floods the interface it listens on?
#
# Usage (as root, from anywhere):
#   tests/bench/bench-capture.sh [-n RUNS] [-s SECONDS] [PATH-TO-ssh-doctor]
#
#   RUNS                 runs per case (default 3)
#   SECONDS              the longest any flood sender runs (default 20)
#   PATH-TO-ssh-doctor   default: $SSH_DOCTOR, else build/ssh-doctor in the
#                        repository
#
# It builds two test hosts with tests/scenarios/lib.sh (network namespaces,
# 192.0.2.0/24 only, no default route; the server also holds 192.0.2.3) and
# runs `ssh-doctor --json` from the client namespace in these cases:
#
#   veth-refused   192.0.2.2 port 22, nothing listens (RST)
#   veth-dropped   192.0.2.2 port 23, iptables DROP (silence)
#   lo-refused     127.0.0.1 port 1 inside the client (capture on lo)
#
# each once quiet and once flooded. The floods, all bounded in bytes, count
# and time (timeout), run from the client namespace:
#
#   veth  TCP bulk to 192.0.2.2:5001 (the target host, another port: only
#         its SYN and SYN-ACK may pass the filter), UDP in large and in
#         64-byte datagrams to 192.0.2.3:9 (another address: nothing may pass)
#   lo    TCP bulk to 127.0.0.1:5001 and 64-byte UDP datagrams to
#         127.0.0.2:9 (the target is 127.0.0.1 port 1: nothing of the flood
#         may pass)
#
# For each case it prints the medians of: wall time and CPU time (user +
# system) of ssh-doctor, packets on the interface during the run (its
# counters, both directions), packets that passed our BPF filter (libpcap's
# received counter, the report's capture.received), packets the report
# kept (capture.packets), libpcap's dropped counter, and the verdict. The
# filter keeps the flood out when "passed" stays near "kept" however many
# packets crossed the interface; a capture that keeps up drops 0. On lo
# every packet is seen twice (sent and received), so "passed" is twice
# "kept" there. libpcap's received counter starts when the filter is set
# (capture_stats): before that the socket takes everything and libpcap
# drains it unread.
#
# This is not a test: it always exits 0 once it ran (77 when it cannot run;
# under CI=true it fails instead, as the scenarios do).
#
# Needs: iproute2, iptables, netcat-openbsd, socat, jq, coreutils, util-linux.

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${SSHD_SOURCE_DIR:=$(cd "$BENCH_DIR/../.." && pwd)}"
export SSHD_SOURCE_DIR

RUNS=3
FLOOD_SECS=20
while [ $# -gt 0 ]; do
    case "$1" in
        -n) RUNS=${2:?-n needs a number}; shift 2 ;;
        -s) FLOOD_SECS=${2:?-s needs a number}; shift 2 ;;
        -h|--help) sed -n '2,48p' "$0"; exit 0 ;;
        -*) echo "usage: $0 [-n RUNS] [-s SECONDS] [PATH-TO-ssh-doctor]" >&2; exit 2 ;;
        *) SSH_DOCTOR=$1; shift ;;
    esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "RUNS must be a positive number" >&2; exit 2 ;; esac
case "$FLOOD_SECS" in ''|*[!0-9]*|0) echo "SECONDS must be a positive number" >&2; exit 2 ;; esac

. "$BENCH_DIR/../scenarios/lib.sh" || exit 1
sdt_begin iptables nc socat jq
sdt_need_doctor

topo_direct
OTHER_ADDR=192.0.2.3
ip -n "$SRV" addr add "$OTHER_ADDR/24" dev "$SRV_IF" || sdt_die "second server address"
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 23 -j DROP || sdt_die "iptables DROP"
sdt_in "$CLI" ip addr add 127.0.0.2/8 dev lo 2>/dev/null   # may exist already: 127/8 is lo's

# Sinks for the floods, so that no ICMP port-unreachable comes back.
sdt_bg sink-tcp "$SRV" nc -lk 5001
sdt_wait_listen "$SRV" 5001 "$SDT_LAST_PID"
sdt_bg sink-udp "$SRV" nc -luk "$OTHER_ADDR" 9
sdt_wait_listen "$SRV" 9 "$SDT_LAST_PID" udp
sdt_bg sink-lo-tcp "$CLI" nc -lk 127.0.0.1 5001
sdt_wait_listen "$CLI" 5001 "$SDT_LAST_PID"
sdt_bg sink-lo-udp "$CLI" nc -luk 127.0.0.2 9
sdt_wait_listen "$CLI" 9 "$SDT_LAST_PID" udp

FLOOD_PIDS=()

# flood_start veth|lo — start the bounded senders for one interface.
flood_start() {
    local bytes=4G
    FLOOD_PIDS=()
    if [ "$1" = veth ]; then
        sdt_bg flood-tcp "$CLI" timeout "$FLOOD_SECS" bash -c "head -c $bytes /dev/zero | nc -N $SRV_ADDR 5001"
        FLOOD_PIDS+=("$SDT_LAST_PID")
        sdt_bg flood-udp "$CLI" timeout "$FLOOD_SECS" bash -c "head -c $bytes /dev/zero | nc -u -w 1 $OTHER_ADDR 9"
        FLOOD_PIDS+=("$SDT_LAST_PID")
        sdt_bg flood-small "$CLI" timeout "$FLOOD_SECS" bash -c "head -c 256M /dev/zero | socat -u -b 64 STDIN UDP:$OTHER_ADDR:9"
        FLOOD_PIDS+=("$SDT_LAST_PID")
    else
        sdt_bg flood-lo-tcp "$CLI" timeout "$FLOOD_SECS" bash -c "head -c $bytes /dev/zero | nc -N 127.0.0.1 5001"
        FLOOD_PIDS+=("$SDT_LAST_PID")
        sdt_bg flood-lo-udp "$CLI" timeout "$FLOOD_SECS" bash -c "head -c 256M /dev/zero | socat -u -b 64 STDIN UDP:127.0.0.2:9"
        FLOOD_PIDS+=("$SDT_LAST_PID")
    fi
    sleep 1   # let the senders reach their pace
}

# flood_stop — stop the senders this script started, by their own PIDs.
flood_stop() {
    local pid
    for pid in "${FLOOD_PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${FLOOD_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    FLOOD_PIDS=()
}

# if_packets IF — packets received plus sent on IF in the client namespace.
if_packets() {
    local rx tx
    rx=$(sdt_in "$CLI" cat "/sys/class/net/$1/statistics/rx_packets" 2>/dev/null || echo 0)
    tx=$(sdt_in "$CLI" cat "/sys/class/net/$1/statistics/tx_packets" 2>/dev/null || echo 0)
    echo $((rx + tx))
}

# run_once IF ADDR PORT — one ssh-doctor run; prints
# "wall_ms cpu_ms if_packets received kept dropped cause".
run_once() {
    local ifc=$1 addr=$2 port=$3 before after t0 t1 cpu out="$SDT_TMP/bench.json"
    local TIMEFORMAT='%3U %3S'
    before=$(if_packets "$ifc")
    t0=$(date +%s%N)
    cpu=$( { time sdt_in "$CLI" timeout -k 5 60 "$SSH_DOCTOR" --json --side client -p "$port" "$addr" \
               >"$out" 2>/dev/null </dev/null; } 2>&1 )
    t1=$(date +%s%N)
    after=$(if_packets "$ifc")
    read -r u s <<<"$cpu"
    printf '%d %d %d %s %s %s %s\n' $(( (t1 - t0) / 1000000 )) \
        "$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%d", (u + s) * 1000 }')" \
        $((after - before)) \
        "$(jq -r '.capture.received // -1' "$out" 2>/dev/null || echo -1)" \
        "$(jq -r '.capture.packets | length' "$out" 2>/dev/null || echo -1)" \
        "$(jq -r '.capture.dropped // -1' "$out" 2>/dev/null || echo -1)" \
        "$(jq -r '.verdict.cause // "?"' "$out" 2>/dev/null || echo '?')"
}

# name  interface  flood  address  port
CASES=(
    "veth-refused $CLI_IF veth $SRV_ADDR 22"
    "veth-dropped $CLI_IF veth $SRV_ADDR 23"
    "lo-refused   lo      lo   127.0.0.1 1"
)

echo "ssh-doctor: $SSH_DOCTOR"
echo "runs per case: $RUNS; floods last at most $FLOOD_SECS s each"
echo

ROWS=()
for c in "${CASES[@]}"; do
    read -r name ifc fl addr port <<<"$c"
    for mode in quiet flood; do
        w=() cpu=() ifp=() rcv=() kept=() drop=() cause="?"
        [ "$mode" = flood ] && flood_start "$fl"
        for ((r = 1; r <= RUNS; r++)); do
            read -r a b d e f g h <<<"$(run_once "$ifc" "$addr" "$port")"
            w+=("$a"); cpu+=("$b"); ifp+=("$d"); rcv+=("$e"); kept+=("$f"); drop+=("$g"); cause=$h
            printf '.' >&2
        done
        [ "$mode" = flood ] && flood_stop
        ROWS+=("$name|$mode|$(sdt_median "${w[@]}")|$(sdt_median "${cpu[@]}")|$(sdt_median "${ifp[@]}")|$(sdt_median "${rcv[@]}")|$(sdt_median "${kept[@]}")|$(sdt_median "${drop[@]}")|$cause")
    done
done
echo >&2

printf '%-13s %-6s %8s %8s %12s %8s %6s %8s  %s\n' \
    case mode wall_ms cpu_ms if_packets passed kept dropped cause
for row in "${ROWS[@]}"; do
    IFS='|' read -r name mode w cpu ifp rcv kept drop cause <<<"$row"
    printf '%-13s %-6s %8s %8s %12s %8s %6s %8s  %s\n' \
        "$name" "$mode" "$w" "$cpu" "$ifp" "$rcv" "$kept" "$drop" "$cause"
done
echo
echo "(medians of $RUNS runs; if_packets: packets on the capture interface during"
echo " the run, both directions; passed: libpcap's received counter, packets that"
echo " passed the BPF filter; kept: packets in the report; dropped: libpcap's"
echo " dropped counter; cpu_ms: user + system time of ssh-doctor; on lo every"
echo " packet is seen twice)"
exit 0

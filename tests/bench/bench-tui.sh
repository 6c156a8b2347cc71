#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-tui.sh — what ssh-doctor's terminal face costs on a slow line: the
# bytes it writes to an 80x24 terminal with TERM=vt100 for the first paint,
# each step change and each packet line, the seconds each takes at 9600 baud
# (960 bytes/s), the time to the first screen and the peak memory.
#
# Usage (as root, from anywhere):
#   tests/bench/bench-tui.sh [-t TERM] [-s BAUD] [-k] [PATH-TO-ssh-doctor]
#
#   -t TERM              terminal type (default vt100)
#   -s BAUD              the line speed the terminal reports (default 9600,
#                        the serial console measured; a pty says 38400 when
#                        not told, and the wizard paints for the speed it
#                        is told)
#   -k                   keep the scratch folder (raw.out: every byte written)
#   PATH-TO-ssh-doctor   default: $SSH_DOCTOR, else build/ssh-doctor in the
#                        repository
#
# It builds two test hosts with tests/scenarios/lib.sh (network namespaces,
# 192.0.2.0/24 only, no default route); nothing listens on the server's port
# 22, so the walk shows SYNs answered by RSTs. In the client namespace,
# bench-tui-pty (bench-tui-pty.c beside this file, compiled here with cc)
# runs "ssh-doctor 192.0.2.2" on a pseudo-terminal of 80x24, presses Enter
# each time the output has been quiet for 0.8 s, and q once the verdict
# shows; it counts the bytes of each burst of output (writes with less than
# 5 ms between them: one screen update) and prints:
#
#   event        count  bytes avg  bytes max  target       s @ 9600
#   first paint      1       ...              <= 2000
#   step change      6       ...              <= 400 avg   (first burst after Enter)
#   screen change    1       ...              (apart)      (the verdict screen after the last step)
#   step+screen      7       ...              <= 400 avg   (both together)
#   packet line     20       ...              <= 100       (burst bytes / lines)
#   time to the first screen (target < 100 ms), peak memory (target < 16 MB)
#
# A packet line that lands in the same burst as a step change is counted
# with the step change, and a packet burst's other text (evidence, a result)
# with its packet lines, so the figures are upper bounds. Timings include
# the probes' own work on the first step; run it on an idle machine.
#
# This is not a test: it always exits 0 once it ran (77 when it cannot run;
# under CI=true it fails instead, as the scenarios do).
#
# Needs: iproute2, netcat-openbsd, a C compiler (cc) and libutil (libc6-dev).

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${SSHD_SOURCE_DIR:=$(cd "$BENCH_DIR/../.." && pwd)}"
export SSHD_SOURCE_DIR

TERM_UNDER_TEST=vt100
BAUD=9600
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        -t) TERM_UNDER_TEST=${2:?-t needs a terminal type}; shift 2 ;;
        -s) BAUD=${2:?-s needs a line speed}; shift 2 ;;
        -k) KEEP=1; shift ;;
        -h|--help) sed -n '2,40p' "$0"; exit 0 ;;
        -*) echo "usage: $0 [-t TERM] [-s BAUD] [-k] [PATH-TO-ssh-doctor]" >&2; exit 2 ;;
        *) SSH_DOCTOR=$1; shift ;;
    esac
done
[ "$KEEP" = 1 ] && export SDT_KEEP=1

. "$BENCH_DIR/../scenarios/lib.sh" || exit 1
sdt_begin nc cc
sdt_need_doctor

cc -O2 -Wall -Wextra -o "$SDT_TMP/bench-tui-pty" "$BENCH_DIR/bench-tui-pty.c" -lutil \
    || sdt_die "cannot compile bench-tui-pty.c"

topo_direct
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'

echo "ssh-doctor: $SSH_DOCTOR"
echo "terminal: 80x24, TERM=$TERM_UNDER_TEST, $BAUD baud; target $SRV_ADDR port 22 (refused)"
echo
sdt_in "$CLI" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$SDT_TMP" TERM="$TERM_UNDER_TEST" \
    timeout -k 5 150 "$SDT_TMP/bench-tui-pty" -c 80 -r 24 -b "$BAUD" -Q 800 -g 5 -t 120 \
        -m 'VERDICT: ' -m 'nothing listens on port 22' -S 'how sure: certain' -o "$SDT_TMP/raw.out" \
        -- "$SSH_DOCTOR" "$SRV_ADDR" \
    || sdt_log "bench-tui-pty exited $?"
exit 0

#!/bin/bash
# SPDX-License-Identifier: MIT
# bench-firewall.sh — how long the server side's firewall step takes on
# kube-proxy-sized iptables rule sets, next to the readers it stands on.
#
# Usage (as root, from anywhere):
#   tests/bench/bench-firewall.sh [-n RUNS] [-s SIZES] [PATH-TO-ssh-doctor]
#
#   RUNS                 runs per size and tool (default 3)
#   SIZES                iptables rules per rule set, comma-separated
#                        (default 100,1000,5000,20000)
#   PATH-TO-ssh-doctor   default: $SSH_DOCTOR, else build/ssh-doctor in the
#                        repository
#
# For each size it makes one network namespace (tests/scenarios/lib.sh;
# nothing is sent anywhere) and loads a generated rule set shaped like
# kube-proxy's (iptables mode): in nat, KUBE-SERVICES with a rule per
# service port jumping to KUBE-SVC-* chains, which pick a KUBE-SEP-*
# endpoint chain (-m statistic) that marks (KUBE-MARK-MASQ) and DNATs, and
# KUBE-NODEPORTS; in filter, INPUT jumping to KUBE-PROXY-FIREWALL,
# KUBE-NODEPORTS, KUBE-EXTERNAL-SERVICES and KUBE-FIREWALL, with a REJECT
# for each service without endpoints; every rule with -m comment, as
# kube-proxy writes them. Beside it an nft table of its own holds a named
# set of addresses (one per 20 rules) that a rule drops, the way sshguard
# or fail2ban's nftables action keep bans. The addresses in the rules are
# from 192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24; no packet is sent.
#
# Then it times, inside the namespace, RUNS runs each of
#   ssh-doctor --side server --json      the firewall step's duration_ms
#                                         (the step as it runs on a server:
#                                         every reader, parsing, judging)
#   iptables-save, iptables-legacy-save, ip6tables-save,
#   nft -j list ruleset, nft list ruleset
# and prints the medians, the step's time over the fastest reader that sees
# the iptables tables fully (iptables-save: nft shows their xt matches
# opaquely), and what each 1,000 rules more cost the step from one size to
# the next (flat when it is linear; the fixed part, starting the readers,
# drops out).
#
# Target: the step within 1.5 times that reader, and linear in the number
# of rules. This is not a test: it prints figures and always exits 0 once
# it ran (77 when it cannot run; under CI=true it fails instead).
#
# Needs: iproute2, iptables, nftables, jq, gawk or mawk, coreutils.

set -u

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
: "${SSHD_SOURCE_DIR:=$(cd "$BENCH_DIR/../.." && pwd)}"
export SSHD_SOURCE_DIR

RUNS=3
SIZES=100,1000,5000,20000
while [ $# -gt 0 ]; do
    case "$1" in
        -n) RUNS=${2:?-n needs a number}; shift 2 ;;
        -s) SIZES=${2:?-s needs sizes}; shift 2 ;;
        -h|--help) sed -n '2,42p' "$0"; exit 0 ;;
        -*) echo "usage: $0 [-n RUNS] [-s SIZES] [PATH-TO-ssh-doctor]" >&2; exit 2 ;;
        *) SSH_DOCTOR=$1; shift ;;
    esac
done
case "$RUNS" in ''|*[!0-9]*|0) echo "RUNS must be a positive number" >&2; exit 2 ;; esac
case "$SIZES" in ''|*[!0-9,]*) echo "SIZES must be numbers separated by commas" >&2; exit 2 ;; esac

. "$BENCH_DIR/../scenarios/lib.sh" || exit 1
SDT_SCENARIO=bench-firewall
sdt_begin iptables-restore iptables-save ip6tables-save nft jq awk
sdt_need_doctor

# gen_rules N — an iptables-restore file of about N rules, kube-proxy style.
gen_rules() {
    awk -v want="$1" '
    function hash(s, i) { return sprintf("%016X", (s * 2654435761 + i * 40503) % 18446744073709) }
    function ip(base, n) { return base "." (n % 250 + 1) }
    BEGIN {
        nat = "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n" \
              ":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n:KUBE-POSTROUTING - [0:0]\n"
        natr = "-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n" \
               "-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n" \
               "-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n" \
               "-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000\n" \
               "-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n" \
               "-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0\n" \
               "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n"
        filt = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n" \
               ":KUBE-PROXY-FIREWALL - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-EXTERNAL-SERVICES - [0:0]\n" \
               ":KUBE-FIREWALL - [0:0]\n:KUBE-SERVICES - [0:0]\n"
        filtr = "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes load balancer firewall\" -j KUBE-PROXY-FIREWALL\n" \
                "-A INPUT -m comment --comment \"kubernetes health check service ports\" -j KUBE-NODEPORTS\n" \
                "-A INPUT -m conntrack --ctstate NEW -m comment --comment \"kubernetes externally-visible service portals\" -j KUBE-EXTERNAL-SERVICES\n" \
                "-A INPUT -j KUBE-FIREWALL\n" \
                "-A FORWARD -m conntrack --ctstate NEW -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n" \
                "-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment \"block incoming localnet connections\" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP\n"
        n = 13
        for (s = 0; n < want; s++) {
            svc = "default/svc-" s ":http"
            h = hash(s, 1)
            vip = ip("203.0.113", s)
            port = 8000 + s % 1000
            if (s % 7 == 3) {
                # a service without endpoints: filter rejects it
                filtr = filtr "-A KUBE-SERVICES -d " vip "/32 -p tcp -m comment --comment \"" svc " has no endpoints\" -m tcp --dport " port " -j REJECT --reject-with icmp-port-unreachable\n"
                filtr = filtr "-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment \"" svc " has no endpoints\" -m addrtype --dst-type LOCAL -m tcp --dport " (30000 + s % 2700) " -j REJECT --reject-with icmp-port-unreachable\n"
                n += 2
                continue
            }
            nat = nat ":KUBE-SVC-" h " - [0:0]\n"
            natr = natr "-A KUBE-SERVICES -d " vip "/32 -p tcp -m comment --comment \"" svc " cluster IP\" -m tcp --dport " port " -j KUBE-SVC-" h "\n"
            natr = natr "-A KUBE-SVC-" h " ! -s 198.51.100.0/24 -d " vip "/32 -p tcp -m comment --comment \"" svc " cluster IP\" -m tcp --dport " port " -j KUBE-MARK-MASQ\n"
            n += 2
            if (s % 5 == 0) {
                nat = nat ":KUBE-EXT-" h " - [0:0]\n"
                natr = natr "-A KUBE-NODEPORTS -p tcp -m comment --comment \"" svc "\" -m tcp --dport " (30000 + s % 2700) " -j KUBE-EXT-" h "\n"
                natr = natr "-A KUBE-EXT-" h " -m comment --comment \"masquerade traffic for " svc " external destinations\" -j KUBE-MARK-MASQ\n"
                natr = natr "-A KUBE-EXT-" h " -j KUBE-SVC-" h "\n"
                n += 3
            }
            eps = 1 + s % 3
            for (e = 0; e < eps; e++) {
                sep = hash(s, 100 + e)
                epip = ip("192.0.2", s * 3 + e)
                nat = nat ":KUBE-SEP-" sep " - [0:0]\n"
                if (e < eps - 1)
                    natr = natr "-A KUBE-SVC-" h " -m comment --comment \"" svc " -> " epip ":8080\" -m statistic --mode random --probability " sprintf("%.11f", 1 / (eps - e)) " -j KUBE-SEP-" sep "\n"
                else
                    natr = natr "-A KUBE-SVC-" h " -m comment --comment \"" svc " -> " epip ":8080\" -j KUBE-SEP-" sep "\n"
                natr = natr "-A KUBE-SEP-" sep " -s " epip "/32 -m comment --comment \"" svc "\" -j KUBE-MARK-MASQ\n"
                natr = natr "-A KUBE-SEP-" sep " -p tcp -m comment --comment \"" svc "\" -m tcp -j DNAT --to-destination " epip ":8080\n"
                n += 3
            }
        }
        natr = natr "-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n"
        printf "%s%sCOMMIT\n%s%sCOMMIT\n", nat, natr, filt, filtr
    }'
}

# gen_nft N — an nft table of its own with a set of about N/20 addresses.
gen_nft() {
    awk -v want="$1" 'BEGIN {
        k = int(want / 20); if (k < 1) k = 1
        printf "table inet bench {\n\tset banned {\n\t\ttype ipv4_addr\n\t\telements = { "
        for (i = 0; i < k; i++)
            printf "%s%d.%d.%d.%d", i ? ", " : "", i % 2 ? 198 : 203, i % 2 ? 51 : 0, i % 2 ? 100 : 113, i % 254 + 1 + (i >= 508 ? 0 : 0)
        printf " }\n\t}\n\tchain input {\n\t\ttype filter hook input priority filter + 10; policy accept;\n"
        printf "\t\tip saddr @banned tcp dport 22 drop\n\t}\n}\n"
    }'
}

# time_in NS CMD... — CMD's wall time in ms, measured inside NS (stdout to
# $SDT_TMP/last.out, stderr to $SDT_TMP/last.err).
time_in() {
    local ns=$1; shift
    sdt_in "$ns" bash -c 't0=$(date +%s%N); "$@" >"$OUT" 2>"$ERR" </dev/null; t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000000 ))' timer "$@"
}
export OUT ERR

fmt_s() { awk -v ms="$1" 'BEGIN { printf "%.3f", ms / 1000 }'; }

echo "ssh-doctor: $SSH_DOCTOR"
echo "runs per size and tool: $RUNS"
echo

ROWS=()
IFS=, read -r -a SIZE_LIST <<<"$SIZES"
for size in "${SIZE_LIST[@]}"; do
    sdt_ns_add "fw$size"
    NS="${SDT_P}fw$size"
    OUT="$SDT_TMP/last.out"; ERR="$SDT_TMP/last.err"
    gen_rules "$size" >"$SDT_TMP/rules-$size" || sdt_die "generating $size rules"
    gen_nft "$size" >"$SDT_TMP/nft-$size" || sdt_die "generating the nft set"
    sdt_in "$NS" iptables-restore "$SDT_TMP/rules-$size" || sdt_die "iptables-restore of $size rules"
    sdt_in "$NS" nft -f "$SDT_TMP/nft-$size" || sdt_die "nft -f of the set"
    loaded=$(sdt_in "$NS" iptables-save | grep -c '^-A ')
    step=() ipt=() leg=() ip6=() nj=() nl=() total=()
    verdict="?"
    for ((r = 1; r <= RUNS; r++)); do
        total+=("$(time_in "$NS" timeout -k 5 300 "$SSH_DOCTOR" --side server --json --no-capture)")
        step+=("$(jq -r '[.steps[] | select(.id == "firewall") | .duration_ms][0] // "?"' "$OUT" 2>/dev/null || echo "?")")
        verdict=$(jq -r '[.steps[] | select(.id == "firewall") | .status][0] // "?"' "$OUT" 2>/dev/null || echo "?")
        ipt+=("$(time_in "$NS" iptables-save)")
        leg+=("$(time_in "$NS" iptables-legacy-save)")
        ip6+=("$(time_in "$NS" ip6tables-save)")
        nj+=("$(time_in "$NS" nft -j list ruleset)")
        nl+=("$(time_in "$NS" nft list ruleset)")
        printf '.' >&2
    done
    case " ${step[*]} " in *" ? "*) ms="?" ;; *) ms=$(sdt_median "${step[@]}") ;; esac
    mi=$(sdt_median "${ipt[@]}"); ml=$(sdt_median "${leg[@]}"); m6=$(sdt_median "${ip6[@]}")
    mj=$(sdt_median "${nj[@]}"); mn=$(sdt_median "${nl[@]}"); mt=$(sdt_median "${total[@]}")
    ratio=$(awk -v a="$ms" -v b="$mi" 'BEGIN { if (a != "?" && b > 0) printf "%.2f", a / b; else print "-" }')
    # the step's milliseconds per 1,000 rules more than the size before
    per=$(awk -v a="$ms" -v n="$loaded" -v pa="${prev_ms:-}" -v pn="${prev_n:-}" \
        'BEGIN { if (a != "?" && pa != "" && pa != "?" && n > pn) printf "%.1f", (a - pa) * 1000 / (n - pn); else print "-" }')
    prev_ms=$ms prev_n=$loaded
    ROWS+=("$loaded|$ms|$mi|$ml|$m6|$mj|$mn|$ratio|$per|$mt|$verdict")
    ip netns del "$NS" 2>/dev/null
done
echo >&2

printf '%7s %10s %12s %14s %13s %10s %10s %11s %10s %10s %s\n' \
    rules "fw step" iptables-save legacy-save ip6tables-save "nft -j" "nft list" "step/ipt" "ms/1k" "whole run" "step status"
for row in "${ROWS[@]}"; do
    IFS='|' read -r n s i l s6 j ln ratio per t v <<<"$row"
    printf '%7s %10s %12s %14s %13s %10s %10s %11s %10s %10s %s\n' "$n" "$(fmt_s "$s")" "$(fmt_s "$i")" \
        "$(fmt_s "$l")" "$(fmt_s "$s6")" "$(fmt_s "$j")" "$(fmt_s "$ln")" "$ratio" "$per" "$(fmt_s "$t")" "$v"
done
echo
echo "(seconds, medians of $RUNS runs inside the namespace; step/ipt: the firewall step over"
echo " iptables-save, the fastest reader that sees the tables fully; target 1.5 or less;"
echo " ms/1k: the step's milliseconds per 1,000 rules more than the size above, flat when it is linear)"
exit 0

#!/bin/bash
# SPDX-License-Identifier: MIT
# Differential test diff.firewall: the firewall evaluator against the
# kernel, on generated iptables and nft rule sets (tests/diff/diff-firewall.c).
# One pair of namespaces serves every rule set: the server (192.0.2.2,
# 2001:db8::2; listeners on 22 and 2222, started by the program) and the
# client, which holds several source addresses in 192.0.2.0/24 and
# 2001:db8::/64 and no default route. The server sends ICMP errors without
# a rate limit, so each rejected SYN gets its answer.
#
# Environment: DIFF_FIREWALL (the built program), DIFF_SETS (default 1000),
# DIFF_SECONDS (default 80: no rule set is loaded after that; the run ends
# within about 90 s, some 250 rule sets and 4,500 comparisons on a lightly
# loaded machine; 0 runs every set), DIFF_SEED (default: a new one each
# run, printed), SDT_KEEP=1 keeps the disagreements found in the scratch
# folder. The closing lines say how many comparisons ran and how many
# disagreed; an uncertain answer is counted apart, never as agreement.
. "$(dirname "$0")/../scenarios/lib.sh" || exit 1
SDT_SCENARIO=diff.firewall
sdt_begin iptables-restore ip6tables-restore nft
[ -x "${DIFF_FIREWALL:-}" ] || { echo "FAIL: DIFF_FIREWALL is not an executable"; exit 1; }

topo_direct
for a in 192.0.2.9 192.0.2.70 192.0.2.130 192.0.2.201 192.0.2.254; do
    ip -n "$CLI" addr add "$a/24" dev "$CLI_IF" || sdt_die "client address $a"
done
for a in 2001:db8::99 2001:db8::8001; do
    ip -n "$CLI" addr add "$a/64" dev "$CLI_IF" nodad || sdt_die "client address $a"
done
# static neighbours: a rule set that drops ICMPv6 would otherwise stop
# neighbour discovery, and with it every IPv6 SYN, whatever it says of them
srv_mac=$(ip -n "$SRV" -br link show "$SRV_IF" | awk '{print $3}')
cli_mac=$(ip -n "$CLI" -br link show "$CLI_IF" | awk '{print $3}')
ip -n "$CLI" neigh replace 2001:db8::2 lladdr "$srv_mac" dev "$CLI_IF" nud permanent || sdt_die "neighbour"
for a in 2001:db8::1 2001:db8::99 2001:db8::8001; do
    ip -n "$SRV" neigh replace "$a" lladdr "$cli_mac" dev "$SRV_IF" nud permanent || sdt_die "neighbour $a"
done
sdt_in "$SRV" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 || sdt_die "icmp rate limit"
# What is compared is the fate of the client's SYN. The client never sends
# the handshake's last ACK (nor anything after it but the RST that closes
# the attempt), so a rule the server applies to later packets of the
# connection (! --syn, ESTABLISHED) cannot turn an answered SYN into a
# reset or an ICMP error.
sdt_in "$CLI" nft -f - <<'EOF' || sdt_die "the client's rule that holds back the handshake's last ACK"
table inet diffcli {
    chain out {
        type filter hook output priority 0; policy accept;
        tcp dport { 22, 2222 } tcp flags & (syn | rst) == 0 drop
    }
}
EOF
# The legacy back end stays empty all along: every rule set goes through
# iptables-nft or nft, and 'nft flush ruleset' clears both between sets.
for save in iptables-legacy-save ip6tables-legacy-save; do
    command -v "$save" >/dev/null 2>&1 || continue
    [ -z "$(sdt_in "$SRV" "$save" | grep -v '^#')" ] || sdt_die "$save lists tables in a new namespace"
done
ipset=()
if command -v ipset >/dev/null 2>&1; then
    sdt_in "$SRV" ipset create diff4 hash:net family inet && sdt_in "$SRV" ipset add diff4 192.0.2.0/26 &&
    sdt_in "$SRV" ipset create diff6 hash:net family inet6 && sdt_in "$SRV" ipset add diff6 2001:db8::/120 &&
    ipset=(--ipset)
fi
seed=${DIFF_SEED:-$(( $(date +%s) % 1000000 ))}
t0=$(date +%s)
sdt_in "$CLI" "$DIFF_FIREWALL" --srv "$SRV" --seed "$seed" --sets "${DIFF_SETS:-1000}" "${ipset[@]}" \
    --max-seconds "${DIFF_SECONDS:-80}" --save "$SDT_TMP/disagreements"
rc=$?
echo "diff.firewall: $(( $(date +%s) - t0 )) s"
if [ $rc != 0 ]; then
    echo "FAIL: diff.firewall: the evaluator and the kernel disagree (seed $seed); with SDT_KEEP=1 the cases are kept in the scratch folder's disagreements/: check each with \"$DIFF_FIREWALL --replay FILE\" and copy it into tests/fixtures/server/firewall/diff/ as a regression fixture"
    exit 1
fi
echo "PASS: diff.firewall"

#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario dns_nxdomain: the client's resolver asks a DNS server in the
# server namespace (dnsmasq, local for .test), which answers NXDOMAIN for
# ghost.test. The name is not in the client's /etc/hosts.
# Expected: verdict dns_failure, exit 1.
#   CLI 192.0.2.1 (resolv.conf: nameserver 192.0.2.2)
#     ==== SRV 192.0.2.2 (dnsmasq :53, knows dns-srv.test only; sshd :22)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen dnsmasq getent jq

topo_direct
sshd_start "$SRV" 22
sdt_resolv c "$SRV_ADDR"
# No upstream, no hosts file: answers dns-srv.test, NXDOMAIN for the rest of
# .test (--local), nothing is ever forwarded.
sdt_bg dnsmasq "$SRV" dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv \
    --no-hosts --no-poll --bind-interfaces --listen-address="$SRV_ADDR" --port=53 \
    --local=/test/ --host-record="dns-srv.test,$SRV_ADDR" --pid-file= --user=root \
    --log-queries --log-facility=-
sdt_wait_listen "$SRV" 53 "$SDT_LAST_PID" udp

# The resolver really asks our dnsmasq: one name resolves through it...
out=$(sdt_in "$CLI" timeout 5 getent ahostsv4 dns-srv.test) \
    || sdt_die "dns-srv.test does not resolve through the test DNS server"
sdt_log "wire: getent dns-srv.test: $(head -n 1 <<<"$out")"
# ...and the one the scenario uses does not (getent: 2 = not found).
sdt_in "$CLI" timeout 5 getent ahostsv4 ghost.test >/dev/null
rc=$?
[ "$rc" = 2 ] || sdt_die "getent ghost.test: expected status 2 (not found), got $rc"
grep -q 'ghost.test' "$SDT_TMP/dnsmasq.log" || sdt_die "dnsmasq saw no query for ghost.test"
sdt_log "wire: getent ghost.test: not found (NXDOMAIN from dnsmasq)"

run_doctor "$CLI" ghost.test
assert_client_report 22
assert_cause dns_failure
assert_exit 1
assert_json '(.target.addresses // []) | length == 0' 'no addresses for ghost.test'
sdt_finish

#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario dns_no_server: the client's resolv.conf names 192.0.2.53, an
# address on its link that nobody has: no DNS answer ever comes. The name is
# not in the client's /etc/hosts.
# Expected: verdict dns_failure, exit 1, within seconds.
#   CLI 192.0.2.1 (resolv.conf: nameserver 192.0.2.53, timeout:1 attempts:1)
#     ==== SRV 192.0.2.2 (sshd :22)                   192.0.2.53: nobody
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen getent jq

topo_direct
sshd_start "$SRV" 22
sdt_resolv c 192.0.2.53

sdt_in "$CLI" timeout 10 getent ahostsv4 ghost.test >/dev/null
rc=$?
[ "$rc" = 2 ] || sdt_die "getent ghost.test: expected status 2 (not found), got $rc"
sdt_log "wire: getent ghost.test: no answer from 192.0.2.53"

run_doctor "$CLI" ghost.test
assert_client_report 22
assert_cause dns_failure
assert_exit 1
assert_json '(.target.addresses // []) | length == 0' 'no addresses for ghost.test'
assert_max_ms 30000
sdt_finish

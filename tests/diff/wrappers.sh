#!/bin/bash
# SPDX-License-Identifier: MIT
# Differential test diff.wrappers: the TCP wrappers evaluator against
# Debian's tcpdmatch (libwrap's hosts_access) on generated hosts.allow and
# hosts.deny files (tests/diff/diff-wrappers.c). It runs in a network
# namespace of its own whose /etc/hosts names the test clients and whose
# resolver points into the test net, so every lookup stays on this machine.
#
# Environment: DIFF_WRAPPERS (the built program), DIFF_CASES (default 400),
# DIFF_SEED (default: a new one each run, printed), SDT_KEEP=1 keeps the
# disagreements found in the scratch folder.
. "$(dirname "$0")/../scenarios/lib.sh" || exit 1
SDT_SCENARIO=diff.wrappers
sdt_begin
command -v tcpdmatch >/dev/null 2>&1 || sdt_skip "tcpdmatch is not installed (Debian package tcpd)"
[ -x "${DIFF_WRAPPERS:-}" ] || { echo "FAIL: DIFF_WRAPPERS is not an executable"; exit 1; }

sdt_ns_add w
NS="${SDT_P}w"
sdt_hosts_add w "192.0.2.5	good.example.test"
sdt_hosts_add w "198.51.100.7	host7.example.org"
mkdir -p "$SDT_TMP/work"
seed=${DIFF_SEED:-$(( $(date +%s) % 1000000 ))}
sdt_in "$NS" "$DIFF_WRAPPERS" --tcpdmatch "$(command -v tcpdmatch)" --dir "$SDT_TMP/work" \
    --seed "$seed" --cases "${DIFF_CASES:-400}" --save "$SDT_TMP/disagreements"
rc=$?
if [ $rc != 0 ]; then
    echo "FAIL: diff.wrappers: the evaluator and tcpdmatch disagree (seed $seed); with SDT_KEEP=1 the cases are kept in the scratch folder's disagreements/: copy each into tests/fixtures/server/hosts-access/diff/ as a regression fixture"
    exit 1
fi
echo "PASS: diff.wrappers"

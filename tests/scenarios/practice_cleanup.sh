#!/bin/bash
# SPDX-License-Identifier: MIT
# The practice lab removes what it made, and only that: after a normal
# exit, after SIGTERM in the middle of a walk (exit 143), after Ctrl-C and a
# crash (SIGSEGV), and after SIGKILL
# (the sandbox stays until the next start, which removes it and says so).
# Two sandboxes at once do not collide. Each time: no namespace, /etc/netns
# entry, state folder or process of the sandbox remains, and the host's
# rule sets and /etc are unchanged.
. "$(dirname "$0")/lib.sh" || exit 1
. "$(dirname "$0")/lib-practice.sh" || exit 1
sdt_begin sshd ssh ssh-keygen iptables nft jq
sdt_need_doctor
practice_host_snapshot "$SDT_TMP/host-before.txt"

# always run in the background: exec keeps $! the pid of ssh-doctor itself
lab() { exec "$SSH_DOCTOR" --practice "$@" </dev/null; }

# 1. normal exit
lab wrong_port --batch >"$SDT_TMP/normal.txt" 2>&1 &
pid=$!
wait "$pid"
SDT_RC=$?
assert_exit 0
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(grep -c '^VERDICT: wrong_port' "$SDT_TMP/normal.txt")" = 2 ]; then
    sdt_pass "the transcript shows the verdict wrong_port from both sides"
else
    sdt_fail "expected VERDICT: wrong_port twice in the transcript"; tail -n 30 "$SDT_TMP/normal.txt"
fi
assert_sandbox_gone "$pid"

# 2. SIGTERM while a diagnosis runs in the client's namespace
lab tcp_wrappers --batch >"$SDT_TMP/term.txt" 2>&1 &
pid=$!
practice_wait_staged "$pid" || sdt_fail "the sandbox of pid $pid was not staged within 20 s"
for ((i = 0; i < 100; i++)); do grep -q '=== From the client' "$SDT_TMP/term.txt" && break; sleep 0.1; done
sleep 0.3
kill -TERM "$pid"
wait "$pid"
SDT_RC=$?
assert_exit 143
assert_sandbox_gone "$pid"

# 2b. Ctrl-C (SIGINT) and a crash (SIGSEGV) in the middle of a walk: the
# sandbox goes too (a crash hands it to a fresh copy of the program)
for sig in INT SEGV; do
    lab tcp_wrappers --batch >"$SDT_TMP/sig-$sig.txt" 2>&1 &
    pid=$!
    practice_wait_staged "$pid" || sdt_fail "the sandbox of pid $pid was not staged within 20 s"
    for ((i = 0; i < 100; i++)); do grep -q '=== From the client' "$SDT_TMP/sig-$sig.txt" && break; sleep 0.1; done
    sleep 0.3
    kill -"$sig" "$pid"
    wait "$pid" 2>/dev/null
    # a crash's hand-over runs on after the crashed process is gone
    for ((i = 0; i < 100; i++)); do
        ip netns list | grep -q "^sdl${pid}[crs]" || break
        sleep 0.1
    done
    assert_sandbox_gone "$pid"
done

# 3. SIGKILL: the sandbox stays; the next start removes it, and says so
lab connection_limit --batch >"$SDT_TMP/kill.txt" 2>&1 &
pid=$!
practice_wait_staged "$pid" || sdt_fail "the sandbox of pid $pid was not staged within 20 s"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
SDT_CHECKS=$((SDT_CHECKS + 1))
if ip netns list | grep -q "^sdl${pid}s"; then
    sdt_pass "after SIGKILL the sandbox sdl$pid is still there (nobody could remove it)"
else
    sdt_fail "after SIGKILL the sandbox sdl$pid was expected to remain until the next start"
fi
lab sshd_stopped --batch >"$SDT_TMP/next.txt" 2>&1 &
next=$!
wait "$next"
SDT_RC=$?
assert_exit 0
SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -q "removed the sandbox sdl$pid: the lab that made it is gone" "$SDT_TMP/next.txt"; then
    sdt_pass "the next start removed the stale sandbox sdl$pid and said so"
else
    sdt_fail "the next start did not say it removed sdl$pid"; head -n 5 "$SDT_TMP/next.txt"
fi
assert_sandbox_gone "$pid"
assert_sandbox_gone "$next"

# 4. two sandboxes at once
lab wrong_port --batch >"$SDT_TMP/two-a.txt" 2>&1 &
a=$!
lab firewall_reject --batch >"$SDT_TMP/two-b.txt" 2>&1 &
b=$!
practice_wait_staged "$a" 20 && practice_wait_staged "$b" 20 &&
    sdt_log "two sandboxes at once: $(ip netns list | grep -c "^sdl\($a\|$b\)") namespaces"
wait "$a"; ra=$?
wait "$b"; rb=$?
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$ra" = 0 ] && [ "$rb" = 0 ] &&
   [ "$(grep -c '^VERDICT: wrong_port' "$SDT_TMP/two-a.txt")" = 2 ] &&
   grep -q '^VERDICT: firewall_reject' "$SDT_TMP/two-b.txt" &&
   grep -q '^VERDICT: local_firewall' "$SDT_TMP/two-b.txt"; then
    sdt_pass "two sandboxes at once: each staged its own fault, each side judged it (exit $ra, $rb)"
else
    sdt_fail "two sandboxes at once: exit $ra and $rb, verdicts $(grep -h '^VERDICT' "$SDT_TMP"/two-*.txt | tr '\n' ' ')"
fi
assert_sandbox_gone "$a"
assert_sandbox_gone "$b"
assert_host_unchanged "$SDT_TMP/host-before.txt"
SDT_REPORT="$SDT_TMP/none.json"
sdt_finish

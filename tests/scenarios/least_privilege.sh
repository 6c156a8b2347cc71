#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario least_privilege: the client side gives up what it needed to open
# its capture and raw sockets. While ssh-doctor waits on a silent port (the
# server's iptables drops the SYNs), /proc/PID/task/*/status of the running
# process is read, every thread of it:
#   - started as root: CapEff and CapPrm all zero, no uid 0 (nobody, or the
#     user sudo names in SUDO_UID/SUDO_GID);
#   - a copy of the binary with `setcap cap_net_raw+ep`, run as nobody:
#     it captures (capture.available true), and then holds no capability;
#   - a fleet (--targets -), started as root: the same, and the causes right;
#   - the wizard (in tmux), started as root: the same at its verdict.
# The server side keeps root (it names the firewall rule, which only root
# may list); run as nobody, it says what only root may read.
#   CLI 192.0.2.1, 2001:db8::1 ==== SRV 192.0.2.2, 2001:db8::2 (sshd :22;
#   iptables drops IPv4 to :22, IPv6 passes)
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh-keygen iptables jq setcap setpriv ps
tui_begin

topo_direct
sshd_start "$SRV" 22
sdt_in "$SRV" iptables -w 10 -A INPUT -p tcp --dport 22 -j DROP || sdt_die "iptables rule"
sdt_need_doctor

# doctor_watch NAME CMD... — runs CMD (ssh-doctor) in the client namespace,
# waits (bounded) until it has a SYN out to the dropped port, and writes every
# thread's Uid, Gid, CapEff and CapPrm to $SDT_TMP/NAME.status; then waits for
# its end (stdout in NAME.out, exit status in DOC_RC).
doctor_watch() {
    local name=$1 pid i t; shift
    ip netns exec "$CLI" "$@" >"$SDT_TMP/$name.out" 2>"$SDT_TMP/$name.err" </dev/null &
    pid=$!
    SDT_PIDS+=("$pid")
    : >"$SDT_TMP/$name.status"
    for ((i = 0; i < 200; i++)); do
        if sdt_in "$CLI" ss -Htn state syn-sent "dst $SRV_ADDR:22" | grep -q .; then
            for t in /proc/"$pid"/task/*; do
                grep -E '^(Uid|Gid|CapEff|CapPrm):' "$t/status" 2>/dev/null | tr '\t' ' '
                echo
            done >"$SDT_TMP/$name.status"
            break
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    for ((i = 0; i < 600; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; sdt_fail "$name: did not end within 60 s"; }
    wait "$pid"
    DOC_RC=$?
    sdt_log "$name: exit status $DOC_RC; while it waited on the dropped port:"
    sed 's/^/    /' "$SDT_TMP/$name.status"
}

# assert_unprivileged NAME UID — every thread seen held no capability, ran
# as UID (all four of real, effective, saved and file system).
assert_unprivileged() {
    local name=$1 uid=$2 f=$SDT_TMP/$1.status threads bad
    SDT_CHECKS=$((SDT_CHECKS + 1))
    threads=$(grep -c '^CapEff:' "$f")
    if [ "$threads" -lt 2 ]; then
        sdt_fail "$name: the process was not seen waiting on the dropped port (threads read: $threads)"
        return
    fi
    bad=$(grep -E '^Cap(Eff|Prm):' "$f" | grep -v ' 0000000000000000$')
    if [ -n "$bad" ]; then
        sdt_fail "$name: capabilities left while waiting: $bad"
    else
        sdt_pass "$name: CapEff and CapPrm zero in all $threads threads"
    fi
    SDT_CHECKS=$((SDT_CHECKS + 1))
    bad=$(grep -E '^(Uid|Gid):' "$f" | grep -vE "^(Uid|Gid): $uid $uid $uid $uid\$")
    if [ -n "$bad" ]; then
        sdt_fail "$name: expected uid and gid $uid in every thread, got: $bad"
    else
        sdt_pass "$name: every thread runs as uid and gid $uid"
    fi
}

# 1. root, one target: nobody, then the user sudo names
doctor_watch root env -u SUDO_UID -u SUDO_GID "$SSH_DOCTOR" --json "$SRV_ADDR"
SDT_REPORT=$SDT_TMP/root.out SDT_RC=$DOC_RC
assert_report_contract
assert_cause firewall_drop
assert_json '.capture.available == true'
assert_json '.capture.outcome == "silence"'
assert_unprivileged root 65534

doctor_watch sudo env SUDO_UID=4242 SUDO_GID=4343 "$SSH_DOCTOR" --json "$SRV_ADDR"
SDT_REPORT=$SDT_TMP/sudo.out SDT_RC=$DOC_RC
assert_report_contract
assert_cause firewall_drop
SDT_CHECKS=$((SDT_CHECKS + 1))
if grep -q '^Uid: 4242 4242 4242 4242$' "$SDT_TMP/sudo.status" &&
   grep -q '^Gid: 4343 4343 4343 4343$' "$SDT_TMP/sudo.status" &&
   ! grep -E '^Cap(Eff|Prm):' "$SDT_TMP/sudo.status" | grep -qv ' 0000000000000000$'; then
    sdt_pass "sudo: the user of SUDO_UID/SUDO_GID (4242/4343), no capability"
else
    sdt_fail "sudo: expected uid 4242, gid 4343 and no capability: $(tr '\n' ' ' <"$SDT_TMP/sudo.status")"
fi

# 2. a copy with the file capability, run as nobody
CAPDIR=$SDT_TMP/cap
mkdir -m 0755 "$CAPDIR" && chmod 0755 "$SDT_TMP" && cp "$SSH_DOCTOR" "$CAPDIR/ssh-doctor" \
    && chmod 0755 "$CAPDIR/ssh-doctor" || sdt_die "copy of the binary"
setcap cap_net_raw+ep "$CAPDIR/ssh-doctor" || sdt_skip "setcap does not work on $CAPDIR (no xattrs?)"
doctor_watch setcap setpriv --reuid=65534 --regid=65534 --clear-groups \
    env HOME=/nonexistent "$CAPDIR/ssh-doctor" --json "$SRV_ADDR"
SDT_REPORT=$SDT_TMP/setcap.out SDT_RC=$DOC_RC
assert_report_contract
assert_cause firewall_drop
assert_json '.capture.available == true'
assert_json '.run.privileges.cap_net_raw == true'
assert_unprivileged setcap 65534

# 3. a fleet, started as root
printf '%s:22\n[%s]:22\n' "$SRV_ADDR" "$SRV_ADDR6" >"$SDT_TMP/targets"
doctor_watch fleet env -u SUDO_UID -u SUDO_GID "$SSH_DOCTOR" --json --targets "$SDT_TMP/targets" -j 2
SDT_CHECKS=$((SDT_CHECKS + 1))
got=$(jq -r '"\(.fleet.given) \(.verdict.cause) \(.capture.available)"' "$SDT_TMP/fleet.out" 2>/dev/null | sort | tr '\n' ',')
if [ "$got" = "$SRV_ADDR:22 firewall_drop true,[$SRV_ADDR6]:22 ok true," ] && [ "$DOC_RC" = 1 ]; then
    sdt_pass "fleet: $got exit 1"
else
    sdt_fail "fleet: expected $SRV_ADDR:22 firewall_drop, [$SRV_ADDR6]:22 ok (captured), exit 1; got $got exit $DOC_RC"
fi
assert_unprivileged fleet 65534

# 4. the server side keeps root: it reads the firewall (root only) and
# names the DROP rule; run as nobody it says what only root may read
SDT_REPORT=$SDT_TMP/server.json
sdt_in "$SRV" timeout -k 5 60 "$SSH_DOCTOR" --json --side server >"$SDT_REPORT" 2>"$SDT_TMP/server.err" </dev/null
SDT_RC=$?
assert_report_contract
assert_cause local_firewall
SDT_REPORT=$SDT_TMP/server-nobody.json
sdt_in "$SRV" setpriv --reuid=65534 --regid=65534 --clear-groups env HOME=/nonexistent \
    timeout -k 5 60 "$SSH_DOCTOR" --json --side server >"$SDT_REPORT" 2>"$SDT_TMP/server-nobody.err" </dev/null
SDT_RC=$?
assert_report_contract
assert_json '.run.privileges.root == false' 'the server side as nobody: not root'
assert_json '[.verdict.unchecked[]] | any(test("this run is not root: the firewall rules"))' \
    'the server side as nobody says what only root may read'

# 5. the wizard (in tmux), started as root: at its verdict, the same
tui_start 80 24 xterm-256color "$CLI"
tui_run "$SRV_ADDR"
tui_walk 'A firewall drops the connection' 60 || sdt_fail "the wizard's verdict firewall_drop did not show within 60 s"
pid=$(tui_doctor_pid)
for t in /proc/"$pid"/task/*; do
    grep -E '^(Uid|Gid|CapEff|CapPrm):' "$t/status" 2>/dev/null | tr '\t' ' '
    echo
done >"$SDT_TMP/wizard.status"
sdt_log "wizard: at its verdict:"
sed 's/^/    /' "$SDT_TMP/wizard.status"
assert_unprivileged wizard 65534
tui_keys q
tui_exit 15
assert_tui_exit 1 "after q on the verdict firewall_drop"
assert_restored
tui_finish

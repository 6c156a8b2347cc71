# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lib.sh — harness of the system tier (ctest "system.NAME.SUITE").
#
# A system test boots a real Debian tree (tree.sh: Debian 12 "bookworm" or 13
# "trixie", cached) under systemd-nspawn, with real systemd, journald,
# ssh.service and ssh.socket, ufw, fail2ban, sshguard and firewalld, stages a
# fault with the system's own tools (systemctl, ufw, fail2ban-client,
# firewall-cmd, iptables...), checks the fault with standard tools from a
# client, then runs ssh-doctor --json inside the container, as an
# administrator would on its console, and asserts on the report.
#
# The container runs in a network namespace this test made ("server"), joined
# by a veth pair to a second one ("client"); addresses are 192.0.2.0/24 and
# 2001:db8::/64 only, with no default route, so nothing leaves them:
#   client 192.0.2.1 ==== server 192.0.2.2 (the booted container)
# The tree is mounted read-only under an overlay whose upper layer lives in
# the test's scratch folder, so every test boots a pristine system and the
# cached tree never changes.
#
# nspawn runs with --register=no --keep-unit: this machine's PID 1 need not be
# systemd. Commands reach the container through nsenter into its PID 1's
# namespaces, with a clean environment.
#
# The generic parts (skipping, CI rules, namespaces, assertions on the JSON
# report) come from the scenario harness, tests/scenarios/lib.sh.
#
# Environment: as for the scenarios, plus
#   SYS_SUITE          bookworm or trixie (set by ctest)
#   SYS_FLAVOUR        a tree flavour of tree.sh (persist), set by the test
#                      before it sources lib.sh; none by default
#   SSHD_SYSTEM_CACHE  where the trees are kept (see tree.sh)

# shellcheck source=../scenarios/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scenarios/lib.sh" || exit 1

SDT_SCENARIO="system.$(basename "${0%.sh}").${SYS_SUITE:-bookworm}"
SYS_SUITE=${SYS_SUITE:-bookworm}
SYS_TREE=""
SYS_ROOT=""         # the overlay the container boots from
SYS_NSPAWN=""       # systemd-nspawn's pid
SYS_LEADER=""       # the container's PID 1, as seen from here
SYS_MOUNTED=0
SYS_CGROUPS=()      # the cgroups made for the container

# sys_begin [PROG...] — root, systemd-nspawn, the tree of $SYS_SUITE, the
# client and server namespaces; then boots the container and waits until
# systemd has finished starting it.
sys_begin() {
    if [ "$(id -u)" != 0 ]; then
        sdt_skip "needs root (systemd-nspawn, network namespaces, overlay mounts)"
    fi
    sdt_need_doctor
    command -v systemd-nspawn >/dev/null 2>&1 ||
        sdt_skip "systemd-nspawn is not installed (Debian package systemd-container)"
    command -v mmdebstrap >/dev/null 2>&1 ||
        sdt_skip "mmdebstrap is not installed (Debian package mmdebstrap)"
    command -v nsenter >/dev/null 2>&1 || sdt_skip "nsenter is not installed (Debian package util-linux)"
    sdt_begin nc jq ssh "$@"
    trap sys_cleanup EXIT
    SYS_TREE=$("$SSHD_SOURCE_DIR/tests/system/tree.sh" "$SYS_SUITE" ${SYS_FLAVOUR:+"$SYS_FLAVOUR"}) ||
        sdt_die "no Debian $SYS_SUITE${SYS_FLAVOUR:+ ($SYS_FLAVOUR)} tree (tests/system/tree.sh failed)"
    topo_direct
    sys_boot
}

# Mounts the overlay and boots it in the server's namespace.
sys_boot() {
    local i t0
    mkdir -p "$SDT_TMP/upper" "$SDT_TMP/work" "$SDT_TMP/root"
    mount -t overlay overlay \
        -o "lowerdir=$SYS_TREE,upperdir=$SDT_TMP/upper,workdir=$SDT_TMP/work" "$SDT_TMP/root" ||
        sdt_die "cannot mount an overlay of $SYS_TREE"
    SYS_MOUNTED=1
    SYS_ROOT="$SDT_TMP/root"
    # Each container gets a cgroup of its own: with --keep-unit nspawn stays
    # in the caller's cgroup, and two containers' systemd sharing one would
    # tear each other's units down (exit status 219/CGROUP).
    local h
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        h=/sys/fs/cgroup
    else
        h="/sys/fs/cgroup/systemd /sys/fs/cgroup/unified"
    fi
    for h in $h; do
        [ -d "$h" ] || continue
        mkdir "$h/$SRV" || sdt_die "cannot make the cgroup $h/$SRV"
        SYS_CGROUPS+=("$h/$SRV")
    done
    sys_start
}

# Boots the container from the mounted overlay (first boot, or again after
# sys_reboot powered it off) and waits until systemd has finished.
sys_start() {
    local i t0
    t0=$(date +%s%N)
    (for h in "${SYS_CGROUPS[@]}"; do echo "$BASHPID" >"$h/cgroup.procs" || exit 1; done
     exec setsid systemd-nspawn --quiet -D "$SYS_ROOT" -b --register=no --keep-unit \
        --machine="$SRV" --hostname=srv --console=passive --capability=CAP_NET_ADMIN \
        --network-namespace-path="/run/netns/$SRV" \
        --bind-ro="$(dirname "$SSH_DOCTOR")":/opt/ssh-doctor \
        </dev/null >"$SDT_TMP/console.log" 2>&1) &
    SYS_NSPAWN=$!
    for ((i = 0; i < 100; i++)); do
        SYS_LEADER=$(ps -o pid= --ppid "$SYS_NSPAWN" 2>/dev/null | head -n 1 | tr -d ' ')
        [ -n "$SYS_LEADER" ] && [ "$(cat "/proc/$SYS_LEADER/comm" 2>/dev/null)" = systemd ] && break
        SYS_LEADER=""
        kill -0 "$SYS_NSPAWN" 2>/dev/null || sdt_die "systemd-nspawn exited: $(tail -n 5 "$SDT_TMP/console.log")"
        sleep 0.1
    done
    [ -n "$SYS_LEADER" ] || sdt_die "the container's systemd did not start within 10 s"
    # systemctl answers once systemd's private socket is there.
    local state
    for ((i = 0; i < 100; i++)); do
        sys_in test -S /run/systemd/private 2>/dev/null && break
        sleep 0.1
    done
    state=$(sys_in timeout 90 systemctl is-system-running --wait 2>&1)
    case "$state" in
    running) ;;
    *) sys_in sh -c 'for u in $(systemctl --failed --no-legend --plain | cut -d" " -f1); do journalctl -b -u "$u" --no-pager | tail -n 8; done' 2>&1
       sdt_die "the container did not boot to a running system: '$state'; failed units: $(sys_in systemctl --failed --no-legend --plain 2>&1 | tr '\n' ' ')" ;;
    esac
    sdt_log "booted Debian $SYS_SUITE in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
}

# sys_reboot — powers the container off (systemd's own shutdown, on
# SIGTERM to nspawn) and boots it again on the same overlay: what a fix
# left on disk is what the new boot finds.
sys_reboot() {
    local i
    sdt_log "reboot: powering the container off"
    kill -TERM "$SYS_NSPAWN" 2>/dev/null
    for ((i = 0; i < 300; i++)); do
        kill -0 "$SYS_NSPAWN" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$SYS_NSPAWN" 2>/dev/null && sdt_die "the container did not power off within 30 s"
    wait "$SYS_NSPAWN" 2>/dev/null
    SYS_NSPAWN=""
    SYS_LEADER=""
    sys_start
}

# sys_in CMD... — runs CMD inside the container (its namespaces and root),
# with a clean environment.
sys_in() {
    nsenter -t "$SYS_LEADER" -m -u -i -n -p -C -r -w -- \
        /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb "$@"
}

# sys_must CMD... — sys_in that dies (a setup error) when CMD fails.
sys_must() {
    local out
    out=$(sys_in "$@" 2>&1) || sdt_die "in the container: '$*' failed: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
    [ -n "$out" ] && sdt_log "setup: $* -> $(head -c 300 <<<"$out" | tr '\n' ' ')"
    return 0
}

# sys_write PATH — writes standard input to PATH inside the container.
sys_write() {
    sys_in sh -c 'cat > "$1"' sh "$1" || sdt_die "cannot write $1 in the container"
}

# sys_wait_active UNIT — waits (at most 30 s) until UNIT is active.
sys_wait_active() {
    local i
    for ((i = 0; i < 300; i++)); do
        [ "$(sys_in systemctl is-active "$1" 2>/dev/null)" = active ] && return 0
        sleep 0.1
    done
    sdt_die "$1 is not active after 30 s: $(sys_in systemctl status --no-pager "$1" 2>&1 | tail -n 5 | tr '\n' ' ')"
}

# What could change while ssh-doctor runs: /etc, the rule sets, the
# listeners, the units that matter, fail2ban's bans.
sys_state() {
    sys_in sh -c 'cd /etc && find . -type f -print0 | sort -z | xargs -0 md5sum' 2>&1
    sys_in nft list ruleset 2>&1 | sed -e 's/counter packets [0-9]* bytes [0-9]*/counter/' \
        -e 's/ expires [0-9hms.]*//'
    sys_in iptables-legacy-save 2>/dev/null | sed -e '/^#/d' -e 's/\[[0-9]*:[0-9]*\]//'
    sys_in ss -Htln 2>&1 | awk '{print $4}' | sort
    sys_in systemctl show -p Id,ActiveState,UnitFileState ssh.service ssh.socket \
        ufw.service fail2ban.service firewalld.service sshguard.service 2>&1
}

# sys_doctor [ARGS...] — runs ssh-doctor --json --side server inside the
# container (as $SYS_AS_USER when set, else root) and checks that it
# changed nothing.
sys_doctor() {
    local t0 t1 as=()
    [ -n "${SYS_AS_USER:-}" ] && as=(runuser -u "$SYS_AS_USER" --)
    SDT_REPORT="$SDT_TMP/report.json"
    sys_state >"$SDT_TMP/state-before.txt"
    sdt_log "run: ssh-doctor --json --side server $*"
    t0=$(date +%s%N)
    sys_in "${as[@]}" timeout -k 5 90 /opt/ssh-doctor/ssh-doctor --json --side server "$@" \
        >"$SDT_REPORT" 2>"$SDT_TMP/doctor.stderr" </dev/null
    SDT_RC=$?
    t1=$(date +%s%N)
    SDT_MS=$(( (t1 - t0) / 1000000 ))
    sdt_log "ssh-doctor exited $SDT_RC after ${SDT_MS} ms"
    [ "$SDT_RC" = 124 ] || [ "$SDT_RC" = 137 ] && sdt_fail "ssh-doctor did not finish within 90 s"
    assert_report_contract
    sys_state >"$SDT_TMP/state-after.txt"
    assert_server_report "${SYS_PORT:-22}"
}

# assert_confidence WORD — verdict.confidence.
assert_confidence() {
    assert_json ".verdict.confidence == \"$1\"" "verdict.confidence $1"
}

# assert_fix_has TEXT — the verdict's fix command contains TEXT (fixed string).
assert_fix_has() {
    local got
    SDT_CHECKS=$((SDT_CHECKS + 1))
    got=$(sdt_jq '.verdict.fix_command // ""')
    if [[ "$got" == *"$1"* ]]; then
        sdt_pass "fix command has '$1'"
    else
        sdt_fail "fix command: expected it to contain '$1', got '$got'"
    fi
}

# assert_fix_lacks TEXT — the verdict's fix command does not contain TEXT.
assert_fix_lacks() {
    local got
    SDT_CHECKS=$((SDT_CHECKS + 1))
    got=$(sdt_jq '.verdict.fix_command // ""')
    if [[ "$got" != *"$1"* ]]; then
        sdt_pass "fix command has no '$1'"
    else
        sdt_fail "fix command: expected no '$1', got '$got'"
    fi
}

# assert_step ID STATUS — a step's status.
assert_step() {
    assert_json ".steps[] | select(.id == \"$1\") | .status == \"$2\"" "step $1 is $2"
}

# assert_evidence_has REGEX — some line of the verdict's evidence or of a
# step's evidence matches REGEX.
assert_evidence_has() {
    assert_json "[.verdict.evidence[]?, .steps[].evidence[]?] | any(test(\"$1\"))" "evidence matching /$1/"
}

# sys_try_fix [ARGS...] — types the verdict's fix command at the server's
# console, as the person would (as root: a leading "sudo" of each command
# is dropped, the container has none), then checks that it fixed it: a
# client gets the server's identification on port ${SYS_PORT:-22}, and
# ssh-doctor (with ARGS) now says ok.
sys_try_fix() {
    local cmd out rc banner
    cmd=$(sdt_jq '.verdict.fix_command // ""')
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ -z "$cmd" ]; then
        sdt_fail "the verdict has no fix command to try"
        return
    fi
    cmd=$(sed -E 's/(^|&& *|; *)sudo /\1/g' <<<"$cmd")
    sdt_log "fix, typed at the console: $cmd"
    out=$(sys_in timeout 60 sh -c "$cmd" 2>&1)
    rc=$?
    if [ $rc != 0 ]; then
        sdt_fail "the fix command failed (exit $rc): $(tail -n 3 <<<"$out" | tr '\n' ' ')"
        return
    fi
    sdt_pass "the fix command ran: $cmd"
    banner=""
    for ((i = 0; i < 30; i++)); do
        banner=$(sdt_in "$CLI" timeout 5 nc -w 2 "$SRV_ADDR" "${SYS_PORT:-22}" </dev/null 2>/dev/null | head -c 64)
        [[ "$banner" == SSH-2.0-* ]] && break
        sleep 0.2
    done
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [[ "$banner" == SSH-2.0-* ]]; then
        sdt_pass "after the fix the client gets \"$(tr -d '\r\n' <<<"$banner")\""
    else
        sdt_fail "after the fix the client still gets no SSH identification on port ${SYS_PORT:-22}"
    fi
    sys_doctor "$@"
    assert_cause ok
}

# sys_client_addr ADDR — gives the client's namespace one more address on
# its link (a second machine on the client's side), for checking that a
# fix let in the client and nobody else.
sys_client_addr() {
    if [[ "$1" == *:* ]]; then
        ip -n "$CLI" addr add "$1/64" dev "$CLI_IF" nodad || sdt_die "cannot add $1 on the client's side"
    else
        ip -n "$CLI" addr add "$1/24" dev "$CLI_IF" || sdt_die "cannot add $1 on the client's side"
    fi
}

# sys_banner_from ADDR — what the server sends on ${SYS_PORT:-22} (at its
# address of ADDR's family) to a client connecting from ADDR (one of the
# client namespace's addresses), within 2 s; empty when it is dropped or
# refused.
sys_banner_from() {
    local to=$SRV_ADDR
    [[ "$1" == *:* ]] && to=$SRV_ADDR6
    sdt_in "$CLI" timeout 5 nc -s "$1" -w 2 "$to" "${SYS_PORT:-22}" </dev/null 2>/dev/null | head -c 64 |
        tr -d '\r\n'
}

# assert_kept_out ADDR — a client at ADDR still gets no SSH identification:
# its connection times out or is refused (the restriction the fix was to
# keep holds for it), which is not the same as a source that could not be
# used at all.
assert_kept_out() {
    local out to=$SRV_ADDR
    [[ "$1" == *:* ]] && to=$SRV_ADDR6
    out=$(sdt_in "$CLI" timeout 5 nc -v -s "$1" -w 2 "$to" "${SYS_PORT:-22}" </dev/null 2>&1 | head -c 300)
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [[ "$out" == *SSH-2.0-* ]]; then
        sdt_fail "$1 was to stay out, but it gets SSH: the fix opened more than the client"
    elif grep -Eq 'timed out|refused|No route to host|unreachable' <<<"$out"; then
        sdt_pass "$1 still gets no SSH identification ($(grep -Eo 'timed out|refused|No route to host|unreachable' <<<"$out" | head -n 1)): the restriction is kept"
    else
        sdt_fail "$1: expected its connection to time out or be refused, got: $(tr '\n' ' ' <<<"${out:-<nothing>}")"
    fi
}

# assert_gets_in ADDR — a client at ADDR gets the SSH identification
# (tried for at most 6 s).
assert_gets_in() {
    local banner i
    for ((i = 0; i < 3; i++)); do
        banner=$(sys_banner_from "$1")
        [[ "$banner" == SSH-2.0-* ]] && break
        sleep 0.2
    done
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [[ "$banner" == SSH-2.0-* ]]; then
        sdt_pass "$1 gets \"$banner\""
    else
        sdt_fail "$1 was to get in, but it gets no SSH identification"
    fi
}

# sys_expect_banner [PORT] — the client gets the server's SSH
# identification on PORT (default ${SYS_PORT:-22}) within about 10 s.
sys_expect_banner() {
    local banner="" i port=${1:-${SYS_PORT:-22}}
    for ((i = 0; i < 30; i++)); do
        banner=$(sdt_in "$CLI" timeout 5 nc -w 2 "$SRV_ADDR" "$port" </dev/null 2>/dev/null | head -c 64)
        [[ "$banner" == SSH-2.0-* ]] && break
        sleep 0.3
    done
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [[ "$banner" == SSH-2.0-* ]]; then
        sdt_pass "the client gets \"$(tr -d '\r\n' <<<"$banner")\" on port $port"
    else
        sdt_fail "the client gets no SSH identification on port $port"
    fi
}

# sys_state_kept — sys_state without the backups a fix leaves next to the
# files it edited (*.ssh-doctor-*): what must be byte-identical after an
# undo.
sys_state_kept() {
    sys_state | grep -v '\.ssh-doctor-'
}

# sys_fix [ARGS...] — runs ssh-doctor --fix --yes --json --side server ARGS
# inside the container, as root at its console; the report must follow the
# schema.
sys_fix() {
    SDT_REPORT="$SDT_TMP/report.json"
    sdt_log "run: ssh-doctor --fix --yes --json --side server $*"
    sys_in timeout -k 5 180 /opt/ssh-doctor/ssh-doctor --fix --yes --json --side server "$@" \
        >"$SDT_REPORT" 2>"$SDT_TMP/doctor.stderr" </dev/null
    SDT_RC=$?
    sdt_log "ssh-doctor --fix exited $SDT_RC: $(tail -n 4 "$SDT_TMP/doctor.stderr" | tr '\n' ' ')"
    assert_report_contract
}

# assert_fixed CAUSE OWNER — the --fix report: the plan was for CAUSE, each
# action applied, one of them owned by OWNER, SSH answers now (exit 0),
# and the client gets the identification.
assert_fixed() {
    assert_exit 0
    assert_json ".fix.before == \"$1\"" "the plan was for $1"
    assert_json '.fix.refused == false and (.fix.actions | length) > 0' 'there was a plan'
    assert_json '[.fix.actions[].result] | all(. == "applied")' 'every action was applied'
    assert_json "[.fix.actions[].owner] | any(. == \"$2\")" "a change made with $2"
    assert_json '[.fix.actions[] | .undo_command] | all(. != null and . != "")' 'each change has its undo'
    assert_json '.fix.after == "ok" and .verdict.cause == "ok"' 'the diagnosis again says ok'
    assert_json '.fix.state | startswith("new")' 'the system is in the new state'
    sys_expect_banner
}

# Stops the container (systemd powers off on SIGTERM to nspawn), kills what
# is left by its pids, unmounts the overlay, then the scenario cleanup.
sys_cleanup() {
    local rc=$? i
    trap - EXIT
    if [ -n "$SYS_NSPAWN" ]; then
        kill -TERM "$SYS_NSPAWN" 2>/dev/null
        for ((i = 0; i < 150; i++)); do
            kill -0 "$SYS_NSPAWN" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$SYS_NSPAWN" 2>/dev/null; then
            sdt_log "the container did not power off within 15 s: killing it"
            [ -n "$SYS_LEADER" ] && kill -KILL "$SYS_LEADER" 2>/dev/null
            kill -KILL "$SYS_NSPAWN" 2>/dev/null
        fi
        wait "$SYS_NSPAWN" 2>/dev/null
    fi
    if [ "$SYS_MOUNTED" = 1 ]; then
        for ((i = 0; i < 20; i++)); do
            umount "$SDT_TMP/root" 2>/dev/null && break
            sleep 0.2
        done
        mountpoint -q "$SDT_TMP/root" && umount -l "$SDT_TMP/root"
    fi
    for h in "${SYS_CGROUPS[@]}"; do
        find "$h" -depth -type d -exec rmdir {} + 2>/dev/null
    done
    (exit "$rc")
    sdt_cleanup
}

# sys_finish — prints the container's console on failure, then sdt_finish.
sys_finish() {
    if [ "$SDT_FAILS" -gt 0 ]; then
        printf -- '--- container journal (last 40 lines) ---\n'
        sys_in journalctl --no-pager -n 40 2>&1
    fi
    sdt_finish
}

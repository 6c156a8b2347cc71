# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lib-practice.sh — what the practice_* scenarios share (sourced after
# lib.sh): a snapshot of the host (its rule sets and /etc) to compare after
# the lab ran, and the checks that a sandbox left nothing behind.

PRACTICE_SCHEMA=${SSHD_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/doc/practice.schema.json

# practice_host_snapshot FILE — the host's rule sets (without counters) and
# its /etc files (name, size, time; /etc/netns left out: other tests' hosts
# come and go there).
practice_host_snapshot() {
    {
        echo '# iptables-save'
        iptables-save 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
        echo '# ip6tables-save'
        ip6tables-save 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]//'
        echo '# nft list ruleset'
        nft list ruleset 2>/dev/null | grep -v 'counter packets'
        echo '# /etc'
        find /etc -path /etc/netns -prune -o -printf '%p %s %T@\n' 2>/dev/null | sort
    } >"$1"
}

# assert_host_unchanged BEFORE — the host looks as it did.
assert_host_unchanged() {
    local after="$SDT_TMP/host-after.txt"
    practice_host_snapshot "$after"
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if diff -q "$1" "$after" >/dev/null; then
        sdt_pass "the host's iptables, ip6tables and nft rule sets and /etc are unchanged"
    else
        sdt_fail "the host changed: $(diff "$1" "$after" | head -n 10 | tr '\n' ' ')"
    fi
}

# assert_sandbox_gone PID — nothing of the lab run with that pid remains:
# no namespace, no /etc/netns entry, no state folder, and no process of
# the lab's in a namespace that no longer has a name.
assert_sandbox_gone() {
    local pid=$1 left="" p ino named host
    left+=$(ip netns list 2>/dev/null | awk -v p="sdl$pid" 'index($1, p) == 1 { printf "netns %s ", $1 }')
    for p in /etc/netns/sdl"$pid"?; do [ -e "$p" ] && left+="$p "; done
    [ -e "/run/ssh-doctor-lab/sdl$pid" ] && left+="/run/ssh-doctor-lab/sdl$pid "
    host=$(stat -L -c %i /proc/1/ns/net 2>/dev/null)
    named=" $(stat -L -c %i /run/netns/* 2>/dev/null | tr '\n' ' ') "
    for p in /proc/[0-9]*; do
        ino=$(stat -L -c %i "$p/ns/net" 2>/dev/null) || continue
        [ "$ino" = "$host" ] && continue
        [[ "$named" == *" $ino "* ]] && continue
        case "$(cat "$p/comm" 2>/dev/null)" in
            sshd|lab-httpd|lab-closer|lab-holder) left+="process ${p#/proc/} ($(cat "$p/comm")) in a namespace without a name " ;;
        esac
    done
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ -z "$left" ]; then
        sdt_pass "nothing of sandbox sdl$pid remains (namespaces, /etc/netns, state, processes)"
    else
        sdt_fail "sandbox sdl$pid left: $left"
    fi
}

# practice_wait_staged PID [SECONDS] — until the lab with that pid has its
# three namespaces and sshd's log (the staging ran).
practice_wait_staged() {
    local pid=$1 secs=${2:-20} i
    for ((i = 0; i < secs * 10; i++)); do
        if ip netns list 2>/dev/null | grep -q "^sdl${pid}s" &&
           [ -e "/run/ssh-doctor-lab/sdl$pid/state" ] && grep -q '^proc ' "/run/ssh-doctor-lab/sdl$pid/state"; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# practice_tmux_start TERM — an 80x24 tmux pane with a clean interactive
# shell on the host (the lab builds its own namespaces) and that TERM; its
# output is kept in $SDT_TMP/raw.out, and the shell is ready on return.
practice_tmux_start() {
    local term=$1
    printf 'set enable-bracketed-paste off\n' >"$SDT_TMP/inputrc"
    tui_tmux new-session -d -s tui -x 80 -y 24 \
        "exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$SDT_TMP INPUTRC=$SDT_TMP/inputrc TERM=$term PS1='$TUI_PROMPT' bash --norc --noprofile -i" \
        || sdt_die "tmux new-session"
    tui_tmux pipe-pane -t tui -o "cat >>$SDT_TMP/raw.out"
    SDT_PIDS+=("$(tui_tmux display-message -p -t tui '#{pid}')")
    tui_tmux set-option -t tui status off >/dev/null
    TUI_TERM=$term
    tui_wait '^tui-ready\$' 5 || sdt_die "the shell in the tmux pane did not start"
}

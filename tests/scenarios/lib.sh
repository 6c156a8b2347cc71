# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# lib.sh — shared harness for the ssh-doctor scenario tests.
#
# Sourced by every tests/scenarios/NAME.sh (ctest "scenario.NAME"). A scenario
# builds small test hosts out of network namespaces joined by veth pairs, runs
# real services in them (OpenSSH sshd, socat listeners, dnsmasq), adds real
# iptables/nftables rules, first checks with standard tools (nc, ssh, getent)
# that the wire behaves as intended, then runs ssh-doctor --json from the
# client namespace and asserts on the JSON report and the exit status.
#
# Network rule: the hosts only ever use 192.0.2.0/24 (TEST-NET-1) and have no
# default route, so nothing can leave the namespaces. Host names live under
# .test and every resolv.conf points into the test net.
#
# Each namespace gets its own /etc through /etc/netns/NAME/ (ip netns exec
# bind-mounts each entry there over /etc/ENTRY): hosts, resolv.conf,
# hosts.allow, hosts.deny and, for servers, ssh/. The real /etc files are
# never written.
#
# Environment:
#   SSH_DOCTOR       path of the built binary (set by ctest)
#   SSHD_SOURCE_DIR  repository root (set by ctest)
#   CI=true          a scenario that cannot run fails instead of skipping
#   SDT_KEEP=1       keep the scratch folder (logs, reports) after the run
#
# Exit status: 0 passed, 1 failed, 77 skipped (never under CI=true).

set -u

SDT_SCENARIO=$(basename "${0%.sh}")
# Unique per run so that scenarios can run side by side under ctest -j.
# Interface names are limited to 15 characters: "sdt" + pid (<= 7) + suffix.
SDT_P="sdt$$"
SDT_NETNS=()        # namespaces this run made
SDT_PIDS=()         # background processes this run started
SDT_TMP=""
SDT_MADE_ETC_NETNS=0
SDT_FAILS=0
SDT_CHECKS=0
SDT_REPORT=""
SDT_RC=""
SDT_MS=""

# --- messages, skipping, failing -------------------------------------------

sdt_log() { printf '%s: %s\n' "$SDT_SCENARIO" "$*"; }

# A scenario that cannot run here is skipped (77) — except under CI, where a
# skip would let a missing prerequisite pass unnoticed.
sdt_skip() {
    if [ "${CI:-}" = "true" ]; then
        printf 'FAIL: %s: cannot run under CI=true: %s\n' "$SDT_SCENARIO" "$*"
        exit 1
    fi
    printf 'SKIP: %s: %s\n' "$SDT_SCENARIO" "$*"
    exit 77
}

# The test setup itself went wrong: not a verdict on ssh-doctor.
sdt_die() {
    printf 'FAIL: %s: setup: %s\n' "$SDT_SCENARIO" "$*"
    sdt_dump_logs
    exit 1
}

# --- prerequisites ----------------------------------------------------------

# Debian package that provides each program the scenarios use.
sdt_pkg_of() {
    case "$1" in
        ip|ss|tc)              echo iproute2 ;;
        sshd)                  echo openssh-server ;;
        ssh|ssh-keygen)        echo openssh-client ;;
        iptables|ip6tables)    echo iptables ;;
        nft)                   echo nftables ;;
        jq)                    echo jq ;;
        socat)                 echo socat ;;
        nc)                    echo netcat-openbsd ;;
        dnsmasq)               echo dnsmasq-base ;;
        tcpdump)               echo tcpdump ;;
        nmap)                  echo nmap ;;
        getent|ldd)            echo libc-bin ;;
        timeout|date|mktemp)   echo coreutils ;;
        setsid|setpriv)        echo util-linux ;;
        setcap)                echo libcap2-bin ;;
        *)                     echo "?" ;;
    esac
}

# sdt_need PROG... — skip (fail under CI) naming every missing program and
# the Debian package that has it.
sdt_need() {
    local p missing=() pkgs=()
    for p in "$@"; do
        if [ "$p" = sshd ]; then
            [ -x /usr/sbin/sshd ] && continue
        elif command -v "$p" >/dev/null 2>&1; then
            continue
        fi
        missing+=("$p")
        pkgs+=("$(sdt_pkg_of "$p")")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        sdt_skip "missing program(s): ${missing[*]} (Debian package(s): ${pkgs[*]})"
    fi
}

# sdt_begin PROG... — common start: root, working ip netns, the programs the
# scenario needs, scratch folder, cleanup trap.
sdt_begin() {
    if [ "$(id -u)" != 0 ]; then
        sdt_skip "needs root (network namespaces, /etc/netns, sshd, firewall rules)"
    fi
    sdt_need ip ss timeout setsid "$@"
    # Check that namespaces really work here (containers may forbid them).
    local probe="${SDT_P}probe"
    if ! ip netns add "$probe" 2>/dev/null; then
        sdt_skip "'ip netns add' does not work here (no CAP_SYS_ADMIN or no netns support)"
    fi
    if ! ip netns exec "$probe" true 2>/dev/null; then
        ip netns del "$probe" 2>/dev/null
        sdt_skip "'ip netns exec' does not work here (mount namespaces refused?)"
    fi
    ip netns del "$probe"

    trap sdt_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    SDT_TMP=$(mktemp -d "/tmp/${SDT_P}-${SDT_SCENARIO}.XXXXXX") || sdt_die "mktemp failed"
    # sshd's privilege separation directory; Debian's service makes it at boot.
    [ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd
}

# sdt_need_doctor — the binary must exist before the report can be judged.
# Checked after the wire checks so that a setup problem shows first.
sdt_need_doctor() {
    if [ -z "${SSH_DOCTOR:-}" ] && [ -n "${SSHD_SOURCE_DIR:-}" ] && [ -x "$SSHD_SOURCE_DIR/build/ssh-doctor" ]; then
        SSH_DOCTOR="$SSHD_SOURCE_DIR/build/ssh-doctor"
    fi
    if [ -z "${SSH_DOCTOR:-}" ] || [ ! -x "$SSH_DOCTOR" ]; then
        printf 'FAIL: %s: SSH_DOCTOR is not an executable (%s)\n' "$SDT_SCENARIO" "${SSH_DOCTOR:-unset}"
        exit 1
    fi
    SSH_DOCTOR=$(readlink -f "$SSH_DOCTOR")
}

# --- cleanup ----------------------------------------------------------------

# Stops every process this run started (by its own PID and process group,
# never by name), then removes the namespaces and their /etc/netns folders.
# Runs on EXIT, so also when a scenario fails half-way.
sdt_cleanup() {
    local rc=$? pid ns i
    trap - EXIT INT TERM
    for pid in "${SDT_PIDS[@]}"; do
        # Each was started with setsid: its group holds its children too
        # (sshd's per-connection children, socat's forks).
        kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${SDT_PIDS[@]}"; do
        for ((i = 0; i < 20; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL -- "-$pid" 2>/dev/null
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    for ns in "${SDT_NETNS[@]}"; do
        # Safety net: anything still inside a namespace this run made was
        # started by this run; a live process would keep the namespace alive.
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            kill -KILL "$pid" 2>/dev/null
        done
        ip netns del "$ns" 2>/dev/null
        case "$ns" in sdt*) rm -rf "/etc/netns/$ns" ;; esac
    done
    if [ "$SDT_MADE_ETC_NETNS" = 1 ]; then
        rmdir /etc/netns 2>/dev/null
    fi
    if [ -n "$SDT_TMP" ] && [ -d "$SDT_TMP" ]; then
        if [ "${SDT_KEEP:-0}" = 1 ]; then
            sdt_log "kept $SDT_TMP"
        else
            rm -rf "$SDT_TMP"
        fi
    fi
    exit "$rc"
}

# Print the logs of every background service; used when something failed.
sdt_dump_logs() {
    local f
    [ -n "$SDT_TMP" ] && [ -d "$SDT_TMP" ] || return 0
    for f in "$SDT_TMP"/*.log; do
        [ -s "$f" ] || continue
        printf -- '--- %s (last 30 lines) ---\n' "$(basename "$f")"
        tail -n 30 "$f"
    done
}

# --- hosts ------------------------------------------------------------------

# sdt_ns_add ROLE — make namespace ${SDT_P}ROLE with loopback up and its own
# /etc folder; prints nothing, sets no variables (callers name it themselves).
sdt_ns_add() {
    local ns="${SDT_P}$1" etc
    if [ ! -d /etc/netns ]; then
        mkdir /etc/netns 2>/dev/null && SDT_MADE_ETC_NETNS=1
    fi
    etc="/etc/netns/$ns"
    mkdir -p "$etc" || sdt_die "cannot make $etc"
    SDT_NETNS+=("$ns")
    ip netns add "$ns" || sdt_die "ip netns add $ns"
    ip -n "$ns" link set lo up || sdt_die "loopback up in $ns"
    # Files bind-mounted over /etc inside the namespace. The targets exist on
    # Debian (ip netns exec can only mount over existing files).
    printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$etc/hosts"
    # A nameserver inside the test net where nothing answers, with short
    # timeouts: a lookup that escapes the hosts file fails fast and stays here.
    printf 'nameserver 192.0.2.53\noptions timeout:1 attempts:1\n' >"$etc/resolv.conf"
    printf '# hosts.allow of test host %s\n' "$ns" >"$etc/hosts.allow"
    printf '# hosts.deny of test host %s\n' "$ns" >"$etc/hosts.deny"
}

# sdt_hosts_add ROLE "ADDR NAME..." — add a line to a namespace's /etc/hosts.
sdt_hosts_add() {
    printf '%s\n' "$2" >>"/etc/netns/${SDT_P}$1/hosts"
}

# sdt_resolv ROLE NAMESERVER — point a namespace's resolver at NAMESERVER.
sdt_resolv() {
    printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$2" >"/etc/netns/${SDT_P}$1/resolv.conf"
}

# sdt_in NS CMD... — run a command inside namespace NS.
sdt_in() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# sdt_median N... — the median of integers (mean of the two middle ones when
# even); the benchmarks in tests/bench/ report it.
sdt_median() {
    local sorted n
    mapfile -t sorted < <(printf '%s\n' "$@" | sort -n)
    n=${#sorted[@]}
    if (( n % 2 )); then
        echo "${sorted[n / 2]}"
    else
        echo $(( (sorted[n / 2 - 1] + sorted[n / 2]) / 2 ))
    fi
}

# topo_direct — client and server on one link:
#   CLI 192.0.2.1/24, 2001:db8::1/64 ===veth=== SRV 192.0.2.2/24, 2001:db8::2/64
# Sets CLI, SRV (namespace names), CLI_IF, SRV_IF, CLI_ADDR, SRV_ADDR,
# CLI_ADDR6, SRV_ADDR6. The hosts files name only the IPv4 addresses.
topo_direct() {
    sdt_ns_add c
    sdt_ns_add s
    CLI="${SDT_P}c"; SRV="${SDT_P}s"
    CLI_IF="${SDT_P}c0"; SRV_IF="${SDT_P}s0"
    CLI_ADDR=192.0.2.1; SRV_ADDR=192.0.2.2
    ip link add "$CLI_IF" netns "$CLI" type veth peer name "$SRV_IF" netns "$SRV" \
        || sdt_die "veth pair"
    ip -n "$CLI" addr add "$CLI_ADDR/24" dev "$CLI_IF" || sdt_die "client address"
    ip -n "$SRV" addr add "$SRV_ADDR/24" dev "$SRV_IF" || sdt_die "server address"
    # nodad: usable at once, no duplicate address detection wait.
    CLI_ADDR6=2001:db8::1; SRV_ADDR6=2001:db8::2
    ip -n "$CLI" addr add "$CLI_ADDR6/64" dev "$CLI_IF" nodad || sdt_die "client IPv6 address"
    ip -n "$SRV" addr add "$SRV_ADDR6/64" dev "$SRV_IF" nodad || sdt_die "server IPv6 address"
    ip -n "$CLI" link set "$CLI_IF" up || sdt_die "client link up"
    ip -n "$SRV" link set "$SRV_IF" up || sdt_die "server link up"
    sdt_hosts_add c "$SRV_ADDR	srv.test srv"
    sdt_hosts_add s "$CLI_ADDR	cli.test cli"
    sdt_wait_link
}

# topo_routed — client, router, server; routes for the two /26 only:
#   CLI 192.0.2.10/26 == RTR 192.0.2.1/26 | 192.0.2.129/26 == SRV 192.0.2.130/26
# Sets CLI, RTR, SRV, CLI_IF, RTR_CIF, RTR_SIF, SRV_IF, CLI_ADDR, SRV_ADDR,
# RTR_CADDR, RTR_SADDR.
topo_routed() {
    sdt_ns_add c
    sdt_ns_add r
    sdt_ns_add s
    CLI="${SDT_P}c"; RTR="${SDT_P}r"; SRV="${SDT_P}s"
    CLI_IF="${SDT_P}c0"; RTR_CIF="${SDT_P}rc"; RTR_SIF="${SDT_P}rs"; SRV_IF="${SDT_P}s0"
    CLI_ADDR=192.0.2.10; RTR_CADDR=192.0.2.1; RTR_SADDR=192.0.2.129; SRV_ADDR=192.0.2.130
    ip link add "$CLI_IF" netns "$CLI" type veth peer name "$RTR_CIF" netns "$RTR" \
        || sdt_die "veth client-router"
    ip link add "$SRV_IF" netns "$SRV" type veth peer name "$RTR_SIF" netns "$RTR" \
        || sdt_die "veth server-router"
    ip -n "$CLI" addr add "$CLI_ADDR/26" dev "$CLI_IF" || sdt_die "client address"
    ip -n "$RTR" addr add "$RTR_CADDR/26" dev "$RTR_CIF" || sdt_die "router address (client side)"
    ip -n "$RTR" addr add "$RTR_SADDR/26" dev "$RTR_SIF" || sdt_die "router address (server side)"
    ip -n "$SRV" addr add "$SRV_ADDR/26" dev "$SRV_IF" || sdt_die "server address"
    local n
    for n in "$CLI:$CLI_IF" "$RTR:$RTR_CIF" "$RTR:$RTR_SIF" "$SRV:$SRV_IF"; do
        ip -n "${n%%:*}" link set "${n#*:}" up || sdt_die "link up ${n#*:}"
    done
    sdt_in "$RTR" sysctl -qw net.ipv4.ip_forward=1 || sdt_die "ip_forward in router"
    # Only the two test subnets, never a default route.
    ip -n "$CLI" route add 192.0.2.128/26 via "$RTR_CADDR" || sdt_die "client route"
    ip -n "$SRV" route add 192.0.2.0/26 via "$RTR_SADDR" || sdt_die "server route"
    sdt_hosts_add c "$SRV_ADDR	srv.test srv"
    sdt_hosts_add s "$CLI_ADDR	cli.test cli"
    sdt_wait_link
}

# topo_fleet K — a lab for many targets at once, K of each client cause.
# The client has one link per server namespace, each in its own /26:
#   SA 192.0.2.0/26    sshd on port 22 (ok)
#   SB 192.0.2.64/26   sshd on port 2222 only (wrong_port)
#   SC 192.0.2.128/26  nothing listens; by port: 22 closed (port_closed),
#                      23 iptables DROP (firewall_drop), 24 REJECT with ICMP
#                      port unreachable (firewall_reject), 25 REJECT with
#                      tcp-reset (firewall_reject); addresses nobody has
#                      (host_unreachable)
#   SD 192.0.2.192/26  an SMTP greeting on port 22 (not_ssh)
# K is at most 25. Writes the targets, one "ADDR:PORT EXPECTED-CAUSE" per
# line, to $SDT_TMP/fleet.expected, and sets CLI.
topo_fleet() {
    local k=$1 i role base addr sub dev
    [ "$k" -ge 1 ] && [ "$k" -le 25 ] || sdt_die "topo_fleet: K must be 1 to 25"
    sdt_ns_add c
    CLI="${SDT_P}c"
    : >"$SDT_TMP/fleet.expected"
    for role in a b c d; do
        sdt_ns_add "s$role"
        case "$role" in a) sub=0 ;; b) sub=64 ;; c) sub=128 ;; d) sub=192 ;; esac
        dev="${SDT_P}s$role"
        ip link add "${SDT_P}c$role" netns "$CLI" type veth peer name "$dev" netns "${SDT_P}s$role" \
            || sdt_die "veth client-s$role"
        ip -n "$CLI" addr add "192.0.2.$((sub + 1))/26" dev "${SDT_P}c$role" || sdt_die "client address s$role"
        ip -n "$CLI" link set "${SDT_P}c$role" up || sdt_die "client link s$role"
        ip -n "${SDT_P}s$role" link set "$dev" up || sdt_die "link s$role"
        for ((i = 0; i < k; i++)); do
            addr="192.0.2.$((sub + 2 + i))"
            ip -n "${SDT_P}s$role" addr add "$addr/26" dev "$dev" || sdt_die "address $addr"
            case "$role" in
            a) echo "$addr:22 ok" ;;
            b) echo "$addr:22 wrong_port" ;;
            c) echo "$addr:22 port_closed"; echo "$addr:23 firewall_drop"
               echo "$addr:24 firewall_reject"; echo "$addr:25 firewall_reject"
               echo "192.0.2.$((sub + 40 + i)):22 host_unreachable" ;;
            d) echo "$addr:22 not_ssh" ;;
            esac >>"$SDT_TMP/fleet.expected"
        done
    done
    local sc="${SDT_P}sc"
    sdt_in "$sc" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=100000 \
        || sdt_die "icmp rate limit"
    sdt_in "$sc" iptables -w 10 -A INPUT -p tcp --dport 23 -j DROP || sdt_die "iptables DROP"
    sdt_in "$sc" iptables -w 10 -A INPUT -p tcp --dport 24 -j REJECT --reject-with icmp-port-unreachable \
        || sdt_die "iptables REJECT icmp"
    sdt_in "$sc" iptables -w 10 -A INPUT -p tcp --dport 25 -j REJECT --reject-with tcp-reset \
        || sdt_die "iptables REJECT tcp-reset"
    # many clients at once: no random refusal of unauthenticated connections
    SSHD_CONFIG=""
    sshd_setup "${SDT_P}sa"
    echo 'MaxStartups 1000' >>"$SSHD_CONFIG"
    sshd_start "${SDT_P}sa" 22
    SSHD_CONFIG=""
    sshd_setup "${SDT_P}sb"
    echo 'MaxStartups 1000' >>"$SSHD_CONFIG"
    sshd_start "${SDT_P}sb" 2222
    listen_greeting "${SDT_P}sd" 22 '220 mail.test ESMTP test-smtpd ready\r\n'
    sdt_wait_link
}

# veth links come up asynchronously; wait (bounded) until every interface of
# our namespaces has left "tentative"/down state so the first probe is sent.
sdt_wait_link() {
    local ns i ok
    for ((i = 0; i < 50; i++)); do
        ok=1
        for ns in "${SDT_NETNS[@]}"; do
            if ip -n "$ns" -o link show type veth 2>/dev/null | grep -q 'state DOWN\|LOWERLAYERDOWN'; then
                ok=0
            fi
        done
        [ "$ok" = 1 ] && return 0
        sleep 0.1
    done
    sdt_die "veth links did not come up within 5 s"
}

# --- services ---------------------------------------------------------------

# sdt_bg NAME NS CMD... — start CMD in namespace NS in the background, in a
# process group of its own, output to $SDT_TMP/NAME.log. Sets SDT_LAST_PID.
sdt_bg() {
    local name=$1 ns=$2; shift 2
    # setsid without fork (a background child is never a group leader), so
    # $! is the service itself; ip netns exec execs the command in place.
    setsid ip netns exec "$ns" "$@" </dev/null >"$SDT_TMP/$name.log" 2>&1 &
    SDT_LAST_PID=$!
    SDT_PIDS+=("$SDT_LAST_PID")
}

# sdt_wait_listen NS PORT PID [PROTO] — wait (at most 5 s) until something
# listens on PORT in NS; fail at once if PID died.
sdt_wait_listen() {
    local ns=$1 port=$2 pid=$3 proto=${4:-tcp} i flag=-Htln
    [ "$proto" = udp ] && flag=-Huln
    for ((i = 0; i < 50; i++)); do
        if [ -n "$(sdt_in "$ns" ss $flag "sport = :$port" 2>/dev/null)" ]; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || sdt_die "service for port $port exited before listening"
        sleep 0.1
    done
    sdt_die "nothing listens on $proto port $port in $ns after 5 s"
}

# sshd_setup NS — make /etc/netns/NS/ssh with a host key and a base config.
# Extra sshd_config lines may be appended to $SSHD_CONFIG before sshd_start.
sshd_setup() {
    local ns=$1 dir="/etc/netns/$1/ssh"
    mkdir -p -m 0755 "$dir" || sdt_die "mkdir $dir"
    ssh-keygen -q -t ed25519 -N '' -C "test host $ns" -f "$dir/ssh_host_ed25519_key" \
        || sdt_die "ssh-keygen"
    SSHD_CONFIG="$dir/sshd_config"
    # A minimal, self-contained config: no Include of the real sshd_config.d,
    # no PAM (no real accounts are touched), keys only.
    cat >"$SSHD_CONFIG" <<'EOF'
# sshd_config of an ssh-doctor test host
HostKey /etc/ssh/ssh_host_ed25519_key
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile none
LogLevel VERBOSE
LoginGraceTime 170
PrintMotd no
EOF
}

# sshd_start NS PORT... — run a real sshd in NS listening on the given
# ports (after sshd_setup; extra config lines go into $SSHD_CONFIG first).
# Sets SSHD_PID.
sshd_start() {
    local ns=$1 port; shift
    [ -n "${SSHD_CONFIG:-}" ] || sshd_setup "$ns"
    for port in "$@"; do
        printf 'Port %s\n' "$port" >>"$SSHD_CONFIG"
    done
    sdt_in "$ns" /usr/sbin/sshd -t -f /etc/ssh/sshd_config -o PidFile=none \
        || sdt_die "sshd -t rejects the test configuration"
    sdt_bg sshd "$ns" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config -o PidFile=none
    SSHD_PID=$SDT_LAST_PID
    for port in "$@"; do
        sdt_wait_listen "$ns" "$port" "$SSHD_PID"
    done
}

# listen_greeting NS PORT TEXT — a non-SSH service that sends TEXT (printf
# escapes allowed) on every connection, then keeps it open for a while the
# way an idle SMTP or FTP server does.
listen_greeting() {
    local ns=$1 port=$2 text=$3
    printf "$text" >"$SDT_TMP/greeting-$port.txt"
    # a backlog for many clients at once (socat's own is 5)
    sdt_bg "greeting-$port" "$ns" socat -T 20 "TCP-LISTEN:$port,reuseaddr,fork,backlog=128" \
        "SYSTEM:cat $SDT_TMP/greeting-$port.txt; sleep 15"
    sdt_wait_listen "$ns" "$port" "$SDT_LAST_PID"
}

# listen_http NS PORT — a web server: waits for the client's first line (an
# SSH client sends its identification string first, RFC 4253 4.2), answers
# "400 Bad Request" and closes, as nginx or Apache do.
listen_http() {
    local ns=$1 port=$2
    cat >"$SDT_TMP/http-$port.sh" <<'EOF'
read -r -t 20 line
printf 'HTTP/1.0 400 Bad Request\r\nServer: test-httpd\r\nContent-Type: text/html\r\nContent-Length: 50\r\nConnection: close\r\n\r\n<html><body><h1>400 Bad Request</h1></body></html>'
EOF
    sdt_bg "http-$port" "$ns" socat -T 20 "TCP-LISTEN:$port,reuseaddr,fork" \
        "SYSTEM:bash $SDT_TMP/http-$port.sh"
    sdt_wait_listen "$ns" "$port" "$SDT_LAST_PID"
}

# listen_close NS PORT — accepts every connection and closes it at once,
# without a byte (an sshd that dies at once, a wrapper that refuses).
listen_close() {
    local ns=$1 port=$2
    sdt_bg "close-$port" "$ns" socat "TCP-LISTEN:$port,reuseaddr,fork" SYSTEM:true
    sdt_wait_listen "$ns" "$port" "$SDT_LAST_PID"
}

# --- wire checks (is the setup right, before ssh-doctor judges it) ----------

# wire_nc NS ADDR PORT REGEX [WAIT] — nc -zv -w WAIT (default 3 s) from NS
# must print something matching REGEX (e.g. "succeeded", "Connection
# refused", "No route to host").
wire_nc() {
    local ns=$1 addr=$2 port=$3 re=$4 wait=${5:-3} out
    out=$(sdt_in "$ns" timeout $((wait + 7)) nc -zv -w "$wait" "$addr" "$port" 2>&1)
    if ! grep -Eq -- "$re" <<<"$out"; then
        sdt_die "nc -zv $addr $port: expected /$re/, got: ${out:-<nothing>}"
    fi
    sdt_log "wire: nc -zv $addr $port: $(tr '\n' ' ' <<<"$out")"
}

# wire_ssh NS ADDR PORT REGEX — the OpenSSH client's verbose output must
# match REGEX (e.g. "Remote protocol version 2.0", "Connection closed").
wire_ssh() {
    local ns=$1 addr=$2 port=$3 re=$4 out
    out=$(sdt_in "$ns" timeout 15 ssh -v -F /dev/null -o BatchMode=yes -o ConnectTimeout=3 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
        -p "$port" "nobody@$addr" true 2>&1)
    if ! grep -Eq -- "$re" <<<"$out"; then
        printf '%s\n' "$out" | tail -n 15 >&2
        sdt_die "ssh -p $port $addr: expected /$re/"
    fi
    sdt_log "wire: ssh -p $port $addr: $(grep -E -- "$re" <<<"$out" | head -n 1)"
}

# wire_banner NS ADDR PORT REGEX [SEND] — the first bytes the server sends
# (after SEND, when given, as a client that speaks first).
wire_banner() {
    local ns=$1 addr=$2 port=$3 re=$4 send=${5:-} out
    out=$(printf '%s' "$send" | sdt_in "$ns" timeout 6 nc -w 3 -q 1 "$addr" "$port" 2>&1 | head -c 300)
    if ! grep -Eq -- "$re" <<<"$out"; then
        sdt_die "banner of $addr:$port: expected /$re/, got: ${out:-<nothing>}"
    fi
    sdt_log "wire: banner of $addr:$port: $(head -n 1 <<<"$out" | tr -d '\r')"
}

# wire_tcpdump NS IF SECONDS FILTER REGEX... -- CMD... — capture in NS on IF
# while CMD runs (at most SECONDS); every REGEX must match one decoded packet.
# tcpdump -v prints a packet on two lines (IP header, then TCP/ICMP); they
# are joined so that a REGEX can tie TTL/TOS to ports and flags.
wire_tcpdump() {
    local ns=$1 ifc=$2 secs=$3 filter=$4 pid out i re res=(); shift 4
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do res+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    local cap="$SDT_TMP/tcpdump-$ifc.txt"
    sdt_in "$ns" timeout "$secs" tcpdump -l -nn -v -i "$ifc" "$filter" >"$cap" 2>"$cap.err" &
    pid=$!
    # tcpdump is ready once it says "listening on".
    for ((i = 0; i < 30; i++)); do
        grep -q 'listening on' "$cap.err" 2>/dev/null && break
        sleep 0.1
    done
    "$@" >/dev/null 2>&1
    sleep 0.3
    kill -INT "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    out=$(sed -e ':a' -e 'N' -e '$!ba' -e 's/\n    / /g' "$cap")
    for re in "${res[@]}"; do
        if ! grep -Eq -- "$re" <<<"$out"; then
            printf '%s\n' "$out" | head -n 20
            sdt_die "capture on $ifc: expected a packet matching /$re/"
        fi
        sdt_log "wire: capture on $ifc: $(grep -E -- "$re" <<<"$out" | head -n 1 | cut -c 17-)"
    done
}

# --- running ssh-doctor and judging its report ------------------------------

# run_doctor NS ARGS... — ssh-doctor --json ARGS inside NS, bounded by a
# timeout. Sets SDT_REPORT (file), SDT_RC (exit status), SDT_MS (duration).
run_doctor() {
    local ns=$1 t0 t1; shift
    sdt_need_doctor
    SDT_REPORT="$SDT_TMP/report.json"
    sdt_log "run: ssh-doctor --json $*"
    t0=$(date +%s%N)
    sdt_in "$ns" timeout -k 5 60 "$SSH_DOCTOR" --json "$@" \
        >"$SDT_REPORT" 2>"$SDT_TMP/doctor.stderr" </dev/null
    SDT_RC=$?
    t1=$(date +%s%N)
    SDT_MS=$(( (t1 - t0) / 1000000 ))
    sdt_log "ssh-doctor exited $SDT_RC after ${SDT_MS} ms"
    if [ "$SDT_RC" = 124 ] || [ "$SDT_RC" = 137 ]; then
        sdt_fail "ssh-doctor did not finish within 60 s"
    fi
    assert_report_contract
}

# assert_report_contract — the JSON contract of the last run: for exit
# status 0, 1 and 3 stdout ($SDT_REPORT) holds exactly one JSON object, valid
# against doc/report.schema.json (tests/tools/validate-report.py); for 2,
# nothing. run_doctor and sys_doctor check every report they make with it.
assert_report_contract() {
    local out rc top
    top=${SSHD_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
    SDT_CHECKS=$((SDT_CHECKS + 1))
    case "$SDT_RC" in
    0|1|3)
        out=$(/usr/bin/python3 "$top/tests/tools/validate-report.py" \
            "$top/doc/report.schema.json" "$SDT_REPORT" 2>&1)
        rc=$?
        if [ "$rc" = 0 ]; then
            sdt_pass "exit $SDT_RC: stdout is one report, valid against doc/report.schema.json"
        elif [ "$rc" = 77 ]; then
            sdt_fail "cannot validate the report: $out"
        else
            sdt_fail "exit $SDT_RC: stdout is not one report valid against doc/report.schema.json: $out"
        fi
        ;;
    2)
        if [ -s "$SDT_REPORT" ]; then
            sdt_fail "exit 2 (usage error): expected nothing on stdout, got $(wc -c <"$SDT_REPORT") bytes"
        else
            sdt_pass "exit 2 (usage error): nothing on stdout"
        fi
        ;;
    *)
        sdt_fail "exit status $SDT_RC is none of the design's (0-3)"
        ;;
    esac
}

sdt_fail() {
    SDT_FAILS=$((SDT_FAILS + 1))
    printf 'FAIL: %s: %s\n' "$SDT_SCENARIO" "$*"
}

sdt_pass() { printf 'ok: %s\n' "$*"; }

# jq on the report; prints "<no report>" when there is none.
sdt_jq() {
    jq -r "$1" "$SDT_REPORT" 2>/dev/null || printf '<no report>'
}

# assert_json 'JQ EXPR' [what] — EXPR must be true on the report.
assert_json() {
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if jq -e "$1" "$SDT_REPORT" >/dev/null 2>&1; then
        sdt_pass "${2:-$1}"
    else
        sdt_fail "expected ${2:-$1} (jq: $1)"
    fi
}

assert_exit() {
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ "$SDT_RC" = "$1" ]; then
        sdt_pass "exit status $1"
    else
        sdt_fail "exit status: expected $1, got $SDT_RC"
    fi
}

assert_cause() {
    local got
    SDT_CHECKS=$((SDT_CHECKS + 1))
    got=$(sdt_jq '.verdict.cause')
    if [ "$got" = "$1" ]; then
        sdt_pass "verdict.cause $1"
    else
        sdt_fail "verdict.cause: expected $1, got $got"
    fi
}

assert_outcome() {
    local got
    SDT_CHECKS=$((SDT_CHECKS + 1))
    got=$(sdt_jq '.capture.outcome')
    if [ "$got" = "$1" ]; then
        sdt_pass "capture.outcome $1"
    else
        sdt_fail "capture.outcome: expected $1, got $got"
    fi
}

# The outcome is judged only when the binary could capture; a report without
# capture must say why (capture.reason).
assert_outcome_if_captured() {
    if [ "$(sdt_jq '.capture.available')" = true ]; then
        assert_outcome "$1"
    else
        sdt_log "note: capture not available ($(sdt_jq '.capture.reason // "no reason given"')); outcome $1 not checked"
    fi
}

# assert_max_ms N — ssh-doctor must have finished within N milliseconds.
assert_max_ms() {
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ "$SDT_MS" -le "$1" ]; then
        sdt_pass "finished in ${SDT_MS} ms (<= $1)"
    else
        sdt_fail "took ${SDT_MS} ms, more than $1"
    fi
}

# assert_client_report PORT — the contract fields every client report has.
assert_client_report() {
    assert_json '.tool == "ssh-doctor"' 'tool "ssh-doctor"'
    assert_json '.side == "client"' 'side "client"'
    assert_json ".target.port == $1" "target.port $1"
    assert_json '(.steps | type) == "array" and (.steps | length) > 0' 'a non-empty steps list'
    assert_json '(.verdict.summary | type) == "string" and (.verdict.summary | length) > 0' 'a verdict summary'
}

# sdt_finish — verdict of the scenario; dump the report when it failed.
sdt_finish() {
    if [ "$SDT_FAILS" -gt 0 ]; then
        printf -- '--- ssh-doctor report (%s) ---\n' "$SDT_REPORT"
        if [ -s "$SDT_REPORT" ]; then
            jq . "$SDT_REPORT" 2>/dev/null || cat "$SDT_REPORT"
        else
            echo "<empty>"
        fi
        printf -- '--- ssh-doctor stderr ---\n'
        head -c 4000 "$SDT_TMP/doctor.stderr" 2>/dev/null
        sdt_dump_logs
        printf 'FAIL: %s: %d of %d checks failed\n' "$SDT_SCENARIO" "$SDT_FAILS" "$SDT_CHECKS"
        exit 1
    fi
    printf 'PASS: %s (%d checks)\n' "$SDT_SCENARIO" "$SDT_CHECKS"
    exit 0
}

# === server side ============================================================
# Shared by the server_*.sh scenarios: ssh-doctor runs on the server itself
# (`ssh-doctor --json --side server`, inside the server namespace, where
# /etc/ssh, /etc/hosts.allow and /etc/hosts.deny are that host's own), the
# way a person at the server's console runs it.

# sshd_start_fail NS REGEX — start sshd in NS as sshd_start does (after
# sshd_setup) and expect it to give up within 5 s with REGEX in its log: the
# setup check for a daemon that cannot start (configuration error, a port
# another program holds, an address the machine lacks).
sshd_start_fail() {
    local ns=$1 re=$2 i
    [ -n "${SSHD_CONFIG:-}" ] || sshd_setup "$ns"
    sdt_bg sshd "$ns" /usr/sbin/sshd -D -e -f /etc/ssh/sshd_config -o PidFile=none
    SSHD_PID=$SDT_LAST_PID
    for ((i = 0; i < 50; i++)); do
        kill -0 "$SSHD_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$SSHD_PID" 2>/dev/null && sdt_die "sshd was expected to give up, but it still runs after 5 s"
    grep -Eq -- "$re" "$SDT_TMP/sshd.log" \
        || sdt_die "sshd log: expected /$re/, got: $(tr '\n' ' ' <"$SDT_TMP/sshd.log")"
    sdt_log "wire: sshd did not start: $(tr '\n' ' ' <"$SDT_TMP/sshd.log")"
}

# sshd_config_break NS TEXT — sshd_setup NS, then "Port 22" and TEXT, a line
# sshd rejects, which must land on line 12 of /etc/ssh/sshd_config (the
# line assert_config_error_named looks for).
sshd_config_break() {
    local ns=$1 text=$2 line
    sshd_setup "$ns"
    printf 'Port 22\n%s\n' "$text" >>"$SSHD_CONFIG"
    line=$(grep -nxF -- "$text" "$SSHD_CONFIG" | cut -d: -f1)
    [ "$line" = 12 ] || sdt_die "expected '$text' on line 12 of sshd_config, it is on line ${line:-?}"
}

# assert_config_error_named REGEX [what] — the verdict names the file
# /etc/ssh/sshd_config, line 12 and REGEX (the bad keyword or value).
assert_config_error_named() {
    assert_verdict_names '/etc/ssh/sshd_config' 'the file /etc/ssh/sshd_config'
    assert_verdict_names '(line 12|:12)\b' 'line 12'
    assert_verdict_names "$1" "${2:-$1}"
}

# wire_wrapped_close NS ADDR PORT — from NS, ADDR:PORT accepts, sends no byte
# and closes after about 5 s: a libwrap refusal (clean_exit() sleeps 5 s).
wire_wrapped_close() {
    local ns=$1 addr=$2 port=$3 t0 out ms
    t0=$(date +%s%N)
    out=$(sdt_in "$ns" timeout 15 nc -w 12 "$addr" "$port" </dev/null 2>&1 | head -c 200)
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    [ -z "$out" ] || sdt_die "expected no byte from the refused sshd, got: $out"
    { [ "$ms" -ge 3000 ] && [ "$ms" -lt 11000 ]; } \
        || sdt_die "expected the refused sshd to close after about 5 s, took $ms ms"
    sdt_log "wire: $addr:$port refused by TCP wrappers: no byte, closed after $ms ms"
}

# wire_sshd_check NS RC REGEX — `sshd -t` in NS must exit RC and its output
# match REGEX (use '' for "no output").
wire_sshd_check() {
    local ns=$1 want=$2 re=$3 out rc
    # sshd ends the lines it writes to stderr with "\r\n".
    out=$(sdt_in "$ns" timeout 10 /usr/sbin/sshd -t -f /etc/ssh/sshd_config 2>&1)
    rc=$?
    out=${out//$'\r'/}
    [ "$rc" = "$want" ] || sdt_die "sshd -t: expected exit $want, got $rc: ${out:-<nothing>}"
    if [ -n "$re" ] && ! grep -Eq -- "$re" <<<"$out"; then
        sdt_die "sshd -t: expected /$re/, got: ${out:-<nothing>}"
    fi
    sdt_log "wire: sshd -t exits $rc: $(tr '\n' ' ' <<<"${out:-<nothing>}")"
}

# wire_listeners NS REGEX — `ss -Htlnp` in NS (every TCP listener with its
# owning process) must match REGEX; '^$' means nothing listens at all.
wire_listeners() {
    local ns=$1 re=$2 out
    out=$(sdt_in "$ns" ss -Htlnp 2>/dev/null)
    if ! grep -Eq -- "$re" <<<"$out"; then
        sdt_die "ss -tlnp in $ns: expected /$re/, got: ${out:-<nothing>}"
    fi
    sdt_log "wire: ss -tlnp: $(tr -s ' ' <<<"${out:-<nothing>}" | tr '\n' ';')"
}

# wire_ruleset NS REGEX — the firewall as the kernel holds it in NS
# (`nft list ruleset`, which shows iptables-nft rules too, and
# `iptables-save`) must match REGEX.
wire_ruleset() {
    local ns=$1 re=$2 out
    out=$( { sdt_in "$ns" nft list ruleset; sdt_in "$ns" iptables-save; } 2>/dev/null)
    if ! grep -Eq -- "$re" <<<"$out"; then
        sdt_die "firewall of $ns: expected /$re/, got: ${out:-<nothing>}"
    fi
    sdt_log "wire: firewall: $(grep -E -- "$re" <<<"$out" | head -n 1 | tr -s ' \t' ' ')"
}

# sdt_hold_preauth NS ADDR PORT COUNT — open COUNT connections from NS to
# ADDR:PORT and keep them in sshd's pre-authentication state (they send
# nothing; LoginGraceTime is 170 s in the test config). Each must have had
# sshd's identification before the next is opened, so sshd counts it.
sdt_hold_preauth() {
    local ns=$1 addr=$2 port=$3 count=$4 n i log
    for ((n = 1; n <= count; n++)); do
        log="hold-$port-$n"
        sdt_bg "$log" "$ns" nc -d "$addr" "$port"
        for ((i = 0; i < 50; i++)); do
            grep -q '^SSH-2.0-' "$SDT_TMP/$log.log" 2>/dev/null && break
            kill -0 "$SDT_LAST_PID" 2>/dev/null || break
            sleep 0.1
        done
        grep -q '^SSH-2.0-' "$SDT_TMP/$log.log" \
            || sdt_die "held connection $n to $addr:$port got no SSH identification: $(head -c 200 "$SDT_TMP/$log.log")"
    done
    sdt_log "wire: $count unauthenticated connection(s) to $addr:$port held open"
}

# What ssh-doctor must leave alone on the server: the host's /etc files
# (sshd_config, hosts.allow/deny...), the firewall (counters removed: the
# self-test's packets move them), who listens, and the sshd process.
sdt_server_state() {
    local ns=$1
    (cd "/etc/netns/$ns" && find . -type f -print0 | sort -z | xargs -0 md5sum)
    sdt_in "$ns" nft list ruleset 2>&1 | sed -e 's/counter packets [0-9]* bytes [0-9]*/counter/'
    sdt_in "$ns" iptables-save 2>&1 | sed -e '/^#/d' -e 's/\[[0-9]*:[0-9]*\]//'
    sdt_in "$ns" ss -Htln 2>&1 | awk '{print $4}' | sort
    if [ -n "${SSHD_PID:-}" ] && kill -0 "$SSHD_PID" 2>/dev/null; then
        echo "sshd $SSHD_PID running"
    fi
}

# run_doctor_server NS ARGS... — ssh-doctor --json --side server ARGS inside
# the server namespace NS (see run_doctor), with the server's state taken
# before and after so that assert_server_report can check nothing changed.
run_doctor_server() {
    local ns=$1; shift
    sdt_server_state "$ns" >"$SDT_TMP/state-before.txt"
    run_doctor "$ns" --side server "$@"
    sdt_server_state "$ns" >"$SDT_TMP/state-after.txt"
}

# assert_server_report PORT — the contract fields of every server report,
# and that the diagnosis changed nothing on the server.
assert_server_report() {
    assert_json '.tool == "ssh-doctor"' 'tool "ssh-doctor"'
    assert_json '.side == "server"' 'side "server"'
    assert_json ".target.port == $1" "target.port $1"
    assert_json '(.steps | type) == "array" and (.steps | length) > 0' 'a non-empty steps list'
    assert_json '(.verdict.summary | type) == "string" and (.verdict.summary | length) > 0' 'a verdict summary'
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if grep -Eq 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$SDT_TMP/doctor.stderr" 2>/dev/null; then
        sdt_fail "a sanitizer report on ssh-doctor's stderr: $(grep -Em1 'ERROR: |runtime error:' "$SDT_TMP/doctor.stderr")"
    else
        sdt_pass "no sanitizer report on stderr"
    fi
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if cmp -s "$SDT_TMP/state-before.txt" "$SDT_TMP/state-after.txt"; then
        sdt_pass "nothing changed on the server (files, firewall, listeners, sshd)"
    else
        sdt_fail "the server changed while ssh-doctor ran: $(diff "$SDT_TMP/state-before.txt" "$SDT_TMP/state-after.txt" | head -n 10 | tr '\n' ' ')"
    fi
}

# assert_verdict_names REGEX [what] — the verdict (summary, evidence, fix,
# fix command) must name the concrete thing: a file and line, a port, a
# program, a rule. REGEX is a jq (Oniguruma) regex.
assert_verdict_names() {
    local re=$1 what=${2:-$1}
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if jq -e --arg re "$re" '[.verdict.summary, .verdict.fix, .verdict.fix_command,
            (.verdict.evidence // [])[]] | map(strings) | any(test($re))' \
            "$SDT_REPORT" >/dev/null 2>&1; then
        sdt_pass "the verdict names $what"
    else
        sdt_fail "expected the verdict to name $what (/$re/ in verdict summary, evidence, fix)"
    fi
}

# assert_selftest_logged REGEX [what] — the self_test step must show an sshd
# log line that its own attempt caused (collected while it ran; the test
# sshd writes its log to a file on stderr, which ssh-doctor reads).
assert_selftest_logged() {
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if jq -e --arg re "$1" '[.steps[] | select(.id == "self_test") | (.evidence // [])[], (.details // [])[]]
            | map(strings) | any(test($re))' "$SDT_REPORT" >/dev/null 2>&1; then
        sdt_pass "the self-test showed sshd's log line ${2:-/$1/}"
    else
        sdt_fail "expected the self_test step to show sshd's log line ${2:-/$1/}"
    fi
}

# assert_selftest_seen ADDR PORT OUTCOME — the self-test step (id self_test:
# a connection to its own PORT on ADDR, an address clients use; IPv6 ADDR in
# brackets) must name that attempt; when ssh-doctor could capture, its SYN
# must be among the packets and what answered that very connection must be
# OUTCOME (synack, rst or silence). The report's one capture.outcome is not
# used: the self-test tries every address, and they may be answered
# differently (an iptables rule that leaves IPv6 alone). Without capture the
# report must say why.
assert_selftest_seen() {
    local addr=$1 port=$2 outcome=$3 bare got
    bare=${addr#[}; bare=${bare%]}
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if jq -e --arg re "(^|[^0-9a-f.:])${bare//./\\.}( port |\\]?:)$port([^0-9]|$)" \
            '[.steps[] | select(.id == "self_test") | .summary, (.evidence // [])[]]
            | map(strings) | any(test($re))' "$SDT_REPORT" >/dev/null 2>&1; then
        sdt_pass "the self-test step tried $addr port $port"
    else
        sdt_fail "expected the self_test step to name its attempt to $addr port $port"
    fi
    if [ "$(sdt_jq '.capture.available')" != true ]; then
        sdt_log "note: capture not available ($(sdt_jq '.capture.reason // "no reason given"')); self-test packets not checked"
        return 0
    fi
    # The first SYN to ADDR:PORT, its source, and what came back to it.
    got=$(jq -r --arg dst "$addr:$port" '(.capture.packets // []) as $p
        | ([$p[].summary | select(startswith("SYN ") and endswith(" > " + $dst))] | first) as $syn
        | if $syn == null then "no SYN"
          else ($syn | ltrimstr("SYN ") | sub(" > .*$"; "")) as $src
          | [$p[].summary | select(endswith($dst + " > " + $src))] as $back
          | if any($back[]; startswith("SYN,ACK ")) then "synack"
            elif any($back[]; startswith("RST")) then "rst"
            else "silence" end
          end' "$SDT_REPORT" 2>/dev/null)
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ "$got" = "$outcome" ]; then
        sdt_pass "the capture saw the self-test's SYN to $addr:$port answered by $outcome"
    else
        sdt_fail "the self-test's SYN to $addr:$port in the capture: expected $outcome, got ${got:-<nothing>}"
    fi
}

# === terminal tests (tmux) ==================================================
# Shared by the tui_*.sh scenarios: ssh-doctor runs in a shell inside a pane
# of a private tmux server (socket "sdtPID", no config file), the keys go in
# with send-keys and the screen comes back with capture-pane. Every wait is a
# bounded polling loop. The server is stopped by its own PID (it is in
# SDT_PIDS) when the scenario ends, on every exit path.
#
#   tui_begin                      after sdt_begin: needs tmux
#   tui_start COLS ROWS TERM NS    a pane with a shell in namespace NS
#   tui_run ARGS...                run ssh-doctor ARGS in it; then, when it
#                                  ended, the shell prints EXIT=N and TTY=same
#                                  (or TTY=changed: stty -g differs)
#   tui_wait REGEX [SECONDS]       wait until the screen matches (ERE)
#   tui_keys KEY...                send-keys (tmux key names: Enter, q, C-l)
#   tui_walk REGEX [SECONDS]       press Enter whenever the screen has been
#                                  still for 0.5 s, until REGEX shows
#   tui_exit [SECONDS]             wait for EXIT=N; sets TUI_RC
#   tui_seen REGEX                 true when some screen so far (or the
#                                  pane's scrollback) matched
#   assert_seen REGEX WHAT         the same, as a check
#   tui_raw                        the bytes the pane received so far
#   assert_restored                shell prompt back, TTY=same, not in the
#                                  alternate screen, cursor visible
# Every screen captured is appended to $SDT_TMP/screens.txt (shown when a
# check fails) so that what scrolled away can still be judged.

TUI_SOCK=""
TUI_RC=""
TUI_TERM=""
TUI_PROMPT='tui-ready$ '

tui_begin() {
    command -v tmux >/dev/null 2>&1 || sdt_skip "missing program(s): tmux (Debian package(s): tmux)"
    sdt_need ps
    TUI_SOCK="$SDT_P"
    : >"$SDT_TMP/screens.txt"
}

tui_tmux() { tmux -L "$TUI_SOCK" -f /dev/null "$@"; }

tui_start() {
    local cols=$1 rows=$2 term=$3 ns=$4 pid i
    sdt_need_doctor
    # A shell with no rc files, a known prompt, only the TERM under test, and
    # no bracketed paste, so that every escape sequence in the pane's raw
    # output ($SDT_TMP/raw.out) comes from ssh-doctor.
    printf 'set enable-bracketed-paste off\n' >"$SDT_TMP/inputrc"
    tui_tmux new-session -d -s tui -x "$cols" -y "$rows" \
        "exec ip netns exec $ns env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=$SDT_TMP INPUTRC=$SDT_TMP/inputrc TERM=$term PS1='$TUI_PROMPT' bash --norc --noprofile -i" \
        || sdt_die "tmux new-session"
    tui_tmux pipe-pane -t tui -o "cat >>$SDT_TMP/raw.out" || sdt_die "tmux pipe-pane"
    pid=$(tui_tmux display-message -p -t tui '#{pid}') || sdt_die "tmux server pid"
    SDT_PIDS+=("$pid")
    TUI_TERM=$term
    tui_tmux set-option -t tui status off >/dev/null
    for ((i = 0; i < 50; i++)); do
        tui_screen | grep -q '^tui-ready\$' && return 0
        sleep 0.1
    done
    sdt_die "the shell in the tmux pane did not start within 5 s"
}

tui_run() {
    local a cmd="S0=\$(stty -g); $SSH_DOCTOR"
    for a in "$@"; do cmd+=" $(printf '%q' "$a")"; done
    cmd+="; echo EXIT=\$?; [ \"\$(stty -g)\" = \"\$S0\" ] && echo TTY=same || echo TTY=changed"
    sdt_log "tmux: ssh-doctor $* (TERM=$TUI_TERM, $(tui_tmux display-message -p -t tui '#{pane_width}x#{pane_height}'))"
    tui_tmux send-keys -t tui -l "$cmd"
    tui_tmux send-keys -t tui Enter
}

# The visible screen, one line per row, trailing blanks dropped.
tui_screen() { tui_tmux capture-pane -p -t tui 2>/dev/null; }

# Captures the screen into TUI_SCREEN and the log; returns 0 when it differs
# from the previous capture.
tui_capture() {
    local s
    s=$(tui_screen)
    if [ "$s" != "${TUI_SCREEN:-}" ]; then
        TUI_SCREEN=$s
        printf -- '----- screen at %s ms -----\n%s\n' "$(( $(date +%s%N) / 1000000 % 1000000 ))" "$s" \
            >>"$SDT_TMP/screens.txt"
        return 0
    fi
    return 1
}

tui_wait() {
    local re=$1 secs=${2:-20} i
    for ((i = 0; i < secs * 10; i++)); do
        tui_capture
        grep -qE -- "$re" <<<"$TUI_SCREEN" && return 0
        sleep 0.1
    done
    sdt_log "waited ${secs} s for /$re/; the screen is:"
    printf '%s\n' "$TUI_SCREEN" | sed 's/^/    | /'
    return 1
}

tui_keys() { tui_tmux send-keys -t tui "$@"; }

tui_raw() { cat "$SDT_TMP/raw.out" 2>/dev/null; }

tui_walk() {
    local re=$1 secs=${2:-60} i still=0
    for ((i = 0; i < secs * 10; i++)); do
        if tui_capture; then
            still=0
        else
            still=$((still + 1))
        fi
        grep -qE -- "$re" <<<"$TUI_SCREEN" && return 0
        # the shell is back: ssh-doctor ended before REGEX showed
        grep -q '^EXIT=[0-9]' <<<"$TUI_SCREEN" && break
        if [ "$still" -ge 5 ]; then
            tui_keys Enter
            still=0
        fi
        sleep 0.1
    done
    sdt_log "walked for up to ${secs} s without /$re/; the screen is:"
    printf '%s\n' "$TUI_SCREEN" | sed 's/^/    | /'
    return 1
}

tui_exit() {
    local secs=${1:-20}
    TUI_RC=""
    if tui_wait '^EXIT=[0-9]+' "$secs"; then
        TUI_RC=$(grep -oE '^EXIT=[0-9]+' <<<"$TUI_SCREEN" | tail -n 1 | cut -d= -f2)
    fi
}

tui_seen() {
    grep -qE -- "$1" "$SDT_TMP/screens.txt" && return 0
    # what scrolled off a line-mode screen between two captures
    tui_tmux capture-pane -p -S - -E - -t tui 2>/dev/null | grep -qE -- "$1"
}

assert_seen() {
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if tui_seen "$1"; then
        sdt_pass "the screen showed $2"
    else
        sdt_fail "expected the screen to show $2 (/$1/)"
    fi
}

# assert_tui_exit N WHAT — ssh-doctor's exit status, read from the shell.
assert_tui_exit() {
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ "$TUI_RC" = "$1" ]; then
        sdt_pass "exit status $1 $2"
    else
        sdt_fail "exit status $2: expected $1, got ${TUI_RC:-none (did not end)}"
    fi
}

assert_restored() {
    local flags
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if tui_wait '^TTY=(same|changed)' 5 && tui_wait '^tui-ready\$ ?$' 5; then
        if grep -q '^TTY=same' <<<"$TUI_SCREEN"; then
            sdt_pass "the terminal modes are as before (stty -g) and the shell prompt is back"
        else
            sdt_fail "the terminal modes changed (stty -g differs after ssh-doctor)"
        fi
    else
        sdt_fail "the shell prompt did not come back"
    fi
    SDT_CHECKS=$((SDT_CHECKS + 1))
    flags=$(tui_tmux display-message -p -t tui '#{alternate_on} #{cursor_flag}')
    if [ "$flags" = "0 1" ]; then
        sdt_pass "the alternate screen was left and the cursor is visible"
    else
        sdt_fail "expected the normal screen with a visible cursor, got alternate_on/cursor_flag '$flags'"
    fi
}

# tui_doctor_pid — the PID of ssh-doctor in the pane (the shell's child).
tui_doctor_pid() {
    local shell
    shell=$(tui_tmux display-message -p -t tui '#{pane_pid}')
    ps -o pid= --ppid "$shell" | head -n 1 | tr -d ' '
}

# tui_finish — stop the tmux server, then the scenario's verdict. On failure
# the last screens are shown.
tui_finish() {
    # an ASan/UBSan build writes its reports to the pane (exit 1 alone would
    # pass for a verdict)
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if tui_seen 'ERROR: (Address|Leak)Sanitizer|runtime error:'; then
        sdt_fail "a sanitizer report in the pane"
    else
        sdt_pass "no sanitizer report in the pane"
    fi
    if [ "$SDT_FAILS" -gt 0 ]; then
        printf -- '--- last screens (of %s) ---\n' "$SDT_TMP/screens.txt"
        tail -n 120 "$SDT_TMP/screens.txt"
    fi
    tui_tmux kill-server 2>/dev/null
    SDT_REPORT="$SDT_TMP/report.json"
    sdt_finish
}

# tui_stop — stop this run's tmux server (by its own command) and wait, at
# most 5 s, until its process is gone; the next tui_start makes a new one.
tui_stop() {
    local pid i
    pid=$(tui_tmux display-message -p '#{pid}' 2>/dev/null)
    tui_tmux kill-server 2>/dev/null
    [ -n "$pid" ] || return 0
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    TUI_SCREEN=""
}

# tui_settle [SECONDS] — wait until the screen has been still for 0.5 s.
tui_settle() {
    local secs=${1:-20} i still=0
    for ((i = 0; i < secs * 10; i++)); do
        if tui_capture; then still=0; else still=$((still + 1)); fi
        [ "$still" -ge 5 ] && return 0
        sleep 0.1
    done
    return 1
}

# Status tags of the design, as a regular expression.
TUI_TAGS='\[( OK |FAIL|WARN|SKIP|ERR | \.\. |    )\]'

# assert_step_list N — some screen showed at least N step status tags at
# once: the wizard's list of steps (a line-mode screen shows one or two).
tui_most_tags() {
    awk -v re="$TUI_TAGS" '/^----- screen at / { n = 0; next }
        $0 ~ re { n++; if (n > most) most = n } END { print most + 0 }' "$SDT_TMP/screens.txt"
}

# tui_nsteps — how many steps the flow has: "Step 1 of N" in the line mode,
# else the longest list of status tags on one screen (the wizard's list).
tui_nsteps() {
    local n
    n=$(grep -oE 'Step [0-9]+ of [0-9]+' "$SDT_TMP/screens.txt" | head -n 1 | awk '{ print $4 }')
    [ -n "$n" ] && { echo "$n"; return; }
    tui_most_tags
}

assert_step_list() {
    local most
    SDT_CHECKS=$((SDT_CHECKS + 1))
    most=$(tui_most_tags)
    if [ "$most" -ge "$1" ]; then
        sdt_pass "the list of steps with their status tags ($most on one screen)"
    else
        sdt_fail "expected a screen listing the steps with at least $1 status tags, the most on one screen was $most"
    fi
}

# tui_refused TERM — the full-screen walk: a refused target (nothing listens
# on the server's port 22) at 80x24 with TERM, Enter to the verdict, then q.
tui_refused() {
    local term=$1
    sdt_begin nc
    tui_begin
    topo_direct
    wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
    tui_start 80 24 "$term" "$CLI"
    tui_run "$SRV_ADDR"
    tui_refused_verdict
    tui_finish
}

# tui_refused_verdict — from wherever the wizard is, Enter on to the verdict
# of the refused target; the screens must have shown the list of steps with
# their status in words, the RST in the capture pane and the cause in
# words; q leaves exit 1 and the terminal as it was.
tui_refused_verdict() {
    tui_walk 'nothing listens on port 22' 60 || sdt_fail "the verdict port_closed did not show within 60 s"
    assert_step_list 5
    assert_seen "$TUI_TAGS" 'status tags in words'
    assert_seen '< ?RST' 'the RST in the capture pane'
    assert_seen 'nothing listens on port 22' 'the cause port_closed in words'
    tui_keys q
    tui_exit 15
    assert_tui_exit 1 "after q on the verdict port_closed"
    assert_restored
}

# tui_quit_each TERM — q at every step of the refused target: a fresh run
# for k = 0, 1, ... Enters (each once the screen is still), then q (and
# Enter in the line mode, which reads lines). The first step runs at the
# start and each Enter runs the next, so after k Enters k + 1 of N steps
# ran. The exit status (ssh-doctor.1): 3 until the verdict has shown (the
# diagnosis did not finish), 1 (port_closed) once it has. Then SIGTERM in
# the middle of a run: the terminal is restored and the shell sees 143.
tui_quit_each() {
    local term=$1 k i verdict=0 want pid n=0
    sdt_begin nc
    tui_begin
    topo_direct
    wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
    for ((k = 0; k <= 12 && verdict == 0; k++)); do
        tui_start 80 24 "$term" "$CLI"
        tui_run "$SRV_ADDR"
        tui_wait "$TUI_TAGS|^Step 1 of" 15 || sdt_fail "nothing showed within 15 s (run $k)"
        for ((i = 0; i < k; i++)); do
            tui_settle 20
            tui_keys Enter
        done
        tui_settle 20
        [ "$n" -gt 0 ] || n=$(tui_nsteps)
        want=3
        if grep -q 'nothing listens on port 22' <<<"$TUI_SCREEN"; then
            want=1
            verdict=1
        fi
        tui_keys q
        [ "$term" = dumb ] && tui_keys Enter
        tui_exit 15
        assert_tui_exit "$want" "after $k x Enter, then q ($((k + 1 > n ? n : k + 1)) of $n steps ran$([ "$verdict" = 1 ] && echo ', on the verdict'))"
        assert_restored
        tui_stop
    done
    SDT_CHECKS=$((SDT_CHECKS + 1))
    if [ "$verdict" = 1 ]; then
        sdt_pass "the verdict was reached after $((k - 1)) x Enter"
    else
        sdt_fail "the verdict did not show after 12 x Enter"
    fi

    tui_start 80 24 "$term" "$CLI"
    tui_run "$SRV_ADDR"
    tui_wait "$TUI_TAGS|^Step 1 of" 15 || sdt_fail "nothing showed within 15 s (SIGTERM run)"
    pid=$(tui_doctor_pid)
    if [ -n "$pid" ]; then
        kill -TERM "$pid"
        tui_exit 10
        assert_tui_exit 143 "after SIGTERM (the shell's 128 + 15)"
        assert_restored
    else
        sdt_fail "cannot find ssh-doctor's PID in the pane"
    fi
    tui_finish
}

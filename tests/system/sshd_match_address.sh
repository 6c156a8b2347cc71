#!/bin/bash
# SPDX-License-Identifier: MIT
# System test sshd_match_address: sshd_config refuses logins by the client's
# address, in the two ways an administrator writes it: a `Match Address
# 192.0.2.0/28` block with `DenyUsers *`, then `AllowUsers x@192.0.2.128/25`.
# The real sshd is the judge: ssh from the client (192.0.2.1) and from
# 192.0.2.130 as x, and sshd's log says which login it refused. ssh-doctor,
# judging for each client through `sshd -T -C addr=...`, must say the same:
# SSH answers (the connection is not the problem), and once connected sshd
# refuses x from 192.0.2.1, naming why; from 192.0.2.130 (outside the
# Match block, inside the AllowUsers network) it says no refusal.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

# ssh_as ADDR USER — an ssh login attempt from ADDR (a key-less batch login:
# it ends at authentication, after sshd has decided whether USER may log in).
ssh_as() {
    sdt_in "$CLI" timeout 15 ssh -F /dev/null -b "$1" -o BatchMode=yes -o ConnectTimeout=3 \
        -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
        "$2@$SRV_ADDR" true 2>&1
}

# sshd_reload — sshd reads its configuration again (SIGHUP: it re-executes
# itself); waits until it answers again, at most 6 s.
sshd_reload() {
    local i
    sys_must systemctl reload ssh.service
    for ((i = 0; i < 30; i++)); do
        [[ "$(sys_banner_from 192.0.2.130)" == SSH-2.0-* ]] && return 0
        sleep 0.2
    done
    sdt_die "sshd does not answer after reloading its configuration"
}

# sshd_said REGEX — sshd's log (its journal) has a line matching REGEX.
sshd_said() {
    local i
    for ((i = 0; i < 20; i++)); do
        sys_in journalctl --no-pager -o cat -b 2>/dev/null | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}

# ssh_until ADDR USER REGEX — login attempts from ADDR (at most 5: sshd may
# still be re-executing itself after a reload) until sshd logs REGEX.
ssh_until() {
    local i
    for ((i = 0; i < 5; i++)); do
        ssh_as "$1" "$2" >/dev/null
        sshd_said "$3" && return 0
    done
    return 1
}

# assert_refusal ADDR WHY — ssh-doctor says sshd refuses x from ADDR, naming WHY.
assert_refusal() {
    assert_json "[.verdict.evidence[]?, .steps[].evidence[]?] | any(test(\"refuses the login of x from ${1//./\\\\.}.*$2\"))" \
        "sshd's refusal of x from $1 ($2) is said"
}

# assert_no_refusal ADDR — ssh-doctor says no refusal of x from ADDR.
assert_no_refusal() {
    assert_json "[.verdict.evidence[]?, .steps[].evidence[]?] | any(test(\"refuses the login of x from\")) | not" \
        "no refusal is said for x from $1"
}

sys_must useradd -m -s /bin/sh x
sys_client_addr 192.0.2.130

# 1. Match Address 192.0.2.0/28: DenyUsers *
printf '\nMatch Address 192.0.2.0/28\n    DenyUsers *\n' | sys_in sh -c 'cat >> /etc/ssh/sshd_config' ||
    sdt_die "cannot append to sshd_config"
sys_must sshd -t
sshd_reload
ssh_until 192.0.2.1 x 'User x from 192\.0\.2\.1 not allowed because listed in DenyUsers' ||
    sdt_die "sshd did not log that it refused x from 192.0.2.1"
ssh_until 192.0.2.130 x 'user x 192\.0\.2\.130 port' || sdt_die "sshd did not log the attempt from 192.0.2.130"
sshd_said 'User x from 192\.0\.2\.130 not allowed' && sdt_die "sshd refused x from 192.0.2.130 too"

sys_doctor x@localhost --from 192.0.2.1
assert_cause ok
assert_exit 0
assert_json '.verdict.for == ["192.0.2.1"]' 'verdict.for names the client'
assert_refusal 192.0.2.1 DenyUsers
assert_evidence_has 'Permission denied'
sys_doctor x@localhost --from 192.0.2.130
assert_cause ok
assert_no_refusal 192.0.2.130

# 2. AllowUsers x@192.0.2.128/25, and no Match block
sys_in sed -i -e '/^Match Address 192.0.2.0\/28/,$d' /etc/ssh/sshd_config || sdt_die "cannot edit sshd_config"
printf 'AllowUsers x@192.0.2.128/25\n' | sys_in sh -c 'cat >> /etc/ssh/sshd_config' ||
    sdt_die "cannot append to sshd_config"
sys_must sshd -t
sshd_reload
ssh_until 192.0.2.1 x 'User x from 192\.0\.2\.1 not allowed because not listed in AllowUsers' ||
    sdt_die "sshd did not log that it refused x from 192.0.2.1 by AllowUsers"

sys_doctor x@localhost --from 192.0.2.1
assert_cause ok
assert_refusal 192.0.2.1 AllowUsers
sys_doctor x@localhost --from 192.0.2.130
assert_cause ok
assert_no_refusal 192.0.2.130
sys_finish

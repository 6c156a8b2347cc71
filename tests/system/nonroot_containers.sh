#!/bin/bash
# SPDX-License-Identifier: MIT
# System test nonroot_containers: a machine that runs containers, examined by
# a user who is not root. ssh.service is stopped; an sshd still runs, but in
# another network namespace (a container's). That user cannot read which
# namespace a root process is in, so the sshd must not be taken as this
# network's. Expected: sshd_not_running (not listen_address), the hidden sshd
# said; the configuration checked with sshd -G where OpenSSH has it (Debian
# 13), else said to be unchecked by sshd.
# suites: bookworm trixie
. "$(dirname "$0")/lib.sh" || exit 1
sys_begin

sys_must systemctl stop ssh.service
sys_must ip netns add other
sys_must ip -n other link set lo up
sys_must systemd-run --unit=other-sshd -p RuntimeDirectory=sshd -p RuntimeDirectoryPreserve=yes \
    ip netns exec other /usr/sbin/sshd -D
sys_wait_active other-sshd.service
for ((i = 0; i < 50; i++)); do
    [ -n "$(sys_in ip netns exec other ss -Htln 'sport = :22')" ] && break
    sleep 0.1
done
[ -n "$(sys_in ip netns exec other ss -Htln 'sport = :22')" ] || sdt_die "the other namespace's sshd does not listen"
wire_nc "$CLI" "$SRV_ADDR" 22 'refused'
SYS_AS_USER=nobody sys_doctor
assert_cause sshd_not_running
assert_exit 1
assert_evidence_has 'namespace is hidden from this user'
# OpenSSH 10 has sshd -G: the configuration is checked without root
if [ "$SYS_SUITE" = trixie ]; then
    assert_evidence_has 'sshd -G read /etc/ssh/sshd_config without error'
else
    assert_step sshd_config warn
fi
sys_finish

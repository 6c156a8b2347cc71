#!/bin/bash
# SPDX-License-Identifier: MIT
# Scenario: --fix on the client changes only the client.
#  1. sshd listens on 2222, the client asks for 22 (wrong_port): --fix
#     --yes adds "Host 192.0.2.2" and "Port 2222" to the person's
#     ~/.ssh/config (a folder of the test's, mounted over root's home in a
#     mount namespace of its own, so the real one is never touched), after
#     a backup of the old file; ssh -G then says port 2222, the diagnosis
#     again (on 2222) says ok, exit 0; nothing changed on the server.
#  2. the client's own OUTPUT rule drops port 22 (local_firewall): --fix
#     --yes removes that rule, and the client connects.
#   CLI 192.0.2.1 ==== SRV 192.0.2.2
. "$(dirname "$0")/lib.sh" || exit 1
sdt_begin sshd ssh ssh-keygen nc jq iptables unshare

topo_direct
sshd_start "$SRV" 2222
wire_nc "$CLI" "$SRV_ADDR" 22 'Connection refused'
mkdir -p "$SDT_TMP/home/.ssh"
printf 'Host other\n    User someone\n' >"$SDT_TMP/home/.ssh/config"
chmod 600 "$SDT_TMP/home/.ssh/config"
srv_sum=$(sdt_in "$SRV" sh -c 'iptables-save 2>/dev/null | grep -v "^#"; cat /etc/ssh/sshd_config 2>/dev/null' | md5sum)

# runs ssh-doctor ARGS on the client with the test's folder as root's home
client_fix() {
    SDT_REPORT="$SDT_TMP/report.json"
    sdt_log "run (home: $SDT_TMP/home): ssh-doctor $*"
    sdt_in "$CLI" unshare -m sh -c 'mount --bind "$1" "$(getent passwd 0 | cut -d: -f6)" && shift && exec "$@"' \
        sh "$SDT_TMP/home" timeout -k 5 90 "$SSH_DOCTOR" "$@" >"$SDT_REPORT" 2>"$SDT_TMP/doctor.stderr" </dev/null
    SDT_RC=$?
    sdt_log "ssh-doctor exited $SDT_RC: $(tail -n 3 "$SDT_TMP/doctor.stderr" | tr '\n' ' ')"
    assert_report_contract
}

client_fix --fix --yes --json "$SRV_ADDR"
assert_exit 0
assert_json '.fix.before == "wrong_port" and .fix.on == "client"' 'a plan for wrong_port, on the client'
assert_json '.fix.actions | length == 1 and .[0].owner == "ssh_config" and .[0].result == "applied"' 'one edit of ssh_config, applied'
assert_json '.fix.after == "ok" and .verdict.cause == "ok" and .target.port == 2222' 'the diagnosis again, on 2222, says ok'
SDT_CHECKS=$((SDT_CHECKS + 1))
if ssh -G -F "$SDT_TMP/home/.ssh/config" "$SRV_ADDR" 2>/dev/null | grep -qx 'port 2222' &&
    ssh -G -F "$SDT_TMP/home/.ssh/config" other 2>/dev/null | grep -qx 'user someone'; then
    sdt_pass "ssh -G $SRV_ADDR says port 2222, and the old lines still hold"
else
    sdt_fail "~/.ssh/config does not give port 2222 for $SRV_ADDR: $(tr '\n' '|' <"$SDT_TMP/home/.ssh/config")"
fi
SDT_CHECKS=$((SDT_CHECKS + 1))
bak=$(ls "$SDT_TMP"/home/.ssh/config.ssh-doctor-* 2>/dev/null | head -n 1)
if [ -n "$bak" ] && [ "$(cat "$bak")" = "$(printf 'Host other\n    User someone')" ] && [ "$(stat -c %a "$bak")" = 600 ]; then
    sdt_pass "the old file was backed up first ($(basename "$bak"), mode 600)"
else
    sdt_fail "no backup of the old ~/.ssh/config with its mode"
fi
SDT_CHECKS=$((SDT_CHECKS + 1))
if [ "$(sdt_in "$SRV" sh -c 'iptables-save 2>/dev/null | grep -v "^#"; cat /etc/ssh/sshd_config 2>/dev/null' | md5sum)" = "$srv_sum" ]; then
    sdt_pass "nothing changed on the server"
else
    sdt_fail "the server changed"
fi
sshd_stop 2>/dev/null

# 2. the client's own outbound rule
sshd_start "$SRV" 22
sdt_in "$CLI" iptables -w 10 -A OUTPUT -p tcp --dport 22 -j DROP || sdt_die "iptables rule"
wire_nc "$CLI" "$SRV_ADDR" 22 'timed out|not permitted'
client_fix --fix --yes --json "$SRV_ADDR"
assert_exit 0
assert_json '.fix.before == "local_firewall" and .fix.on == "client"' 'a plan for the client'"'"'s own rule'
assert_json '.fix.actions[0].argv[1:] | join(" ") | test("^-D OUTPUT -p tcp (-m tcp )?--dport 22 -j DROP$")' 'that very rule is deleted'
assert_json '.fix.actions[0].undo_command | test("-I OUTPUT POSITION|-I OUTPUT [0-9]")' 'its undo puts it back where it was'
assert_json '.fix.after == "ok"' 'the diagnosis again says ok'
wire_nc "$CLI" "$SRV_ADDR" 22 'succeeded|open'
sdt_finish

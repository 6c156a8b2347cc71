#!/bin/bash
# SPDX-License-Identifier: MIT
# Differential test diff.sshd_config: the fallback sshd_config parser
# against the installed sshd (`sshd -t`, `sshd -T`) on generated
# configurations (tests/diff/diff-sshd-config.c). Nothing is sent anywhere:
# sshd only reads the file and a throw-away host key.
#
# Environment: DIFF_SSHD_CONFIG (the built program), DIFF_CASES (default
# 300), DIFF_SEED (default: a new one each run, printed), SDT_KEEP=1 keeps
# the disagreements found in the scratch folder.
. "$(dirname "$0")/../scenarios/lib.sh" || exit 1
SDT_SCENARIO=diff.sshd_config
sdt_begin sshd ssh-keygen
[ -x "${DIFF_SSHD_CONFIG:-}" ] || { echo "FAIL: DIFF_SSHD_CONFIG is not an executable"; exit 1; }

mkdir -p "$SDT_TMP/work"
ssh-keygen -q -t ed25519 -N '' -f "$SDT_TMP/work/host_key" || sdt_die "ssh-keygen"
seed=${DIFF_SEED:-$(( $(date +%s) % 1000000 ))}
"$DIFF_SSHD_CONFIG" --sshd /usr/sbin/sshd --dir "$SDT_TMP/work" \
    --seed "$seed" --cases "${DIFF_CASES:-300}" --save "$SDT_TMP/disagreements"
rc=$?
if [ $rc != 0 ]; then
    echo "FAIL: diff.sshd_config: the parser and sshd disagree (seed $seed); with SDT_KEEP=1 the cases are kept in the scratch folder's disagreements/: copy each into tests/fixtures/server/sshd-config/diff/ as a regression fixture"
    exit 1
fi
echo "PASS: diff.sshd_config"

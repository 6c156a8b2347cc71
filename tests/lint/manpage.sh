#!/bin/bash
# SPDX-License-Identifier: MIT
# manpage.sh — the man page as the build installs it: the title line holds
# this build's version and a date, FILES names what the server side reads,
# SEE ALSO the manuals of the tools it reads them with, and groff renders it
# without a warning.
#
#   manpage.sh MANFILE VERSION
# Exit status: 0 passed, 1 failed.
set -u

man=$1 version=$2
fails=0

check() {   # check ok|fail WHAT
	if [ "$1" = ok ]; then printf 'ok:   %s\n' "$2"; else printf 'FAIL: %s\n' "$2"; fails=$((fails + 1)); fi
}

th=$(head -n 1 "$man")
if grep -Eq "^\\.TH SSH-DOCTOR 1 \"[0-9]{4}-[0-9]{2}-[0-9]{2}\" \"ssh-doctor ${version//./\\.}\"" <<<"$th"; then
	check ok "title line: $th"
else
	check fail "title line: expected the date and 'ssh-doctor $version', got: $th"
fi

# section NAME: the text from ".SH NAME" to the next ".SH"
section() { sed -n "/^\\.SH $1\$/,/^\\.SH /p" "$man"; }

files=$(section FILES)
for f in sshd_config hosts.allow hosts.deny ufw firewalld journal auth.log secure; do
	grep -q -- "$f" <<<"$files" && check ok "FILES names $f" || check fail "FILES does not name $f"
done
seealso=$(section 'SEE ALSO')
for m in 'sshd (8)' 'ssh (1)' 'nft (8)' 'iptables (8)' 'ufw (8)' 'journalctl (1)' 'ss (8)'; do
	grep -q "^\\.BR ${m% *} ${m#* }" <<<"$seealso" && check ok "SEE ALSO names ${m/ /}" \
		|| check fail "SEE ALSO does not name ${m/ /}"
done

if command -v groff >/dev/null 2>&1; then
	warn=$(LC_ALL=C groff -man -ww -z "$man" 2>&1)
	[ -z "$warn" ] && check ok "groff -man -ww: no warning" || check fail "groff -man -ww: $warn"
else
	printf 'note: no groff, rendering not checked\n'
fi

[ "$fails" = 0 ] && echo "PASS: $man" || echo "FAIL: $fails check(s)"
[ "$fails" = 0 ]

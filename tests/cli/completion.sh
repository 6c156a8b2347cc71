#!/bin/bash
# SPDX-License-Identifier: MIT
# The bash completion (tui/ssh-doctor.bash): sourced in a bash, it
# registers itself for ssh-doctor, completes the options and the values
# of --side. Every option --help names is offered.
#
# Environment: SSH_DOCTOR (the binary), SSHD_SOURCE_DIR (set by ctest).
# Exit status: 0 passed, 1 failed.
set -u

file="$SSHD_SOURCE_DIR/tui/ssh-doctor.bash"
fails=0 checks=0

check() {
	checks=$((checks + 1))
	if [ "$1" = ok ]; then printf 'ok: %s\n' "$2"; else printf 'FAIL: %s\n' "$2"; fails=$((fails + 1)); fi
}

# complete_words WORD... — what the completion offers for the last word.
complete_words() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_ssh_doctor
		printf "%s\n" "${COMPREPLY[@]}"' bash "$file" "$@"
}

got=$(bash --norc --noprofile -c '. "$1" && complete -p ssh-doctor' bash "$file" 2>&1)
[ "$got" = "complete -F _ssh_doctor ssh-doctor" ] \
	&& check ok "complete -p ssh-doctor: $got" \
	|| check fail "complete -p ssh-doctor: expected 'complete -F _ssh_doctor ssh-doctor', got '$got'"

got=$(complete_words ssh-doctor --si)
[ "$got" = "--side" ] && check ok "--si completes to --side" || check fail "--si: expected --side, got '$got'"

got=$(complete_words ssh-doctor --side s | paste -sd' ')
[ "$got" = "server" ] && check ok "--side s completes to server" || check fail "--side s: expected server, got '$got'"

got=$(complete_words ssh-doctor --side '' | sort | paste -sd' ')
[ "$got" = "auto client server" ] && check ok "--side offers auto client server" \
	|| check fail "--side: expected auto client server, got '$got'"

# every long option of --help is offered
offered=$(complete_words ssh-doctor -- | sort -u)
for opt in $("$SSH_DOCTOR" --help | grep -oE -- '--[a-z][a-z-]*' | sort -u); do
	grep -qx -- "$opt" <<<"$offered" && check ok "$opt is offered" \
		|| check fail "$opt is in --help but not offered by the completion"
done

if [ "$fails" -gt 0 ]; then
	printf 'FAIL: %d of %d checks failed\n' "$fails" "$checks"
	exit 1
fi
printf 'PASS: %d checks\n' "$checks"

# SPDX-License-Identifier: MIT
# bash completion for ssh-doctor: its options, the values of --side, files
# for --replay, --sshd-config and --targets, interfaces for -i, hosts for the target.
# Installed to the bash-completion folder; works without bash-completion's
# helpers too.

_ssh_doctor()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=""
	local opts="--port --side --batch --json --interface --no-capture --replay
		--sshd-config --from --watch --fix --yes --confirm-timeout --practice --targets --jobs --ascii --no-color --help
		--version -p -i -j -h -V"

	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	case $prev in
	--side)
		mapfile -t COMPREPLY < <(compgen -W "client server auto" -- "$cur")
		return 0
		;;
	--replay | --sshd-config | --targets)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		return 0
		;;
	-i | --interface)
		mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")
		return 0
		;;
	--practice)
		mapfile -t COMPREPLY < <(compgen -W "list all $(ssh-doctor --practice list 2>/dev/null |
			awk '/^  [a-z]/ { print $1 }')" -- "$cur")
		return 0
		;;
	-p | --port | --from | --watch | --confirm-timeout | -j | --jobs)
		return 0
		;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -A hostname -- "$cur")
	fi
	return 0
}
complete -F _ssh_doctor ssh-doctor

#!/bin/bash
# SPDX-License-Identifier: MIT
# hardening.sh — reads the built binary and checks that the hardening the
# build asked for took: a position-independent executable (ELF type DYN),
# RELRO made read-only after start (GNU_RELRO) with every symbol bound at
# start (BIND_NOW), the stack protector (__stack_chk_fail is called) and,
# in the optimised builds, _FORTIFY_SOURCE (checked __*_chk functions are
# called). Prints what it found, one line each.
#
#   hardening.sh BINARY STACK_PROTECTOR FORTIFY_LEVEL
#     STACK_PROTECTOR  ON when the build used -fstack-protector-strong
#     FORTIFY_LEVEL    the _FORTIFY_SOURCE level of the build, 0 for none
#
# Exit status: 0 all as asked, 1 something is missing, 77 no readelf.
set -u

bin=$1 stack=$2 fortify=$3
fails=0

command -v readelf >/dev/null 2>&1 || { echo "SKIP: no readelf (Debian package binutils)"; exit 77; }
[ -f "$bin" ] || { echo "FAIL: no binary at '$bin'"; exit 1; }

check() {   # check WHAT FOUND(yes/no) DETAIL
	if [ "$2" = yes ]; then
		printf 'ok:   %-16s %s\n' "$1" "$3"
	else
		printf 'FAIL: %-16s %s\n' "$1" "$3"
		fails=$((fails + 1))
	fi
}

type=$(LC_ALL=C readelf -h "$bin" | sed -n 's/^ *Type: *\([A-Z]*\).*/\1/p')
check "PIE" "$([ "$type" = DYN ] && echo yes || echo no)" "ELF type ${type:-?}"

relro=$(LC_ALL=C readelf -lW "$bin" | grep -c 'GNU_RELRO')
check "RELRO" "$([ "$relro" -gt 0 ] && echo yes || echo no)" "$relro GNU_RELRO segment(s)"

now=$(LC_ALL=C readelf -dW "$bin" | grep -E '\((BIND_NOW|FLAGS|FLAGS_1)\)' | grep -Eo 'BIND_NOW|NOW' | sort -u | paste -sd' ')
check "BIND_NOW" "$([ -n "$now" ] && echo yes || echo no)" "dynamic section: ${now:-no BIND_NOW, no FLAGS NOW}"

syms=$(LC_ALL=C readelf --dyn-syms -W "$bin" | awk '$7 == "UND" { sub(/@.*/, "", $8); print $8 }' | sort -u)
if [ "$stack" = ON ]; then
	n=$(grep -cx '__stack_chk_fail' <<<"$syms")
	check "stack protector" "$([ "$n" -gt 0 ] && echo yes || echo no)" \
		"$([ "$n" -gt 0 ] && echo "calls __stack_chk_fail" || echo "no __stack_chk_fail")"
else
	printf 'note: %-16s %s\n' "stack protector" "not asked for by this build"
fi
chk=$(grep -E '^__.*_chk$' <<<"$syms" | grep -vx '__stack_chk_fail' | paste -sd' ')
if [ "$fortify" != 0 ]; then
	check "_FORTIFY_SOURCE" "$([ -n "$chk" ] && echo yes || echo no)" \
		"level $fortify: ${chk:-no __*_chk function called}"
else
	printf 'note: %-16s %s\n' "_FORTIFY_SOURCE" "none in this build type (needs optimisation, no sanitizer)${chk:+; found $chk}"
fi

[ "$fails" = 0 ] && echo "PASS: $bin is hardened as its build asked" || echo "FAIL: $fails check(s)"
[ "$fails" = 0 ]

#!/bin/bash
# SPDX-License-Identifier: MIT
# <linux/*.h> headers appear only where Linux is the subject: engine/os/linux/
# (the Linux table) and capture/ (libpcap and rtnetlink). Everything else in
# engine/, tui/ and tests/ is portable C. A unit test may include them only
# when it tests that code, and is then named for it: tests/unit/test-capture-*.c
# or tests/unit/test-os-linux-*.c.
# Usage: linux-headers.sh [SOURCE_DIR]; fails naming each file that breaks it.
set -u
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 2
bad=0
while IFS= read -r file; do
	case "$file" in
	engine/os/linux/* | capture/*) continue ;;
	tests/unit/test-capture-*.c | tests/unit/test-os-linux-*.c) continue ;;
	esac
	while IFS= read -r line; do
		echo "$file:$line: <linux/*.h> belongs in engine/os/linux/ or capture/ only" >&2
		bad=1
	done < <(grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<linux/' "$file" | cut -d: -f1)
done < <(find engine tui tests capture -type f \( -name '*.c' -o -name '*.h' \) | sort)
if [ "$bad" -ne 0 ]; then
	exit 1
fi
echo "no <linux/*.h> outside engine/os/linux/, capture/ and their tests"

#!/bin/bash
# SPDX-License-Identifier: MIT
# Every source file says its license in its first lines: the project is MIT
# (LICENSE). C files as "/* SPDX-License-Identifier: MIT */", scripts and
# CMake files as "# SPDX-License-Identifier: MIT". Recorded fixtures and fuzz
# seeds are data, not sources.
# Usage: spdx.sh [SOURCE_DIR]; fails naming each file that lacks it.
set -u
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 2
[ -f LICENSE ] || { echo "LICENSE is missing" >&2; exit 1; }
bad=0 n=0
while IFS= read -r file; do
	n=$((n + 1))
	if ! head -n 3 "$file" | grep -q 'SPDX-License-Identifier: MIT'; then
		echo "$file: no 'SPDX-License-Identifier: MIT' in its first lines" >&2
		bad=1
	fi
done < <(find engine capture tui tests assets .ci CMakeLists.txt \
	\( -path tests/fixtures -o -path tests/fuzz/seeds -o -name 'build*' \) -prune -o \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.py' -o -name '*.bash' \
	-o -name '*.cmake' -o -name CMakeLists.txt -o -path .ci/run \) -print | sort)
[ $bad = 0 ] && echo "PASS: $n source files name their license"
exit $bad

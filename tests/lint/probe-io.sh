#!/bin/bash
# SPDX-License-Identifier: MIT
# Probes judge and teach; the OS layer (engine/os/) runs programs and reads
# the system. No engine/probe-*.c may call the spawner (exec_run, exec_find),
# open a folder (opendir), name a /proc path, or branch on the platform
# (platform_name, __APPLE__, __linux__).
# Usage: probe-io.sh [SOURCE_DIR]; fails naming each file and line.
set -u
src=${1:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$src" || exit 2
bad=0
pattern='\bexec_(run|find)[[:space:]]*\(|\bopendir[[:space:]]*\(|"/proc|\bplatform_name[[:space:]]*\(|__APPLE__|__linux__'
for file in engine/probe-*.c; do
	while IFS= read -r hit; do
		echo "$file:$hit: a probe asks engine/os/ instead" >&2
		bad=1
	done < <(grep -nE "$pattern" "$file")
done
if [ "$bad" -ne 0 ]; then
	exit 1
fi
echo "no probe runs a program, reads /proc or tests the platform"

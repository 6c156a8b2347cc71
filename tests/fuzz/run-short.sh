#!/bin/bash
# SPDX-License-Identifier: MIT
# A short libFuzzer run over a copy of the seed corpus: fuzz.NAME in ctest.
# usage: run-short.sh FUZZER SEEDDIR SECONDS
set -eu
fuzzer=$1 seeds=$2 secs=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$seeds"/. "$work"/
cd "$work"
exec "$fuzzer" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "$work"

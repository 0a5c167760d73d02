#!/bin/sh
# Draws the deep-queue soak's charts from its CSVs: SVGs next to them (what
# docs/performance.md shows), or PNGs with `charts.sh <dir> png`.
#   test/reliability/deepSoak/charts.sh [dir (default docs/performance)] [svg|png]
set -eu
dir="${1:-docs/performance}"
ext="${2:-svg}"
exec gnuplot -e "dir='$dir'; ext='$ext'" "$(dirname "$0")/charts.gp"

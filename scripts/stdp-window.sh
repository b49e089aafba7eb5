#!/usr/bin/env bash
# The seed experiment end to end: install dependencies, build, run the STDP-window sweep,
# write out/stdp_window.csv and plot it to out/stdp_window.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh stdp_window
mkdir -p out
./build/examples/stdp_window/stdp_window --time --out out/stdp_window.csv
gnuplot -e "csv='out/stdp_window.csv'; png='out/stdp_window.png'" examples/stdp_window/plot.gp
echo "plot: out/stdp_window.png"

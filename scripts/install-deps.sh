#!/usr/bin/env bash
# Installs every Debian package nestjit needs to build, test and run its examples.
# Debian 12 (bookworm), run as root. Safe to run again: apt skips what is installed.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
packages=(
  cmake ninja-build g++ ccache lld pkg-config default-jre-headless
  llvm-19-dev libzstd-dev libedit-dev
  antlr4 libantlr4-runtime-dev uuid-dev
  libsundials-dev
  libfmt-dev doctest-dev libeigen3-dev libcli11-dev nlohmann-json3-dev
  gnuplot-nox
  clang-19 libclang-rt-19-dev libomp-19-dev
  python3-dev python3-pybind11 python3-numpy python3-pytest python3-matplotlib
  python3-nbclient python3-nbformat python3-ipykernel
  python3-ipython python3-tqdm tmux
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

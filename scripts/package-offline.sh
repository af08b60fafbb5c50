#!/usr/bin/env bash
# Packages jsii packages for Python and Go without PyPI, a Go toolchain or the Go module proxy
# (stock jsii-pacmak needs them):
# - one jsii-pacmak run generates the Python and Go sources of every package given;
# - Debian's python3-build builds each Python sdist and wheel, and twine checks them.
#
# Usage: package-offline.sh [package folder...]   (default: the current folder)
# Output, in each package: dist/python/<dist>-<version>.tar.gz and -py3-none-any.whl,
#         dist/go/<package>/ (the Go module's sources, as the release publishes them).
set -euo pipefail

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(.)

PYTHON=/usr/bin/python3
DEBIAN_PACKAGES=(python3 python3-build python3-setuptools python3-wheel python3-venv twine)
APT_COMMAND="apt-get update && apt-get install -y --no-install-recommends ${DEBIAN_PACKAGES[*]}"

# The tools come from Debian's packages, for Debian's own python3 (not a python3 earlier on PATH).
have_tools() {
  [ -x "$PYTHON" ] && "$PYTHON" -c 'import build, setuptools, twine, wheel' >/dev/null 2>&1
}

if ! have_tools; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "package-offline: installing Debian packages: ${DEBIAN_PACKAGES[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${DEBIAN_PACKAGES[@]}" >/dev/null
  fi
  if ! have_tools; then
    echo "package-offline: Debian's Python packaging tools are missing. Install them as root with:" >&2
    echo "  $APT_COMMAND" >&2
    exit 1
  fi
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One run for every package: jsii-pacmak loads the assemblies (aws-cdk-lib's is large) once.
# Each package's sources land in its own dist/python and dist/go. README examples are translated
# with the rosetta tablet (.jsii.tabl.json) the build wrote.
for pkg in "${packages[@]}"; do rm -rf "$pkg/dist/python" "$pkg/dist/go"; done
jsii-pacmak "${packages[@]}" --target python --target go --code-only

for pkg in "${packages[@]}"; do
  name=$(basename "$(cd "$pkg" && pwd)")
  src="$work/$name"
  mv "$pkg/dist/python" "$src"
  mkdir -p "$pkg/dist/python"
  # Only a failed build shows setuptools' chatter.
  if ! "$PYTHON" -m build --no-isolation --skip-dependency-check --sdist --wheel --outdir "$pkg/dist/python" "$src" >"$work/$name.log" 2>&1; then
    cat "$work/$name.log" >&2
    exit 1
  fi
  "$PYTHON" -m twine check --strict "$pkg"/dist/python/*
  ls -1 "$pkg/dist/python" "$pkg/dist/go"
done

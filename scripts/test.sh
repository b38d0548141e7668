#!/usr/bin/env bash
# The test command: fetches MNIST (the tests read the real files), then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-mnist.sh data/mnist
mvn -B verify

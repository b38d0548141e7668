#!/usr/bin/env bash
# The test command: fetches MNIST (the tests read the real files), then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-mnist.sh data/mnist
# The report's charts render text with the system's fonts; a bare machine may have none.
if ! fc-list 2>/dev/null | grep -q .; then
  apt-get install -y --no-install-recommends fontconfig fonts-dejavu-core
fi
mvn -B verify

#!/usr/bin/env bash
# Sweeps a step's recipe in Spark local mode (local[*]; --master URL for another): seeded one-worker trials side
# by side, pruned by successive halving on validation accuracy; the trials table records every trial and decision.
# Builds what is missing and fetches MNIST into the repository's data/mnist when no --data is given.
#   scripts/sweep.sh --step 4 --space conf/sweep-step4.conf --trials 8 --epochs 6 --eta 2
#   scripts/sweep.sh --resume sweep-20260101-120000       # continue a killed sweep
# Options: drilldown sweep --help (scripts/sweep.sh --help).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
run_local sweep "$@"

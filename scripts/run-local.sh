#!/usr/bin/env bash
# Runs the drill-down in Spark local mode. Builds what is missing and fetches MNIST if absent.
#   scripts/run-local.sh                       # all four steps with the configured epochs
#   scripts/run-local.sh --steps 2,4 --epochs 1 --train-limit 4000 --test-limit 1000 --workers 2 --out out/try
# Options: drilldown run --help (scripts/run-local.sh --help).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

data="data/mnist"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ "${args[$i]}" == "--data" && $((i + 1)) -lt ${#args[@]} ]] && data="${args[$((i + 1))]}"
  [[ "${args[$i]}" == --data=* ]] && data="${args[$i]#--data=}"
done
# Fetch only the default location; a user-given --data is theirs to fill (the job names what is missing).
if [[ "$data" == "data/mnist" && ! -f data/mnist/t10k-labels-idx1-ubyte ]]; then
  scripts/fetch-mnist.sh data/mnist
fi
# Each parameter-averaging worker is a Spark task thread; one native (OpenMP) thread each avoids oversubscription.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
run_cli run --master "local[*]" "$@"

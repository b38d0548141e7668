#!/usr/bin/env bash
# Sweeps a step's recipe in Spark local mode (local[*]; --master URL for another): seeded one-worker trials side
# by side, pruned by successive halving on validation accuracy; the trials table records every trial and decision.
# Builds what is missing and fetches MNIST into the repository's data/mnist when no --data is given.
#   scripts/sweep.sh --step 4 --space conf/sweep-step4.conf --trials 8 --epochs 6 --eta 2
#   scripts/sweep.sh --resume sweep-20260101-120000       # continue a killed sweep
# Options: drilldown sweep --help (scripts/sweep.sh --help).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

data=""
conf=""
master=""
resume=""
for arg in "$@"; do
  case "$arg" in
    --data|--data=*) data=1 ;;
    --conf|--conf=*) conf=1 ;;
    --master|--master=*) master=1 ;;
    --resume|--resume=*) resume=1 ;;
  esac
done
extra=()
# As scripts/run-local.sh: the repository's data/mnist unless --data (or a --conf that may name it); a resumed
# sweep reads the data it recorded.
if [[ -z "$data$conf$resume" ]]; then
  [[ -f "$ROOT/data/mnist/t10k-labels-idx1-ubyte" ]] || "$ROOT/scripts/fetch-mnist.sh" "$ROOT/data/mnist"
  [[ "$PWD" == "$ROOT" ]] || extra+=(--data "$ROOT/data/mnist")
fi
[[ -n "$master" ]] || extra+=(--master "local[*]")
# Each trial's task is one Spark task thread; one native (OpenMP) thread each, as scripts/run-local.sh.
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
run_cli sweep "${extra[@]}" "$@"

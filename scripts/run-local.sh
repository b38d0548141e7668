#!/usr/bin/env bash
# Runs the drill-down in Spark local mode (local[*]; --master URL for another). Builds what is missing and
# fetches MNIST into the repository's data/mnist when no --data is given. Runs from any directory: the paths you
# pass are read from where you are.
#   scripts/run-local.sh                       # all four steps with the configured epochs
#   scripts/run-local.sh --steps 2,4 --epochs 1 --train-limit 4000 --test-limit 1000 --workers 2 --out out/try
# Options: drilldown run --help (scripts/run-local.sh --help).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# Paths the user passes mean what they say from the directory they run this in; the script's own files and
# the default MNIST location are found from the repository root, so it runs from any directory.
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
# No --data, and no --conf that may name one: the repository's data/mnist, fetched when absent. A resumed
# run reads the data it recorded.
if [[ -z "$data$conf$resume" ]]; then
  [[ -f "$ROOT/data/mnist/t10k-labels-idx1-ubyte" ]] || "$ROOT/scripts/fetch-mnist.sh" "$ROOT/data/mnist"
  [[ "$PWD" == "$ROOT" ]] || extra+=(--data "$ROOT/data/mnist")
fi
# Local mode unless the user names a master.
[[ -n "$master" ]] || extra+=(--master "local[*]")
# Each parameter-averaging worker is a Spark task thread; one native (OpenMP) thread each avoids oversubscription.
# Local mode's tasks run in this JVM, whose environment only the launcher sets: 1 matches spark.task.cpus' default.
# (Cluster executors get OMP_NUM_THREADS = spark.task.cpus from the job itself; the manifest records both.)
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
run_cli run "${extra[@]}" "$@"

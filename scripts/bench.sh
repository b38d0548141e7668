#!/usr/bin/env bash
# Throughput benchmark, all in one run on this machine so the ratios are fair:
#   1. single-process DL4J (drilldown bench): training at batch 32 and 128, evaluation; batch 32 again with
#      DL4J's stock BatchNorm/ReLU/Dropout layers instead of the fused BatchNormBlock;
#   2. the same step through Spark local[N] with parameter averaging and rotation (drilldown run);
#   3. the PyTorch yardstick (bench/torch_reference.py, Debian's python3-torch), same model, batch, threads.
# Peak resident memory of each comes from /usr/bin/time -v. Prints a table and writes out/bench/<id>/bench.json.
#
#   scripts/bench.sh [--steps 4[,1]] [--train-limit N] [--threads N] [--epochs N] [--repeats N] [--torch PATH]
# Every measurement runs --epochs epochs (default 2) and reports the last: steady state, after the JVM's JIT,
# ND4J's workspaces and DL4J's Export have warmed up (and PyTorch's allocator, for symmetry). The batch-32
# trio (PyTorch, DL4J, Spark) runs --repeats times (default 3), each time back to back; the table gives the
# median of the paired ratios (this machine's speed drifts by +-10 % over minutes, so one pair says little).
# ~14 minutes for step 4 at the defaults on 2 cores.
# Needs: apt-get install -y time python3-torch
set -euo pipefail
source "$(dirname "$0")/lib.sh"
steps="4"; limit=0; threads="$(nproc)"; epochs=2; repeats=3; torch_ref="$ROOT/bench/torch_reference.py"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --train-limit) limit="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --torch) torch_ref="$(realpath -m "$2")"; shift 2 ;;
    *) echo "bench: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
# Everything below is relative to the repository root (out/bench/, data/mnist), wherever this was started.
cd "$ROOT"
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --repeats must be a positive whole number, got '$repeats'" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "bench: needs /usr/bin/time (apt-get install -y time)" >&2; exit 2; }
/usr/bin/python3 -c "import torch" 2>/dev/null || { echo "bench: needs PyTorch (apt-get install -y python3-torch)" >&2; exit 2; }
[[ -f "$torch_ref" ]] || { echo "bench: no PyTorch reference at $torch_ref (pass --torch PATH)" >&2; exit 2; }
[[ -f data/mnist/t10k-labels-idx1-ubyte ]] || scripts/fetch-mnist.sh data/mnist
build_if_needed

id="$(date -u +%Y%m%d-%H%M%S)"
dir="out/bench/$id"
mkdir -p "$dir"
train_limit_args=(); [[ "$limit" -gt 0 ]] && train_limit_args=(--train-limit "$limit")
java_cmd=(java $DEFAULT_JAVA_OPTS $(cat "$ROOT/target/jvm.options") -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties"
          -cp "$ROOT/target/drilldown.jar:$(cat "$ROOT/target/classpath.txt")" org.drilldown.cli.Main)

measure() {  # name, command...: stdout to $dir/name.out, peak RSS to $dir/name.time
  local name="$1"; shift
  echo "bench: $name ..." >&2
  /usr/bin/time -v -o "$dir/$name.time" "$@" > "$dir/$name.out" 2> "$dir/$name.err" \
    || { echo "bench: $name failed, see $dir/$name.err" >&2; exit 1; }
}

dl4j() {  # name, batch, extra bench options...
  local name="$1" batch="$2"; shift 2
  OMP_NUM_THREADS="$threads" measure "$name" "${java_cmd[@]}" bench --step "$step" --batch "$batch" --epochs "$epochs" \
    "${train_limit_args[@]}" "$@"
}
torch() {  # name, batch
  measure "$1" /usr/bin/python3 "$torch_ref" --data data/mnist --step "$step" --epochs "$epochs" \
    --batch "$2" --threads "$threads" --train-limit "${limit/#0/60000}"
}
spark() {  # name: one worker per core, one native thread per worker, the step's own batch and rotation
  OMP_NUM_THREADS=1 measure "$1" "${java_cmd[@]}" run --master "local[$threads]" --workers "$threads" \
    --steps "$step" --epochs "$epochs" "${train_limit_args[@]}" --out "$dir/spark" --run-id "bench-$1"
  "${java_cmd[@]}" query --out "$dir/spark" --format json \
    "select * from epochs where run_id = 'bench-$1' order by epoch" > "$dir/$1.epochs.json" 2>/dev/null
}

# Each ratio's two terms run back to back: this machine's speed drifts by ±10 % over minutes, so a DL4J
# figure measured six minutes before its PyTorch counterpart compared the drift as much as the frameworks.
# Per repeat: PyTorch b32, DL4J b32, Spark (both batch-32 ratios share the DL4J run); then once DL4J b128,
# PyTorch b128, and the stock-layer variant (compared with DL4J b32 only). Both frameworks run under the
# same environment, the malloc settings of scripts/lib.sh included.
for step in ${steps//,/ }; do
  for ((r = 1; r <= repeats; r++)); do
    torch "torch-step$step-b32-r$r" 32
    dl4j "dl4j-step$step-b32-r$r" 32
    spark "spark-step$step-r$r"
  done
  dl4j "dl4j-step$step-b128" 128
  torch "torch-step$step-b128" 128
  # The same at batch 32 with DL4J's three stock layers per BatchNorm block instead of BatchNormBlock.
  dl4j "dl4j-step$step-b32-stock" 32 --no-fused
done

/usr/bin/python3 "$ROOT/scripts/bench_summary.py" "$dir" "$steps" "$threads" "$repeats" "$*"

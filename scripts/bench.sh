#!/usr/bin/env bash
# Throughput benchmark of every step, all in one run on this machine so the ratios are fair. Per step, at the
# step's own batch size (conf/steps.conf: 128 for steps 1-3, 32 for step 4), --repeats times back to back:
#   1. single-process DL4J (drilldown bench): training and evaluation;
#   2. the PyTorch yardstick (bench/torch_reference.py, Debian's python3-torch), same model, batch and threads,
#      twice: under the scripts' malloc settings (scripts/lib.sh) and under glibc's defaults, as a PyTorch user
#      runs it; each ratio takes the faster of the two, PyTorch at its best;
#   3. the same step through Spark local[N] as run-local.sh trains it (N workers, the default lr-scaling rule,
#      rotation where the step has it: drilldown run).
# Step 4 also runs single-process once with DL4J's stock BatchNorm/ReLU/Dropout layers instead of BatchNormBlock.
# Peak resident memory of each comes from /usr/bin/time -v. Prints a table and writes out/bench/<id>/bench.json.
#
#   scripts/bench.sh [--steps 1,2,3,4] [--train-limit N] [--threads N] [--epochs N] [--repeats N] [--torch PATH]
#   scripts/bench.sh --whole [--epochs 15] [--threads N]
# Every measurement runs --epochs epochs (default 2) and reports the last: steady state, after the JVM's JIT,
# ND4J's workspaces and DL4J's Export have warmed up (and PyTorch's allocator, for symmetry). The table gives the
# median of the paired ratios (this machine's speed drifts by +-10 % over minutes, so one pair says little).
# ~33 minutes for all four steps with --train-limit 4000 on 2 cores.
# --whole instead times the whole drill-down as users run it, scripts/run-local.sh (every step, --epochs each,
# default 15, 55,000 training images and the 5,000-image validation split), then the yardstick's four steps one
# after the other at the same batch sizes, epochs, images and threads (each step under both malloc settings, the
# faster counting), and reports the two wall times.
# Needs: apt-get install -y time python3-torch
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command_args="$*"  # for bench.json, before the options are parsed away
steps="1,2,3,4"; limit=0; threads="$(nproc)"; epochs=""; repeats=3; whole=""; torch_ref="$ROOT/bench/torch_reference.py"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --train-limit) limit="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --torch) torch_ref="$(realpath -m "$2")"; shift 2 ;;
    --whole) whole=1; shift ;;
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

step_batch() {  # the step's own minibatch size, as drilldown bench reported it
  /usr/bin/python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")][-1]["batch"])' "$1"
}

if [[ -n "$whole" ]]; then
  # The whole drill-down, ours then the yardstick's; each yardstick step under both malloc settings, the faster counting.
  epochs="${epochs:-15}"
  measure whole-drilldown scripts/run-local.sh --master "local[$threads]" --epochs "$epochs" "${train_limit_args[@]}" \
    --out "$dir/spark" --run-id bench-whole
  "${java_cmd[@]}" query --out "$dir/spark" --format json \
    "select step, epoch, epoch_seconds, eval_seconds, train_images_per_second, test_accuracy from epochs order by step, epoch" \
    > "$dir/whole-drilldown.epochs.json" 2>/dev/null
  # Drilldown's --train-limit counts the validation split (conf: 5,000 images); the yardstick's counts what is left.
  validation=5000 train=$(( limit > 0 ? limit - 5000 : 55000 ))
  for step in 1 2 3 4; do
    batch=128; [[ "$step" == 4 ]] && batch=32
    for env_name in torch torch-plain; do
      env_args=(GLIBC_TUNABLES="$GLIBC_TUNABLES"); [[ "$env_name" == torch-plain ]] && env_args=(-u GLIBC_TUNABLES)
      measure "whole-$env_name-step$step" env "${env_args[@]}" /usr/bin/python3 "$torch_ref" --data data/mnist \
        --step "$step" --epochs "$epochs" --batch "$batch" --threads "$threads" --validation "$validation" --train-limit "$train"
    done
  done
  /usr/bin/python3 "$ROOT/scripts/bench_summary.py" --whole "$dir" "$threads" "$command_args"
  exit
fi
epochs="${epochs:-2}"

dl4j() {  # name, extra bench options...: the step's own batch
  local name="$1"; shift
  OMP_NUM_THREADS="$threads" measure "$name" "${java_cmd[@]}" bench --step "$step" --epochs "$epochs" \
    "${train_limit_args[@]}" "$@"
}
torch() {  # name, batch, env...: the environment to run it in
  local name="$1" batch="$2"; shift 2
  measure "$name" env "$@" /usr/bin/python3 "$torch_ref" --data data/mnist --step "$step" --epochs "$epochs" \
    --batch "$batch" --threads "$threads" --train-limit "${limit/#0/60000}"
}
spark() {  # name: one worker per core, one native thread per worker, the step's own batch, rule and rotation
  OMP_NUM_THREADS=1 measure "$1" "${java_cmd[@]}" run --master "local[$threads]" --workers "$threads" \
    --steps "$step" --epochs "$epochs" "${train_limit_args[@]}" --out "$dir/spark" --run-id "bench-$1"
  "${java_cmd[@]}" query --out "$dir/spark" --format json \
    "select * from epochs where run_id = 'bench-$1' order by epoch" > "$dir/$1.epochs.json" 2>/dev/null
}

# Each ratio's terms run back to back: this machine's speed drifts by ±10 % over minutes, so a DL4J figure
# measured six minutes before its PyTorch counterpart compared the drift as much as the frameworks.
for step in ${steps//,/ }; do
  for ((r = 1; r <= repeats; r++)); do
    dl4j "dl4j-step$step-r$r"
    batch="$(step_batch "$dir/dl4j-step$step-r$r.out")"
    torch "torch-step$step-r$r" "$batch" GLIBC_TUNABLES="$GLIBC_TUNABLES"
    torch "torch-plain-step$step-r$r" "$batch" -u GLIBC_TUNABLES
    spark "spark-step$step-r$r"
  done
  # BatchNormBlock against DL4J's three stock layers, compared with the DL4J runs above.
  if [[ "$step" == 4 ]]; then dl4j "dl4j-step$step-stock" --no-fused; fi
done

/usr/bin/python3 "$ROOT/scripts/bench_summary.py" "$dir" "$steps" "$threads" "$repeats" "$command_args"

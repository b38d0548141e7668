#!/usr/bin/env bash
# Where a training step's time goes, on one native thread (every ND4J and oneDNN op on the calling thread):
# each layer's forward and backward CPU time on one minibatch and a whole fit's (drilldown bench --layers).
# With --onednn, oneDNN also reports every primitive and layout reorder it ran (DNNL_VERBOSE=1), summed here
# per primitive, implementation and shape, largest first.
#   scripts/profile.sh --step 2 [--batch 128] [--repeats 40] [--onednn | --convolutions] [--data DIR]
# With --convolutions, instead: each convolution timed on its own (random arrays of its shapes, wall time), through
# libnd4j's ops (DL4J's oneDNN helper) and oneDNN called directly with Winograd allowed and without.
# Uses the first 2,000 training images (one minibatch is profiled); runs from any directory.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
step=""; batch=(); repeats=40; onednn=""; what=--layers; data=(--data "$ROOT/data/mnist")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --step) step="$2"; shift 2 ;;
    --batch) batch=(--batch "$2"); shift 2 ;;
    --repeats) repeats="$2"; shift 2 ;;
    --onednn) onednn=1; shift ;;
    --convolutions) what=--convolutions; shift ;;
    --data) data=(--data "$(realpath -m "$2")"); shift 2 ;;
    *) echo "profile: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ -n "$step" ]] || { echo "profile: pass --step S (a key of conf/steps.conf)" >&2; exit 2; }
[[ "$repeats" =~ ^[1-9][0-9]*$ ]] || { echo "profile: --repeats must be a positive whole number, got '$repeats'" >&2; exit 2; }
# The repository's data/mnist is fetched when absent, as run-local.sh does; a --data DIR must exist.
if [[ "${data[1]}" == "$ROOT/data/mnist" && ! -f "$ROOT/data/mnist/t10k-labels-idx1-ubyte" ]]; then
  "$ROOT/scripts/fetch-mnist.sh" "$ROOT/data/mnist"
fi
[[ -z "$onednn" || "$what" == --layers ]] || { echo "profile: --onednn and --convolutions are two runs; pass one" >&2; exit 2; }
args=(bench --step "$step" "${batch[@]}" --train-limit 2000 "${data[@]}" "$what" "$repeats")
export OMP_NUM_THREADS=1
if [[ -z "$onednn" ]]; then
  run_cli "${args[@]}"
  exit
fi
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
DNNL_VERBOSE=1 bash -c 'source "$1/scripts/lib.sh"; shift; run_cli "$@"' profile "$ROOT" "${args[@]}" > "$log"
grep -v '^dnnl_verbose\|^onednn_verbose' "$log"
echo
echo "oneDNN primitives (every profiled pass and fit, warm-up included): wall ms, calls, primitive"
grep '^dnnl_verbose,exec\|^onednn_verbose,exec' "$log" | awk -F, '
  { kind = $4 "," $5 "," $6; shape = ($4 == "reorder") ? $7 " " $(NF-1) : $(NF-1)
    key = kind "," shape; ms[key] += $NF; calls[key]++; total[$4] += $NF }
  END {
    for (k in ms) printf "%10.1f %6d  %s\n", ms[k], calls[k], k | "sort -rn | head -25"
    close("sort -rn | head -25")
    for (t in total) printf "total %-12s %10.1f ms\n", t, total[t]
  }'

#!/usr/bin/env bash
# The same job in Spark local[2] and on the two-Worker standalone cluster of scripts/local-cluster.sh, in one run
# on this machine, and the throughput ratio cluster / local[2].
#   scripts/bench-cluster.sh [--steps 4] [--epochs 6] [--train-limit 30000]
# The ratio is the steady one: training images over training seconds in the later half of the epochs (4-6 by
# default), when both have finished compiling. Each executor JVM JIT-compiles the training code on its own, so on
# these shared cores the cluster spends twice local mode's compiler time in its first minute (docs/performance.md);
# the whole-run ratio, warm-up included, is printed beside it. Starts the cluster when it is not running and stops it
# afterwards (only if it started it). Writes out/bench/cluster-<id>/bench.json with the machine, commit, command and
# every epoch's rates; prints a table.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
steps=4; epochs=6; limit=30000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --steps) steps="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --train-limit) limit="$2"; shift 2 ;;
    *) echo "bench-cluster: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
# Everything below is relative to the repository root (out/bench/, data/mnist), wherever this was started.
cd "$ROOT"
[[ -f data/mnist/t10k-labels-idx1-ubyte ]] || scripts/fetch-mnist.sh data/mnist
build_if_needed
id="$(date -u +%Y%m%d-%H%M%S)"
out="$ROOT/out/bench/cluster-$id"
mkdir -p "$out"
job=(--steps "$steps" --epochs "$epochs" --train-limit "$limit" --test-limit 2000 --workers 2 --out "$out")

use_local_cluster "$out/cluster.conf"

echo "bench-cluster: local[2] ..." >&2
OMP_NUM_THREADS=1 DRILLDOWN_COMMIT="$(build_commit)" java -Xmx4g -Xmn150m -XX:+UseParallelGC $(cat "$ROOT/target/jvm.options") \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$(jar_copy):$(cat "$ROOT/target/classpath.txt")" org.drilldown.cli.Main run --master "local[2]" "${job[@]}" \
  --run-id local > "$out/local.log" 2>&1 || { echo "bench-cluster: local run failed, see $out/local.log" >&2; exit 1; }
echo "bench-cluster: $CLUSTER_URL ..." >&2
OMP_NUM_THREADS=1 scripts/submit.sh --master "$CLUSTER_URL" --conf "$CLUSTER_CONF" "${job[@]}" --run-id cluster \
  > "$out/cluster.log" 2>&1 || { echo "bench-cluster: cluster run failed, see $out/cluster.log" >&2; exit 1; }

# Every epoch's training rate and seconds per run, from the metric tables.
scripts/query.sh --out "$out" --format json "select e.run_id, r.spark_master, r.executors, e.step, e.epoch,
  e.train_images, e.epoch_seconds, e.train_images_per_second,
  (unix_timestamp(r.finished_at) - unix_timestamp(r.started_at)) as run_seconds
  from epochs e join runs r on e.run_id = r.run_id order by e.run_id, e.step, e.epoch" > "$out/rows.json"
python3 - "$out" "$(build_commit)" "$*" "$epochs" <<'PY'
import json, platform, sys, os
out, commit, args, epochs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
rows = [json.loads(line) for line in open(os.path.join(out, "rows.json"))]
steady_from = epochs // 2 + 1  # the later half: both runs have finished compiling by then

def rate(run, first_epoch):
    sel = [r for r in rows if r["run_id"] == run and r["epoch"] >= first_epoch]
    return sum(r["train_images"] for r in sel) / sum(r["epoch_seconds"] for r in sel)

runs = {}
for run in ("local", "cluster"):
    mine = [r for r in rows if r["run_id"] == run]
    runs[run] = {"spark_master": mine[0]["spark_master"], "executors": mine[0]["executors"],
                 "run_seconds": mine[0]["run_seconds"], "train_seconds": sum(r["epoch_seconds"] for r in mine),
                 "steady_images_per_second": rate(run, steady_from), "whole_images_per_second": rate(run, 1),
                 "epochs": [{k: r[k] for k in ("step", "epoch", "train_images", "epoch_seconds",
                                               "train_images_per_second")} for r in mine]}
steady = runs["cluster"]["steady_images_per_second"] / runs["local"]["steady_images_per_second"]
whole = runs["cluster"]["whole_images_per_second"] / runs["local"]["whole_images_per_second"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
result = {"machine": {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform()}, "commit": commit,
          "command": "scripts/bench-cluster.sh " + args, "steady_epochs": f"{steady_from}-{epochs}", "runs": runs,
          "cluster_over_local": steady, "cluster_over_local_whole_run": whole}
json.dump(result, open(os.path.join(out, "bench.json"), "w"), indent=2)
print(f"{'run':8} {'master':28} {'executors':>9} {'img/s steady':>13} {'img/s whole':>12} {'train s':>8} {'run s':>6}")
for name, r in runs.items():
    print(f"{name:8} {r['spark_master']:28} {r['executors']:>9} {r['steady_images_per_second']:>13.0f} "
          f"{r['whole_images_per_second']:>12.0f} {r['train_seconds']:>8.1f} {r['run_seconds']:>6}")
print("epoch   " + " ".join(f"{e['epoch']:>6}" for e in runs["local"]["epochs"]))
print("ratio   " + " ".join(f"{c['train_images_per_second'] / l['train_images_per_second']:>6.2f}"
                           for l, c in zip(runs["local"]["epochs"], runs["cluster"]["epochs"])))
print(f"cluster / local[2] = {steady:.2f} steady (epochs {steady_from}-{epochs}), {whole:.2f} over the whole run   "
      f"({os.path.join(out, 'bench.json')})")
PY

#!/usr/bin/env bash
# The same small job in Spark local[2] and on the two-Worker standalone cluster of scripts/local-cluster.sh,
# in one run on this machine, and the throughput ratio cluster / local[2].
#   scripts/bench-cluster.sh [--steps 4] [--epochs 4] [--train-limit 12000]
# The ratio is the last epoch's: both runs still speed up through epoch 3 (docs/performance.md), so 4 by default.
# Starts the cluster when it is not running and stops it afterwards (only if it started it). Writes
# out/bench/cluster-<id>/bench.json with the machine, commit and command; prints a table.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
steps=4; epochs=4; limit=12000
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
OMP_NUM_THREADS=1 DRILLDOWN_COMMIT="$(build_commit)" java -Xmx4g -XX:+UseParallelGC $(cat "$ROOT/target/jvm.options") \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$(jar_copy):$(cat "$ROOT/target/classpath.txt")" org.drilldown.cli.Main run --master "local[2]" "${job[@]}" \
  --run-id local > "$out/local.log" 2>&1 || { echo "bench-cluster: local run failed, see $out/local.log" >&2; exit 1; }
echo "bench-cluster: $CLUSTER_URL ..." >&2
OMP_NUM_THREADS=1 scripts/submit.sh --master "$CLUSTER_URL" --conf "$CLUSTER_CONF" "${job[@]}" --run-id cluster \
  > "$out/cluster.log" 2>&1 || { echo "bench-cluster: cluster run failed, see $out/cluster.log" >&2; exit 1; }

# Training images/s of the last epoch (the first pays for JIT and native warm-up), and wall time per run.
scripts/query.sh --out "$out" --format json "select e.run_id, r.spark_master, r.executors, r.cores,
  max(case when e.epoch = $epochs then e.train_images_per_second end) as last_epoch_images_per_second,
  sum(e.epoch_seconds) as train_seconds,
  (unix_timestamp(r.finished_at) - unix_timestamp(r.started_at)) as run_seconds
  from epochs e join runs r on e.run_id = r.run_id group by e.run_id, r.spark_master, r.executors, r.cores,
  r.finished_at, r.started_at order by e.run_id desc" > "$out/rows.json"
python3 - "$out" "$(build_commit)" "$*" <<'PY'
import json, platform, sys, os
out, commit, args = sys.argv[1:4]
rows = {r["run_id"]: r for r in map(json.loads, open(os.path.join(out, "rows.json")))}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
ratio = rows["cluster"]["last_epoch_images_per_second"] / rows["local"]["last_epoch_images_per_second"]
result = {"machine": {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform()}, "commit": commit,
          "command": "scripts/bench-cluster.sh " + args, "runs": rows, "cluster_over_local": ratio}
json.dump(result, open(os.path.join(out, "bench.json"), "w"), indent=2)
print(f"{'run':8} {'master':28} {'executors':>9} {'img/s (last epoch)':>19} {'train s':>8} {'run s':>6}")
for r in (rows["local"], rows["cluster"]):
    print(f"{r['run_id']:8} {r['spark_master']:28} {r['executors']:>9} {r['last_epoch_images_per_second']:>19.0f} "
          f"{r['train_seconds']:>8.1f} {r['run_seconds']:>6}")
print(f"cluster / local[2] = {ratio:.2f}   ({os.path.join(out, 'bench.json')})")
PY

#!/usr/bin/env bash
# What one parameter-averaging round costs, measured rather than guessed: the same small job at several averaging
# frequencies, on one worker (local[1]), two (local[2]) and, with --cluster, the two-Worker standalone cluster of
# scripts/local-cluster.sh; all in one run on this machine. An epoch of R rounds takes about
# fit + R x round, so a least-squares line through (rounds, epoch seconds) per setting gives the fixed cost of a
# round (broadcast, Spark job, aggregate: the slope) apart from fitting the minibatches (the intercept).
#   scripts/bench-rounds.sh [--step 4] [--train-limit 12000] [--frequencies 5,10,20,40] [--cluster]
# Writes out/bench/rounds-<id>/bench.json with the machine, commit and command; prints a table. docs/scaling.md
# reads its figures from here.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
step=4; limit=12000; frequencies="5,10,20,40"; cluster=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --step) step="$2"; shift 2 ;;
    --train-limit) limit="$2"; shift 2 ;;
    --frequencies) frequencies="$2"; shift 2 ;;
    --cluster) cluster=1; shift ;;
    *) echo "bench-rounds: unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
cd "$ROOT"
[[ "$frequencies" =~ ^[1-9][0-9]*(,[1-9][0-9]*)+$ ]] \
  || { echo "bench-rounds: --frequencies needs two or more whole numbers, e.g. 5,10,20, got '$frequencies'" >&2; exit 2; }
[[ -f data/mnist/t10k-labels-idx1-ubyte ]] || scripts/fetch-mnist.sh data/mnist
build_if_needed
id="$(date -u +%Y%m%d-%H%M%S)"
out="$ROOT/out/bench/rounds-$id"
mkdir -p "$out"
# Two epochs, the second measured (the first pays for the JIT and native warm-up).
job=(--steps "$step" --epochs 2 --train-limit "$limit" --test-limit 1000 --validation 0 --out "$out")
local_run() {  # run id, master, workers, frequency
  OMP_NUM_THREADS=1 DRILLDOWN_COMMIT="$(build_commit)" java ${DRILLDOWN_JAVA_OPTS:-$DEFAULT_JAVA_OPTS} $(cat "$ROOT/target/jvm.options") \
    -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$(jar_copy):$(cat "$ROOT/target/classpath.txt")" org.drilldown.cli.Main run --master "$2" --workers "$3" \
    --averaging-frequency "$4" "${job[@]}" --run-id "$1" > "$out/$1.log" 2>&1 \
    || { echo "bench-rounds: $1 failed, see $out/$1.log" >&2; exit 1; }
}
IFS=, read -r -a freqs <<< "$frequencies"
for f in "${freqs[@]}"; do
  echo "bench-rounds: local[1] and local[2], averaging every $f ..." >&2
  local_run "w1-f$f" "local[1]" 1 "$f"
  local_run "w2-f$f" "local[2]" 2 "$f"
done
if [[ $cluster == 1 ]]; then
  use_local_cluster "$out/cluster.conf"
  for f in "${freqs[@]}"; do
    echo "bench-rounds: $CLUSTER_URL, averaging every $f ..." >&2
    OMP_NUM_THREADS=1 scripts/submit.sh --master "$CLUSTER_URL" --conf "$CLUSTER_CONF" --workers 2 --averaging-frequency "$f" \
      "${job[@]}" --run-id "cluster-f$f" > "$out/cluster-f$f.log" 2>&1 \
      || { echo "bench-rounds: cluster-f$f failed, see $out/cluster-f$f.log" >&2; exit 1; }
  done
fi

scripts/query.sh --out "$out" --format json "select e.run_id, r.spark_master, r.workers, e.epoch_seconds,
  e.train_images, (select count(*) from iterations i where i.run_id = e.run_id and i.epoch = 2) as rounds
  from epochs e join runs r on e.run_id = r.run_id where e.epoch = 2 order by e.run_id" > "$out/rows.json"
python3 - "$out" "$(build_commit)" "$*" <<'PY'
import json, os, platform, re, sys
out, commit, args = sys.argv[1:4]
rows = [json.loads(l) for l in open(os.path.join(out, "rows.json"))]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
settings = {}
for r in rows:
    settings.setdefault(re.sub(r"-f\d+$", "", r["run_id"]), []).append(r)
fits = {}
print(f"{'setting':10} {'master':28} {'workers':>7} {'freq':>5} {'rounds':>6} {'epoch s':>8}")
for name, rs in settings.items():
    for r in sorted(rs, key=lambda r: r["rounds"]):
        freq = r["run_id"].rsplit("-f", 1)[1]
        print(f"{name:10} {r['spark_master']:28} {r['workers']:>7} {freq:>5} {r['rounds']:>6} {r['epoch_seconds']:>8.2f}")
    n = len(rs); xs = [r["rounds"] for r in rs]; ys = [r["epoch_seconds"] for r in rs]
    mx, my = sum(xs) / n, sum(ys) / n
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    fits[name] = {"workers": rs[0]["workers"], "master": rs[0]["spark_master"], "train_images": rs[0]["train_images"],
                  "seconds_per_round": slope, "fit_seconds": my - slope * mx}
print()
print(f"{'setting':10} {'s per round':>11} {'fit s (no rounds)':>17} {'fit img/s':>9}")
for name, f in fits.items():
    print(f"{name:10} {f['seconds_per_round']:>11.3f} {f['fit_seconds']:>17.2f} {f['train_images'] / f['fit_seconds']:>9.0f}")
result = {"machine": {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform()}, "commit": commit,
          "command": "scripts/bench-rounds.sh " + args, "runs": rows, "fits": fits}
json.dump(result, open(os.path.join(out, "bench.json"), "w"), indent=2)
print(f"({os.path.join(out, 'bench.json')})")
PY

#!/usr/bin/env bash
# Submits the drill-down to a Spark cluster (client deploy mode: the driver runs here).
#   scripts/submit.sh --master spark://HOST:7077 [drilldown run options]
#   e.g. scripts/submit.sh --master spark://127.0.0.1:7077 --steps 2,4 --epochs 1 --out /shared/drilldown
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else Spark's SparkSubmit from the build's own
# jars. The application jar (target/drilldown.jar) carries Drilldown and its conf/ defaults; DL4J, ND4J and
# their natives (target/app-classpath.txt: everything the job needs that Spark does not provide) go with --jars.
# Job options as for scripts/run-local.sh; add --conf conf/cluster.conf (or your copy) for cluster settings.
# --out and the export directory must be storage that the driver and every executor reach.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

master=""
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) master="${2:?--master needs a URL}"; shift 2 ;;
    --master=*) master="${1#--master=}"; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ -n "$master" ]] || { echo "submit: --master URL is required (e.g. spark://127.0.0.1:7077)" >&2; exit 2; }

# A master on this machine: keep the driver (RPC, block manager, UI) on loopback as well.
case "$master" in
  spark://127.0.0.1:*|spark://localhost:*) export SPARK_LOCAL_IP=127.0.0.1 ;;
esac
build_if_needed
jars="$(tr ':' ',' < "$ROOT/target/app-classpath.txt")"
app="$(jar_copy)"
opts="$(cat "$ROOT/target/jvm.options")"
submit_args=(--master "$master" --deploy-mode client --class org.drilldown.cli.Main --jars "$jars"
  --driver-java-options "$opts -Dlog4j2.configurationFile=$ROOT/conf/log4j2.properties"
  "$app" run "${args[@]}")

export DRILLDOWN_COMMIT="$(build_commit)"
if [[ -n "${SPARK_HOME:-}" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${submit_args[@]}"
fi
# No Spark install: SparkSubmit from the build's jars, in a JVM with the flags the driver needs.
exec java ${DRILLDOWN_JAVA_OPTS:--Xmx4g -Xmn150m -XX:+UseParallelGC} $opts -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$(cat "$ROOT/target/classpath.txt")" org.apache.spark.deploy.SparkSubmit "${submit_args[@]}"

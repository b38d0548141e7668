#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1: one Master and two Workers, each its own JVM, started from
# the Spark jars the build resolves (no Spark install needed).
#   scripts/local-cluster.sh start|stop|status
# status exits 0 when the Master and both Workers run, 3 when any of them is stopped (as an init script's does).
# start on a running cluster starts again any Worker that has died, and leaves the rest alone.
# Environment: DRILLDOWN_CLUSTER_DIR (default out/cluster: logs, pids, work dirs), DRILLDOWN_CLUSTER_PORT
# (Master port, default 7077), DRILLDOWN_WORKER_MEMORY (default 3g), DRILLDOWN_WORKER_CORES (default 1).
# The Workers' SPARK_HOME holds only Spark's own jars, so executors get Drilldown and DL4J the way a real
# cluster does: shipped by spark-submit (scripts/submit.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DIR="$(mkdir -p "${DRILLDOWN_CLUSTER_DIR:-$ROOT/out/cluster}" && cd "${DRILLDOWN_CLUSTER_DIR:-$ROOT/out/cluster}" && pwd)"
PORT="${DRILLDOWN_CLUSTER_PORT:-7077}"
MASTER_URL="spark://127.0.0.1:$PORT"
# A running cluster's own URL wins over the environment (status and stop need no port).
[[ -f "$DIR/master.url" && "${1:-}" != start ]] && MASTER_URL="$(cat "$DIR/master.url")"
WORKERS=2

# Prints the pid recorded for a daemon when that process is still the one we started, else nothing.
live_pid() {
  local file="$DIR/$1.pid" pid
  [[ -f "$file" ]] || return 0
  pid="$(cat "$file")"
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "org.apache.spark.deploy"; then
    echo "$pid"
  fi
}

# Jars a Spark distribution does not have: DL4J, ND4J, their natives, oneDNN's JavaCPP preset (dnnl, opencl),
# Drilldown's own libraries, and S3A (hadoop-aws and the AWS SDK modules it needs). Every JavaCPP jar must be
# on the same side: a preset in SPARK_HOME/jars with javacpp shipped by spark-submit fails with
# NoClassDefFoundError: org/bytedeco/javacpp/Pointer in the executors.
APPLICATION_JARS='^(datavec-|deeplearning4j-|dl4j-|nd4j-|javacpp-|openblas-|dnnl-|opencl-|picocli-|config-1|xchart-|(guava|jackson|protobuf|resources)-1\.0\.0-M|hadoop-aws-|aws-java-sdk-|jmespath-java-|ion-java-|wildfly-openssl-|jackson-dataformat-cbor-)'

spark_home() {  # SPARK_HOME/jars = the build's jars minus the application's, like a Spark distribution
  local home="$DIR/spark-home"
  rm -rf "$home" && mkdir -p "$home/jars" "$home/conf"
  local jar
  while read -r -d: jar || [[ -n "$jar" ]]; do
    jar="${jar%$'\n'}"
    [[ "$(basename "$jar")" =~ $APPLICATION_JARS ]] || ln -s "$jar" "$home/jars/"
  done < "$ROOT/target/classpath.txt"
  # A new JavaCPP preset (<library>-<version>-<javacpp version>[-platform].jar) left out of APPLICATION_JARS
  # stops here, not in a job.
  local javacpp stray
  javacpp="$(tr ':' '\n' < "$ROOT/target/classpath.txt" | sed -n 's|.*/javacpp-\([0-9.]*\)\(-[a-z0-9_-]*\)\{0,1\}\.jar$|\1|p' | sort -u)"
  stray="$(find "$home/jars" \( -name "*-$javacpp.jar" -o -name "*-$javacpp-*.jar" \) -printf '%f ')"
  if [[ -n "$stray" ]]; then
    echo "local-cluster: JavaCPP jars $stray would be on the Workers' classpath while javacpp is shipped" \
      "with the job; add them to APPLICATION_JARS in scripts/local-cluster.sh" >&2
    return 1
  fi
  echo "$home"
}

daemon() {  # name class args...
  local name="$1"; shift
  SPARK_HOME="$HOME_DIR" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$DIR" \
    nohup java -Xmx512m $(cat "$ROOT/target/jvm.options") -cp "$HOME_DIR/jars/*" "$@" > "$DIR/$name.log" 2>&1 &
  echo $! > "$DIR/$name.pid"
}

wait_for() {  # log-file pattern seconds
  for ((i = 0; i < $3 * 5; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "local-cluster: '$2' not seen in $1 within $3 s:" >&2
  tail -20 "$1" >&2
  return 1
}

stop_daemons() {  # by the pids this script recorded, each checked to be still ours
  local name pid i
  for name in worker-1 worker-2 master; do
    pid="$(live_pid "$name")"
    if [[ -n "$pid" ]]; then
      kill "$pid"
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
      kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
      echo "stopped $name ($pid)"
    fi
    rm -f "$DIR/$name.pid"
  done
  rm -f "$DIR/master.url"
}

worker() {  # number
  mkdir -p "$DIR/work/worker-$1"
  daemon "worker-$1" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --webui-port 0 \
    --cores "${DRILLDOWN_WORKER_CORES:-1}" --memory "${DRILLDOWN_WORKER_MEMORY:-3g}" \
    --work-dir "$DIR/work/worker-$1" "$MASTER_URL"
}

case "${1:-}" in
  start)
    if [[ -n "$(live_pid master)" ]]; then
      # A Worker that died (killed, or its JVM lost) starts again; the Master drops the dead one as its
      # connection closes. Without this a job would wait for slots that never come.
      MASTER_URL="$(cat "$DIR/master.url")"
      HOME_DIR="$DIR/spark-home"
      for ((w = 1; w <= WORKERS; w++)); do
        if [[ -z "$(live_pid "worker-$w")" ]]; then
          worker "$w"
          wait_for "$DIR/worker-$w.log" "Successfully registered with master" 60
          echo "started worker-$w again"
        fi
      done
      echo "already running: $MASTER_URL"
      exit 0
    fi
    build_if_needed
    HOME_DIR="$(spark_home)"
    # A daemon that does not come up: stop the ones already started, leaving nothing half-running.
    trap 'echo "local-cluster: start failed; stopping what was started" >&2; stop_daemons >&2' ERR
    daemon master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 0
    wait_for "$DIR/master.log" "I have been elected leader" 60
    for ((w = 1; w <= WORKERS; w++)); do
      worker "$w"
    done
    for ((w = 1; w <= WORKERS; w++)); do
      wait_for "$DIR/worker-$w.log" "Successfully registered with master" 60
    done
    trap - ERR
    echo "$MASTER_URL" > "$DIR/master.url"
    echo "started $MASTER_URL with $WORKERS workers; logs in $DIR"
    ;;
  stop)
    stop_daemons
    ;;
  status)
    up=0; down=0
    for name in master worker-1 worker-2; do
      pid="$(live_pid "$name")"
      if [[ -n "$pid" ]]; then echo "$name: running (pid $pid)"; up=1; else echo "$name: stopped"; down=1; fi
    done
    [[ $up == 1 ]] && echo "master URL: $MASTER_URL"
    [[ $down == 0 ]] || exit 3
    ;;
  *)
    echo "usage: scripts/local-cluster.sh start|stop|status" >&2
    exit 2
    ;;
esac

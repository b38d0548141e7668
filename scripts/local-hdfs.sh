#!/usr/bin/env bash
# A real single-node HDFS on 127.0.0.1: one NameNode and one DataNode in one JVM (Hadoop's MiniDFSCluster, from
# the build's test classpath; LocalHdfs in src/test). Run output goes there with --out hdfs://127.0.0.1:PORT/dir.
#   scripts/local-hdfs.sh start|stop|status
# Environment: DRILLDOWN_HDFS_DIR (default out/hdfs: blocks, log, pid, URL), DRILLDOWN_HDFS_PORT (NameNode port,
# default 0: a free one; `status` and the file DIR/hdfs.url say which).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DIR="$(mkdir -p "${DRILLDOWN_HDFS_DIR:-$ROOT/out/hdfs}" && cd "${DRILLDOWN_HDFS_DIR:-$ROOT/out/hdfs}" && pwd)"
PORT="${DRILLDOWN_HDFS_PORT:-0}"

# The recorded pid when that process is still the LocalHdfs this script started, else nothing.
live_pid() {
  [[ -f "$DIR/hdfs.pid" ]] || return 0
  local pid
  pid="$(cat "$DIR/hdfs.pid")"
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "org.drilldown.storage.LocalHdfs"; then
    echo "$pid"
  fi
}

stop_hdfs() {
  local pid i
  pid="$(live_pid)"
  if [[ -n "$pid" ]]; then
    kill "$pid"
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped hdfs ($pid)"
  fi
  rm -f "$DIR/hdfs.pid" "$DIR/hdfs.url"
}

case "${1:-}" in
  start)
    if [[ -n "$(live_pid)" ]]; then echo "already running: $(cat "$DIR/hdfs.url" 2>/dev/null)"; exit 0; fi
    build_if_needed
    [[ -f "$ROOT/target/test-classpath.txt" && -d "$ROOT/target/test-classes" ]] \
      || { echo "local-hdfs: no target/test-classpath.txt or test classes; run mvn package -DskipTests" >&2; exit 1; }
    rm -f "$DIR/hdfs.url"
    nohup java -Xmx384m $(cat "$ROOT/target/jvm.options") \
      -cp "$ROOT/target/test-classes:$(cat "$ROOT/target/test-classpath.txt")" \
      org.drilldown.storage.LocalHdfs "$DIR" "$PORT" > "$DIR/hdfs.log" 2>&1 &
    echo $! > "$DIR/hdfs.pid"
    for ((i = 0; i < 300; i++)); do
      [[ -f "$DIR/hdfs.url" ]] && break
      # kill -0, not live_pid: until nohup execs java, the child's cmdline is still bash's
      if ! kill -0 "$(cat "$DIR/hdfs.pid")" 2>/dev/null; then echo "local-hdfs: it ended before serving:" >&2; tail -20 "$DIR/hdfs.log" >&2; stop_hdfs >&2; exit 1; fi
      sleep 0.2
    done
    if [[ ! -f "$DIR/hdfs.url" ]]; then
      echo "local-hdfs: not serving within 60 s; stopping it" >&2; tail -20 "$DIR/hdfs.log" >&2; stop_hdfs >&2; exit 1
    fi
    echo "started $(cat "$DIR/hdfs.url") (pid $(cat "$DIR/hdfs.pid")); data and log in $DIR"
    ;;
  stop)
    stop_hdfs
    ;;
  status)
    pid="$(live_pid)"
    if [[ -n "$pid" ]]; then echo "hdfs: running (pid $pid) at $(cat "$DIR/hdfs.url" 2>/dev/null)"; else echo "hdfs: stopped"; fi
    ;;
  *)
    echo "usage: scripts/local-hdfs.sh start|stop|status" >&2
    exit 2
    ;;
esac

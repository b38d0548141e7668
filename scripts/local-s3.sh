#!/usr/bin/env bash
# A real S3 protocol server on 127.0.0.1: S3Proxy (org.gaul:s3proxy, copied by the build to
# target/s3proxy/s3proxy.jar) with its in-memory "transient" backend, in its own JVM, and one bucket in it.
# Run output goes there with --out s3a://drilldown-test/dir and --conf DIR/s3.conf (the S3A settings below).
#   scripts/local-s3.sh start|stop|status
# Environment: DRILLDOWN_S3_DIR (default out/s3: log, pid, URL, s3.conf), DRILLDOWN_S3_PORT (default 0: a free
# one; `status` and the file DIR/s3.url say which).
#
# TEST-ONLY credentials: bucket drilldown-test, access key drilldown-test-key, secret key drilldown-test-secret.
# They are no secret: this local server accepts them and nothing else does. Its objects live in its memory and
# are gone when it stops.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DIR="$(mkdir -p "${DRILLDOWN_S3_DIR:-$ROOT/out/s3}" && cd "${DRILLDOWN_S3_DIR:-$ROOT/out/s3}" && pwd)"
PORT="${DRILLDOWN_S3_PORT:-0}"
BUCKET=drilldown-test
ACCESS_KEY=drilldown-test-key
SECRET_KEY=drilldown-test-secret
JAR="$ROOT/target/s3proxy/s3proxy.jar"

# The recorded pid when that process is still the S3Proxy this script started, else nothing.
live_pid() {
  [[ -f "$DIR/s3.pid" ]] || return 0
  local pid
  pid="$(cat "$DIR/s3.pid")"
  if [[ -r "/proc/$pid/cmdline" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$DIR/s3proxy.properties"; then
    echo "$pid"
  fi
}

stop_s3() {
  local pid i
  pid="$(live_pid)"
  if [[ -n "$pid" ]]; then
    kill "$pid"
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped s3 ($pid)"
  fi
  rm -f "$DIR/s3.pid" "$DIR/s3.url" "$DIR/s3.conf"
}

# Creates the bucket with one request signed as S3's version 2 (HMAC-SHA1 of the request line and date).
create_bucket() {  # url
  local date signature
  date="$(LC_ALL=C date -u '+%a, %d %b %Y %H:%M:%S GMT')"
  signature="$(printf 'PUT\n\n\n%s\n/%s' "$date" "$BUCKET" | openssl dgst -sha1 -hmac "$SECRET_KEY" -binary | base64)"
  curl -sS -f -o /dev/null -X PUT -H "Date: $date" -H "Authorization: AWS $ACCESS_KEY:$signature" "$1/$BUCKET"
}

case "${1:-}" in
  start)
    if [[ -n "$(live_pid)" ]]; then echo "already running: $(cat "$DIR/s3.url" 2>/dev/null)"; exit 0; fi
    [[ -f "$JAR" ]] || build_if_needed  # the server is all it needs of the build (unit tests start it before package)
    [[ -f "$JAR" ]] || { echo "local-s3: no $JAR; run mvn package -DskipTests" >&2; exit 1; }
    rm -f "$DIR/s3.url" "$DIR/s3.conf"
    cat > "$DIR/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$ACCESS_KEY
s3proxy.credential=$SECRET_KEY
jclouds.provider=transient
jclouds.identity=$ACCESS_KEY
jclouds.credential=$SECRET_KEY
EOF
    nohup java -Xmx256m -jar "$JAR" --properties "$DIR/s3proxy.properties" > "$DIR/s3.log" 2>&1 &
    echo $! > "$DIR/s3.pid"
    port=""
    for ((i = 0; i < 300; i++)); do
      # Jetty's "Started ServerConnector@…{HTTP/1.1, (http/1.1)}{127.0.0.1:PORT}" names the port it bound
      port="$(grep -o 'Started ServerConnector@.*{127\.0\.0\.1:[0-9]*}' "$DIR/s3.log" 2>/dev/null | grep -o '[0-9]*}$' | tr -d '}' || true)"
      [[ -n "$port" ]] && break
      # kill -0, not live_pid: until nohup execs java, the child's cmdline is still bash's
      if ! kill -0 "$(cat "$DIR/s3.pid")" 2>/dev/null; then echo "local-s3: it ended before serving:" >&2; tail -20 "$DIR/s3.log" >&2; stop_s3 >&2; exit 1; fi
      sleep 0.2
    done
    if [[ -z "$port" ]]; then
      echo "local-s3: not serving within 60 s; stopping it" >&2; tail -20 "$DIR/s3.log" >&2; stop_s3 >&2; exit 1
    fi
    url="http://127.0.0.1:$port"
    create_bucket "$url" || { echo "local-s3: cannot create bucket $BUCKET; stopping it" >&2; stop_s3 >&2; exit 1; }
    # What the job, query.sh and report.sh need to reach it (--conf DIR/s3.conf)
    cat > "$DIR/s3.conf.tmp" <<EOF
# scripts/local-s3.sh: S3A settings for the local test server at $url (test-only credentials)
drilldown.spark.settings {
  "spark.hadoop.fs.s3a.endpoint" = "$url"
  "spark.hadoop.fs.s3a.path.style.access" = "true"
  "spark.hadoop.fs.s3a.connection.ssl.enabled" = "false"
  "spark.hadoop.fs.s3a.access.key" = "$ACCESS_KEY"
  "spark.hadoop.fs.s3a.secret.key" = "$SECRET_KEY"
}
EOF
    mv "$DIR/s3.conf.tmp" "$DIR/s3.conf"
    echo "$url" > "$DIR/s3.url.tmp" && mv "$DIR/s3.url.tmp" "$DIR/s3.url"
    echo "started $url (pid $(cat "$DIR/s3.pid")), bucket s3a://$BUCKET; settings in $DIR/s3.conf, log in $DIR"
    ;;
  stop)
    stop_s3
    ;;
  status)
    pid="$(live_pid)"
    if [[ -n "$pid" ]]; then echo "s3: running (pid $pid) at $(cat "$DIR/s3.url" 2>/dev/null), bucket $BUCKET"; else echo "s3: stopped"; fi
    ;;
  *)
    echo "usage: scripts/local-s3.sh start|stop|status" >&2
    exit 2
    ;;
esac

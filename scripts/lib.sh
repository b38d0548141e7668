# Shared by the scripts: build the jar when missing or stale, then launch the CLI with Spark's JVM flags.
# Sourced, not run.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# DRILLDOWN_NO_BUILD=1 (the integration tests) launches what is there, however old.
build_if_needed() {
  local jar="$ROOT/target/drilldown.jar"
  if [[ -n "${DRILLDOWN_NO_BUILD:-}" ]]; then
    [[ -f "$jar" && -f "$ROOT/target/classpath.txt" ]] || { echo "no build in $ROOT/target (DRILLDOWN_NO_BUILD is set)" >&2; exit 1; }
    return 0
  fi
  if [[ ! -f "$jar" || ! -f "$ROOT/target/jvm.options" || ! -f "$ROOT/target/classpath.txt" ]] \
     || [[ -n "$(find "$ROOT/src/main" "$ROOT/conf" "$ROOT/pom.xml" -newer "$jar" -type f -print -quit)" ]]; then
    echo "building drilldown (mvn package -DskipTests)..." >&2
    (cd "$ROOT" && mvn -q -B package -DskipTests) || { echo "build failed" >&2; exit 1; }
  fi
}

# Each launch runs its own copy of the application jar, so a rebuild (any script, mvn package) cannot swap
# classes under a job that is still running. The copy is named after this shell's pid, which exec hands to
# the JVM; copies whose process has gone are removed here. Prints the copy's path.
jar_copy() {
  local copies="$ROOT/target/running"
  mkdir -p "$copies"
  for old in "$copies"/*.jar; do
    [[ -e "$old" ]] || continue
    kill -0 "$(basename "$old" .jar)" 2>/dev/null || rm -f "$old"
  done
  cp "$ROOT/target/drilldown.jar" "$copies/$$.jar"
  echo "$copies/$$.jar"
}

# The build's commit, marked -dirty when tracked files changed; recorded in every run's versions.
build_commit() {
  local commit
  commit="$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  if [[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ]]; then commit="$commit-dirty"; fi
  echo "$commit"
}

# glibc malloc, for every process the scripts start (the JVMs, and PyTorch in scripts/bench.sh): keep freed
# memory for reuse instead of handing it back to the kernel, whose page faults cost dearly in a VM. libnd4j
# builds a oneDNN primitive on every convolution call and each allocates its buffers afresh: step 1's Winograd
# backward pass alone takes a 68 MiB scratchpad at batch 64 (strace). glibc serves anything over 32 MiB
# (mmap_threshold's ceiling) with a fresh mmap, faulting every page in again on every call, and a second
# thread's arena cannot hold it either; so: one arena (arena_max=1) that never maps a chunk of its own
# (mmap_max=0) and is trimmed only above 1 GiB. Step 1 trained 2.1-2.7x as fast single-process and 1.95x in
# local[2], evaluation of steps 1, 2 and 4 2-5x; the same bits (docs/performance.md). Executors on a cluster inherit
# the driver's value (spark.executorEnv.GLIBC_TUNABLES). A value already set in the environment wins.
DEFAULT_MALLOC_TUNABLES="glibc.malloc.top_pad=67108864:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824:glibc.malloc.arena_max=1"
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-$DEFAULT_MALLOC_TUNABLES}"

# Runs org.drilldown.cli.Main with the given arguments. DRILLDOWN_JAVA_OPTS replaces the default JVM flags:
# a 6 GiB heap and the throughput collector (ParallelGC: DL4J makes many short-lived objects per op;
# 5 % faster training than G1 here, docs/performance.md), with a young generation of 150 MiB. ND4J frees an
# array's native memory only once a GC has found its Java object dead, and DL4J allocates far more native memory
# than heap (step 1's parameter averaging: ~140 MB/s native against ~20 MB/s of heap); at ParallelGC's own young
# size (~2 GiB for this heap) a young GC came every ~30 s and step 1 of the main command grew until the kernel
# killed it at 24 GiB. With -Xmn150m one comes every ~1.5 s and frees it (docs/performance.md#memory).
DEFAULT_JAVA_OPTS="-Xmx6g -Xmn150m -XX:+UseParallelGC"
run_cli() {
  build_if_needed
  local commit jar
  commit="$(build_commit)"
  jar="$(jar_copy)"
  DRILLDOWN_COMMIT="$commit" exec java ${DRILLDOWN_JAVA_OPTS:-$DEFAULT_JAVA_OPTS} $(cat "$ROOT/target/jvm.options") \
    -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
    -cp "$jar:$(cat "$ROOT/target/classpath.txt")" org.drilldown.cli.Main "$@"
}

# Runs a drilldown command (run, sweep) in Spark local mode as run-local.sh and sweep.sh do: local[*] unless the
# user names a --master; the repository's data/mnist (fetched when absent) unless --data, a --conf that mentions
# drilldown.data, or --resume (which reads the data it recorded); one native (OpenMP) thread per Spark task thread, since
# local mode's tasks run in this JVM, whose environment only the launcher sets (1 matches spark.task.cpus'
# default; cluster executors get OMP_NUM_THREADS = spark.task.cpus from the job, and the manifest records both).
# Paths the user passes mean what they say from the directory they run in.
run_local() {
  local command="$1"; shift
  local data="" conf="" master="" resume="" arg next=""
  for arg in "$@"; do
    [[ "$next" == conf ]] && conf="$arg"
    next=""
    case "$arg" in
      --data|--data=*) data=1 ;;
      --conf) next=conf ;;
      --conf=*) conf="${arg#--conf=}" ;;
      --master|--master=*) master=1 ;;
      --resume|--resume=*) resume=1 ;;
    esac
  done
  # A --conf that names no data (e.g. only Spark settings, as local-s3.sh writes) uses the repository's data too.
  if [[ -n "$conf" && -f "$conf" ]] && ! grep -Eq '(^|[^a-z-])data([[:space:]]*[{.]|[[:space:]]*$)' "$conf"; then
    conf=""
  fi
  local extra=()
  if [[ -z "$data$conf$resume" ]]; then
    [[ -f "$ROOT/data/mnist/t10k-labels-idx1-ubyte" ]] || "$ROOT/scripts/fetch-mnist.sh" "$ROOT/data/mnist"
    [[ "$PWD" == "$ROOT" ]] || extra+=(--data "$ROOT/data/mnist")
  fi
  [[ -n "$master" ]] || extra+=(--master "local[*]")
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  run_cli "$command" "${extra[@]}" "$@"
}

# For the benchmarks: the two-Worker standalone cluster of local-cluster.sh, started when it is not running and
# then stopped when the calling script exits (a cluster the user started stays). Sets CLUSTER_URL, and writes
# CLUSTER_CONF (conf/cluster.conf asking for both Workers' cores, so training starts with both executors) at $1.
use_local_cluster() {
  CLUSTER_STARTED=0
  # Not `status | grep -q`: under pipefail grep's early exit can fail the pipeline and so stop a cluster the
  # user had started.
  if [[ "$("$ROOT/scripts/local-cluster.sh" status)" != *"master: running"* ]]; then
    "$ROOT/scripts/local-cluster.sh" start >&2
    CLUSTER_STARTED=1
  fi
  trap '[[ $CLUSTER_STARTED == 1 ]] && "$ROOT/scripts/local-cluster.sh" stop >&2' EXIT
  CLUSTER_URL="$(cat "${DRILLDOWN_CLUSTER_DIR:-$ROOT/out/cluster}/master.url")"
  CLUSTER_CONF="$1"
  printf 'include file("%s")\ndrilldown.spark.settings."spark.cores.max" = "2"\n' "$ROOT/conf/cluster.conf" > "$CLUSTER_CONF"
}

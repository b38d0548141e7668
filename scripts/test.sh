#!/usr/bin/env bash
# The test command: fetches MNIST (the tests read the real files), then builds and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/fetch-mnist.sh data/mnist
# The report's charts render text with the system's fonts; a bare machine may have none.
# (Not `fc-list | grep -q .`: under pipefail, grep's early exit fails fc-list with SIGPIPE.)
if [[ -z "$(fc-list 2>/dev/null)" ]]; then
  apt-get install -y --no-install-recommends fontconfig fonts-dejavu-core
fi
# BenchScriptIT runs scripts/bench.sh, which times with GNU time against a PyTorch yardstick.
if [[ ! -x /usr/bin/time ]] || ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  apt-get install -y --no-install-recommends time python3-torch \
    || { apt-get update && apt-get install -y --no-install-recommends time python3-torch; }
fi
status=0
mvn -B verify || status=$?
# The gpu profile (ND4J's CUDA backend) resolves and compiles, into target/gpu so the CPU build stays as it is:
# against the backend's Java classes only (-Dnd4j.classifier= leaves out its 601 MB of CUDA natives; ~7 MB and
# ~20 s). No GPU here, so nothing runs on it (docs/gpu.md).
echo "gpu profile: mvn -Pgpu -Dnd4j.classifier= compile (into target/gpu)"
mvn -B -q -Pgpu -Dnd4j.classifier= -Ddrilldown.build.directory=target/gpu -DskipTests -Djacoco.skip=true compile \
  || { echo "the gpu profile does not compile" >&2; status=1; }
# Line coverage of the unit tests per package, from JaCoCo's report; printed when the floors in pom.xml fail too,
# not when the tests failed before the report (the report would be an older run's).
csv=target/site/jacoco/jacoco.csv
if [[ -f $csv && $csv -nt target/jacoco.exec ]]; then
  echo "Line coverage of the unit tests (report: target/site/jacoco/index.html; floors: jacoco check in pom.xml)"
  awk -F, 'NR > 1 { missed[$2] += $8; covered[$2] += $9; m += $8; c += $9 }
    END {
      for (p in covered) {
        n = covered[p] + missed[p]
        printf "  %-26s %5.1f %%  %5d of %5d lines\n", p, n ? 100 * covered[p] / n : 0, covered[p], n | "sort"
      }
      close("sort")
      printf "  %-26s %5.1f %%  %5d of %5d lines\n", "total", (m + c) ? 100 * c / (m + c) : 0, c, m + c
    }' "$csv"
fi
exit $status

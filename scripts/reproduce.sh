#!/usr/bin/env bash
# Trains a recorded run again from its manifest and says, epoch by epoch, whether the parameters came out the
# same (epochs.params_sha256): scripts/reproduce.sh RUN_ID [--out DIR] [--master URL] [--run-id NEW] [--conf FILE]
# (--conf: Spark settings only, such as S3 credentials, which no record holds).
# Exit 0 when every epoch matches, 1 when one differs (or the replay failed), 2 for bad input.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
run_cli replay "$@"

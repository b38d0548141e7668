#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript / spark.worker.resource.gpu.
# discoveryScript): prints the GPUs this machine has as Spark's ResourceInformation JSON, e.g.
#   {"name": "gpu", "addresses": ["0","1"]}
set -euo pipefail
command -v nvidia-smi >/dev/null || { echo "gpu-discovery: nvidia-smi not found; no NVIDIA driver on $(hostname)?" >&2; exit 1; }
addresses="$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/ //g; s/.*/"&"/' | paste -sd, -)"
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"

#!/usr/bin/env python3
"""Reads the outputs scripts/bench.sh left in DIR, prints the comparison table, writes DIR/bench.json."""
import json, os, platform, re, subprocess, sys

out_dir, steps, threads, args = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), sys.argv[4]


def last_json(path):
    with open(path) as f:
        lines = [l for l in f if l.startswith("{")]
    return json.loads(lines[-1])


def peak_rss_mib(name):
    text = open(os.path.join(out_dir, name + ".time")).read()
    return round(int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024)


def cpu_model():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def git(*a):
    try:
        return subprocess.check_output(["git", *a], text=True, stderr=subprocess.DEVNULL).strip()
    except Exception:
        return "unknown"


rows = []
for step in steps:
    t = {b: last_json(os.path.join(out_dir, f"torch-step{step}-b{b}.out")) for b in (32, 128)}
    d = {b: last_json(os.path.join(out_dir, f"dl4j-step{step}-b{b}.out")) for b in (32, 128)}
    spark = last_json(os.path.join(out_dir, f"spark-step{step}.epochs.json"))
    spark_batch = 32 if step == "4" else None
    for b in (32, 128):
        rows.append({"step": step, "what": f"train batch {b}", "pytorch": t[b]["train_images_per_second"],
                     "dl4j": round(d[b]["train_images_per_second"], 1),
                     "ratio_dl4j_pytorch": round(d[b]["train_images_per_second"] / t[b]["train_images_per_second"], 3),
                     "peak_rss_mib_dl4j": peak_rss_mib(f"dl4j-step{step}-b{b}"),
                     "peak_rss_mib_pytorch": peak_rss_mib(f"torch-step{step}-b{b}")})
    stock = last_json(os.path.join(out_dir, f"dl4j-step{step}-b32-stock.out"))
    rows.append({"step": step, "what": "train batch 32, DL4J stock layers (no BatchNormBlock)",
                 "pytorch": t[32]["train_images_per_second"], "dl4j": round(stock["train_images_per_second"], 1),
                 "ratio_dl4j_pytorch": round(stock["train_images_per_second"] / t[32]["train_images_per_second"], 3),
                 "ratio_fused_stock": round(d[32]["train_images_per_second"] / stock["train_images_per_second"], 3),
                 "peak_rss_mib_dl4j": peak_rss_mib(f"dl4j-step{step}-b32-stock")})
    rows.append({"step": step, "what": "evaluation", "pytorch": t[32]["eval_images_per_second"],
                 "dl4j": round(d[32]["eval_images_per_second"], 1),
                 "ratio_dl4j_pytorch": round(d[32]["eval_images_per_second"] / t[32]["eval_images_per_second"], 3)})
    single = d[32]["train_images_per_second"] if spark_batch == 32 else None
    rows.append({"step": step, "what": f"spark local[{threads}] parameter averaging, step's batch, rotation",
                 "spark": round(spark["train_images_per_second"], 1),
                 "ratio_spark_single_b32": round(spark["train_images_per_second"] / single, 3) if single else None,
                 "ratio_spark_pytorch_b32": round(spark["train_images_per_second"] / t[32]["train_images_per_second"], 3),
                 "epoch_seconds": round(spark["epoch_seconds"], 1), "eval_seconds": round(spark["eval_seconds"], 1),
                 "peak_rss_mib_spark": peak_rss_mib(f"spark-step{step}")})

result = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "threads_used": threads,
                      "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
          "commit": git("rev-parse", "--short", "HEAD") + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else ""),
          "command": "scripts/bench.sh " + args, "rows": rows}
with open(os.path.join(out_dir, "bench.json"), "w") as f:
    json.dump(result, f, indent=2)

print(f"machine: {result['machine']}  commit: {result['commit']}  command: {result['command']}")
cols = ["step", "what", "pytorch", "dl4j", "ratio_dl4j_pytorch", "ratio_fused_stock", "spark", "ratio_spark_single_b32",
        "ratio_spark_pytorch_b32", "peak_rss_mib_dl4j", "peak_rss_mib_pytorch", "peak_rss_mib_spark"]
print(" | ".join(cols))
for r in rows:
    print(" | ".join(str(r.get(c, "")) for c in cols))
print(f"written: {os.path.join(out_dir, 'bench.json')}")

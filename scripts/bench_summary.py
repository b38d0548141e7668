#!/usr/bin/env python3
"""Reads the outputs scripts/bench.sh left in DIR, prints the comparison table, writes DIR/bench.json."""
import json, os, platform, re, statistics, subprocess, sys

out_dir, steps, threads, repeats, args = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]


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


def median(values):
    return round(statistics.median(values), 3)


def paired(name_a, key_a, name_b, key_b, step):
    """Per repeat, figure a / figure b from the two runs measured back to back; with the lists themselves."""
    a = [read(name_a, step, r)[key_a] for r in range(1, repeats + 1)]
    b = [read(name_b, step, r)[key_b] for r in range(1, repeats + 1)]
    return a, b, [round(x / y, 3) for x, y in zip(a, b)]


def read(name, step, r):
    if name == "spark":
        return last_json(os.path.join(out_dir, f"spark-step{step}-r{r}.epochs.json"))
    return last_json(os.path.join(out_dir, f"{name}-step{step}-b32-r{r}.out"))


rows = []
for step in steps:
    runs = range(1, repeats + 1)
    rss = lambda name: max(peak_rss_mib(name.format(r=r)) for r in runs)
    # Batch 32, repeated: medians of each side and of the paired ratios.
    d32, t32, ratios = paired("dl4j", "train_images_per_second", "torch", "train_images_per_second", step)
    rows.append({"step": step, "what": "train batch 32", "pytorch": median(t32), "dl4j": median(d32),
                 "ratio_dl4j_pytorch": median(ratios), "ratios_each_repeat": ratios,
                 "peak_rss_mib_dl4j": rss(f"dl4j-step{step}-b32-r{{r}}"),
                 "peak_rss_mib_pytorch": rss(f"torch-step{step}-b32-r{{r}}")})
    ev_d, ev_t, ev_ratios = paired("dl4j", "eval_images_per_second", "torch", "eval_images_per_second", step)
    rows.append({"step": step, "what": "evaluation", "pytorch": median(ev_t), "dl4j": median(ev_d),
                 "ratio_dl4j_pytorch": median(ev_ratios), "ratios_each_repeat": ev_ratios})
    sp, single, sp_ratios = paired("spark", "train_images_per_second", "dl4j", "train_images_per_second", step)
    sp_torch = [round(x / y, 3) for x, y in zip(sp, t32)]
    last_spark = read("spark", step, repeats)
    # Spark trains the step's own batch: 32 in step 4 (paired with DL4J at 32); 128 elsewhere (no pair).
    batch_32 = step == "4"
    rows.append({"step": step, "what": f"spark local[{threads}] parameter averaging, the step's batch, rotation if any",
                 "spark": median(sp), "ratio_spark_single_b32": median(sp_ratios) if batch_32 else None,
                 "ratios_each_repeat": sp_ratios if batch_32 else None,
                 "ratio_spark_pytorch_b32": median(sp_torch) if batch_32 else None,
                 "epoch_seconds": round(last_spark["epoch_seconds"], 1), "eval_seconds": round(last_spark["eval_seconds"], 1),
                 "peak_rss_mib_spark": rss(f"spark-step{step}-r{{r}}")})
    # Batch 128 and the stock layers: once each.
    t128 = last_json(os.path.join(out_dir, f"torch-step{step}-b128.out"))
    d128 = last_json(os.path.join(out_dir, f"dl4j-step{step}-b128.out"))
    rows.append({"step": step, "what": "train batch 128", "pytorch": t128["train_images_per_second"],
                 "dl4j": round(d128["train_images_per_second"], 1),
                 "ratio_dl4j_pytorch": round(d128["train_images_per_second"] / t128["train_images_per_second"], 3),
                 "peak_rss_mib_dl4j": peak_rss_mib(f"dl4j-step{step}-b128"),
                 "peak_rss_mib_pytorch": peak_rss_mib(f"torch-step{step}-b128")})
    stock = last_json(os.path.join(out_dir, f"dl4j-step{step}-b32-stock.out"))
    rows.append({"step": step, "what": "train batch 32, DL4J stock layers (no BatchNormBlock)",
                 "dl4j": round(stock["train_images_per_second"], 1),
                 "ratio_fused_stock": round(median(d32) / stock["train_images_per_second"], 3),
                 "peak_rss_mib_dl4j": peak_rss_mib(f"dl4j-step{step}-b32-stock")})

result = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "threads_used": threads,
                      "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
          "commit": git("rev-parse", "--short", "HEAD") + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else ""),
          "command": "scripts/bench.sh " + args, "repeats": repeats,
          "malloc": os.environ.get("GLIBC_TUNABLES", ""), "rows": rows}
with open(os.path.join(out_dir, "bench.json"), "w") as f:
    json.dump(result, f, indent=2)

print(f"machine: {result['machine']}  commit: {result['commit']}  command: {result['command']}")
cols = ["step", "what", "pytorch", "dl4j", "ratio_dl4j_pytorch", "ratio_fused_stock", "spark", "ratio_spark_single_b32",
        "ratio_spark_pytorch_b32", "ratios_each_repeat", "peak_rss_mib_dl4j", "peak_rss_mib_pytorch", "peak_rss_mib_spark"]
print(" | ".join(cols))
for r in rows:
    print(" | ".join(str(r.get(c, "")) for c in cols))
print(f"written: {os.path.join(out_dir, 'bench.json')}")

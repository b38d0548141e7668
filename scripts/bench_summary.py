#!/usr/bin/env python3
"""Reads the outputs scripts/bench.sh left in DIR, prints the comparison table, writes DIR/bench.json.

  bench_summary.py DIR STEPS THREADS REPEATS ARGS     the per-step throughput benchmark
  bench_summary.py --whole DIR THREADS ARGS           the whole drill-down against the yardstick's four steps
"""
import json, os, platform, re, statistics, subprocess, sys


def last_json(path):
    with open(path) as f:
        lines = [l for l in f if l.startswith("{")]
    return json.loads(lines[-1])


def time_v(path, field):
    return re.search(field + r": (\S+)", open(path).read()).group(1)


def peak_rss_mib(out_dir, name):
    return round(int(time_v(os.path.join(out_dir, name + ".time"), r"Maximum resident set size \(kbytes\)")) / 1024)


def wall_seconds(out_dir, name):
    parts = [float(p) for p in time_v(os.path.join(out_dir, name + ".time"), r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)").split(":")]
    return round(sum(p * 60 ** i for i, p in enumerate(reversed(parts))), 1)


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


def provenance(threads, args, out_dir):
    return {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "threads_used": threads,
                        "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
                        "kernel": platform.release()},
            "commit": git("rev-parse", "--short", "HEAD") + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else ""),
            "command": "scripts/bench.sh " + args, "malloc": os.environ.get("GLIBC_TUNABLES", ""), "dir": out_dir}


def write(out_dir, result, cols):
    with open(os.path.join(out_dir, "bench.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(f"machine: {result['machine']}  commit: {result['commit']}  command: {result['command']}")
    print(" | ".join(cols))
    for r in result["rows"]:
        print(" | ".join(str(r.get(c, "")) for c in cols))
    print(f"written: {os.path.join(out_dir, 'bench.json')}")


def per_step(out_dir, steps, threads, repeats, args):
    rows = []
    for step in steps:
        runs = range(1, repeats + 1)
        dl4j = [last_json(os.path.join(out_dir, f"dl4j-step{step}-r{r}.out")) for r in runs]
        spark = [last_json(os.path.join(out_dir, f"spark-step{step}-r{r}.epochs.json")) for r in runs]
        # The yardstick at its best: per repeat and figure, the faster of its two environments.
        torch = [[last_json(os.path.join(out_dir, f"{n}-step{step}-r{r}.out")) for n in ("torch", "torch-plain")] for r in runs]
        best = lambda key: [max(t[key] for t in pair) for pair in torch]
        t_train, t_eval = best("train_images_per_second"), best("eval_images_per_second")
        d_train = [d["train_images_per_second"] for d in dl4j]
        d_eval = [d["eval_images_per_second"] for d in dl4j]
        s_train = [s["train_images_per_second"] for s in spark]
        ratio = lambda a, b: [round(x / y, 3) for x, y in zip(a, b)]
        rss = lambda name: max(peak_rss_mib(out_dir, name.format(r=r)) for r in runs)
        batch = dl4j[0]["batch"]
        common = {"step": step, "batch": batch}
        rows.append({**common, "what": "training, single process", "pytorch": median(t_train), "dl4j": median(d_train),
                     "ratio": median(ratio(d_train, t_train)), "ratios_each_repeat": ratio(d_train, t_train),
                     "pytorch_under_scripts_malloc": [t[0]["train_images_per_second"] for t in torch],
                     "pytorch_under_glibc_defaults": [t[1]["train_images_per_second"] for t in torch],
                     "peak_rss_mib_dl4j": rss(f"dl4j-step{step}-r{{r}}"),
                     "peak_rss_mib_pytorch": max(rss(f"torch-step{step}-r{{r}}"), rss(f"torch-plain-step{step}-r{{r}}"))})
        rows.append({**common, "what": "evaluation, single process", "pytorch": median(t_eval), "dl4j": median(d_eval),
                     "ratio": median(ratio(d_eval, t_eval)), "ratios_each_repeat": ratio(d_eval, t_eval)})
        rows.append({**common, "what": f"training, Spark local[{threads}] ÷ single process", "spark": median(s_train),
                     "dl4j": median(d_train), "ratio": median(ratio(s_train, d_train)),
                     "ratios_each_repeat": ratio(s_train, d_train),
                     "epoch_seconds": round(spark[-1]["epoch_seconds"], 1), "eval_seconds": round(spark[-1]["eval_seconds"], 1),
                     "peak_rss_mib_spark": rss(f"spark-step{step}-r{{r}}")})
        rows.append({**common, "what": f"training, Spark local[{threads}] ÷ yardstick", "spark": median(s_train),
                     "pytorch": median(t_train), "ratio": median(ratio(s_train, t_train)),
                     "ratios_each_repeat": ratio(s_train, t_train)})
        stock_path = os.path.join(out_dir, f"dl4j-step{step}-stock.out")
        if os.path.exists(stock_path):
            stock = last_json(stock_path)["train_images_per_second"]
            rows.append({**common, "what": "training, BatchNormBlock ÷ DL4J's stock layers", "dl4j": round(stock, 1),
                         "ratio": round(median(d_train) / stock, 3), "peak_rss_mib_dl4j": peak_rss_mib(out_dir, f"dl4j-step{step}-stock")})
    result = {**provenance(threads, args, out_dir), "repeats": repeats, "rows": rows}
    write(out_dir, result, ["step", "batch", "what", "pytorch", "dl4j", "spark", "ratio", "ratios_each_repeat",
                            "peak_rss_mib_dl4j", "peak_rss_mib_pytorch", "peak_rss_mib_spark"])


def whole(out_dir, threads, args):
    ours = wall_seconds(out_dir, "whole-drilldown")
    # The yardstick at its best: per step, the faster of its two malloc environments.
    runs = {s: {n: wall_seconds(out_dir, f"whole-{n}-step{s}") for n in ("torch", "torch-plain")} for s in (1, 2, 3, 4)}
    fastest = {s: min(runs[s], key=runs[s].get) for s in runs}
    steps = {s: runs[s][fastest[s]] for s in runs}
    with open(os.path.join(out_dir, "whole-drilldown.epochs.json")) as f:
        epochs = [json.loads(l) for l in f if l.startswith("{")]
    rows = [{"what": "whole drill-down, wall seconds", "drilldown": ours, "pytorch": round(sum(steps.values()), 1),
             "ratio_time": round(ours / sum(steps.values()), 3), "pytorch_per_step": steps,
             "peak_rss_mib_drilldown": peak_rss_mib(out_dir, "whole-drilldown")}]
    for s in (1, 2, 3, 4):
        mine = [e for e in epochs if str(e["step"]) == str(s)]
        torch_last = last_json(os.path.join(out_dir, f"whole-{fastest[s]}-step{s}.out"))
        rows.append({"what": f"step {s}", "drilldown_train_eval_seconds": round(sum(e["epoch_seconds"] + e["eval_seconds"] for e in mine), 1),
                     "pytorch": steps[s], "pytorch_each_malloc": runs[s], "drilldown_last_test_accuracy": mine[-1]["test_accuracy"] if mine else None,
                     "pytorch_last_test_accuracy": torch_last["test_accuracy"]})
    result = {**provenance(threads, args, out_dir), "rows": rows}
    write(out_dir, result, ["what", "drilldown", "pytorch", "ratio_time", "drilldown_train_eval_seconds",
                            "drilldown_last_test_accuracy", "pytorch_last_test_accuracy"])


if sys.argv[1] == "--whole":
    whole(sys.argv[2], int(sys.argv[3]), sys.argv[4])
else:
    per_step(sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])

#!/usr/bin/env python3
"""PyTorch reference for the four drill-down step models, for side-by-side benchmarks.

The yardstick of scripts/bench.sh: it trains the same architectures as the seed's four
steps (conf/steps.conf) on the same MNIST IDX files, seeded by --seed, and prints one JSON
line per epoch, so a benchmark reports Drilldown's throughput as a ratio to this one,
measured in the same run on the same machine.

Needs Debian's PyTorch:  apt-get install -y python3-torch   (then run with /usr/bin/python3)

  /usr/bin/python3 bench/torch_reference.py --data data/mnist --step 4 --epochs 1 --batch 32 --threads 2
"""
import argparse, json, math, os, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def load(data_dir, prefix):
    with open(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte"), "rb") as f:
        x = np.frombuffer(f.read()[16:], np.uint8).reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
    with open(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte"), "rb") as f:
        y = np.frombuffer(f.read()[8:], np.uint8).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


def block(cin, cout, k, pad=0, bn=False, drop=0.0):
    layers = [nn.Conv2d(cin, cout, k, padding=pad, bias=False)]
    if bn:
        layers.append(nn.BatchNorm2d(cout))
    layers.append(nn.ReLU())
    if drop:
        layers.append(nn.Dropout(drop))
    return layers


def model(step, dropout):
    if step == 1:  # 992,800 params: heavy skeleton, 7x7 output conv, no BN
        return nn.Sequential(*block(1, 32, 3), *block(32, 64, 3), *block(64, 128, 3), nn.MaxPool2d(2),
                             *block(128, 32, 1), *block(32, 64, 3), *block(64, 128, 3),
                             *block(128, 128, 7), nn.Conv2d(128, 10, 1, bias=False), nn.Flatten(), nn.LogSoftmax(-1))
    bn = step >= 3
    d = dropout if bn else 0.0
    return nn.Sequential(*block(1, 16, 3, 1, bn, d), *block(16, 24, 3, 0, bn, d), nn.MaxPool2d(2),
                         *block(24, 8, 1, 0, bn, d), *block(8, 16, 3, 0, bn, d), *block(16, 16, 3, 0, bn, d),
                         *block(16, 16, 3, 0, bn, d), nn.AdaptiveAvgPool2d(1), nn.Conv2d(16, 10, 1, bias=False),
                         nn.Flatten(), nn.LogSoftmax(-1))


def rotate(x, degrees):
    a = (torch.rand(x.shape[0]) * 2 - 1) * degrees * math.pi / 180
    z = torch.zeros_like(a)
    theta = torch.stack([torch.stack([a.cos(), -a.sin(), z], 1), torch.stack([a.sin(), a.cos(), z], 1)], 1)
    grid = F.affine_grid(theta, x.shape, align_corners=False)
    return F.grid_sample(x, grid, align_corners=False)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="data/mnist")
    p.add_argument("--step", type=int, default=4, choices=[1, 2, 3, 4])
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--dropout", type=float, default=0.1)
    p.add_argument("--rotation", type=float, default=None, help="degrees; default 10 for step 4, else 0")
    p.add_argument("--train-limit", type=int, default=60000)
    p.add_argument("--validation", type=int, default=0,
                   help="hold out the first N training images, as drilldown.data.validation does (0 = none)")
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    rotation = a.rotation if a.rotation is not None else (10.0 if a.step == 4 else 0.0)
    xtr, ytr = load(a.data, "train")
    xte, yte = load(a.data, "t10k")
    # Like Drilldown: the validation images come first and are never trained on; train-limit counts the rest.
    xtr, ytr = xtr[a.validation:][: a.train_limit], ytr[a.validation:][: a.train_limit]
    norm = lambda x: (x - 0.1307) / 0.3081
    net = model(a.step, a.dropout)
    params = sum(p.numel() for p in net.parameters() if p.requires_grad)
    opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, 5, 0.1) if a.step == 4 else None
    n = xtr.shape[0]
    for epoch in range(1, a.epochs + 1):
        net.train()
        t0 = time.perf_counter()
        perm = torch.randperm(n)
        correct, loss_sum = 0, 0.0
        for i in range(0, n, a.batch):
            idx = perm[i:i + a.batch]
            xb = xtr[idx]
            if rotation:
                xb = rotate(xb, rotation)
            opt.zero_grad()
            out = net(norm(xb))
            loss = F.nll_loss(out, ytr[idx])
            loss.backward()
            opt.step()
            correct += (out.argmax(1) == ytr[idx]).sum().item()
            loss_sum += loss.item() * idx.shape[0]
        train_s = time.perf_counter() - t0
        if sched:
            sched.step()
        net.eval()
        t1 = time.perf_counter()
        with torch.no_grad():
            pred = torch.cat([net(norm(xte[i:i + 1000])).argmax(1) for i in range(0, xte.shape[0], 1000)])
        eval_s = time.perf_counter() - t1
        print(json.dumps({"framework": f"pytorch-{torch.__version__}", "step": a.step, "epoch": epoch,
                          "params": params, "batch": a.batch, "threads": a.threads, "train_images": n,
                          "train_seconds": round(train_s, 3), "train_images_per_second": round(n / train_s, 1),
                          "eval_images_per_second": round(xte.shape[0] / eval_s, 1),
                          "train_loss": round(loss_sum / n, 5), "train_accuracy": round(100.0 * correct / n, 3),
                          "test_accuracy": round(100.0 * (pred == yte).float().mean().item(), 3)}), flush=True)


if __name__ == "__main__":
    sys.exit(main())

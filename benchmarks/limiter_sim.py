#!/usr/bin/env python3
"""A discrete-event model of the throttled-server scenario, to compare RateLimiter policies in seconds instead of
4-minute runs. It models what matters there: MAX_WORKERS requests, each one limiter slot + latency, the server's
sliding window (a refused request does not count), FMP's 60-s wait before retrying a 429, and the limiter's
spacing rules. It does not model CPU, so its wall times are lower bounds.

Policies:
  old      every 429 doubles the spacing, every success shrinks it 2% (RateLimiter before 2026-11-24 evening)
  gen      a 429/success counts only if its request was sent at the current spacing (generation)
  gen+rv   gen, and a slot reserved before a slow-down is given up and taken again at the new spacing
  current  gen+rv, and recovery is 2% per success down to twice the refused spacing, 0.2% below (RateLimiter now)

Measured with ./stock-ingest-bench throttled-server on the shared machine: old 31-32 429s / 214-226 s,
gen 48 / 223 s, gen with the 2%/0.2% recovery 41 / 213 s, current 11 / 116 s; this model gives 31 / 169, 48 / 202,
40 / 204 and 10 / 113.

Usage: python3 benchmarks/limiter_sim.py
"""
import collections
import heapq


def run(policy, workers=16, total=1000, latency=0.05, window=10.0, permits=250, spacing=0.0202, retry=60.0, cap=32,
        work=0.01):
    generations = policy != "old"
    revoke = policy in ("gen+rv", "current")
    threshold_rule = policy == "current"
    lim = dict(sp=spacing, next=None, gen=0, thr=spacing)

    def reserve(now):
        slot = now if lim["next"] is None else max(now, lim["next"])
        lim["next"] = slot + lim["sp"]
        return slot, lim["gen"]

    def throttled(now, gen):
        if generations and gen != lim["gen"]:
            return
        if threshold_rule and (lim["sp"] < lim["thr"] or lim["thr"] == spacing):
            lim["thr"] = min(lim["sp"] * 2, spacing * cap)
        lim["sp"] = min(lim["sp"] * 2, spacing * cap)
        lim["next"] = max(lim["next"], now + lim["sp"])
        lim["gen"] += 1

    def success(gen):
        if generations and gen != lim["gen"]:
            return
        if threshold_rule:
            if lim["sp"] > lim["thr"]:
                lim["sp"] = max(lim["thr"], lim["sp"] * 0.98)
            elif lim["sp"] > spacing:
                lim["sp"] = max(spacing, lim["sp"] * 0.998)
        elif lim["sp"] > spacing:
            lim["sp"] = max(spacing, lim["sp"] * 0.98)

    accepted = collections.deque()
    refused = requests = 0
    events = []
    seq = 0

    def push(t, kind, data):
        nonlocal seq
        seq += 1
        heapq.heappush(events, (t, seq, kind, data))

    pending = total
    for _ in range(min(workers, total)):
        pending -= 1
        push(0.0, "acquire", None)
    end = 0.0
    while events:
        t, _, kind, data = heapq.heappop(events)
        if kind == "acquire":
            slot, gen = reserve(t)
            push(slot, "send", gen)
        elif kind == "send":
            if revoke and data != lim["gen"]:
                push(t, "acquire", None)
                continue
            requests += 1
            while accepted and accepted[0] <= t - window:
                accepted.popleft()
            ok = len(accepted) < permits
            if ok:
                accepted.append(t)
            push(t + latency, "answer", (data, ok))
        else:
            gen, ok = data
            if ok:
                success(gen)
                end = t + work
                if pending > 0:
                    pending -= 1
                    push(t + work, "acquire", None)
            else:
                refused += 1
                throttled(t, gen)
                push(t + retry, "acquire", None)
    return requests, refused, round(end, 1)


if __name__ == "__main__":
    print("workers latency_s  policy   requests 429s wall_s")
    for workers in (4, 8, 16, 32):
        for latency in (0.02, 0.05, 0.2):
            for policy in ("old", "gen", "gen+rv", "current"):
                r, n, w = run(policy, workers=workers, latency=latency)
                print(f"{workers:7d} {latency:9.2f}  {policy:8s} {r:8d} {n:4d} {w:6.1f}")

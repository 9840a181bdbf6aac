"""Timing helpers shared by the benchmarks: medians of repeated calls, one printed table."""

from __future__ import annotations

import statistics
import time
from typing import Callable


def time_calls(actions: list[Callable[[], object]], warmup: int = 2) -> list[float]:
    """Run each action once (after ``warmup`` untimed runs of the first) and return seconds per call."""
    for _ in range(warmup):
        actions[0]()
    seconds = []
    for action in actions:
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def summarize(name: str, seconds: list[float], target: float | None) -> dict:
    """Median, 90th percentile and max of a list of timings, with a pass mark against ``target``
    (``None``: a figure to report, not a target)."""
    ordered = sorted(seconds)
    row = {
        "name": name,
        "calls": len(seconds),
        "median_ms": 1000 * statistics.median(ordered),
        "p90_ms": 1000 * ordered[int(0.9 * (len(ordered) - 1))],
        "max_ms": 1000 * ordered[-1],
        "target_ms": None if target is None else 1000 * target,
    }
    row["ok"] = target is None or row["median_ms"] <= row["target_ms"]
    return row


def print_table(title: str, rows: list[dict]) -> None:
    print(f"\n{title}")
    print(f"{'what':<64} {'calls':>5} {'median':>9} {'p90':>9} {'max':>9} {'target':>9}  ok")
    for r in rows:
        print(
            f"{r['name']:<64} {r['calls']:>5} {r['median_ms']:>7.1f}ms {r['p90_ms']:>7.1f}ms "
            f"{r['max_ms']:>7.1f}ms {'-' if r['target_ms'] is None else format(r['target_ms'], '7.0f') + 'ms':>9}  "
            f"{'yes' if r['ok'] else 'NO'}"
        )

#!/usr/bin/env python3
"""What each tier costs: the figures of this tree's server on the embedded store (tincan.json),
on PostgreSQL (postgres.json) and as a cluster of three nodes on PostgreSQL and NATS
(cluster.json), each the median over the repetitions of `scripts/bench --tiers`, with the ratio
to the embedded store's taken within each repetition (median). CPU figures include PostgreSQL's
and NATS's processes for the tiers that use them.

Usage: bench-tiers.py target/bench/<time>
"""
import json
import os
import re
import statistics
import sys

out = sys.argv[1]
TIERS = (("tincan", "embedded"), ("postgres", "PostgreSQL"), ("cluster", "3 nodes"))


def load(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def get(data, *path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data if isinstance(data, (int, float)) and not isinstance(data, bool) else None


reps = []
for name in sorted(os.listdir(out)):
    if re.fullmatch(r"rep\d+", name):
        reps.append({tier: load(os.path.join(out, name, f"{tier}.json")) for tier, _ in TIERS})

ROWS = [
    ("messaging group messages/s", ("messaging", "group", "messages_per_s"), "/s"),
    ("messaging group CPU s / 1000 messages", ("messaging", "group", "server_cpu_s_per_1000_messages"), "s"),
    ("messaging group delivery p50 (steady)", ("messaging", "group_steady", "delivery", "p50_ms"), "ms"),
    ("messaging group delivery p99 (steady)", ("messaging", "group_steady", "delivery", "p99_ms"), "ms"),
    ("messaging C2C messages/s", ("messaging", "c2c", "messages_per_s"), "/s"),
    ("messaging C2C delivery p50", ("messaging", "c2c", "delivery", "p50_ms"), "ms"),
    ("messaging C2C delivery p99", ("messaging", "c2c", "delivery", "p99_ms"), "ms"),
    ("receipt-throughput receipts/s, as fast as taken", ("receipt-throughput", "receipts_per_s"), "/s"),
    ("receipt-throughput CPU s / 1000 receipts", ("receipt-throughput", "server_cpu_s_per_1000_receipts"), "s"),
    ("receipt-throughput ack p99, as fast as taken", ("receipt-throughput", "ack", "p99_ms"), "ms"),
    ("receipt-throughput steady ack p50", ("receipt-throughput", "steady", "ack", "p50_ms"), "ms"),
    ("receipt-throughput steady ack p99", ("receipt-throughput", "steady", "ack", "p99_ms"), "ms"),
    ("receipt-throughput steady receipt-to-push p50", ("receipt-throughput", "steady", "receipt_to_sender_push", "p50_ms"), "ms"),
    ("receipt-throughput steady receipt-to-push p99", ("receipt-throughput", "steady", "receipt_to_sender_push", "p99_ms"), "ms"),
    ("receipt-throughput steady server CPU", ("receipt-throughput", "steady", "server_cpu_cores"), "cores"),
    ("large-group members", ("large-group", "members"), ""),
    ("large-group receipt-to-sender p50", ("large-group", "receipt_to_sender", "p50_ms"), "ms"),
    ("large-group receipt-to-sender p99", ("large-group", "receipt_to_sender", "p99_ms"), "ms"),
    ("large-group receipts never seen by the sender", ("large-group", "receipt_to_sender", "not_seen"), ""),
    ("large-group read-count query p99", ("large-group", "read_count_query", "p99_ms"), "ms"),
    ("large-group logins/s", ("large-group", "logins", "rate_per_s"), "/s"),
]


def fmt(value):
    if value is None:
        return "-"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


header = f"{'figure':52}" + "".join(f"{label:>14}" for _, label in TIERS) + f"{'PG / emb.':>11}{'3 nodes / emb.':>16}"
print(header)
print("-" * len(header))
for label, path, unit in ROWS:
    medians, ratios = [], []
    for tier, _ in TIERS:
        values = [get(rep[tier], *path) for rep in reps]
        values = [value for value in values if value is not None]
        medians.append(statistics.median(values) if values else None)
    for tier in ("postgres", "cluster"):
        within = [get(rep[tier], *path) / get(rep["tincan"], *path) for rep in reps
                  if get(rep[tier], *path) is not None and get(rep["tincan"], *path)]
        ratios.append(statistics.median(within) if within else None)
    if all(median is None for median in medians):
        continue
    line = f"{label + ' (' + unit + ')':52}" + "".join(f"{fmt(median):>14}" for median in medians)
    line += f"{fmt(ratios[0]):>11}{fmt(ratios[1]):>16}"
    print(line)
print(f"\n{len(reps)} repetition(s); CPU of the PostgreSQL and cluster tiers includes PostgreSQL's and NATS's processes.")

#!/usr/bin/env python3
"""Prints the benchmark table from a report directory written by scripts/bench.

Reads tincan.json (and synapse.json when --vs-synapse ran), prints each figure beside its
target (and beside Synapse's, with the ratio), and writes report.json with everything.
"""
import json
import os
import sys

out = sys.argv[1]
tincan = json.load(open(os.path.join(out, "tincan.json")))
synapse = None
if os.path.exists(os.path.join(out, "synapse.json")) and os.path.getsize(os.path.join(out, "synapse.json")) > 0:
    synapse = json.loads(open(os.path.join(out, "synapse.json")).read().strip().splitlines()[-1])


def get(data, *path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


rows = []


def row(name, value, unit, target=None, better="higher", peer=None):
    verdict = ""
    if target is not None and value is not None:
        ok = value >= target if better == "higher" else value <= target
        verdict = ("meets" if ok else "misses") + f" target {target:g}"
    ratio = ""
    if peer not in (None, 0) and value not in (None, 0):
        ratio = f"x{value / peer:.1f}" if better == "higher" else f"/{peer / value:.1f}"
    rows.append((name, "n/a" if value is None else f"{value:g}", unit, "" if peer is None else f"{peer:g}", ratio, verdict))


ss = tincan.get("synapse-shape", {})
syn_rate = get(synapse, "receipt_concurrent", "rate_per_s")
syn_vis_p99 = get(synapse, "visibility_under_load", "p99_ms_seen")
row("synapse-shape receipts/s (20 clients)", get(ss, "receipt_concurrent", "rate_per_s"), "/s",
    None if syn_rate is None else 100 * syn_rate, peer=syn_rate)
row("synapse-shape receipt POST p99", get(ss, "receipt_concurrent", "p99_ms"), "ms", better="lower",
    peer=get(synapse, "receipt_concurrent", "p99_ms"))
row("synapse-shape time-to-sender p99 (load)", get(ss, "visibility_under_load", "p99_ms"), "ms",
    None if syn_vis_p99 is None else syn_vis_p99 / 10, better="lower", peer=syn_vis_p99)
row("synapse-shape time-to-sender p50 (idle)", get(ss, "visibility_idle", "p50_ms"), "ms", better="lower",
    peer=get(synapse, "visibility_idle", "p50_ms"))
row("synapse-shape single-reader receipts/s", get(ss, "receipt_single", "rate_per_s"), "/s",
    peer=get(synapse, "receipt_single", "rate_per_s"))
row("synapse-shape sends/s (20 clients)", get(ss, "send_concurrent", "rate_per_s"), "/s",
    peer=get(synapse, "send_concurrent", "rate_per_s"))
ssf = tincan.get("synapse-shape-fast", {})
row("synapse-shape receipts/s (10 ms window)", get(ssf, "receipt_concurrent", "rate_per_s"), "/s",
    None if syn_rate is None else 100 * syn_rate, peer=syn_rate)
row("synapse-shape time-to-sender p99 (10 ms window)", get(ssf, "visibility_under_load", "p99_ms"), "ms",
    None if syn_vis_p99 is None else syn_vis_p99 / 10, better="lower", peer=syn_vis_p99)
for key, label in (("receipt-throughput", ""), ("receipt-throughput-fast", " (10 ms window)")):
    rt = tincan.get(key, {})
    asked = get(rt, "steady", "target_rate_per_s")
    row(f"receipt-throughput receipts/s, as fast as taken{label}", get(rt, "receipts_per_s"), "/s", 50000)
    row(f"receipt-throughput ack p99, as fast as taken{label}", get(rt, "ack", "p99_ms"), "ms", better="lower")
    row(f"receipt-throughput receipt-to-push p99, as fast as taken{label}", get(rt, "receipt_to_sender_push", "p99_ms"), "ms", better="lower")
    row(f"receipt-throughput CPU s / 1000 receipts{label}", get(rt, "server_cpu_s_per_1000_receipts"), "s", better="lower")
    if not label:
        row("receipt-throughput server RSS", get(rt, "server_rss_mb"), "MB", better="lower")
    # The steady phase keeps up if it sends at least 98% of the rate asked.
    row(f"receipt-throughput steady receipts/s, asked {asked}{label}", get(rt, "steady", "receipts_per_s"), "/s",
        None if asked is None else 0.98 * asked)
    row(f"receipt-throughput steady ack p99{label}", get(rt, "steady", "ack", "p99_ms"), "ms", better="lower")
    # How late the load generator sent, from when each receipt was due or its lane's previous one
    # was acknowledged: its own share of the latencies, on the same cores as the server.
    row(f"receipt-throughput steady send lateness p99 (load generator){label}", get(rt, "steady", "send_late", "p99_ms"), "ms", better="lower")
    row(f"receipt-throughput steady receipt-to-push p50{label}", get(rt, "steady", "receipt_to_sender_push", "p50_ms"), "ms", better="lower")
    row(f"receipt-throughput steady receipt-to-push p99{label}", get(rt, "steady", "receipt_to_sender_push", "p99_ms"), "ms", 20, better="lower")
lg = tincan.get("large-group", {})
row("large-group members", get(lg, "members"), "")
row("large-group all reads", get(lg, "reads_total_s"), "s", 10, better="lower")
row("large-group member-list page p99", get(lg, "member_list_page", "p99_ms"), "ms", 5, better="lower")
row("large-group read-count query p99", get(lg, "read_count_query", "p99_ms"), "ms", better="lower")
row("large-group receipt storage", get(lg, "receipt_storage_bytes"), "bytes", 32768, better="lower")
cn = tincan.get("connections", {})
row("connections held", get(cn, "connections"), "", 50000)
row("connections server RSS each", get(cn, "server_rss_kib_per_connection"), "KiB", 20, better="lower")
row("connections logins/s", get(cn, "logins_per_s"), "/s")
ms = tincan.get("messaging", {})
row("messaging group messages/s (durable)", get(ms, "group", "messages_per_s"), "/s", 20000)
row("messaging group delivery p50 (at that rate)", get(ms, "group", "delivery", "p50_ms"), "ms", better="lower")
row("messaging group CPU s / 1000 messages", get(ms, "group", "server_cpu_s_per_1000_messages"), "s", better="lower")
row("messaging group messages/s (steady phase)", get(ms, "group_steady", "messages_per_s"), "/s")
row("messaging group delivery p50 (steady)", get(ms, "group_steady", "delivery", "p50_ms"), "ms", better="lower")
row("messaging group delivery p99 (steady)", get(ms, "group_steady", "delivery", "p99_ms"), "ms", better="lower")
row("messaging C2C messages/s (durable)", get(ms, "c2c", "messages_per_s"), "/s")
row("messaging C2C delivery p50", get(ms, "c2c", "delivery", "p50_ms"), "ms", better="lower")
row("messaging C2C delivery p99", get(ms, "c2c", "delivery", "p99_ms"), "ms", better="lower")

widths = [max(len(str(r[i])) for r in rows + [("figure", "tincan", "unit", "synapse", "ratio", "target")]) for i in range(6)]
header = ("figure", "tincan", "unit", "synapse", "ratio", "target")
print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
for r in rows:
    print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
print(f"machine: {os.cpu_count()} CPUs; the app's receipt_coalesce_window_ms {tincan.get('receipt_coalesce_window_ms')}")
for name, value in tincan.items():
    if isinstance(value, dict) and "error" in value:
        print(f"{name}: ERROR {value['error']}")
json.dump({"tincan": tincan, "synapse": synapse, "table": rows}, open(os.path.join(out, "report.json"), "w"), indent=2)

#!/usr/bin/env python3
"""Prints the benchmark table from a report directory written by scripts/bench.

Reads rep<i>/tincan.json (and rep<i>/synapse.json when --vs-synapse ran) of every repetition and
prints each figure as its median with the minimum and maximum over the repetitions, the spread
(the farthest repetition from the median, in percent of it), Synapse's figure the same way, the
ratio of the two (taken within each repetition, then summarised), and the target, judged on the
median. When --against REV ran (rep<i>/against.json), a second table sets each figure beside REV's
with their ratio, taken within each repetition, and names the figures that got worse by more than
the spread of either side. Writes report.json with every repetition's figures and the tables.
"""
import json
import os
import re
import statistics
import sys

out = sys.argv[1]


def load(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return None
    text = open(path).read().strip()
    if not text:
        return None
    # synapse.json holds the RESULT line of the peer's run; tincan.json is one document.
    return json.loads(text.splitlines()[-1]) if path.endswith("synapse.json") else json.loads(text)


def repetition_dirs():
    found = []
    for name in os.listdir(out):
        match = re.fullmatch(r"rep(\d+)", name)
        if match and os.path.exists(os.path.join(out, name, "tincan.json")):
            found.append((int(match.group(1)), os.path.join(out, name)))
    if not found and os.path.exists(os.path.join(out, "tincan.json")):
        # A report written before repetitions: one repetition at the top.
        found.append((1, out))
    return [path for _, path in sorted(found)]


repetitions = [{"tincan": load(os.path.join(d, "tincan.json")), "synapse": load(os.path.join(d, "synapse.json")),
                "against": load(os.path.join(d, "against.json"))}
               for d in repetition_dirs()]
against_rev = open(os.path.join(out, "against.txt")).read().strip() if os.path.exists(
    os.path.join(out, "against.txt")) else None
if not repetitions:
    sys.exit(f"no tincan.json under {out}")


def get(data, *path):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def fmt(value):
    if value is None:
        return "n/a"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 1000:
        return str(int(value))
    if abs(value) >= 1000:
        return f"{value:.1f}"
    return f"{value:.4g}"


def summary(values, fmt_one=fmt):
    """median [min-max] of the repetitions that have the figure."""
    present = [v for v in values if v is not None]
    if not present:
        return "n/a" if values else ""
    median = statistics.median(present)
    text = fmt_one(median)
    if len(present) > 1:
        text += f" [{fmt_one(min(present))}\u2013{fmt_one(max(present))}]"
    if len(present) < len(values):
        text += f" ({len(present)} of {len(values)})"
    return text


def spread_percent(values):
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return None
    median = statistics.median(present)
    if median == 0:
        return None
    return 100 * max(abs(max(present) - median), abs(median - min(present))) / abs(median)


def spread(values):
    percent = spread_percent(values)
    return "" if percent is None else f"\u00b1{percent:.0f}%"


rows = []


def row(name, tincan, unit, target=None, better="higher", peer=None, ratio=True, every=False):
    """One figure: tincan is a function of a repetition's tincan report, peer and target of its
    Synapse report. ratio=False shows the peer's figure without a ratio (lengths, counts), and
    an A/B shows such a figure's change without judging it: a phase's length is set by the
    scenario and a count follows a rate judged on its own row. every=True judges the target in
    every repetition rather than on the median (a receipt never seen fails the run it happened
    in)."""
    values = [number(tincan(r["tincan"] or {})) for r in repetitions]
    if not any(r["synapse"] for r in repetitions):
        peer = None
    peers = [number(peer(r["synapse"])) if r["synapse"] else None for r in repetitions] if peer else []
    targets = [number(target(r["synapse"])) if target else None for r in repetitions] if target else []
    ratios = []
    for value, other in zip(values, peers):
        if value in (None, 0) or other in (None, 0):
            ratios.append(None)
        else:
            ratios.append(value / other if better == "higher" else other / value)
    if not ratio:
        ratios = []
    verdict = ""
    present_targets = [t for t in targets if t is not None]
    present_values = [v for v in values if v is not None]
    if present_targets and present_values:
        goal = statistics.median(present_targets)
        median = statistics.median(present_values)
        judged = [(v, t) for v, t in zip(values, targets) if v is not None and t is not None]
        met = sum(1 for v, t in judged if (v >= t if better == "higher" else v <= t))
        ok = met == len(judged) if every else (median >= goal if better == "higher" else median <= goal)
        verdict = ("meets" if ok else "misses") + f" target {fmt(goal)}"
        if len(judged) > 1 and 0 < met < len(judged):
            verdict += f" ({met} of {len(judged)} repetitions meet it)"
    ratio_text = ""
    if ratio and any(r is not None for r in ratios):
        sign = "x" if better == "higher" else "/"
        ratio_text = summary(ratios, lambda r: f"{sign}{r:.1f}")
    # The same figure from REV's server, when --against ran, and how much better this tree's is
    # (above 1) or worse (below 1), taken within each repetition.
    befores = [number(tincan(r["against"])) if r["against"] else None for r in repetitions]
    changes = []
    for value, before in zip(values, befores):
        if value in (None, 0) or before in (None, 0):
            changes.append(None)
        else:
            changes.append(value / before if better == "higher" else before / value)
    rows.append({
        "figure": name, "unit": unit,
        "tincan": values, "synapse": peers, "ratio": ratios, "target": targets,
        "against": befores, "change": changes, "better": better, "judged": ratio,
        "cells": (name, summary(values), spread(values), unit, summary(peers) if peer else "", ratio_text, verdict),
    })


def synapse_rate(synapse):
    return get(synapse, "receipt_concurrent", "rate_per_s")


def synapse_cores(synapse, phase):
    cpu, wall = get(synapse, phase, "server_cpu_s"), get(synapse, phase, "wall_s")
    return None if cpu is None or not wall else cpu / wall


def hundredfold(synapse):
    rate = synapse_rate(synapse)
    return None if rate is None else 100 * rate


def tenth_of_p99(synapse):
    p99 = get(synapse, "visibility_under_load", "p99_ms_seen")
    return None if p99 is None else p99 / 10


def zero(_synapse):
    return 0


ss = "synapse-shape"
row("synapse-shape receipts/s (20 clients)", lambda t: get(t, ss, "receipt_concurrent", "rate_per_s"), "/s",
    hundredfold, peer=synapse_rate)
row("synapse-shape receipts phase length", lambda t: get(t, ss, "receipt_concurrent", "wall_s"), "s",
    peer=lambda s: get(s, "receipt_concurrent", "wall_s"), ratio=False)
row("synapse-shape receipts counted", lambda t: get(t, ss, "receipt_concurrent", "n"), "",
    peer=lambda s: get(s, "receipt_concurrent", "n"), ratio=False)
row("synapse-shape receipt POST p99", lambda t: get(t, ss, "receipt_concurrent", "p99_ms"), "ms", better="lower",
    peer=lambda s: get(s, "receipt_concurrent", "p99_ms"))
row("synapse-shape time-to-sender p99 (load)", lambda t: get(t, ss, "visibility_under_load", "p99_ms"), "ms",
    tenth_of_p99, better="lower", peer=lambda s: get(s, "visibility_under_load", "p99_ms_seen"))
# Synapse coalesces a reader's receipts in /sync, so most of its receipts are never seen one by
# one by design; tincan pushes every count, and one it never shows is a failure.
row("synapse-shape receipts never seen by the sender (load)", lambda t: get(t, ss, "visibility_under_load", "not_seen"), "",
    zero, better="lower", every=True)
row("synapse-shape server CPU ms / receipt", lambda t: get(t, ss, "receipt_concurrent", "server_cpu_ms_per_op"), "ms",
    better="lower", peer=lambda s: get(s, "receipt_concurrent", "server_cpu_ms_per_op"))
row("synapse-shape receipts: server CPU", lambda t: get(t, ss, "receipt_concurrent", "server_cpu_cores"), "cores",
    better="lower", peer=lambda s: synapse_cores(s, "receipt_concurrent"))
row("synapse-shape receipts: load generator CPU", lambda t: get(t, ss, "receipt_concurrent", "load_generator_cpu_cores"),
    "cores", better="lower")
row("synapse-shape time-to-sender p50 (idle)", lambda t: get(t, ss, "visibility_idle", "p50_ms"), "ms", better="lower",
    peer=lambda s: get(s, "visibility_idle", "p50_ms"))
row("synapse-shape receipts never seen by the sender (idle)", lambda t: get(t, ss, "visibility_idle", "not_seen"), "",
    zero, better="lower", every=True)
row("synapse-shape single-reader receipts/s", lambda t: get(t, ss, "receipt_single", "rate_per_s"), "/s",
    peer=lambda s: get(s, "receipt_single", "rate_per_s"))
row("synapse-shape single-reader phase length", lambda t: get(t, ss, "receipt_single", "wall_s"), "s",
    peer=lambda s: get(s, "receipt_single", "wall_s"), ratio=False)
row("synapse-shape sends/s (20 clients)", lambda t: get(t, ss, "send_concurrent", "rate_per_s"), "/s",
    peer=lambda s: get(s, "send_concurrent", "rate_per_s"))
row("synapse-shape sends phase length", lambda t: get(t, ss, "send_concurrent", "wall_s"), "s",
    peer=lambda s: get(s, "send_concurrent", "wall_s"), ratio=False)
ssf = "synapse-shape-fast"
row("synapse-shape receipts/s (10 ms window)", lambda t: get(t, ssf, "receipt_concurrent", "rate_per_s"), "/s",
    hundredfold, peer=synapse_rate)
row("synapse-shape time-to-sender p99 (10 ms window)", lambda t: get(t, ssf, "visibility_under_load", "p99_ms"), "ms",
    tenth_of_p99, better="lower", peer=lambda s: get(s, "visibility_under_load", "p99_ms_seen"))
row("synapse-shape receipts never seen by the sender (10 ms window)",
    lambda t: get(t, ssf, "visibility_under_load", "not_seen"), "", zero, better="lower", every=True)
for key, label in (("receipt-throughput", ""), ("receipt-throughput-fast", " (10 ms window)")):
    def rt(*path, key=key):
        return lambda t: get(t, key, *path)
    asked = next((get(r["tincan"], key, "steady", "target_rate_per_s") for r in repetitions
                  if get(r["tincan"], key, "steady", "target_rate_per_s") is not None), None)
    row(f"receipt-throughput receipts/s, as fast as taken{label}", rt("receipts_per_s"), "/s", lambda s: 50000)
    row(f"receipt-throughput ack p99, as fast as taken{label}", rt("ack", "p99_ms"), "ms", better="lower")
    row(f"receipt-throughput receipt-to-push p99, as fast as taken{label}", rt("receipt_to_sender_push", "p99_ms"), "ms",
        better="lower")
    row(f"receipt-throughput receipts never seen by their sender, as fast as taken{label}",
        rt("receipt_to_sender_push", "not_seen"), "", zero, better="lower", every=True)
    row(f"receipt-throughput CPU s / 1000 receipts{label}", rt("server_cpu_s_per_1000_receipts"), "s", better="lower")
    row(f"receipt-throughput server CPU, as fast as taken{label}", rt("server_cpu_cores"), "cores", better="lower")
    row(f"receipt-throughput load generator CPU, as fast as taken{label}", rt("load_generator_cpu_cores"), "cores",
        better="lower")
    if not label:
        row("receipt-throughput server RSS", rt("server_rss_mb"), "MB", better="lower")
    # The steady phase keeps up if it sends at least 98% of the rate asked.
    row(f"receipt-throughput steady receipts/s, asked {asked}{label}", rt("steady", "receipts_per_s"), "/s",
        None if asked is None else (lambda s, asked=asked: 0.98 * asked))
    row(f"receipt-throughput steady ack p99{label}", rt("steady", "ack", "p99_ms"), "ms", better="lower")
    # How late the load generator sent, from when each receipt was due or its lane's previous one
    # was acknowledged: its own share of the latencies, on the same cores as the server.
    row(f"receipt-throughput steady send lateness p99 (load generator){label}", rt("steady", "send_late", "p99_ms"), "ms",
        better="lower")
    row(f"receipt-throughput steady receipt-to-push p50{label}", rt("steady", "receipt_to_sender_push", "p50_ms"), "ms",
        better="lower")
    row(f"receipt-throughput steady receipt-to-push p99{label}", rt("steady", "receipt_to_sender_push", "p99_ms"), "ms",
        lambda s: 20, better="lower")
    row(f"receipt-throughput steady receipts never seen by their sender{label}",
        rt("steady", "receipt_to_sender_push", "not_seen"), "", zero, better="lower", every=True)
    row(f"receipt-throughput steady server CPU{label}", rt("steady", "server_cpu_cores"), "cores", better="lower")
    row(f"receipt-throughput steady load generator CPU{label}", rt("steady", "load_generator_cpu_cores"), "cores",
        better="lower")
lg = "large-group"
row("large-group members", lambda t: get(t, lg, "members"), "")
row("large-group all reads (logins not included)", lambda t: get(t, lg, "reads_total_s"), "s", lambda s: 10,
    better="lower")
row("large-group logins, between the reads", lambda t: get(t, lg, "logins_total_s"), "s", better="lower")
row("large-group logins/s", lambda t: get(t, lg, "logins", "rate_per_s"), "/s")
row("large-group receipt-to-sender p50", lambda t: get(t, lg, "receipt_to_sender", "p50_ms"), "ms", better="lower")
row("large-group receipt-to-sender p99", lambda t: get(t, lg, "receipt_to_sender", "p99_ms"), "ms", better="lower")
row("large-group receipts never seen by the sender", lambda t: get(t, lg, "receipt_to_sender", "not_seen"), "", zero,
    better="lower")
row("large-group member-list page p99", lambda t: get(t, lg, "member_list_page", "p99_ms"), "ms", lambda s: 5,
    better="lower")
row("large-group read-count query p99", lambda t: get(t, lg, "read_count_query", "p99_ms"), "ms", better="lower")
row("large-group member search p99 (a query per keystroke)", lambda t: get(t, lg, "member_search", "p99_ms"), "ms",
    better="lower")
row("large-group first member search (builds the index)", lambda t: get(t, lg, "member_search_first_ms"), "ms",
    better="lower")
row("large-group receipt storage", lambda t: get(t, lg, "receipt_storage_bytes"), "bytes", lambda s: 32768,
    better="lower")
cn = "connections"
row("connections held", lambda t: get(t, cn, "connections"), "", lambda s: 50000)
row("connections server RSS each", lambda t: get(t, cn, "server_rss_kib_per_connection"), "KiB", lambda s: 20,
    better="lower")
row("connections logins/s", lambda t: get(t, cn, "logins_per_s"), "/s")
ms = "messaging"
row("messaging group messages/s (durable)", lambda t: get(t, ms, "group", "messages_per_s"), "/s", lambda s: 20000)
row("messaging group delivery p50 (at that rate)", lambda t: get(t, ms, "group", "delivery", "p50_ms"), "ms",
    better="lower")
row("messaging group CPU s / 1000 messages", lambda t: get(t, ms, "group", "server_cpu_s_per_1000_messages"), "s",
    better="lower")
row("messaging group server CPU", lambda t: get(t, ms, "group", "server_cpu_cores"), "cores", better="lower")
row("messaging group load generator CPU", lambda t: get(t, ms, "group", "load_generator_cpu_cores"), "cores",
    better="lower")
row("messaging group messages/s (steady phase)", lambda t: get(t, ms, "group_steady", "messages_per_s"), "/s")
row("messaging group delivery p50 (steady)", lambda t: get(t, ms, "group_steady", "delivery", "p50_ms"), "ms",
    better="lower")
row("messaging group delivery p99 (steady)", lambda t: get(t, ms, "group_steady", "delivery", "p99_ms"), "ms",
    better="lower")
row("messaging C2C messages/s (durable)", lambda t: get(t, ms, "c2c", "messages_per_s"), "/s")
row("messaging C2C delivery p50", lambda t: get(t, ms, "c2c", "delivery", "p50_ms"), "ms", better="lower")
row("messaging C2C delivery p99", lambda t: get(t, ms, "c2c", "delivery", "p99_ms"), "ms", better="lower")
for phase in ("group", "group_steady", "c2c"):
    row(f"messaging {phase.replace('_', ' ')} deliveries missing", lambda t, phase=phase: get(t, ms, phase, "delivery", "missing"),
        "", zero, better="lower", every=True)

md = "media"
row("media upload MB/s (10 MB files, one at a time)", lambda t: get(t, md, "upload", "megabytes_per_s"), "MB/s")
row("media download MB/s", lambda t: get(t, md, "download", "megabytes_per_s"), "MB/s")
row("media disk write MB/s (the same files, no server)", lambda t: get(t, md, "disk_write", "megabytes_per_s"), "MB/s")
row("media disk read MB/s", lambda t: get(t, md, "disk_read", "megabytes_per_s"), "MB/s")
row("media upload over disk write", lambda t: get(t, md, "upload_of_disk_write"), "x")
row("media download over disk read", lambda t: get(t, md, "download_of_disk_read"), "x")
row("media upload server CPU s / 100 MB", lambda t: get(t, md, "upload", "server_cpu_s_per_100_mb"), "s", better="lower")
row("media download server CPU s / 100 MB", lambda t: get(t, md, "download", "server_cpu_s_per_100_mb"), "s",
    better="lower")

# Figures of scenarios that did not run are left out.
shown = [r for r in rows if any(v is not None for v in r["tincan"])]
header = ("figure", "tincan", "spread", "unit", "synapse", "ratio", "target")
cells = [r["cells"] for r in shown]
widths = [max(len(str(c[i])) for c in cells + [header]) for i in range(len(header))]
n = len(repetitions)
print(f"{n} repetition{'s' if n != 1 else ''}: each figure is the median [minimum\u2013maximum]; spread is the farthest "
      "repetition from the median; ratios are taken within each repetition")
print("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
for c in cells:
    print("  ".join(str(x).ljust(w) for x, w in zip(c, widths)).rstrip())
if against_rev and any(any(v is not None for v in r["against"]) for r in shown):
    # A figure got worse when its change, better-is-above-1, is below 1 by more than the spread
    # of either side's repetitions: within the spread it is the machine, not the change.
    print()
    print(f"against {against_rev}: this tree's figure beside REV's, and the change (above 1 is better, "
          "taken within each repetition)")
    ab_header = ("figure", "this tree", "spread", "REV", "spread", "unit", "change", "")
    ab_cells = []
    for r in shown:
        if not any(v is not None for v in r["against"]):
            continue
        changes = [c for c in r["change"] if c is not None]
        verdict = ""
        if changes and r["judged"]:
            change = statistics.median(changes)
            bound = max(spread_percent(r["tincan"]) or 0, spread_percent(r["against"]) or 0)
            r["worse_beyond_spread"] = 100 * (1 - change) > bound
            if r["worse_beyond_spread"]:
                verdict = f"WORSE beyond the spread ({bound:.0f}%)"
        ab_cells.append((r["figure"], summary(r["tincan"]), spread(r["tincan"]), summary(r["against"]),
                         spread(r["against"]), r["unit"], summary(r["change"], lambda c: f"{c:.2f}"), verdict))
    ab_widths = [max(len(str(c[i])) for c in ab_cells + [ab_header]) for i in range(len(ab_header))]
    print("  ".join(h.ljust(w) for h, w in zip(ab_header, ab_widths)).rstrip())
    for c in ab_cells:
        print("  ".join(str(x).ljust(w) for x, w in zip(c, ab_widths)).rstrip())
    print()
windows = sorted({str(r["tincan"].get("receipt_coalesce_window_ms")) for r in repetitions if r["tincan"]})
phases = sorted({f"{fmt(r['tincan']['phase']['duration_min_s'])} s and {r['tincan']['phase']['operations_min']} operations"
                 for r in repetitions if get(r["tincan"], "phase", "duration_min_s") is not None})
print(f"machine: {os.cpu_count()} CPUs; the app's receipt_coalesce_window_ms {', '.join(windows)}; "
      f"every phase measuring a rate runs at least {', '.join(phases) or 'n/a'}")
for index, repetition in enumerate(repetitions, 1):
    for side, label in (("tincan", ""), ("against", " (REV's server)")):
        report = repetition[side] or {}
        for name, value in report.items():
            if not isinstance(value, dict):
                continue
            if "error" in value:
                print(f"repetition {index}{label}: {name}: ERROR {value['error']}")
            for failure in value.get("failures", []):
                print(f"repetition {index}{label}: {name}: FAILED, never arrived within the run: {failure}")
            for phase_name, phase in (("as fast as taken", value), ("steady", value.get("steady") or {})):
                if phase.get("ran_out_of_messages"):
                    print(f"repetition {index}{label}: {name}: the {phase_name} phase read every message in "
                          f"{phase.get('sending_s')} s, before its time was up")
json.dump({
    "repetitions": repetitions,
    "table": [{k: v for k, v in r.items() if k != "cells"} for r in shown],
}, open(os.path.join(out, "report.json"), "w"), indent=2)

//! Every scenario runs end to end at tiny sizes against a real server; the figures themselves are
//! for the benchmark, so only their presence and consistency are checked here.

use serde_json::Value;
use tincan_bench::{SCENARIOS, Sizes, Target};
use tincan_testkit::{KEY, SDKAPPID, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_scenario_runs_at_tiny_sizes() {
    let app = spawn_app().await;
    let target = Target {
        address: app.addr.to_string(),
        nodes: Vec::new(),
        sdkappid: SDKAPPID,
        key: KEY.to_owned(),
        pids: vec![std::process::id()],
        also_measured: Vec::new(),
        prefix: "smoke".to_owned(),
        data_dir: Some(app.data_dir.clone()),
    };
    let sizes = Sizes::tiny();
    for name in SCENARIOS {
        let report = tincan_bench::run(name, &target, &sizes).await.unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(report.get("error").is_none(), "{name}: {report}");
        assert!(report.get("failures").is_none(), "{name}: {report}");
        if let Some(base) = name.strip_suffix("-fast") {
            assert_eq!(report["receipt_coalesce_window_ms"], 10, "{base}: {report}");
        }
        match name.trim_end_matches("-fast") {
            "synapse-shape" => {
                // Each phase repeats Synapse's round until it is long enough: whole rounds only.
                for (phase, round) in [("receipt_single", 8), ("send_single", 8), ("receipt_concurrent", 12)] {
                    assert_long_enough(&report[phase], &sizes, phase);
                    assert_eq!(count(&report[phase]["n"]) % round, 0, "{phase}: {report}");
                    assert_eq!(report[phase]["rounds"], count(&report[phase]["n"]) / round, "{phase}: {report}");
                }
                assert_long_enough(&report["send_concurrent"], &sizes, "send_concurrent");
                // Every receipt of the concurrent phase was seen by the sender.
                assert_eq!(report["visibility_under_load"]["not_seen"], 0, "{report}");
                assert_eq!(report["visibility_under_load"]["n"], report["receipt_concurrent"]["n"], "{report}");
                assert_eq!(report["visibility_idle"]["not_seen"], 0, "{report}");
                assert_eq!(count(&report["visibility_idle"]["n"]) % 3, 0, "{report}");
                assert!(report["visibility_idle"]["wall_s"].as_f64().unwrap() >= 0.1, "{report}");
            }
            "receipt-throughput" => {
                assert!(report["receipts"].as_u64().unwrap() > 0, "{report}");
                assert_eq!(report["receipt_to_sender_push"]["not_seen"], 0, "{report}");
                // The steady phase read its own messages, each receipt seen by its sender.
                assert!(report["steady"]["receipts"].as_u64().unwrap() > 0, "{report}");
                assert_eq!(report["steady"]["receipt_to_sender_push"]["not_seen"], 0, "{report}");
                assert!(report["steady"]["pushes_to_senders"].as_u64().unwrap() > 0, "{report}");
                assert_eq!(report["steady"]["send_late"]["n"], report["steady"]["receipts"], "{report}");
                assert!(report["pushes_to_senders"].as_u64().unwrap() > 0, "{report}");
                for phase in [&report, &report["steady"]] {
                    assert!(phase["load_generator_cpu_cores"].as_f64().is_some(), "{report}");
                    assert!(phase["server_cpu_cores"].as_f64().is_some(), "{report}");
                }
            }
            "large-group" => {
                assert_eq!(report["read_count"], 49, "the owner and 49 readers: {report}");
                assert_eq!(report["unread_count"], 0, "{report}");
                assert_eq!(report["read_list_length"], 49, "{report}");
                assert!(report["receipt_storage_bytes"].as_u64().unwrap() > 0, "{report}");
                // Logins are timed apart from the reads, and every read reached the sender.
                assert_eq!(report["logins"]["n"], 49, "{report}");
                assert_eq!(report["reads"]["n"], 49, "{report}");
                assert_eq!(report["receipt_to_sender"]["n"], 49, "{report}");
                assert_eq!(report["receipt_to_sender"]["not_seen"], 0, "{report}");
                assert_eq!(report["member_search"]["n"], 100, "a search per keystroke: {report}");
                assert!(report["member_search_first_ms"].as_f64().is_some(), "{report}");
            }
            "connections" => assert_eq!(report["connections"], 20, "{report}"),
            "messaging" => {
                for phase in ["group", "group_steady", "c2c"] {
                    assert!(count(&report[phase]["messages"]) >= sizes.phase.operations_min, "{phase}: {report}");
                    assert!(report[phase]["wall_s"].as_f64().unwrap() >= 0.1, "{phase}: {report}");
                    assert_eq!(report[phase]["delivery"]["missing"], 0, "{phase}: {report}");
                }
            }
            "media" => {
                for phase in ["upload", "download", "disk_write", "disk_read"] {
                    assert_eq!(report[phase]["files"], 2, "{phase}: {report}");
                    assert_eq!(report[phase]["per_file"]["n"], 2, "{phase}: {report}");
                    assert!(report[phase]["megabytes_per_s"].as_f64().unwrap() > 0.0, "{phase}: {report}");
                }
                assert!(report["upload_of_disk_write"].as_f64().unwrap() > 0.0, "{report}");
                assert!(report["download"]["server_cpu_s_per_100_mb"].as_f64().is_some(), "{report}");
                let left: Vec<_> = std::fs::read_dir(&app.data_dir)
                    .unwrap()
                    .filter_map(Result::ok)
                    .filter(|entry| entry.file_name().to_string_lossy().starts_with("tincan-bench-disk"))
                    .collect();
                assert!(left.is_empty(), "the disk measurement cleans up after itself");
            }
            _ => unreachable!(),
        }
    }
    app.stop().await;
}

fn count(value: &Value) -> usize {
    value.as_u64().unwrap_or_else(|| panic!("not a count: {value}")) as usize
}

/// A phase measuring a rate lasted its time and counted its operations, and says what each side's
/// CPU took.
fn assert_long_enough(phase: &Value, sizes: &Sizes, name: &str) {
    assert!(count(&phase["n"]) >= sizes.phase.operations_min, "{name}: {phase}");
    assert!(phase["wall_s"].as_f64().unwrap() >= sizes.phase.duration_min.as_secs_f64() - 0.001, "{name}: {phase}");
    assert!(phase["server_cpu_cores"].as_f64().is_some(), "{name}: {phase}");
    assert!(phase["load_generator_cpu_cores"].as_f64().is_some(), "{name}: {phase}");
}

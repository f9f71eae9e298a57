//! Every scenario runs end to end at tiny sizes against a real server; the figures themselves are
//! for the benchmark, so only their presence and consistency are checked here.

use tincan_bench::{SCENARIOS, Sizes, Target};
use tincan_testkit::{KEY, SDKAPPID, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_scenario_runs_at_tiny_sizes() {
    let app = spawn_app().await;
    let target = Target {
        address: app.addr.to_string(),
        sdkappid: SDKAPPID,
        key: KEY.to_owned(),
        pid: Some(std::process::id()),
        prefix: "smoke".to_owned(),
    };
    let sizes = Sizes::tiny();
    for name in SCENARIOS {
        let report = tincan_bench::run(name, &target, &sizes).await.unwrap_or_else(|err| panic!("{name}: {err}"));
        assert!(report.get("error").is_none(), "{name}: {report}");
        if let Some(base) = name.strip_suffix("-fast") {
            assert_eq!(report["receipt_coalesce_window_ms"], 10, "{base}: {report}");
        }
        match name.trim_end_matches("-fast") {
            "synapse-shape" => {
                assert_eq!(report["receipt_single"]["n"], 8, "{report}");
                assert_eq!(report["receipt_concurrent"]["n"], 12, "{report}");
                assert_eq!(report["visibility_under_load"]["not_seen"], 0, "{report}");
                assert_eq!(report["visibility_idle"]["n"], 3, "{report}");
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
            }
            "large-group" => {
                assert_eq!(report["read_count"], 49, "the owner and 49 readers: {report}");
                assert_eq!(report["unread_count"], 0, "{report}");
                assert_eq!(report["read_list_length"], 49, "{report}");
                assert!(report["receipt_storage_bytes"].as_u64().unwrap() > 0, "{report}");
            }
            "connections" => assert_eq!(report["connections"], 20, "{report}"),
            "messaging" => {
                for phase in ["group", "group_steady", "c2c"] {
                    assert!(report[phase]["messages"].as_u64().unwrap() > 0, "{phase}: {report}");
                    assert_eq!(report[phase]["delivery"]["missing"], 0, "{phase}: {report}");
                }
            }
            _ => unreachable!(),
        }
    }
    app.stop().await;
}

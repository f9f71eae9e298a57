//! The fuzz targets' kept corpus (`fuzz/corpus/<target>/`), replayed through the same checks the
//! targets run, so that a regression on a kept input fails plain `cargo test`; and the corpus
//! covers every operation and REST command the documents list.

use std::path::PathBuf;

use tincan_proto::api::ALL_OPS;
use tincan_testkit::docs::{documented_ops, documented_rest_commands};
use tincan_testkit::fuzz::{self, RestTarget, StoreTarget};

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus")
}

/// Runs `check` on every kept input of `target`, naming the input that fails.
fn replay(target: &str, mut check: impl FnMut(&[u8])) -> usize {
    let inputs = fuzz::corpus(&corpus_dir(), target);
    assert!(!inputs.is_empty(), "fuzz/corpus/{target} is empty");
    for (name, data) in &inputs {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(data)));
        if let Err(panic) = outcome {
            eprintln!("fuzz/corpus/{target}/{name} fails its check");
            std::panic::resume_unwind(panic);
        }
    }
    inputs.len()
}

#[test]
fn the_kept_parser_inputs_pass_their_checks() {
    // Goal: every kept input of the pure targets (frames, operation parameters, UserSigs) still
    // passes the checks that made it worth keeping.
    replay("client_frame", fuzz::client_frame);
    replay("op_params", fuzz::op_params);
    replay("usersig", fuzz::usersig);
}

#[test]
fn the_kept_store_inputs_pass_their_checks() {
    // Goal: every kept input of the store target reads back as it was written, and its raw rows
    // read back as their values or as corrupt data.
    let mut store = StoreTarget::default();
    replay("stored_message", |data| store.check(data));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kept_rest_inputs_get_well_formed_answers_from_a_real_server() {
    // Goal: every kept REST input, posted to a real server as the fuzz target posts it, gets an
    // answer in TIM's envelope with a documented code and no internal error.
    let app = tincan_testkit::spawn_app_with(|config| config.webhooks = None).await;
    let addr = app.addr;
    let replayed = tokio::task::spawn_blocking(move || {
        let mut target = RestTarget::new(addr);
        replay("rest_body", |data| target.check(data))
    })
    .await
    .expect("the replay finishes");
    assert!(replayed >= documented_rest_commands().len());
    app.stop().await;
}

#[test]
fn the_corpus_has_a_seed_for_every_documented_operation_and_command() {
    // Goal: a new operation or REST command is fuzzed from its first day: the documents, the
    // protocol's list of ops and the kept seeds name the same ones.
    let ops = documented_ops();
    assert_eq!(ops, ALL_OPS, "docs/protocol.md's Operations table and tincan_proto::api::ALL_OPS differ");
    let seeds = fuzz::corpus(&corpus_dir(), "op_params");
    for op in &ops {
        fuzz::parse_op(op, None);
        let prefix = format!("{op}\n");
        assert!(
            seeds.iter().any(|(_, data)| data.starts_with(prefix.as_bytes())),
            "fuzz/corpus/op_params has no seed for {op}"
        );
    }
    let commands = documented_rest_commands();
    assert!(commands.len() >= 36, "only {} REST commands read from docs/rest-api.md", commands.len());
    let seeds = fuzz::corpus(&corpus_dir(), "rest_body");
    for (service, command) in &commands {
        let prefix = format!("{service}/{command}\n");
        assert!(
            seeds.iter().any(|(_, data)| data.starts_with(prefix.as_bytes())),
            "fuzz/corpus/rest_body has no seed for {service}/{command}"
        );
    }
    for target in fuzz::TARGETS {
        assert!(corpus_dir().join(target).is_dir(), "fuzz/corpus/{target} is missing");
    }
}

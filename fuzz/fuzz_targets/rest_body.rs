//! A REST command, `<service>/<command>\n<body>`, posted to a real server over HTTP
//! (`tincan_testkit::fuzz::RestTarget`).
//!
//! The server runs for the whole run on a thread of its own, on a fresh data directory, without
//! webhooks: an input may set any callback URL, and nothing may be sent to it.
#![no_main]

use std::sync::{Mutex, OnceLock};

use tincan_testkit::fuzz::RestTarget;

static TARGET: OnceLock<Mutex<RestTarget>> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let target = TARGET.get_or_init(|| Mutex::new(RestTarget::with_own_server()));
    target.lock().unwrap_or_else(std::sync::PoisonError::into_inner).check(data);
});

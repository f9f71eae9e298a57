//! What the SQLite store decodes: messages it wrote, and rows with values it never writes
//! (`tincan_testkit::fuzz::StoreTarget`).
#![no_main]

use std::sync::{Mutex, OnceLock};

use tincan_testkit::fuzz::StoreTarget;

/// One store for the whole run; each input works in an app of its own and removes its rows.
static STORE: OnceLock<Mutex<StoreTarget>> = OnceLock::new();

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let store = STORE.get_or_init(|| Mutex::new(StoreTarget::default()));
    store.lock().unwrap_or_else(std::sync::PoisonError::into_inner).check(data);
});

//! UserSig decoding and verification (`tincan_testkit::fuzz::usersig`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tincan_testkit::fuzz::usersig(data));

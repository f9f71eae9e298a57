//! A WebSocket text frame, read as the server reads a request and as a client reads a server
//! frame (`tincan_testkit::fuzz::client_frame`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tincan_testkit::fuzz::client_frame(data));

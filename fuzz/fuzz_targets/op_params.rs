//! One client operation's parameters, `<op>\n<data JSON>`, parsed as the server's dispatch
//! parses them (`tincan_testkit::fuzz::op_params`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tincan_testkit::fuzz::op_params(data));

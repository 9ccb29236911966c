//! Arbitrary bytes as a stored `TaskMessage`: decode, re-encode and rewrite.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vetted_tests::fuzz_entry::task_message(data));

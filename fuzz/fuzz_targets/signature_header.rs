//! Arbitrary text as a `vetted-sig` header value, verified with a fixed key ring.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| vetted_tests::fuzz_entry::signature_header(data));

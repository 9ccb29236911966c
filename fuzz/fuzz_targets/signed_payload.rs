//! Arbitrary bytes as the payload of a correctly signed task, processed by a worker.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vetted_tests::fuzz_entry::signed_payload(data);
});

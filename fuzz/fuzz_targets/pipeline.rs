//! Arbitrary bytes as the stored message of a pending task, processed by a worker.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    vetted_tests::fuzz_entry::pipeline(data);
});

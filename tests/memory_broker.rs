//! The broker conformance suite, run on [`MemoryBroker`].

use vetted::broker::memory::MemoryBroker;

vetted_tests::conformance_suite!(MemoryBroker::new());

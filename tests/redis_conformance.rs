//! The broker conformance suite, run on [`RedisBroker`](vetted::broker::redis::RedisBroker)
//! against a real `redis-server`, one per test.

use vetted_tests::redis_inspect::InspectedRedis;

vetted_tests::conformance_suite!(InspectedRedis::start().await);

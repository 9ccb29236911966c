//! The example worker: a CLI with `work`, `enqueue`, `validate`, `tasks`, `schema`,
//! `stats` and `quarantine` (run it with `--help` for each).

vetted::main! {
    handlers: [vetted_examples::send_welcome, vetted_examples::make_thumbnail],
    setup: vetted_examples::setup,
}

//! The example worker: a CLI with `work`, `enqueue`, `validate`, `tasks` and `schema`.

vetted::main! {
    handlers: [vetted_examples::send_welcome, vetted_examples::make_thumbnail],
    setup: vetted_examples::setup,
}

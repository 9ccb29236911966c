//! The example worker: a CLI with `work`, `enqueue`, `validate` and `tasks`.

vetted::main! {
    handlers: [vetted_examples::send_welcome, vetted_examples::make_thumbnail],
    setup: vetted_examples::setup,
}

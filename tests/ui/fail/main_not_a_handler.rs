#[vetted::task]
struct Ping {}

struct NotAHandler;

vetted::main! {
    handlers: [NotAHandler],
}

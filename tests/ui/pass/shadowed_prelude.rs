//! Generated code must not depend on what the user's scope calls `Option`, `Result`,
//! `Some`, `Ok`, `Box`, `Vec` or `String`.

#![allow(dead_code)]

mod app {
    type Result<T> = ::std::result::Result<T, vetted::HandlerError>;
    struct Option;
    struct Some;
    struct Ok;
    struct Box;
    struct Vec;
    struct Err;
    struct None;
    mod serde {}
    mod core {}
    mod std {}

    #[derive(::serde::Serialize, ::serde::Deserialize, vetted::Validate)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        #[validate(range(min = 1))]
        count: u32,
    }

    #[vetted::task]
    struct Shadowed {
        #[validate(email, length(max = 10))]
        email: ::std::string::String,
        #[validate(required)]
        maybe: ::core::option::Option<u8>,
        inner: Inner,
    }

    #[vetted::handler]
    async fn shadowed(
        task: vetted::Verified<Shadowed>,
        ctx: vetted::TaskContext,
        count: vetted::State<u32>,
    ) -> Result<()> {
        let _ = (task, ctx, count);
        ::core::result::Result::Ok(())
    }
}

fn main() {}

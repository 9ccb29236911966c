//! The fn form and the newer rules must not depend on what the user's scope calls
//! `Result`, `Option`, `Some`, `Ok`, `Box`, `Vec` or `String`.

#![allow(dead_code)]

mod app {
    type Result<T> = ::std::result::Result<T, vetted::HandlerError>;
    struct Option;
    struct Some;
    struct Ok;
    struct Err;
    struct None;
    struct Box;
    struct Vec;
    struct String;
    struct Verified;
    mod serde {}
    mod core {}
    mod std {}

    fn nonempty(
        text: &str,
        _: &vetted::validate::RuleContext<'_>,
    ) -> ::core::result::Result<(), vetted::validate::RuleError> {
        if text.is_empty() {
            ::core::result::Result::Err(vetted::validate::RuleError::new("empty"))
        } else {
            ::core::result::Result::Ok(())
        }
    }

    #[vetted::task(queue = "app")]
    pub async fn notify(
        #[validate(each(email, custom(function = nonempty, use_context)))]
        to: ::std::vec::Vec<::std::string::String>,
        #[validate(length(max = 10, unit = "bytes"))] subject: ::std::string::String,
        #[validate(required)] retry_of: ::core::option::Option<u64>,
        ctx: vetted::TaskContext,
        count: vetted::State<u32>,
    ) -> Result<()> {
        let _ = (to, subject, retry_of, ctx, count);
        ::core::result::Result::Ok(())
    }
}

fn main() {
    let task = app::Notify {
        to: vec!["a@example.com".into()],
        subject: "hi".into(),
        retry_of: Some(1),
    };
    assert!(vetted::validate::validate(&task).is_ok());
}

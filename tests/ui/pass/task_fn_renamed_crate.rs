//! `#[task(crate = path)]` on the fn form, when the `vetted` dependency is renamed.

extern crate vetted as renamed;

use renamed::validate::{RuleContext, RuleError};
use renamed::{HandlerError, State, TaskContext};

fn checked(value: &str, _: &RuleContext<'_>) -> Result<(), RuleError> {
    if value.is_empty() { Err(RuleError::new("empty")) } else { Ok(()) }
}

#[renamed::task(crate = ::renamed, name = "renamed:fn", struct = RenamedJob)]
async fn renamed_job(
    #[validate(each(length(max = 3, unit = "bytes")))] parts: Vec<String>,
    #[validate(custom(function = checked, use_context))] label: String,
    ctx: TaskContext,
    counter: State<u8>,
) -> Result<(), HandlerError> {
    let _ = (parts, label, ctx, counter);
    Ok(())
}

fn main() {
    use renamed::handler::Handler;
    use renamed::Task;
    assert_eq!(RenamedJob::NAME, "renamed:fn");
    assert_eq!(<<renamed_job as Handler>::Task as Task>::NAME, "renamed:fn");
}

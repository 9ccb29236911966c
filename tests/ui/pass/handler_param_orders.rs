use vetted::handler::{Handler, StateKey};
use vetted::{HandlerError, State, TaskContext, Verified};

#[vetted::task]
struct Job {
    id: u64,
}

struct Db;
struct Cache;

#[derive(Debug)]
struct JobError;

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("job failed")
    }
}

impl std::error::Error for JobError {}

#[vetted::handler]
async fn ctx_first(ctx: TaskContext, task: Verified<Job>) -> Result<(), HandlerError> {
    let _ = (ctx, task.id);
    Ok(())
}

#[vetted::handler]
async fn states_around(
    db: State<Db>,
    task: Verified<Job>,
    ctx: TaskContext,
    cache: State<Cache>,
) -> Result<(), JobError> {
    let _ = (db, task, ctx, cache);
    Ok(())
}

#[vetted::handler]
pub(crate) async fn states_only(
    mut task: Verified<Job>,
    db: vetted::State<Db>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let _ = (&mut task, db);
    Ok(())
}

fn main() {
    assert!(ctx_first::required_state().is_empty());
    let keys = vec![StateKey::of::<Db>(), StateKey::of::<Cache>()];
    assert_eq!(states_around::required_state(), keys);
}

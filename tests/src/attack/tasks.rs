//! The task types the attack suite sends hostile payloads to, and their handlers.
//!
//! Every handler records the id of the task it ran in [`Calls`], so a test can prove a
//! handler never saw a refused task and saw every legitimate one exactly once.

use std::collections::HashSet;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use serde::{Deserialize, Deserializer, Serialize};
use tokio::sync::Semaphore;
use vetted::types::{CmdArg, FiniteF64, HostPolicy, HttpsUrl, NonEmpty, RelativePath, SingleLine};
use vetted::validate::RuleError;
use vetted::{HandlerError, State, TaskContext, Verified};

/// Every label a [`Label`] was decoded from, in this process.
static PARSED_LABELS: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

/// A string that remembers being decoded: the witness that the JSON parser ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Label(pub String);

impl<'de> Deserialize<'de> for Label {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        lock(&PARSED_LABELS).insert(text.clone());
        Ok(Label(text))
    }
}

impl vetted::validate::Validate for Label {
    fn validate_into(
        &self,
        _path: &vetted::validate::FieldPath<'_>,
        _errors: &mut vetted::validate::ValidationErrors,
    ) {
    }
}

/// Whether any payload with this label reached the JSON parser.
pub fn label_was_parsed(label: &str) -> bool {
    lock(&PARSED_LABELS).contains(label)
}

fn label_length(label: &Label) -> Result<(), RuleError> {
    if (1..=64).contains(&label.0.chars().count()) {
        Ok(())
    } else {
        Err(RuleError::new("label_length"))
    }
}

/// The all-purpose task: its handler does what `action` says (`ok`, `fail`, `skip`,
/// `hang`, which ignores cancellation, or `gate`, which waits for [`Gate::open`]).
#[vetted::task(name = "atk:note", queue = "default", max_retry = 3, timeout = "5s")]
#[derive(Clone, Debug)]
pub struct Note {
    /// Free text; recorded when decoded.
    #[validate(custom(function = label_length))]
    pub label: Label,
    /// What the handler does.
    #[validate(length(max = 16))]
    pub action: String,
}

impl Note {
    /// A note with `label` and `action`.
    pub fn new(label: &str, action: &str) -> Self {
        Self {
            label: Label(label.to_owned()),
            action: action.to_owned(),
        }
    }
}

/// A second type of the same shape as [`Note`], for cross-type confusion.
#[vetted::task(name = "atk:payout", queue = "default", max_retry = 3)]
#[derive(Clone, Debug)]
pub struct Payout {
    /// Free text.
    pub label: Label,
    /// Ignored.
    pub action: String,
}

/// Numbers and a list, with a 1 MiB payload cap so that parser limits are reached
/// before the byte cap.
#[vetted::task(name = "atk:ledger", max_retry = 0, max_payload_bytes = 1048576)]
#[derive(Clone, Debug)]
pub struct Ledger {
    /// Free text.
    pub memo: String,
    /// Minor units.
    pub amount: i64,
    /// A count.
    pub count: u32,
    /// A ratio.
    pub ratio: f64,
    /// At most 100 items.
    #[validate(length(max = 100))]
    pub items: Vec<u32>,
}

/// Hosts the URL fields of these tasks may name.
pub struct HookHosts;

impl HostPolicy for HookHosts {
    const HOSTS: &'static [&'static str] = &["hooks.example.com"];
}

/// A postal address, validated as part of [`Profile`] without any marking.
#[derive(Clone, Debug, Deserialize, Serialize, vetted::Validate)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Must not be empty.
    #[validate(length(min = 1, max = 64))]
    pub street: String,
}

fn ascii_identifier(handle: &str) -> Result<(), RuleError> {
    let ok = !handle.is_empty()
        && handle
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(RuleError::new("ascii_identifier"))
    }
}

/// User-facing text of every kind, for the validation rows.
#[vetted::task(name = "atk:profile", max_retry = 0)]
#[derive(Clone, Debug)]
pub struct Profile {
    /// At most 5 characters (Unicode scalar values).
    #[validate(length(max = 5))]
    pub nick: String,
    /// Visible, trimmed text.
    pub display: NonEmpty,
    /// An identity key: lowercase ASCII only.
    #[validate(custom(function = ascii_identifier))]
    pub handle: String,
    /// Syntax only.
    #[validate(email)]
    pub email: String,
    /// https on a listed host.
    pub site: HttpsUrl<HookHosts>,
    /// Nested, validated.
    pub home: Address,
    /// A finite float.
    pub score: FiniteF64,
    /// A plain float with a range.
    #[validate(range(min = 0.0, max = 10.0))]
    pub weight: f64,
    /// Absent and `null` both give `None`.
    pub note: Option<String>,
    /// When present, visible text.
    pub alias: Option<NonEmpty>,
    /// Shown in an admin page.
    #[validate(length(max = 200))]
    pub bio: String,
}

/// Money in minor units; the handler multiplies with overflow checks.
#[vetted::task(name = "atk:order", max_retry = 0)]
#[derive(Clone, Debug)]
pub struct Order {
    /// Price in minor units.
    pub amount_minor: i64,
    /// Quantity.
    pub qty: i64,
}

/// Sort columns, never strings.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    /// By creation time.
    CreatedAt,
    /// By name.
    Name,
}

impl vetted::validate::Validate for SortColumn {
    fn validate_into(
        &self,
        _path: &vetted::validate::FieldPath<'_>,
        _errors: &mut vetted::validate::ValidationErrors,
    ) {
    }
}

/// Values that end in a file system, a program, a query and an HTTP request.
#[vetted::task(name = "atk:job", max_retry = 0)]
#[derive(Clone, Debug)]
pub struct Job {
    /// A file under the job's base directory.
    pub file: RelativePath,
    /// One argument of a program.
    pub arg: CmdArg,
    /// A sort column.
    pub sort: SortColumn,
    /// A name bound into a query as a parameter.
    pub name: SingleLine<200>,
    /// Where to post the result.
    pub hook: HttpsUrl<HookHosts>,
    /// A work factor, bounded.
    #[validate(range(min = 4, max = 14))]
    pub cost: u32,
}

/// Ids of the tasks whose handler ran, in order.
#[derive(Clone, Debug, Default)]
pub struct Calls(Arc<Mutex<Vec<String>>>);

impl Calls {
    /// The ids so far.
    pub fn ids(&self) -> Vec<String> {
        lock(&self.0).clone()
    }

    /// How many times the handler ran for `id`.
    pub fn count(&self, id: &str) -> usize {
        lock(&self.0).iter().filter(|seen| *seen == id).count()
    }

    fn push(&self, id: &str) {
        lock(&self.0).push(id.to_owned());
    }
}

/// Holds `gate` handlers until opened.
#[derive(Clone, Debug)]
pub struct Gate(Arc<Semaphore>);

impl Default for Gate {
    fn default() -> Self {
        Self(Arc::new(Semaphore::new(0)))
    }
}

impl Gate {
    /// Lets every waiting and future `gate` handler finish.
    pub fn open(&self) {
        self.0.add_permits(1 << 16);
    }

    async fn pass(&self) {
        let _ = self.0.acquire().await;
    }
}

/// What the program printed for one task: `(task id, stdout)`.
type Printed = (String, Vec<u8>);

/// What the `atk:job` handler's program printed, per task id.
#[derive(Clone, Debug, Default)]
pub struct Outputs(Arc<Mutex<Vec<Printed>>>);

impl Outputs {
    fn record(&self, id: &str, output: Vec<u8>) {
        lock(&self.0).push((id.to_owned(), output));
    }

    /// The output of the task `id`, if it ran.
    pub fn of(&self, id: &str) -> Option<Vec<u8>> {
        lock(&self.0)
            .iter()
            .find(|(seen, _)| seen == id)
            .map(|(_, out)| out.clone())
    }
}

/// Runs a note.
#[vetted::handler]
pub async fn note(
    task: Verified<Note>,
    ctx: TaskContext,
    calls: State<Calls>,
    gate: State<Gate>,
) -> Result<(), HandlerError> {
    calls.push(ctx.task_id());
    match task.action.as_str() {
        "fail" => Err(HandlerError::retry("note failed")),
        "skip" => Err(HandlerError::skip_retry("note gave up")),
        "hang" => std::future::pending().await,
        "gate" => {
            gate.pass().await;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Runs a payout.
#[vetted::handler]
pub async fn payout(
    _task: Verified<Payout>,
    ctx: TaskContext,
    calls: State<Calls>,
) -> Result<(), HandlerError> {
    calls.push(ctx.task_id());
    Ok(())
}

/// Runs a ledger entry.
#[vetted::handler]
pub async fn ledger(
    _task: Verified<Ledger>,
    ctx: TaskContext,
    calls: State<Calls>,
) -> Result<(), HandlerError> {
    calls.push(ctx.task_id());
    Ok(())
}

/// Runs a profile update.
#[vetted::handler]
pub async fn profile(
    _task: Verified<Profile>,
    ctx: TaskContext,
    calls: State<Calls>,
) -> Result<(), HandlerError> {
    calls.push(ctx.task_id());
    Ok(())
}

/// Prices an order with checked arithmetic: an overflow is a typed error, not a panic.
#[vetted::handler]
pub async fn order(
    task: Verified<Order>,
    ctx: TaskContext,
    calls: State<Calls>,
) -> Result<(), HandlerError> {
    calls.push(ctx.task_id());
    match task.amount_minor.checked_mul(task.qty) {
        Some(_) => Ok(()),
        None => Err(HandlerError::skip_retry("order total overflows")),
    }
}

/// Runs a job: hands `arg` to `printf` as one argument, with no shell.
#[vetted::handler]
pub async fn job(
    task: Verified<Job>,
    ctx: TaskContext,
    calls: State<Calls>,
    outputs: State<Outputs>,
) -> Result<(), HandlerError> {
    calls.push(ctx.task_id());
    let output = std::process::Command::new("printf")
        .arg("%s")
        .arg(&task.arg)
        .output()?;
    outputs.record(ctx.task_id(), output.stdout);
    Ok(())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

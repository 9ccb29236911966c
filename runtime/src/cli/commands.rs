//! The commands of the generated CLI.

use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use super::args::{Command, Connection, EnqueueArgs, SchemaArgs, ValidateArgs, WorkArgs};
use super::explain::{InputFacts, explain};
use super::quarantine::quarantine;
use super::stats::stats;
use super::{App, BoxError};
use crate::broker::redis::RedisBroker;
use crate::client::{Client, EnqueueOptions};
use crate::signing::KeyRing;
use crate::worker::WorkerBuilder;

pub(super) async fn run(app: App, command: Command) -> Result<ExitCode, BoxError> {
    match command {
        Command::Work(args) => work(app, args).await,
        Command::Enqueue(args) => enqueue(&app, args).await,
        Command::Validate(args) => validate(&app, &args),
        Command::Tasks => Ok(tasks(&app)),
        Command::Stats(args) => stats(&app, args).await,
        Command::Quarantine(args) => quarantine(&app, args).await,
        Command::Schema(args) => schema(&app, &args),
    }
}

fn keyring(connection: &Connection) -> Result<KeyRing, BoxError> {
    Ok(match &connection.keyring_file {
        Some(path) => KeyRing::from_file(path)?,
        None => KeyRing::from_env()?,
    })
}

async fn work(app: App, args: WorkArgs) -> Result<ExitCode, BoxError> {
    let keyring = keyring(&args.connection)?;
    let state = match app.setup {
        Some(setup) => setup().await?,
        None => Default::default(),
    };
    let broker = RedisBroker::connect(&args.connection.redis.redis_url).await?;
    let mut builder = WorkerBuilder::new(Arc::new(broker))
        .keyring(keyring)
        .state_map(state);
    for register in &app.registrations {
        builder = register(builder);
    }
    let worker = builder
        .configure(|config| {
            if let Some(n) = args.concurrency {
                config.concurrency = n as usize;
            }
            config.queues = args.queues;
            config.strict_priority = args.strict_priority;
            config.shutdown_timeout = Duration::from_secs(args.shutdown_timeout);
        })
        .build()?;
    tracing::info!(app = app.name, "starting worker");
    worker.run_until_signal().await;
    Ok(ExitCode::SUCCESS)
}

async fn enqueue(app: &App, args: EnqueueArgs) -> Result<ExitCode, BoxError> {
    let entry = app
        .registry
        .get(&args.task_type)
        .ok_or_else(|| unknown_type(&args.task_type))?;
    let payload = match entry.check_json(&read_json(&args.json)?) {
        Ok(payload) => payload,
        Err(rejection) => {
            eprintln!("{rejection}");
            return Ok(ExitCode::FAILURE);
        }
    };
    let keyring = keyring(&args.connection)?;
    let broker = RedisBroker::connect(&args.connection.redis.redis_url).await?;
    let client = Client::new(broker, keyring);
    let mut options = EnqueueOptions::default();
    if let Some(queue) = args.queue {
        options = options.queue(queue);
    }
    if let Some(secs) = args.process_in {
        options = options.process_in(Duration::from_secs(secs));
    }
    if let Some(id) = args.task_id {
        options = options.task_id(id);
    }
    if let Some(n) = args.max_retry {
        options = options.max_retry(n);
    }
    let info = client
        .enqueue_checked(&args.task_type, entry.options(), payload, options)
        .await?;
    println!(
        "enqueued {} {} id={} queue={} state={}",
        info.type_name,
        info.key_id,
        info.id,
        info.queue,
        info.state.as_str()
    );
    Ok(ExitCode::SUCCESS)
}

fn validate(app: &App, args: &ValidateArgs) -> Result<ExitCode, BoxError> {
    let entry = app
        .registry
        .get(&args.task_type)
        .ok_or_else(|| unknown_type(&args.task_type))?;
    let input = read_json(&args.json)?;
    match entry.check_json(&input) {
        Ok(_) => {
            println!("ok: valid {} payload", args.task_type);
            Ok(ExitCode::SUCCESS)
        }
        Err(rejection) => {
            println!("{rejection}");
            let facts = InputFacts::read(&input, &entry.json_schema());
            for line in explain(&rejection, &args.task_type, &facts) {
                println!("  {line}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

fn tasks(app: &App) -> ExitCode {
    println!(
        "{:<28} {:<12} {:>9} {:>9} {:>7} {:>10}",
        "TYPE", "QUEUE", "MAX_RETRY", "TIMEOUT", "SCHEMA", "MAX_BYTES"
    );
    for (name, entry) in app.registry.entries() {
        let o = entry.options();
        let timeout = o
            .timeout
            .map_or_else(|| "-".to_owned(), |t| format!("{}s", t.as_secs()));
        println!(
            "{name:<28} {:<12} {:>9} {timeout:>9} {:>7} {:>10}",
            o.queue, o.max_retry, o.schema_version, o.max_payload_bytes
        );
    }
    ExitCode::SUCCESS
}

fn schema(app: &App, args: &SchemaArgs) -> Result<ExitCode, BoxError> {
    let schema = match &args.task_type {
        Some(name) => app
            .registry
            .get(name)
            .ok_or_else(|| unknown_type(name))?
            .json_schema(),
        None => {
            let all = app.registry.entries().into_iter();
            let by_name = all.map(|(name, entry)| (name.to_owned(), entry.json_schema()));
            serde_json::Value::Object(by_name.collect())
        }
    };
    println!("{}", serde_json::to_string_pretty(&schema)?);
    Ok(ExitCode::SUCCESS)
}

fn unknown_type(name: &str) -> BoxError {
    format!("unknown task type `{name}`; run the `tasks` command to list them").into()
}

/// The JSON argument, or standard input for `-`.
fn read_json(arg: &str) -> Result<Vec<u8>, BoxError> {
    if arg != "-" {
        return Ok(arg.as_bytes().to_vec());
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .take(16 * 1024 * 1024)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

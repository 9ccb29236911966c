//! Everything the process says: `tracing` events at every level and panic messages,
//! kept in memory so a test can search them for a canary.

use std::io::Write;
use std::sync::{Mutex, MutexGuard, Once, PoisonError};

use tracing_subscriber::fmt::MakeWriter;

static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Installs the process-wide log subscriber and panic hook, once, at TRACE level.
///
/// The subscriber records every event, formatted with all its fields, into a buffer
/// shared by every test of the binary: a leak from any test fails the canary check of
/// all of them, which only widens what is checked.
pub fn install() {
    install_at(tracing::Level::TRACE);
}

/// Like [`install`], recording events at `level` and above; the first call decides.
pub fn install_at(level: tracing::Level) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(level)
            .with_ansi(false)
            .with_writer(Buffer)
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in the attack tests");
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            lock(&PANICS).push(info.to_string());
            previous(info);
        }));
    });
}

/// The captured log text so far.
pub fn logs() -> String {
    String::from_utf8_lossy(&lock(&LOGS)).into_owned()
}

/// The captured log lines that mention `needle`.
pub fn log_lines_with(needle: &str) -> Vec<String> {
    logs()
        .lines()
        .filter(|line| line.contains(needle))
        .map(str::to_owned)
        .collect()
}

/// Every panic message so far, with its location.
pub fn panics() -> Vec<String> {
    lock(&PANICS).clone()
}

/// Appends formatted events to [`LOGS`].
struct Buffer;

impl Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        lock(&LOGS).extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Self::Writer {
        Buffer
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

//! Rules for the names that become parts of Redis keys: queue names and task ids.

/// Longest queue name accepted.
pub const MAX_QUEUE_NAME: usize = 128;
/// Longest task id accepted.
pub const MAX_TASK_ID: usize = 256;

/// A queue name or task id cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {problem}")]
pub struct NameError {
    what: &'static str,
    problem: &'static str,
}

/// Checks a queue name: not blank, at most [`MAX_QUEUE_NAME`] bytes, and free of the
/// characters that break asynq's hash-tagged keys (`{`, `}`) or logs (control characters).
pub fn check_queue_name(name: &str) -> Result<(), NameError> {
    check("queue name", name, MAX_QUEUE_NAME)
}

/// Checks a task id with the same rules, up to [`MAX_TASK_ID`] bytes.
pub fn check_task_id(id: &str) -> Result<(), NameError> {
    check("task id", id, MAX_TASK_ID)
}

fn check(what: &'static str, s: &str, max: usize) -> Result<(), NameError> {
    let problem = if s.trim().is_empty() {
        "blank"
    } else if s.len() > max {
        "too long"
    } else if s.chars().any(|c| c == '{' || c == '}') {
        "contains `{` or `}`"
    } else if s.chars().any(char::is_control) {
        "contains a control character"
    } else {
        return Ok(());
    };
    Err(NameError { what, problem })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        assert!(check_queue_name("critical").is_ok());
        assert!(check_task_id("1f0c2a9e-5b7d-4c1e-9f2a-0d3b4c5e6f70").is_ok());
    }

    #[test]
    fn refuses_names_that_break_keys() {
        for bad in ["", "  ", "a{b", "a}b", "a\nb", "a\rb", "x\0"] {
            assert!(check_queue_name(bad).is_err(), "{bad:?}");
            assert!(check_task_id(bad).is_err(), "{bad:?}");
        }
        assert!(check_queue_name(&"q".repeat(129)).is_err());
        assert!(check_task_id(&"i".repeat(257)).is_err());
    }
}

/// Longest part of a name written to a log line.
const MAX_LOGGED_BYTES: usize = 128;

/// A name read from the queue (task id, queue, task type), as it may be logged: escaped
/// by its `Debug` form, so control characters cannot forge log lines, and cut to 128
/// bytes, so a huge id cannot flood the log.
pub(crate) struct LogName<'a>(&'a str);

/// Wraps a name for logging with `?`.
pub(crate) fn log_name(name: &str) -> LogName<'_> {
    LogName(name)
}

impl std::fmt::Debug for LogName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut end = self.0.len().min(MAX_LOGGED_BYTES);
        while !self.0.is_char_boundary(end) {
            end -= 1;
        }
        write!(f, "{:?}", &self.0[..end])?;
        if end < self.0.len() {
            write!(f, "+{}B", self.0.len() - end)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod log_name_tests {
    use super::log_name;

    #[test]
    fn logged_names_are_escaped_and_cut() {
        assert_eq!(format!("{:?}", log_name("a\nFAKE")), r#""a\nFAKE""#);
        let long = "é".repeat(100);
        let logged = format!("{:?}", log_name(&long));
        assert!(logged.ends_with("+72B"), "{logged}");
        assert!(logged.len() < 140);
    }
}

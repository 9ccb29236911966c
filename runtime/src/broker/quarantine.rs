//! The readable stand-in both brokers store when they quarantine a task.

use crate::broker::TaskRef;
use crate::wire::TaskMessage;

/// The task type of the message that replaces an unusable one in quarantine.
pub const QUARANTINED_TASK_TYPE: &str = "vetted:quarantined";

/// The minimal message a quarantined task is archived under: its id and queue, the
/// type [`QUARANTINED_TASK_TYPE`] and the reason as `error_msg`, so that asynq's
/// Inspector, CLI and asynqmon can list it.
pub(crate) fn quarantined_message(task: TaskRef<'_>, error_msg: &str) -> TaskMessage {
    TaskMessage {
        type_name: QUARANTINED_TASK_TYPE.to_owned(),
        id: task.id.to_owned(),
        queue: task.queue.to_owned(),
        error_msg: error_msg.to_owned(),
        ..TaskMessage::default()
    }
}

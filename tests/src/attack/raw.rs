//! Raw Redis writes as an attacker with Redis access, or a worker that died, would
//! leave them, and a reading of how much Redis sent.

use redis::Commands;
use vetted::wire::TaskMessage;

use super::arena::{Arena, task_key};

impl Arena {
    /// Writes `message` as its own task hash and pushes its id to `pending`, with raw
    /// commands: `HSET` of `msg` and `state`, `LPUSH`, `SADD asynq:queues`.
    pub fn plant(&self, message: &TaskMessage) -> String {
        self.plant_bytes(&message.queue, &message.id, &message.encode());
        message.id.clone()
    }

    /// Writes raw `msg` bytes under `queue`/`id` and pushes the id to `pending`.
    pub fn plant_bytes(&self, queue: &str, id: &str, msg: &[u8]) {
        let mut redis = self.redis();
        let _: () = redis::pipe()
            .hset_multiple(task_key(queue, id), &[("msg", msg), ("state", b"pending")])
            .ignore()
            .lpush(format!("asynq:{{{queue}}}:pending"), id)
            .ignore()
            .sadd("asynq:queues", queue)
            .ignore()
            .query(&mut redis)
            .expect("raw plant");
    }

    /// Puts `id` in `active` with a lease that ended at Unix second `lease`, and its
    /// hash with `msg` when given, as a crashed worker would leave it.
    pub fn plant_active(&self, queue: &str, id: &str, msg: Option<&[u8]>, lease: i64) {
        let mut redis = self.redis();
        let mut pipe = redis::pipe();
        pipe.lpush(format!("asynq:{{{queue}}}:active"), id)
            .ignore()
            .zadd(format!("asynq:{{{queue}}}:lease"), id, lease)
            .ignore();
        if let Some(msg) = msg {
            pipe.hset_multiple(task_key(queue, id), &[("msg", msg), ("state", b"active")])
                .ignore();
        }
        let _: () = pipe.query(&mut redis).expect("raw plant in active");
    }

    /// Moves every task of `queue`'s retry set to now, as if its backoff had passed.
    pub fn make_retries_due(&self, queue: &str) {
        let mut redis = self.redis();
        let key = format!("asynq:{{{queue}}}:retry");
        let ids: Vec<String> = redis.zrange(&key, 0, -1).expect("ZRANGE retry");
        for id in ids {
            let _: () = redis.zadd(&key, id, 0).expect("ZADD retry");
        }
    }

    /// Pushes a bare `id` to `queue`'s `pending`, writing no task hash.
    pub fn push_pending_id(&self, queue: &str, id: &str) {
        let _: () = self
            .redis()
            .lpush(format!("asynq:{{{queue}}}:pending"), id)
            .expect("raw LPUSH pending");
    }

    /// Moves the oldest task of `queue`'s `pending` to `active`, as a worker's dequeue
    /// would, and checks that it was `id`. Writes no lease and leaves the hash alone.
    #[track_caller]
    pub fn take_into_active(&self, queue: &str, id: &str) {
        let taken: String = self
            .redis()
            .rpoplpush(
                format!("asynq:{{{queue}}}:pending"),
                format!("asynq:{{{queue}}}:active"),
            )
            .expect("raw RPOPLPUSH pending to active");
        assert_eq!(taken, id, "the task taken into active");
    }

    /// Gives `id` a lease in `queue` that ends at Unix second `lease`.
    pub fn set_lease(&self, queue: &str, id: &str, lease: i64) {
        let _: () = self
            .redis()
            .zadd(format!("asynq:{{{queue}}}:lease"), id, lease)
            .expect("raw ZADD lease");
    }

    /// Sets the `state` field of a task hash (creating the hash if needed).
    pub fn set_state(&self, queue: &str, id: &str, state: &str) {
        let _: () = self
            .redis()
            .hset(task_key(queue, id), "state", state)
            .expect("raw HSET state");
    }

    /// Whether `id` waits in `queue`'s retry set; if it does, makes every retry there
    /// due now, so that a running worker takes it at its next poll.
    pub fn hurry_retry(&self, queue: &str, id: &str) -> bool {
        let waiting = self.holds(queue, "retry", id);
        if waiting {
            self.make_retries_due(queue);
        }
        waiting
    }

    /// `total_net_output_bytes` of the server: what Redis has sent to all clients.
    pub fn bytes_sent(&self) -> u64 {
        let info: String = redis::cmd("INFO")
            .arg("stats")
            .query(&mut self.redis())
            .expect("INFO stats");
        info.lines()
            .find_map(|l| l.strip_prefix("total_net_output_bytes:"))
            .and_then(|n| n.trim().parse().ok())
            .expect("total_net_output_bytes in INFO")
    }
}

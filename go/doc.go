// Package vetted signs and verifies asynq tasks with the vetted task signature, scheme v1.
//
// A signed task carries one header, [HeaderName], whose value holds a key id, issue, expiry and
// not-before times, the largest retry count the producer allows, the payload schema version and
// an HMAC-SHA256 tag. The tag covers those fields plus the task type, queue, id and payload bytes,
// so a signed payload cannot be moved to another type, queue or task id, and no field can be
// changed in Redis without the worker noticing. The scheme is specified in docs/signing.md of the
// vetted repository; docs/signing-vectors.json holds the vectors this package is tested against.
// Rust workers built with vetted and Go servers using this package accept the same tasks.
//
// Producers load a [KeyRing] and build tasks with [KeyRing.NewTask] or [KeyRing.NewJSONTask], then
// enqueue them with an ordinary asynq.Client. Pass every option (queue, task id, retry count,
// process time) to NewTask, never to Client.Enqueue: the signature binds the queue and task id
// chosen at signing time, and an option given later would change them.
//
// Workers add [KeyRing.Middleware] to their asynq.ServeMux. It verifies every task before the
// handler runs and turns a refusal into an error whose text is
// "vetted: reason=<code>[ key=<kid>] len=<n> fp=<fingerprint>", which asynq stores as the
// task's last error. fp is a keyed fingerprint of the payload (see [RejectError]); Go and Rust
// workers that share a signing key write the same text for the same refused task. Refused tasks
// are archived at once, except for unknown_key (retried a few times, for key rotation lag) and
// too_early (see [VerifyConfig]).
//
// asynq keeps at most 10,000 archived tasks per queue, so a flood of forged tasks archived
// there can push real archived tasks out. Set [VerifyConfig.Quarantine] to send the tasks
// refused before their sender was proven (unsigned, malformed_signature, bad_signature,
// unsupported_scheme, retired_key, and unknown_key once its retries are spent) to vetted's
// bounded stream "vetted:{<queue>}:quarantine" instead, in the format the Rust worker writes
// and lists; asynq then deletes them. Refusals after verification (schema_version, expired,
// retry_exceeded) are still archived, where asynq's tools show them.
//
// asynq v0.26.0 or later is needed by every Go process that enqueues, retries or archives signed
// tasks: older versions drop the headers when they rewrite a task, and the task then fails as
// unsigned.
package vetted

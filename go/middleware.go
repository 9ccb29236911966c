package vetted

import (
	"context"
	"errors"
	"maps"
	"time"

	"github.com/hibiken/asynq"
)

// DefaultUnknownKeyRetries is how many times a task signed with an unknown key is retried when
// [VerifyConfig.UnknownKeyRetries] is 0.
const DefaultUnknownKeyRetries = 3

// VerifyConfig configures [KeyRing.Middleware]. The zero value requires a signature on every
// task type and expects schema version 1 everywhere.
type VerifyConfig struct {
	// SchemaVersions maps a task type to the payload schema version the worker expects. Types
	// not listed, or listed with 0, expect DefaultSchemaVersion.
	SchemaVersions map[string]uint32
	// DefaultSchemaVersion is expected for types missing from SchemaVersions; 0 means 1.
	DefaultSchemaVersion uint32
	// UnsignedTypes lists task types that may arrive without a signature header. A header that
	// is present on such a task is still verified. Empty by default: every type needs one.
	UnsignedTypes []string
	// UnknownKeyRetries is how many retries a task signed with an unknown key gets before it is
	// archived (or quarantined, with Quarantine), covering the time a new key takes to reach every
	// worker. 0 means [DefaultUnknownKeyRetries]; a negative value refuses such tasks for good at
	// once. The message's own retry limit still applies.
	UnknownKeyRetries int
	// Now returns the verification time; nil means time.Now.
	Now func() time.Time
	// OnReject, when set, is called for every refused task before the middleware returns, for
	// logging or metrics. The error carries no payload content.
	OnReject func(ctx context.Context, task *asynq.Task, err *RejectError)
	// Quarantine, when set, sends tasks refused before their sender was proven to vetted's
	// bounded quarantine stream instead of asynq's archive (see [Quarantine]). nil archives
	// them, as before.
	Quarantine *Quarantine
}

// claimsKey is the context key of the verified claims.
type claimsKey struct{}

// ClaimsFromContext returns the claims verified by [KeyRing.Middleware] for the task being handled.
// ok is false for an unsigned task of a type listed in UnsignedTypes.
func ClaimsFromContext(ctx context.Context) (c Claims, ok bool) {
	c, ok = ctx.Value(claimsKey{}).(Claims)
	return c, ok
}

// Middleware returns asynq middleware that verifies each task before the next handler runs.
//
// The task id and queue are read from the handler context (asynq.GetTaskID, GetQueueName).
// A refused task's error is a *[RejectError] (reachable with errors.As), handled as follows:
//   - unknown_key: returned as is, so asynq retries it, while the retry count is below
//     UnknownKeyRetries and the task's own retry limit; then handled as below;
//   - too_early: returned as is, so asynq retries it with the server's RetryDelayFunc. Go asynq
//     cannot send a task back to the scheduled set without counting a retry, so each early
//     delivery uses up one retry (the Rust worker reschedules without counting);
//   - with a [VerifyConfig.Quarantine], refusals before the sender was proven (unsigned,
//     malformed_signature, bad_signature, unsupported_scheme, retired_key, unknown_key once
//     retried): one entry in the queue's quarantine stream, then wrapped with
//     asynq.RevokeTask, so asynq deletes the task without archiving it; if the entry cannot be
//     written, archived as below;
//   - every other reason: wrapped with asynq.SkipRetry, so the task is archived at once.
//
// The middleware also enforces the signed max retry: a task whose retry count exceeds it is
// refused with retry_exceeded, and a handler error on the last signed attempt is wrapped with
// asynq.SkipRetry so the task is archived rather than retried beyond the signed limit.
func (r *KeyRing) Middleware(cfg VerifyConfig) asynq.MiddlewareFunc {
	return newVerifier(r, cfg, asynqDelivery).middleware()
}

// taskDelivery is what asynq says about the task being handled.
type taskDelivery struct {
	id       string
	queue    string
	retried  int
	maxRetry int
}

// delivery returns the details of the task being handled; ok is false outside an asynq
// handler context.
type delivery func(ctx context.Context) (d taskDelivery, ok bool)

// asynqDelivery reads the delivery details from an asynq handler context.
func asynqDelivery(ctx context.Context) (taskDelivery, bool) {
	id, okID := asynq.GetTaskID(ctx)
	queue, okQueue := asynq.GetQueueName(ctx)
	retried, okRetried := asynq.GetRetryCount(ctx)
	maxRetry, okMax := asynq.GetMaxRetry(ctx)
	d := taskDelivery{id: id, queue: queue, retried: retried, maxRetry: maxRetry}
	return d, okID && okQueue && okRetried && okMax
}

// middleware wraps a handler with the verifier.
func (v *verifier) middleware() asynq.MiddlewareFunc {
	return func(next asynq.Handler) asynq.Handler {
		return asynq.HandlerFunc(func(ctx context.Context, task *asynq.Task) error {
			return v.process(ctx, task, next)
		})
	}
}

// verifier is a VerifyConfig with its defaults filled in.
type verifier struct {
	ring       *KeyRing
	cfg        VerifyConfig
	delivery   delivery
	unsigned   map[string]bool
	keyRetries int
}

// newVerifier fills in the defaults of cfg.
func newVerifier(ring *KeyRing, cfg VerifyConfig, d delivery) *verifier {
	v := &verifier{ring: ring, cfg: cfg, delivery: d, unsigned: map[string]bool{}, keyRetries: cfg.UnknownKeyRetries}
	for _, t := range cfg.UnsignedTypes {
		v.unsigned[t] = true
	}
	v.cfg.SchemaVersions = maps.Clone(cfg.SchemaVersions)
	if v.keyRetries == 0 {
		v.keyRetries = DefaultUnknownKeyRetries
	}
	if v.cfg.Now == nil {
		v.cfg.Now = time.Now
	}
	if v.cfg.DefaultSchemaVersion == 0 {
		v.cfg.DefaultSchemaVersion = DefaultSchemaVersion
	}
	return v
}

// process verifies one task and runs next when it passes.
func (v *verifier) process(ctx context.Context, task *asynq.Task, next asynq.Handler) error {
	d, ok := v.delivery(ctx)
	if !ok {
		return errors.New("vetted: handler context lacks the asynq task id, queue or retry count")
	}
	if _, signed := task.Headers()[HeaderName]; !signed && v.unsigned[task.Type()] {
		return next.ProcessTask(ctx, task)
	}
	claims, err := Verify(v.ring, task, d.queue, d.id, v.cfg.Now(), v.expectedSchema(task.Type()))
	if err == nil && d.retried > claims.MaxRetry {
		err = v.ring.reject(ReasonRetryExceeded, claims.KeyID, task)
	}
	var rejected *RejectError
	if errors.As(err, &rejected) {
		return v.refuse(ctx, task, rejected, d)
	}
	if err != nil {
		return err
	}
	err = next.ProcessTask(context.WithValue(ctx, claimsKey{}, claims), task)
	if err != nil && d.retried >= claims.MaxRetry && !errors.Is(err, asynq.SkipRetry) && !errors.Is(err, asynq.RevokeTask) {
		return skipRetry{err}
	}
	return err
}

// expectedSchema returns the schema version configured for a task type.
func (v *verifier) expectedSchema(typeName string) uint32 {
	if s := v.cfg.SchemaVersions[typeName]; s != 0 {
		return s
	}
	return v.cfg.DefaultSchemaVersion
}

// refuse reports a rejection and picks between retrying, quarantining and archiving.
func (v *verifier) refuse(ctx context.Context, task *asynq.Task, rejected *RejectError, d taskDelivery) error {
	if v.cfg.OnReject != nil {
		v.cfg.OnReject(ctx, task, rejected)
	}
	switch {
	case rejected.Reason == ReasonTooEarly:
		return rejected
	case rejected.Reason == ReasonUnknownKey && d.retried < min(v.keyRetries, d.maxRetry):
		return rejected
	}
	q := v.cfg.Quarantine
	if q == nil || !quarantinable(rejected.Reason) {
		return skipRetry{rejected}
	}
	if err := q.add(ctx, d, task, rejected); err != nil {
		if q.OnError != nil {
			q.OnError(ctx, task, rejected, err)
		}
		return skipRetry{rejected}
	}
	return revoked{rejected}
}

// skipRetry marks an error as permanent for asynq while keeping its text, so the task's last
// error in Redis reads exactly as the wrapped error.
type skipRetry struct{ err error }

// Error returns the text of the wrapped error.
func (s skipRetry) Error() string { return s.err.Error() }

// Unwrap exposes both the wrapped error and asynq.SkipRetry to errors.Is and errors.As.
func (s skipRetry) Unwrap() []error { return []error{s.err, asynq.SkipRetry} }

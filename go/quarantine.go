package vetted

import (
	"context"
	_ "embed"
	"errors"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// Defaults of [Quarantine], the same as the vetted Rust worker's.
const (
	// DefaultQuarantineEntries is how many entries a queue's quarantine stream keeps.
	DefaultQuarantineEntries = 10_000
	// DefaultQuarantineKeepBytes is the longest task message an entry keeps (64 KiB).
	DefaultQuarantineKeepBytes = 64 * 1024
	// DefaultQuarantineMaxAge is how long entries are kept (90 days).
	DefaultQuarantineMaxAge = 90 * 24 * time.Hour
)

// maxStoredName is the longest task id or type an entry keeps; the rest is replaced by
// "+<n>B" (the MAX_STORED_NAME of the Rust runtime).
const maxStoredName = 1024

// statsTTL is how long asynq keeps a daily counter.
const statsTTL = 90 * 24 * time.Hour

// Quarantine sends the tasks [KeyRing.Middleware] refuses before their sender was proven to
// vetted's bounded quarantine stream instead of asynq's archive.
//
// asynq keeps at most 10,000 archived tasks per queue and drops the oldest first, so a flood
// of forged tasks archived there would push real archived tasks out. With a Quarantine, a task
// refused as unsigned, malformed_signature, bad_signature, unsupported_scheme or retired_key,
// or as unknown_key once its retries are spent, gets one entry in the Redis stream
// "vetted:{<queue>}:quarantine", in the format the vetted Rust worker writes and lists
// (RedisBroker::quarantined, the quarantine command of a generated worker). The middleware then
// returns an error wrapping asynq.RevokeTask, so asynq deletes the task instead of archiving
// it. Refusals after verification (schema_version, expired, retry_exceeded) are archived as
// before.
//
// An entry holds the fields task_id and task_type (each cut to 1,024 bytes, with "+<n>B" for
// the rest), reason, error_msg (the [RejectError] text), key (when the header named a
// well-formed key id), len and msg. msg is the task's encoded asynq TaskMessage exactly as
// stored in Redis, read from the task hash inside the script, and len is its length, as in
// entries the Rust worker writes; msg is left out when it is longer than KeepMessageBytes. The
// stream is trimmed on every addition to MaxEntries (XADD MAXLEN ~) and MaxAge (XTRIM MINID ~);
// Redis trims by whole stream nodes, so it may hold about 100 entries more. A quarantined task
// counts as processed (by asynq) and failed (by the script), as an archived one would.
//
// When the entry cannot be written, the task is archived as without a Quarantine, so nothing is
// lost silently, and OnError is called.
type Quarantine struct {
	// Client is the Redis connection: the Redis the asynq server reads, given as a go-redis
	// client (for example redis.NewClient with the options of the server's RedisClientOpt).
	// Required.
	Client redis.UniversalClient
	// MaxEntries is how many entries each queue's stream keeps; 0 or less means
	// [DefaultQuarantineEntries].
	MaxEntries int
	// KeepMessageBytes is the longest task message an entry keeps; a longer one is recorded by
	// its length only. 0 means [DefaultQuarantineKeepBytes]; a negative value keeps none.
	KeepMessageBytes int
	// MaxAge is how long entries are kept; 0 or less means [DefaultQuarantineMaxAge].
	MaxAge time.Duration
	// OnError, when set, is called when an entry could not be written; the task is then
	// archived. The error comes from Redis and carries no payload content.
	OnError func(ctx context.Context, task *asynq.Task, rejected *RejectError, err error)
}

// quarantineSource is the script that adds an entry; see quarantine.lua.
//
//go:embed quarantine.lua
var quarantineSource string

// quarantineScript runs quarantineSource by its digest, loading it when Redis lacks it.
var quarantineScript = redis.NewScript(quarantineSource)

// errNoQuarantineClient is reported when a Quarantine has no Redis client.
var errNoQuarantineClient = errors.New("vetted: Quarantine.Client is nil")

// quarantinable reports whether a reason is decided before the sender is proven. unknown_key
// is among them; the middleware retries it first. oversize, malformed_message and key_mismatch
// are quarantined by the Rust worker too, but a Go server never produces them: asynq decodes
// the message before the middleware runs.
func quarantinable(reason string) bool {
	switch reason {
	case ReasonUnsigned, ReasonMalformedSignature, ReasonBadSignature, ReasonUnsupportedScheme,
		ReasonRetiredKey, ReasonUnknownKey:
		return true
	}
	return false
}

// QuarantineKey returns the Redis key of a queue's quarantine stream,
// "vetted:{<queue>}:quarantine", in the same cluster slot as the queue's asynq keys.
func QuarantineKey(queue string) string {
	return "vetted:{" + queue + "}:quarantine"
}

// add writes the entry of one refused task and counts it as failed, in one script.
func (q *Quarantine) add(ctx context.Context, d taskDelivery, task *asynq.Task, rejected *RejectError) error {
	if q.Client == nil {
		return errNoQuarantineClient
	}
	now := time.Now()
	prefix := "asynq:{" + d.queue + "}:"
	keys := []string{
		prefix + "t:" + d.id,
		QuarantineKey(d.queue),
		prefix + "failed:" + now.UTC().Format(time.DateOnly),
		prefix + "failed",
	}
	args := []any{q.maxEntries(), q.maxAgeMillis(), q.keepBytes(), now.Add(statsTTL).Unix(), int64(math.MaxInt64)}
	args = append(args, entryFields(d.id, task.Type(), rejected)...)
	return quarantineScript.Run(ctx, q.Client, keys, args...).Err()
}

// entryFields returns the entry's field names and values known before the script runs.
func entryFields(id, typeName string, rejected *RejectError) []any {
	fields := []any{
		"task_id", storedName(id),
		"reason", rejected.Reason,
		"error_msg", rejected.Error(),
		"task_type", storedName(typeName),
	}
	if rejected.KeyID != "" {
		fields = append(fields, "key", rejected.KeyID)
	}
	return fields
}

// maxEntries returns MaxEntries or its default.
func (q *Quarantine) maxEntries() int {
	if q.MaxEntries <= 0 {
		return DefaultQuarantineEntries
	}
	return q.MaxEntries
}

// keepBytes returns KeepMessageBytes or its default; -1 keeps nothing.
func (q *Quarantine) keepBytes() int {
	switch {
	case q.KeepMessageBytes == 0:
		return DefaultQuarantineKeepBytes
	case q.KeepMessageBytes < 0:
		return -1
	}
	return q.KeepMessageBytes
}

// maxAgeMillis returns MaxAge or its default in milliseconds, at most 2^53 (Lua numbers are
// doubles; so long an age is as good as none).
func (q *Quarantine) maxAgeMillis() int64 {
	age := q.MaxAge
	if age <= 0 {
		age = DefaultQuarantineMaxAge
	}
	return min(age.Milliseconds(), 1<<53)
}

// storedName cuts name to maxStoredName bytes on a character boundary and appends "+<n>B"
// naming how many bytes were cut.
func storedName(name string) string {
	if len(name) <= maxStoredName {
		return name
	}
	end := maxStoredName
	for end > 0 && !utf8.RuneStart(name[end]) {
		end--
	}
	return name[:end] + "+" + strconv.Itoa(len(name)-end) + "B"
}

// revoked marks a quarantined task's refusal for asynq: the task is deleted, neither retried
// nor archived (asynq.RevokeTask), and its error text stays the refusal's.
type revoked struct{ err error }

// Error returns the text of the wrapped error.
func (r revoked) Error() string { return r.err.Error() }

// Unwrap exposes both the wrapped error and asynq.RevokeTask to errors.Is and errors.As.
func (r revoked) Unwrap() []error { return []error{r.err, asynq.RevokeTask} }

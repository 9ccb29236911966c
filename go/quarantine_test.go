package vetted

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// quarantineRig is a real Redis holding the task "t" of queue "default", as asynq stores it,
// and a middleware that quarantines into it.
type quarantineRig struct {
	t   *testing.T
	rdb *redis.Client
	ctx context.Context
}

func newQuarantineRig(t *testing.T) quarantineRig {
	return quarantineRig{t: t, rdb: startRedis(t), ctx: context.Background()}
}

// enqueue stores task under id "t" with an asynq client and returns its raw msg.
func (r quarantineRig) enqueue(task *asynq.Task) []byte {
	r.t.Helper()
	client := asynq.NewClientFromRedisClient(r.rdb)
	if _, err := client.Enqueue(task, asynq.TaskID("t"), asynq.Queue("default")); err != nil {
		r.t.Fatalf("enqueue: %v", err)
	}
	raw, err := r.rdb.HGet(r.ctx, "asynq:{default}:t:t", "msg").Bytes()
	if err != nil {
		r.t.Fatalf("read msg: %v", err)
	}
	return raw
}

// deliver passes task through a middleware with cfg, as asynq would deliver d, at signTime.
func (r quarantineRig) deliver(cfg VerifyConfig, task *asynq.Task, d taskDelivery) error {
	r.t.Helper()
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return signTime }
	}
	h := &fakeHandler{}
	fake := func(context.Context) (taskDelivery, bool) { return d, true }
	err := newVerifier(mustRing(r.t, testRingText()), cfg, fake).middleware()(h).ProcessTask(r.ctx, task)
	if h.calls != 0 {
		r.t.Fatalf("the handler ran for %v", err)
	}
	return err
}

// entries returns the stream of queue "default", oldest first.
func (r quarantineRig) entries() []redis.XMessage {
	r.t.Helper()
	entries, err := r.rdb.XRange(r.ctx, QuarantineKey("default"), "-", "+").Result()
	if err != nil {
		r.t.Fatalf("XRANGE: %v", err)
	}
	return entries
}

// counter reads an asynq counter, "" when it is missing.
func (r quarantineRig) counter(key string) string {
	value, _ := r.rdb.Get(r.ctx, key).Result()
	return value
}

// first is the delivery of task "t" on its first attempt.
var first = taskDelivery{id: "t", queue: "default", maxRetry: 25}

// tampered returns a task signed by the test ring whose payload was changed afterwards.
func tampered(t *testing.T) *asynq.Task {
	task := signed(t, SignOptions{})
	return withHeader(task, []byte(`{"to":"eve"}`), task.Headers()[HeaderName])
}

// assertRevoked checks that err revokes the task (deleted by asynq, not archived) and keeps
// the rejection with reason.
func assertRevoked(t *testing.T, err error, reason string) *RejectError {
	t.Helper()
	var rejected *RejectError
	if !errors.As(err, &rejected) || rejected.Reason != reason {
		t.Fatalf("want a %s rejection, got %v", reason, err)
	}
	if !errors.Is(err, asynq.RevokeTask) || errors.Is(err, asynq.SkipRetry) {
		t.Fatalf("%s: want RevokeTask without SkipRetry, got %v", reason, err)
	}
	return rejected
}

func TestQuarantineWritesTheRustEntryFormatAndCountsAFailure(t *testing.T) {
	rig := newQuarantineRig(t)
	task := tampered(t)
	raw := rig.enqueue(task)
	err := rig.deliver(VerifyConfig{Quarantine: &Quarantine{Client: rig.rdb}}, task, first)
	rejected := assertRevoked(t, err, ReasonBadSignature)
	if err.Error() != rejected.Error() || !strings.Contains(err.Error(), " fp=") {
		t.Fatalf("the error text must be the refusal's, with its fingerprint: %q", err.Error())
	}
	entries := rig.entries()
	if len(entries) != 1 {
		t.Fatalf("want one entry, got %v", entries)
	}
	want := map[string]any{
		"task_id":   "t",
		"task_type": "email:welcome",
		"reason":    "bad_signature",
		"error_msg": err.Error(),
		"key":       "a",
		"len":       strconv.Itoa(len(raw)),
		"msg":       string(raw),
	}
	if got := entries[0].Values; len(got) != len(want) {
		t.Fatalf("fields %v, want %v", got, want)
	}
	for name, value := range want {
		if entries[0].Values[name] != value {
			t.Errorf("field %s = %q, want %q", name, entries[0].Values[name], value)
		}
	}
	today := "asynq:{default}:failed:" + time.Now().UTC().Format(time.DateOnly)
	if rig.counter(today) != "1" || rig.counter("asynq:{default}:failed") != "1" {
		t.Fatalf("failed counters: today %q, total %q", rig.counter(today), rig.counter("asynq:{default}:failed"))
	}
	if ttl := rig.rdb.TTL(rig.ctx, today).Val(); ttl < 89*24*time.Hour {
		t.Fatalf("the daily counter must expire like asynq's (90 days), TTL %v", ttl)
	}
}

func TestQuarantineLeavesOutTheKeyOfAnUnsignedTask(t *testing.T) {
	rig := newQuarantineRig(t)
	task := asynq.NewTask("metrics:ping", []byte(`{}`))
	rig.enqueue(task)
	assertRevoked(t, rig.deliver(VerifyConfig{Quarantine: &Quarantine{Client: rig.rdb}}, task, first), ReasonUnsigned)
	entry := rig.entries()[0].Values
	if _, has := entry["key"]; has || entry["reason"] != "unsigned" || entry["task_type"] != "metrics:ping" {
		t.Fatalf("entry %v", entry)
	}
}

func TestQuarantineLeavesRefusalsAfterVerificationToTheArchive(t *testing.T) {
	rig := newQuarantineRig(t)
	cfg := VerifyConfig{Quarantine: &Quarantine{Client: rig.rdb}}
	late := cfg
	late.Now = func() time.Time { return signTime.Add(time.Hour) }
	cases := []struct {
		cfg    VerifyConfig
		task   *asynq.Task
		d      taskDelivery
		reason string
	}{
		{late, signed(t, SignOptions{MaxAge: time.Second}), first, ReasonExpired},
		{cfg, signed(t, SignOptions{SchemaVersion: 2}), first, ReasonSchemaVersion},
		{cfg, signed(t, SignOptions{}, asynq.MaxRetry(1)), taskDelivery{id: "t", queue: "default", retried: 2, maxRetry: 1}, ReasonRetryExceeded},
	}
	for _, c := range cases {
		err := rig.deliver(c.cfg, c.task, c.d)
		if reasonOf(err) != c.reason || !errors.Is(err, asynq.SkipRetry) || errors.Is(err, asynq.RevokeTask) {
			t.Fatalf("%s: want an archived refusal, got %v", c.reason, err)
		}
	}
	if entries := rig.entries(); len(entries) != 0 {
		t.Fatalf("verified tasks must not be quarantined: %v", entries)
	}
}

func TestQuarantineTakesUnknownKeysOnlyOnceTheirRetriesAreSpent(t *testing.T) {
	rig := newQuarantineRig(t)
	other := mustRing(t, "sign z base64:"+"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn")
	task, err := other.newTaskAt(signTime, "email:welcome", []byte(`{}`), SignOptions{}, []asynq.Option{asynq.TaskID("t")})
	if err != nil {
		t.Fatal(err)
	}
	rig.enqueue(task)
	cfg := VerifyConfig{Quarantine: &Quarantine{Client: rig.rdb}}
	for retried := range 3 {
		err := rig.deliver(cfg, task, taskDelivery{id: "t", queue: "default", retried: retried, maxRetry: 25})
		if reasonOf(err) != ReasonUnknownKey || errors.Is(err, asynq.SkipRetry) || errors.Is(err, asynq.RevokeTask) {
			t.Fatalf("retry %d: want a plain error so asynq retries, got %v", retried, err)
		}
	}
	if n := len(rig.entries()); n != 0 {
		t.Fatalf("retried unknown keys must not be quarantined yet: %d entries", n)
	}
	assertRevoked(t, rig.deliver(cfg, task, taskDelivery{id: "t", queue: "default", retried: 3, maxRetry: 25}), ReasonUnknownKey)
	lowLimit := taskDelivery{id: "t", queue: "default", retried: 1, maxRetry: 1}
	assertRevoked(t, rig.deliver(cfg, task, lowLimit), ReasonUnknownKey)
	entries := rig.entries()
	if len(entries) != 2 || entries[0].Values["key"] != "z" {
		t.Fatalf("entries %v", entries)
	}
}

func TestQuarantineFallsBackToTheArchiveAndReportsWhenTheEntryCannotBeWritten(t *testing.T) {
	rig := newQuarantineRig(t)
	task := tampered(t)
	rig.enqueue(task)
	if err := rig.rdb.Set(rig.ctx, QuarantineKey("default"), "not a stream", 0).Err(); err != nil {
		t.Fatal(err)
	}
	var reported []error
	onError := func(_ context.Context, _ *asynq.Task, rejected *RejectError, err error) {
		if rejected.Reason != ReasonBadSignature {
			t.Errorf("OnError got reason %s", rejected.Reason)
		}
		reported = append(reported, err)
	}
	for _, q := range []*Quarantine{{Client: rig.rdb, OnError: onError}, {OnError: onError}} {
		err := rig.deliver(VerifyConfig{Quarantine: q}, task, first)
		if reasonOf(err) != ReasonBadSignature || !errors.Is(err, asynq.SkipRetry) || errors.Is(err, asynq.RevokeTask) {
			t.Fatalf("want the archive fallback, got %v", err)
		}
	}
	if len(reported) != 2 || !strings.Contains(reported[0].Error(), "WRONGTYPE") || !errors.Is(reported[1], errNoQuarantineClient) {
		t.Fatalf("OnError saw %v", reported)
	}
	if got := rig.counter("asynq:{default}:failed"); got != "" {
		t.Fatalf("a failed script must write nothing, failed total %q", got)
	}
}

func TestQuarantineKeepsLongMessagesByLengthOnly(t *testing.T) {
	rig := newQuarantineRig(t)
	task := tampered(t)
	raw := rig.enqueue(task)
	for _, keep := range []int{len(raw) - 1, -1} {
		q := &Quarantine{Client: rig.rdb, KeepMessageBytes: keep}
		assertRevoked(t, rig.deliver(VerifyConfig{Quarantine: q}, task, first), ReasonBadSignature)
	}
	assertRevoked(t, rig.deliver(VerifyConfig{Quarantine: &Quarantine{Client: rig.rdb, KeepMessageBytes: len(raw)}}, task, first), ReasonBadSignature)
	entries := rig.entries()
	for i, kept := range []bool{false, false, true} {
		_, has := entries[i].Values["msg"]
		if has != kept || entries[i].Values["len"] != strconv.Itoa(len(raw)) {
			t.Fatalf("entry %d: msg kept %v, want %v; len %v", i, has, kept, entries[i].Values["len"])
		}
	}
}

func TestQuarantineTrimsByCountAndByAge(t *testing.T) {
	rig := newQuarantineRig(t)
	task := tampered(t)
	rig.enqueue(task)
	key := QuarantineKey("default")
	for i := range 250 {
		rig.rdb.XAdd(rig.ctx, &redis.XAddArgs{Stream: key, ID: "1000-" + strconv.Itoa(i), Values: []string{"reason", "old"}})
	}
	byAge := &Quarantine{Client: rig.rdb, MaxAge: time.Hour}
	assertRevoked(t, rig.deliver(VerifyConfig{Quarantine: byAge}, task, first), ReasonBadSignature)
	// Redis trims whole stream nodes (100 entries by default): the two full old nodes go.
	if n := rig.rdb.XLen(rig.ctx, key).Val(); n != 51 {
		t.Fatalf("after trimming by age: %d entries, want 51", n)
	}
	byCount := &Quarantine{Client: rig.rdb, MaxEntries: 5}
	for range 300 {
		assertRevoked(t, rig.deliver(VerifyConfig{Quarantine: byCount}, task, first), ReasonBadSignature)
	}
	if n := rig.rdb.XLen(rig.ctx, key).Val(); n < 5 || n > 105 {
		t.Fatalf("after trimming to 5: %d entries, want 5 plus at most one node", n)
	}
}

func TestStoredNamesAreCutOnACharacterBoundary(t *testing.T) {
	if got := storedName("short"); got != "short" {
		t.Fatalf("got %q", got)
	}
	long := "a" + strings.Repeat("é", 600)
	got := storedName(long)
	if !strings.HasSuffix(got, "+178B") || got[:len(got)-5] != long[:1023] {
		t.Fatalf("got a %d-byte name ending %q", len(got), got[len(got)-8:])
	}
	if id := storedName(strings.Repeat("x", 2000)); id != strings.Repeat("x", 1024)+"+976B" {
		t.Fatalf("ASCII cut: %d bytes", len(id))
	}
}

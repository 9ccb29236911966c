package vetted

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

// fakeHandler records the calls it gets and returns err.
type fakeHandler struct {
	calls  int
	claims Claims
	signed bool
	err    error
}

func (h *fakeHandler) ProcessTask(ctx context.Context, _ *asynq.Task) error {
	h.calls++
	h.claims, h.signed = ClaimsFromContext(ctx)
	return h.err
}

// run passes task through the middleware as if asynq delivered it from queue "default" under
// id "t" with the given retry count, at signTime.
func run(t *testing.T, cfg VerifyConfig, task *asynq.Task, retried int, h *fakeHandler) error {
	t.Helper()
	ring := mustRing(t, testRingText())
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return signTime }
	}
	fake := func(context.Context) (taskDelivery, bool) {
		return taskDelivery{id: "t", queue: "default", retried: retried, maxRetry: 25}, true
	}
	return newVerifier(ring, cfg, fake).middleware()(h).ProcessTask(context.Background(), task)
}

// signed returns a task signed by the test ring for queue "default" and id "t".
func signed(t *testing.T, so SignOptions, opts ...asynq.Option) *asynq.Task {
	t.Helper()
	return mustTask(t, mustRing(t, testRingText()), so, append(opts, asynq.TaskID("t"))...)
}

// withHeader returns task with its payload or signature header replaced.
func withHeader(task *asynq.Task, payload []byte, header string) *asynq.Task {
	return asynq.NewTaskWithHeaders(task.Type(), payload, map[string]string{HeaderName: header})
}

// assertRefused checks that err is a rejection with reason, archived at once or not.
func assertRefused(t *testing.T, err error, reason string, archived bool, h *fakeHandler) {
	t.Helper()
	if got := reasonOf(err); got != reason {
		t.Fatalf("want reason %q, got %v", reason, err)
	}
	if errors.Is(err, asynq.SkipRetry) != archived {
		t.Fatalf("%s: SkipRetry=%v, want %v", reason, !archived, archived)
	}
	if h.calls != 0 {
		t.Fatalf("%s: the handler ran", reason)
	}
}

func TestMiddlewarePassesVerifiedTasksWithClaims(t *testing.T) {
	h := &fakeHandler{}
	if err := run(t, VerifyConfig{}, signed(t, SignOptions{}, asynq.MaxRetry(5)), 0, h); err != nil {
		t.Fatalf("got %v", err)
	}
	if h.calls != 1 || !h.signed || h.claims.MaxRetry != 5 || h.claims.KeyID != "a" {
		t.Fatalf("handler saw calls=%d claims=%+v signed=%v", h.calls, h.claims, h.signed)
	}
}

func TestMiddlewareArchivesTamperedTasksWithAStableErrorText(t *testing.T) {
	task := signed(t, SignOptions{})
	h := &fakeHandler{}
	var seen *RejectError
	cfg := VerifyConfig{OnReject: func(_ context.Context, _ *asynq.Task, err *RejectError) { seen = err }}
	err := run(t, cfg, withHeader(task, []byte(`{"to":"eve"}`), task.Headers()[HeaderName]), 0, h)
	assertRefused(t, err, ReasonBadSignature, true, h)
	if err.Error() != "vetted: reason=bad_signature key=a len=12 fp=f97c6bb6f20075c0eef0f58b" {
		t.Fatalf("error text %q", err.Error())
	}
	if seen == nil || seen.Reason != ReasonBadSignature {
		t.Fatalf("OnReject saw %v", seen)
	}
}

func TestMiddlewareUnsignedTasks(t *testing.T) {
	plain := asynq.NewTask("metrics:ping", []byte(`{}`))
	h := &fakeHandler{}
	assertRefused(t, run(t, VerifyConfig{}, plain, 0, h), ReasonUnsigned, true, h)

	cfg := VerifyConfig{UnsignedTypes: []string{"metrics:ping"}}
	if err := run(t, cfg, plain, 0, h); err != nil || h.calls != 1 || h.signed {
		t.Fatalf("allowed unsigned type: err=%v calls=%d signed=%v", err, h.calls, h.signed)
	}
	broken := asynq.NewTaskWithHeaders("metrics:ping", []byte(`{}`), map[string]string{HeaderName: "v1:x"})
	h = &fakeHandler{}
	assertRefused(t, run(t, cfg, broken, 0, h), ReasonMalformedSignature, true, h)
}

func TestMiddlewareRetriesUnknownKeysABoundedNumberOfTimes(t *testing.T) {
	other := mustRing(t, "sign z base64:"+"QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZn")
	task, err := other.newTaskAt(signTime, "email:welcome", []byte(`{}`), SignOptions{}, []asynq.Option{asynq.TaskID("t")})
	if err != nil {
		t.Fatal(err)
	}
	for retried, archived := range map[int]bool{0: false, 2: false, 3: true, 7: true} {
		h := &fakeHandler{}
		assertRefused(t, run(t, VerifyConfig{}, task, retried, h), ReasonUnknownKey, archived, h)
	}
	h := &fakeHandler{}
	assertRefused(t, run(t, VerifyConfig{UnknownKeyRetries: 5}, task, 4, h), ReasonUnknownKey, false, h)
	assertRefused(t, run(t, VerifyConfig{UnknownKeyRetries: -1}, task, 0, h), ReasonUnknownKey, true, h)
}

func TestMiddlewareTimes(t *testing.T) {
	early := signed(t, SignOptions{}, asynq.ProcessIn(10*time.Minute))
	h := &fakeHandler{}
	assertRefused(t, run(t, VerifyConfig{}, early, 0, h), ReasonTooEarly, false, h)

	expired := signed(t, SignOptions{MaxAge: time.Second})
	late := VerifyConfig{Now: func() time.Time { return signTime.Add(2 * time.Minute) }}
	assertRefused(t, run(t, late, expired, 0, h), ReasonExpired, true, h)
}

func TestMiddlewareSchemaVersionPerType(t *testing.T) {
	v2 := signed(t, SignOptions{SchemaVersion: 2})
	h := &fakeHandler{}
	assertRefused(t, run(t, VerifyConfig{}, v2, 0, h), ReasonSchemaVersion, true, h)
	cfg := VerifyConfig{SchemaVersions: map[string]uint32{"email:welcome": 2}}
	if err := run(t, cfg, v2, 0, h); err != nil || h.calls != 1 {
		t.Fatalf("configured schema 2: err=%v calls=%d", err, h.calls)
	}
	h = &fakeHandler{}
	assertRefused(t, run(t, cfg, signed(t, SignOptions{}), 0, h), ReasonSchemaVersion, true, h)
	if err := run(t, VerifyConfig{DefaultSchemaVersion: 2}, v2, 0, h); err != nil {
		t.Fatalf("default schema 2: %v", err)
	}
}

func TestMiddlewareEnforcesTheSignedMaxRetry(t *testing.T) {
	task := signed(t, SignOptions{}, asynq.MaxRetry(2))
	h := &fakeHandler{}
	assertRefused(t, run(t, VerifyConfig{}, task, 3, h), ReasonRetryExceeded, true, h)

	failure := errors.New("smtp down")
	h = &fakeHandler{err: failure}
	if err := run(t, VerifyConfig{}, task, 1, h); err != failure {
		t.Fatalf("retries left: want the handler error unchanged, got %v", err)
	}
	err := run(t, VerifyConfig{}, task, 2, h)
	if !errors.Is(err, asynq.SkipRetry) || !errors.Is(err, failure) || err.Error() != "smtp down" {
		t.Fatalf("last signed attempt: want SkipRetry around the handler error, got %v", err)
	}
	h = &fakeHandler{err: asynq.RevokeTask}
	if err := run(t, VerifyConfig{}, task, 2, h); errors.Is(err, asynq.SkipRetry) || !errors.Is(err, asynq.RevokeTask) {
		t.Fatalf("RevokeTask must pass through, got %v", err)
	}
}

func TestMiddlewareOutsideAnAsynqServer(t *testing.T) {
	ring := mustRing(t, testRingText())
	h := &fakeHandler{}
	err := ring.Middleware(VerifyConfig{})(h).ProcessTask(context.Background(), signed(t, SignOptions{}))
	if err == nil || reasonOf(err) != "" || h.calls != 0 {
		t.Fatalf("want a plain error without asynq metadata, got %v (calls %d)", err, h.calls)
	}
}

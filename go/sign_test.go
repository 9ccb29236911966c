package vetted

import (
	"encoding/json"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

// signTime is a fixed signing time with a fractional second, to exercise rounding.
var signTime = time.Unix(1767225600, 400_000_000)

func mustTask(t *testing.T, ring *KeyRing, so SignOptions, opts ...asynq.Option) *asynq.Task {
	t.Helper()
	task, err := ring.newTaskAt(signTime, "email:welcome", []byte(`{"to":"ada"}`), so, opts)
	if err != nil {
		t.Fatalf("newTaskAt: %v", err)
	}
	return task
}

func mustVerify(t *testing.T, ring *KeyRing, task *asynq.Task, queue, id string, schema uint32) Claims {
	t.Helper()
	return mustVerifyAt(t, ring, task, queue, id, schema, signTime)
}

func mustVerifyAt(t *testing.T, ring *KeyRing, task *asynq.Task, queue, id string, schema uint32, now time.Time) Claims {
	t.Helper()
	claims, err := Verify(ring, task, queue, id, now, schema)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return claims
}

func TestNewTaskSignsQueueIDAndRetryFromOptions(t *testing.T) {
	ring := mustRing(t, testRingText())
	task := mustTask(t, ring, SignOptions{}, asynq.Queue("low"), asynq.Queue("critical"),
		asynq.TaskID("job-1"), asynq.MaxRetry(3), asynq.Timeout(time.Minute))
	got := mustVerify(t, ring, task, "critical", "job-1", 1)
	want := Claims{KeyID: "a", IssuedAt: signTime.Unix(), MaxRetry: 3, SchemaVersion: 1}
	if got != want {
		t.Fatalf("claims %+v, want %+v", got, want)
	}
	for queue, id := range map[string]string{"low": "job-1", "default": "job-1", "critical": "job-2"} {
		_, err := Verify(ring, task, queue, id, signTime, 1)
		if reason := reasonOf(err); reason != ReasonBadSignature {
			t.Errorf("queue %s id %s: got %v", queue, id, err)
		}
	}
}

func TestNewTaskDefaults(t *testing.T) {
	ring := mustRing(t, testRingText())
	p, opts, err := placeTask(signTime, nil)
	if err != nil {
		t.Fatal(err)
	}
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if p.queue != "default" || p.maxRetry != 25 || !uuidV4.MatchString(p.id) {
		t.Fatalf("defaults: %+v", p)
	}
	if len(opts) != 1 || opts[0].Type() != asynq.TaskIDOpt || opts[0].Value() != p.id {
		t.Fatalf("the generated id must be appended as a TaskID option, got %v", opts)
	}
	task := mustTask(t, ring, SignOptions{}, asynq.TaskID("x"))
	if claims := mustVerify(t, ring, task, "default", "x", 1); claims.MaxRetry != 25 {
		t.Fatalf("default max retry: %+v", claims)
	}
	given := []asynq.Option{asynq.TaskID("mine")}
	if _, opts, _ := placeTask(signTime, given); len(opts) != 1 || opts[0].Value() != "mine" {
		t.Fatalf("a given TaskID must be kept as the only one, got %v", opts)
	}
}

func TestNewTaskTimes(t *testing.T) {
	ring := mustRing(t, testRingText())
	iat := signTime.Unix()
	cases := []struct {
		name string
		so   SignOptions
		opts []asynq.Option
		want Claims
	}{
		{"max age from now, rounded up", SignOptions{MaxAge: time.Hour}, nil,
			Claims{ExpiresAt: iat + 3601}},
		{"process in sets nbf and the expiry base", SignOptions{MaxAge: time.Minute},
			[]asynq.Option{asynq.ProcessIn(10 * time.Minute)},
			Claims{NotBefore: iat + 600, ExpiresAt: iat + 661}},
		{"process at in the future", SignOptions{},
			[]asynq.Option{asynq.ProcessAt(time.Unix(iat+30, 0))}, Claims{NotBefore: iat + 30}},
		{"process at in the past", SignOptions{MaxAge: time.Second},
			[]asynq.Option{asynq.ProcessAt(time.Unix(iat-30, 0))}, Claims{ExpiresAt: iat + 2}},
		{"schema version", SignOptions{SchemaVersion: 4}, nil, Claims{SchemaVersion: 4}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			task := mustTask(t, ring, c.so, append(c.opts, asynq.TaskID("t"))...)
			want := c.want
			want.KeyID, want.IssuedAt, want.MaxRetry = "a", iat, 25
			if want.SchemaVersion == 0 {
				want.SchemaVersion = 1
			}
			now := time.Unix(max(want.NotBefore, iat), 0)
			if got := mustVerifyAt(t, ring, task, "default", "t", want.SchemaVersion, now); got != want {
				t.Fatalf("claims %+v, want %+v", got, want)
			}
		})
	}
}

func TestNewTaskRefusals(t *testing.T) {
	ring := mustRing(t, testRingText())
	cases := map[string]func() (*asynq.Task, error){
		"blank type": func() (*asynq.Task, error) { return ring.NewTask(" ", nil) },
		"blank queue": func() (*asynq.Task, error) {
			return ring.NewTask("t", nil, asynq.Queue(" "))
		},
		"blank id": func() (*asynq.Task, error) { return ring.NewTask("t", nil, asynq.TaskID("")) },
		"negative max age": func() (*asynq.Task, error) {
			return ring.NewTaskWith("t", nil, SignOptions{MaxAge: -time.Second})
		},
		"unencodable JSON": func() (*asynq.Task, error) { return ring.NewJSONTask("t", func() {}) },
	}
	for name, build := range cases {
		if task, err := build(); task != nil || err == nil {
			t.Errorf("%s: want an error, got %v, %v", name, task, err)
		}
	}
}

func TestNegativeMaxRetrySignsZero(t *testing.T) {
	ring := mustRing(t, testRingText())
	task := mustTask(t, ring, SignOptions{}, asynq.MaxRetry(-4), asynq.TaskID("t"))
	if claims := mustVerify(t, ring, task, "default", "t", 1); claims.MaxRetry != 0 {
		t.Fatalf("max retry %d, want 0 as asynq stores", claims.MaxRetry)
	}
}

func TestNewJSONTaskSignsTheEncodedBytes(t *testing.T) {
	ring := mustRing(t, testRingText())
	v := map[string]any{"user": "ada", "n": 3}
	task, err := ring.NewJSONTaskWith("user:sync", v, SignOptions{SchemaVersion: 2}, asynq.TaskID("j"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(v)
	if string(task.Payload()) != string(want) || task.Type() != "user:sync" {
		t.Fatalf("payload %s, type %s", task.Payload(), task.Type())
	}
	if _, err := Verify(ring, task, "default", "j", time.Now(), 2); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

func TestSignRefusesClaimsOutsideTheGrammar(t *testing.T) {
	ring := mustRing(t, testRingText())
	for name, c := range map[string]Claims{
		"iat zero":        {IssuedAt: 0, SchemaVersion: 1},
		"exp before iat":  {IssuedAt: 10, ExpiresAt: 9, SchemaVersion: 1},
		"nbf after exp":   {IssuedAt: 10, ExpiresAt: 20, NotBefore: 21, SchemaVersion: 1},
		"schema zero":     {IssuedAt: 10},
		"retry too large": {IssuedAt: 10, MaxRetry: 1 << 31, SchemaVersion: 1},
		"negative retry":  {IssuedAt: 10, MaxRetry: -1, SchemaVersion: 1},
	} {
		if header, err := ring.Sign("t", "q", "i", nil, c); err == nil {
			t.Errorf("%s: signed %q", name, header)
		}
	}
}

func TestVerifyNeedsRingAndTask(t *testing.T) {
	ring := mustRing(t, testRingText())
	if _, err := Verify(nil, asynq.NewTask("t", nil), "q", "i", time.Now(), 1); err == nil || reasonOf(err) != "" {
		t.Errorf("nil ring: %v", err)
	}
	if _, err := Verify(ring, nil, "q", "i", time.Now(), 1); err == nil || reasonOf(err) != "" {
		t.Errorf("nil task: %v", err)
	}
}

func TestRejectErrorText(t *testing.T) {
	withKey := &RejectError{Reason: ReasonBadSignature, KeyID: "k1", PayloadLen: 12}
	if got := withKey.Error(); got != "vetted: reason=bad_signature key=k1 len=12" {
		t.Errorf("got %q", got)
	}
	noKey := &RejectError{Reason: ReasonUnsigned, PayloadLen: 0}
	if got := noKey.Error(); got != "vetted: reason=unsigned len=0" {
		t.Errorf("got %q", got)
	}
	withFingerprint := &RejectError{Reason: ReasonRetiredKey, KeyID: "c", PayloadLen: 3, Fingerprint: "00112233445566778899aabb"}
	if got := withFingerprint.Error(); got != "vetted: reason=retired_key key=c len=3 fp=00112233445566778899aabb" {
		t.Errorf("got %q", got)
	}
}

func TestRejectErrorKeyOnlyWhenWellFormed(t *testing.T) {
	ring := mustRing(t, testRingText())
	task := mustTask(t, ring, SignOptions{}, asynq.TaskID("t"))
	header := task.Headers()[HeaderName]
	for value, wantKey := range map[string]string{
		header[:len(header)-1] + "B": "a",
		"v1:bad/kid" + header[4:]:    "",
		"v2" + header[2:]:            "",
		header + ":x":                "",
	} {
		forged := asynq.NewTaskWithHeaders(task.Type(), task.Payload(), map[string]string{HeaderName: value})
		var rejected *RejectError
		if _, err := Verify(ring, forged, "default", "t", signTime, 1); !errors.As(err, &rejected) ||
			rejected.KeyID != wantKey {
			t.Errorf("%q: got %v, want key %q", value, err, wantKey)
		}
	}
}

// reasonOf returns the reason code of a *RejectError, or "".
func reasonOf(err error) string {
	var rejected *RejectError
	if errors.As(err, &rejected) {
		return rejected.Reason
	}
	return ""
}

func TestSigningNeedsAParsedRing(t *testing.T) {
	for name, ring := range map[string]*KeyRing{"nil": nil, "zero value": {}} {
		if header, err := ring.Sign("t", "q", "i", nil, Claims{IssuedAt: 1, SchemaVersion: 1}); err == nil {
			t.Errorf("%s ring signed %q", name, header)
		}
		if task, err := ring.NewTask("t", nil); err == nil {
			t.Errorf("%s ring made task %v", name, task)
		}
	}
}

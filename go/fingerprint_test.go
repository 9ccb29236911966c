package vetted

import (
	"context"
	"strings"
	"testing"

	"github.com/hibiken/asynq"
)

// fpVectorRing is the ring of the cross-language fingerprint vector; the Rust test
// a_fixed_key_and_payload_give_the_shared_vector in runtime/src/signing/fingerprint.rs
// asserts the same values for it.
const fpVectorRing = "sign fp-vector hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func TestFingerprintMatchesTheRustVector(t *testing.T) {
	ring := mustRing(t, fpVectorRing)
	for payload, want := range map[string]string{
		`{"to":"ada@example.com"}`: "3926ace4164c46e834dd0976",
		``:                         "393426f07382954b5e18061d",
	} {
		if got := ring.fingerprint([]byte(payload)); got != want {
			t.Errorf("fingerprint(%q) = %s, want %s", payload, got, want)
		}
	}
}

func TestFingerprintIsKeyedAndSeparatesPayloads(t *testing.T) {
	ring := mustRing(t, testRingText())
	first := ring.fingerprint([]byte("1234"))
	if len(first) != 24 || strings.Trim(first, "0123456789abcdef") != "" {
		t.Fatalf("want 24 lowercase hex digits, got %q", first)
	}
	if first != ring.fingerprint([]byte("1234")) || first == ring.fingerprint([]byte("1235")) {
		t.Fatal("equal bytes must match and different bytes must not")
	}
	if first == mustRing(t, fpVectorRing).fingerprint([]byte("1234")) {
		t.Fatal("another signing key must give another fingerprint")
	}
	if (&KeyRing{}).fingerprint([]byte("1234")) != "" {
		t.Fatal("a ring without keys has no fingerprint")
	}
}

func TestRefusalTextsCarryTheFingerprintAfterTheLength(t *testing.T) {
	ring := mustRing(t, fpVectorRing)
	forged := asynq.NewTask("email:welcome", []byte(`{"to":"ada@example.com"}`))
	h := &fakeHandler{}
	fake := func(context.Context) (taskDelivery, bool) {
		return taskDelivery{id: "t", queue: "default", maxRetry: 25}, true
	}
	err := newVerifier(ring, VerifyConfig{}, fake).middleware()(h).ProcessTask(context.Background(), forged)
	want := "vetted: reason=unsigned len=24 fp=3926ace4164c46e834dd0976"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %q", err, want)
	}
}

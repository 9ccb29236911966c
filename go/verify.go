package vetted

import (
	"crypto/hmac"
	"errors"
	"strconv"
	"time"

	"github.com/hibiken/asynq"
)

// ClockSkew is the clock difference allowed when checking expiry and not-before times.
const ClockSkew = 60 * time.Second

// Reason codes: one stable code per way a task is refused before its handler runs. They are the
// codes of the vetted Rust runtime and never change once published.
const (
	// ReasonUnsigned: no signature header on a type that requires one.
	ReasonUnsigned = "unsigned"
	// ReasonMalformedSignature: the header breaks the syntax of scheme v1.
	ReasonMalformedSignature = "malformed_signature"
	// ReasonBadSignature: the tag does not match the task.
	ReasonBadSignature = "bad_signature"
	// ReasonUnsupportedScheme: the header names a scheme version other than v1.
	ReasonUnsupportedScheme = "unsupported_scheme"
	// ReasonSchemaVersion: the payload was signed for another schema version of the type.
	ReasonSchemaVersion = "schema_version"
	// ReasonUnknownKey: the key id is not in the ring (retried a bounded number of times).
	ReasonUnknownKey = "unknown_key"
	// ReasonRetiredKey: the key id belongs to a retired key.
	ReasonRetiredKey = "retired_key"
	// ReasonExpired: the signed expiry, plus the clock skew, has passed.
	ReasonExpired = "expired"
	// ReasonTooEarly: the signed not-before time, less the clock skew, has not come yet.
	ReasonTooEarly = "too_early"
	// ReasonRetryExceeded: the task was delivered more often than its signed max retry allows,
	// so someone raised its retry limit in Redis. Used by [KeyRing.Middleware] only.
	ReasonRetryExceeded = "retry_exceeded"
)

// RejectError is returned when a task is refused. It holds only data that cannot carry payload
// content.
type RejectError struct {
	// Reason is one of the Reason* codes.
	Reason string
	// KeyID is the key id named by the header, or "" when the header has no well-formed one.
	KeyID string
	// PayloadLen is the length of the payload in bytes.
	PayloadLen int
	// Fingerprint is a keyed fingerprint of the payload, 24 lowercase hex digits: the first
	// 12 bytes of HMAC-SHA256 over the payload under HMAC-SHA256(signing secret,
	// "vetted/v1/fingerprint-key"). Equal payloads give equal fingerprints, so one forgery
	// replayed many times shows one value, yet the payload cannot be recovered by hashing
	// guesses. It matches the fp= of the vetted Rust runtime for the same signing key.
	Fingerprint string
}

// Error returns "vetted: reason=<code> key=<kid> len=<n> fp=<fingerprint>", without the key
// part when KeyID is empty and without the fp part when Fingerprint is. The order is that of
// the vetted Rust runtime. asynq stores this text as the task's last error.
func (e *RejectError) Error() string {
	text := "vetted: reason=" + e.Reason
	if e.KeyID != "" {
		text += " key=" + e.KeyID
	}
	text += " len=" + strconv.Itoa(e.PayloadLen)
	if e.Fingerprint != "" {
		text += " fp=" + e.Fingerprint
	}
	return text
}

// Verify checks the signature of task as delivered from queue under task id id, at time now,
// against the payload schema version the worker expects for the task's type.
//
// The checks run in the order of the spec: header present, syntax, scheme version, field
// grammar, key, tag, schema version, expiry, not-before. The first failure is returned as a
// *[RejectError]; other errors mean a nil ring or task. On success it returns the signed claims.
// Verify does not enforce the signed max retry; [KeyRing.Middleware] does.
func Verify(ring *KeyRing, task *asynq.Task, queue, id string, now time.Time, expectedSchema uint32) (Claims, error) {
	if ring == nil || task == nil {
		return Claims{}, errors.New("vetted: Verify needs a key ring and a task")
	}
	value, present := task.Headers()[HeaderName]
	if !present {
		return Claims{}, ring.reject(ReasonUnsigned, "", task)
	}
	identity := taskIdentity{typeName: task.Type(), queue: queue, id: id, payload: task.Payload()}
	claims, reason := ring.check(value, identity)
	if reason == "" {
		reason = checkTimes(claims, expectedSchema, now)
	}
	if reason != "" {
		return Claims{}, ring.reject(reason, claims.KeyID, task)
	}
	return claims, nil
}

// check runs steps 2 to 6: syntax, scheme version, field grammar, key and tag. It returns the
// claims (at least the key id when it is well formed) and a reason code, "" on success.
func (r *KeyRing) check(value string, task taskIdentity) (Claims, string) {
	h, reason, kid := parseHeader(value)
	if reason != "" {
		return Claims{KeyID: kid}, reason
	}
	key, retired := r.lookup(kid)
	switch {
	case retired:
		return Claims{KeyID: kid}, ReasonRetiredKey
	case key == nil:
		return Claims{KeyID: kid}, ReasonUnknownKey
	case !hmac.Equal(computeTag(key, h.fields, task), h.tag):
		return Claims{KeyID: kid}, ReasonBadSignature
	}
	return h.claims, ""
}

// checkTimes runs steps 7 to 9: schema version, expiry and not-before, allowing [ClockSkew].
func checkTimes(c Claims, expectedSchema uint32, now time.Time) string {
	skew := int64(ClockSkew / time.Second)
	t := now.Unix()
	switch {
	case c.SchemaVersion != expectedSchema:
		return ReasonSchemaVersion
	case c.ExpiresAt != 0 && t > c.ExpiresAt && t-c.ExpiresAt > skew:
		return ReasonExpired
	case c.NotBefore != 0 && t < c.NotBefore-skew:
		return ReasonTooEarly
	}
	return ""
}

// reject builds the error for a refused task, with the fingerprint of its payload.
func (r *KeyRing) reject(reason, kid string, task *asynq.Task) *RejectError {
	payload := task.Payload()
	return &RejectError{Reason: reason, KeyID: kid, PayloadLen: len(payload), Fingerprint: r.fingerprint(payload)}
}

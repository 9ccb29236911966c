package vetted

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
)

// fingerprintLabel keeps the fingerprint key apart from every other use of the signing key.
const fingerprintLabel = "vetted/v1/fingerprint-key"

// fingerprintBytes is how much of the HMAC a fingerprint keeps: 96 bits, 24 hex digits.
const fingerprintBytes = 12

// fingerprintKey derives the fingerprint key from a signing secret: HMAC-SHA256 of a fixed
// label under that secret.
func fingerprintKey(signing secret) secret {
	mac := hmac.New(sha256.New, signing)
	mac.Write([]byte(fingerprintLabel))
	return mac.Sum(nil)
}

// fingerprint returns the keyed fingerprint of refused bytes as 24 lowercase hex digits: the
// first 12 bytes of their HMAC-SHA256 under the ring's fingerprint key. Equal bytes give equal
// fingerprints, and the bytes cannot be found by hashing guesses without the key. It is the
// value the vetted Rust runtime writes as fp= for the same signing key. A ring that was not
// parsed (the zero value) has no fingerprint key and returns "".
func (r *KeyRing) fingerprint(refused []byte) string {
	if r.fpKey == nil {
		return ""
	}
	mac := hmac.New(sha256.New, r.fpKey)
	mac.Write(refused)
	return hex.EncodeToString(mac.Sum(nil)[:fingerprintBytes])
}

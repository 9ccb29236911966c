package vetted

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// KeyRingEnv is the environment variable read by [KeyRingFromEnv].
const KeyRingEnv = "VETTED_KEYRING"

// MinSecretLen is the shortest secret, in bytes, a key ring accepts.
const MinSecretLen = 32

// maxKeyIDLen is the longest key id the grammar allows.
const maxKeyIDLen = 32

// KeyRing holds the key producers sign with, the keys workers accept and the ids of retired keys.
//
// A KeyRing is immutable once parsed and safe for concurrent use. Its secrets never appear in
// formatted output: String, GoString and Format print key ids only.
type KeyRing struct {
	signID  string
	keys    map[string]secret
	retired map[string]struct{}
	fpKey   secret
}

// secret is key material; every fmt verb prints it redacted.
type secret []byte

// Format prints a placeholder instead of the key material, whatever the verb.
func (secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, "[redacted]") }

// KeyRingError reports why key ring text was refused. It never contains secret material.
type KeyRingError struct {
	// Entry is the 1-based number of the offending entry, or 0 for a problem of the whole ring.
	Entry int
	// Problem says what is wrong.
	Problem string
}

// Error returns a description of the problem that names the entry but no secret.
func (e *KeyRingError) Error() string {
	if e.Entry == 0 {
		return "vetted: invalid key ring: " + e.Problem
	}
	return fmt.Sprintf("vetted: invalid key ring at entry %d: %s", e.Entry, e.Problem)
}

// ErrNoKeyRing is returned by [KeyRingFromEnv] when VETTED_KEYRING is unset or blank.
var ErrNoKeyRing = errors.New("vetted: " + KeyRingEnv + " is not set")

// KeyRingFromEnv parses the key ring held by the VETTED_KEYRING environment variable.
func KeyRingFromEnv() (*KeyRing, error) {
	text, ok := os.LookupEnv(KeyRingEnv)
	if !ok || strings.TrimSpace(text) == "" {
		return nil, ErrNoKeyRing
	}
	return ParseKeyRing(text)
}

// ParseKeyRing parses key ring text: one entry per line or entries separated by ';'.
//
// The entries are "sign <kid> <secret>" (exactly one), "verify <kid> <secret>" and
// "retired <kid>". A secret is written "base64:..." (standard or URL-safe alphabet, padding
// optional) or "hex:...", and must hold at least [MinSecretLen] bytes. Blank lines are ignored,
// and a '#' that starts a word begins a comment running to the end of its line. Any unknown word,
// bad or duplicate key id, short secret, missing or second sign entry is refused.
func ParseKeyRing(text string) (*KeyRing, error) {
	ring := &KeyRing{keys: map[string]secret{}, retired: map[string]struct{}{}}
	entry := 0
	for _, line := range strings.Split(text, "\n") {
		for _, item := range strings.Split(stripComment(line), ";") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			entry++
			if problem := ring.add(strings.Fields(item)); problem != "" {
				return nil, &KeyRingError{Entry: entry, Problem: problem}
			}
		}
	}
	if ring.signID == "" {
		return nil, &KeyRingError{Problem: "no sign entry"}
	}
	ring.fpKey = fingerprintKey(ring.keys[ring.signID])
	return ring, nil
}

// stripComment cuts a line at the first '#' that starts a word.
func stripComment(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			return line[:i]
		}
	}
	return line
}

// add records one entry and returns a problem description, or "" when the entry is valid.
func (r *KeyRing) add(words []string) string {
	kind := words[0]
	switch {
	case kind == "retired" && len(words) == 2:
	case (kind == "sign" || kind == "verify") && len(words) == 3:
	case kind == "sign" || kind == "verify" || kind == "retired":
		return "wrong number of words for a " + kind + " entry"
	default:
		return "unknown word (expected sign, verify or retired)"
	}
	kid := words[1]
	if !validKeyID(kid) {
		return "bad key id (expected 1 to 32 of A-Z a-z 0-9 . _ -)"
	}
	if r.has(kid) {
		return "duplicate key id " + kid
	}
	if kind == "retired" {
		r.retired[kid] = struct{}{}
		return ""
	}
	key, problem := decodeSecret(words[2])
	if problem != "" {
		return problem + " for key " + kid
	}
	if kind == "sign" {
		if r.signID != "" {
			return "second sign entry"
		}
		r.signID = kid
	}
	r.keys[kid] = key
	return ""
}

// has reports whether kid is already used by any entry.
func (r *KeyRing) has(kid string) bool {
	_, isKey := r.keys[kid]
	_, isRetired := r.retired[kid]
	return isKey || isRetired
}

// decodeSecret decodes "base64:..." or "hex:..." and checks the length.
func decodeSecret(text string) (secret, string) {
	var key []byte
	var err error
	switch {
	case strings.HasPrefix(text, "hex:"):
		key, err = hex.DecodeString(text[len("hex:"):])
	case strings.HasPrefix(text, "base64:"):
		key, err = decodeBase64(text[len("base64:"):])
	default:
		return nil, "secret without a base64: or hex: prefix"
	}
	if err != nil {
		return nil, "undecodable secret"
	}
	if len(key) < MinSecretLen {
		return nil, fmt.Sprintf("secret shorter than %d bytes", MinSecretLen)
	}
	return key, ""
}

// decodeBase64 accepts the standard or the URL-safe alphabet, with or without padding.
func decodeBase64(text string) ([]byte, error) {
	body := strings.TrimRight(text, "=")
	if strings.ContainsAny(body, "\r\n") {
		return nil, errors.New("line break in secret")
	}
	if strings.ContainsAny(body, "-_") {
		return base64.RawURLEncoding.DecodeString(body)
	}
	return base64.RawStdEncoding.DecodeString(body)
}

// validKeyID reports whether kid matches [A-Za-z0-9._-]{1,32}.
func validKeyID(kid string) bool {
	if len(kid) == 0 || len(kid) > maxKeyIDLen {
		return false
	}
	for i := 0; i < len(kid); i++ {
		c := kid[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// SigningKeyID returns the id of the key that producers sign with.
func (r *KeyRing) SigningKeyID() string {
	if r == nil {
		return ""
	}
	return r.signID
}

// lookup returns the secret of an accepted key, and whether the id is retired.
func (r *KeyRing) lookup(kid string) (key secret, retired bool) {
	if _, ok := r.retired[kid]; ok {
		return nil, true
	}
	return r.keys[kid], false
}

// String describes the ring by key ids only.
func (r KeyRing) String() string {
	var verify []string
	for kid := range r.keys {
		if kid != r.signID {
			verify = append(verify, kid)
		}
	}
	retired := make([]string, 0, len(r.retired))
	for kid := range r.retired {
		retired = append(retired, kid)
	}
	sort.Strings(verify)
	sort.Strings(retired)
	return fmt.Sprintf("KeyRing{sign: %s, verify: %v, retired: %v}", r.signID, verify, retired)
}

// GoString describes the ring by key ids only, so %#v never prints a secret.
func (r KeyRing) GoString() string { return "vetted." + r.String() }

// Format prints [KeyRing.GoString] for %#v and [KeyRing.String] for every other verb.
func (r KeyRing) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = io.WriteString(f, r.GoString())
		return
	}
	_, _ = io.WriteString(f, r.String())
}

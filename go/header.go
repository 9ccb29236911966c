package vetted

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"hash"
	"io"
	"math"
	"strconv"
	"strings"
)

// HeaderName is the asynq task header that carries the signature.
const HeaderName = "vetted-sig"

const (
	// schemeVersion is the first field of every header this package writes or accepts.
	schemeVersion = "v1"
	// domainTag separates vetted task MACs from any other use of the same key.
	domainTag = "vetted/task/v1"
	// maxHeaderLen is the longest header value, in bytes.
	maxHeaderLen = 256
	// headerFields is the number of ':'-separated fields of a header value.
	headerFields = 8
	// tagTextLen is the length of a 32-byte tag in unpadded base64url.
	tagTextLen = 43
	// maxDecimalDigits bounds every unsigned decimal field.
	maxDecimalDigits = 19
	// canonicalLastTagChars are the base64url characters whose two low bits are zero.
	canonicalLastTagChars = "AEIMQUYcgkosw048"
)

// Claims are the signed header fields other than the tag.
type Claims struct {
	// KeyID is the id of the key that made the tag.
	KeyID string
	// IssuedAt is when the producer signed, in Unix seconds (at least 1).
	IssuedAt int64
	// ExpiresAt is the Unix second after which workers refuse the task; 0 means never.
	ExpiresAt int64
	// NotBefore is the Unix second before which workers do not run the task; 0 means none.
	NotBefore int64
	// MaxRetry is the largest retry count the producer allows (0 to 2147483647).
	MaxRetry int
	// SchemaVersion is the payload schema version of the task type (at least 1).
	SchemaVersion uint32
}

// fields returns the seven signed header fields, as written.
func (c Claims) fields() [headerFields - 1]string {
	return [headerFields - 1]string{
		schemeVersion,
		c.KeyID,
		strconv.FormatInt(c.IssuedAt, 10),
		strconv.FormatInt(c.ExpiresAt, 10),
		strconv.FormatInt(c.NotBefore, 10),
		strconv.Itoa(c.MaxRetry),
		strconv.FormatUint(uint64(c.SchemaVersion), 10),
	}
}

// validate applies the field grammar and the rules between fields to claims about to be signed.
func (c Claims) validate() error {
	switch {
	case !validKeyID(c.KeyID):
		return errors.New("vetted: bad key id")
	case c.IssuedAt < 1:
		return errors.New("vetted: issue time before 1970")
	case c.ExpiresAt < 0 || c.NotBefore < 0:
		return errors.New("vetted: negative expiry or not-before time")
	case c.MaxRetry < 0 || c.MaxRetry > math.MaxInt32:
		return errors.New("vetted: max retry outside 0 to 2147483647")
	case c.SchemaVersion == 0:
		return errors.New("vetted: schema version 0")
	case c.ExpiresAt != 0 && c.ExpiresAt < c.IssuedAt:
		return errors.New("vetted: expiry before issue time")
	case c.ExpiresAt != 0 && c.NotBefore > c.ExpiresAt:
		return errors.New("vetted: not-before time after expiry")
	}
	return nil
}

// taskIdentity is what the MAC binds besides the header fields, read from the task message.
type taskIdentity struct {
	typeName string
	queue    string
	id       string
	payload  []byte
}

// computeTag returns HMAC-SHA256(key, PAE(domain tag, fields..., type, queue, id, payload)).
func computeTag(key []byte, fields [headerFields - 1]string, task taskIdentity) []byte {
	w := paeWriter{mac: hmac.New(sha256.New, key)}
	w.count(1 + len(fields) + 4)
	w.piece(domainTag)
	for _, field := range fields {
		w.piece(field)
	}
	w.piece(task.typeName)
	w.piece(task.queue)
	w.piece(task.id)
	w.count(len(task.payload))
	_, _ = w.mac.Write(task.payload)
	return w.mac.Sum(nil)
}

// paeWriter feeds the pre-authentication encoding straight into the MAC.
type paeWriter struct {
	mac hash.Hash
	buf [8]byte
}

// count writes n as a 64-bit little-endian integer.
func (w *paeWriter) count(n int) {
	binary.LittleEndian.PutUint64(w.buf[:], uint64(n))
	_, _ = w.mac.Write(w.buf[:])
}

// piece writes one length-prefixed string.
func (w *paeWriter) piece(s string) {
	w.count(len(s))
	_, _ = io.WriteString(w.mac, s)
}

// formatHeader joins the signed fields and the tag into a header value.
func formatHeader(fields [headerFields - 1]string, tag []byte) string {
	return strings.Join(fields[:], ":") + ":" + base64.RawURLEncoding.EncodeToString(tag)
}

// parsedHeader is a header value that passed the syntax checks (steps 2 to 4 of the spec).
type parsedHeader struct {
	claims Claims
	fields [headerFields - 1]string
	tag    []byte
}

// parseHeader checks the syntax of a header value. On failure it returns a reason code and, when
// the key id field is well formed, the key id.
func parseHeader(value string) (parsedHeader, string, string) {
	if len(value) > maxHeaderLen {
		return parsedHeader{}, ReasonMalformedSignature, ""
	}
	parts := strings.Split(value, ":")
	if len(parts) != headerFields {
		return parsedHeader{}, ReasonMalformedSignature, ""
	}
	if parts[0] != schemeVersion {
		return parsedHeader{}, ReasonUnsupportedScheme, ""
	}
	kid := parts[1]
	if !validKeyID(kid) {
		kid = ""
	}
	h, ok := parseFields(parts)
	if !ok {
		return parsedHeader{}, ReasonMalformedSignature, kid
	}
	return h, "", kid
}

// parseFields applies the grammar of each field and the rules between fields.
func parseFields(parts []string) (parsedHeader, bool) {
	iat, ok1 := parseDecimal(parts[2])
	exp, ok2 := parseDecimal(parts[3])
	nbf, ok3 := parseDecimal(parts[4])
	retry, ok4 := parseDecimal(parts[5])
	schema, ok5 := parseDecimal(parts[6])
	tag, ok6 := decodeTag(parts[7])
	switch {
	case !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6), !validKeyID(parts[1]):
		return parsedHeader{}, false
	case iat < 1, retry > math.MaxInt32, schema < 1, schema > math.MaxUint32:
		return parsedHeader{}, false
	case exp != 0 && exp < iat, exp != 0 && nbf > exp:
		return parsedHeader{}, false
	}
	h := parsedHeader{tag: tag}
	copy(h.fields[:], parts[:headerFields-1])
	h.claims = Claims{
		KeyID:         parts[1],
		IssuedAt:      iat,
		ExpiresAt:     exp,
		NotBefore:     nbf,
		MaxRetry:      int(retry),
		SchemaVersion: uint32(schema),
	}
	return h, true
}

// parseDecimal reads an unsigned decimal: ASCII digits only, no leading zero unless the number is
// 0, at most 19 digits and at most 2^63-1.
func parseDecimal(s string) (int64, bool) {
	if len(s) == 0 || len(s) > maxDecimalDigits || len(s) > 1 && s[0] == '0' {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if v > math.MaxInt64 {
		return 0, false
	}
	return int64(v), true
}

// decodeTag reads a 32-byte tag in its only canonical spelling: 43 base64url characters whose
// last one encodes zero padding bits.
func decodeTag(s string) ([]byte, bool) {
	if len(s) != tagTextLen || !strings.ContainsRune(canonicalLastTagChars, rune(s[len(s)-1])) {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_'
		if !ok {
			return nil, false
		}
	}
	tag, err := base64.RawURLEncoding.Strict().DecodeString(s)
	if err != nil || len(tag) != sha256.Size {
		return nil, false
	}
	return tag, true
}

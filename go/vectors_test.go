package vetted

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

// vectorsPath is docs/signing-vectors.json, relative to this package.
var vectorsPath = filepath.Join("..", "docs", "signing-vectors.json")

type vectorFile struct {
	Scheme  string       `json:"scheme"`
	Keyring string       `json:"keyring"`
	Cases   []vectorCase `json:"cases"`
}

type vectorCase struct {
	Name          string        `json:"name"`
	Type          string        `json:"type"`
	Queue         string        `json:"queue"`
	ID            string        `json:"id"`
	PayloadHex    string        `json:"payload_hex"`
	Header        *string       `json:"header"`
	Now           int64         `json:"now"`
	SchemaVersion uint32        `json:"schema_version"`
	Claims        *vectorClaims `json:"claims"`
	Expect        string        `json:"expect"`
}

type vectorClaims struct {
	KeyID    string `json:"kid"`
	IssuedAt int64  `json:"iat"`
	Expires  int64  `json:"exp"`
	NotBef   int64  `json:"nbf"`
	MaxRetry int    `json:"max_retry"`
	Schema   uint32 `json:"schema"`
}

func loadVectors(t *testing.T) (vectorFile, *KeyRing) {
	t.Helper()
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatalf("read %s (written by docs/gen_signing_vectors.py): %v", vectorsPath, err)
	}
	var file vectorFile
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("decode %s: %v", vectorsPath, err)
	}
	if file.Scheme != "vetted-sig v1" || len(file.Cases) < 40 {
		t.Fatalf("unexpected vectors file: scheme %q, %d cases", file.Scheme, len(file.Cases))
	}
	ring, err := ParseKeyRing(file.Keyring)
	if err != nil {
		t.Fatalf("vectors key ring: %v", err)
	}
	return file, ring
}

func (c vectorCase) task(t *testing.T) *asynq.Task {
	t.Helper()
	payload, err := hex.DecodeString(c.PayloadHex)
	if err != nil {
		t.Fatalf("payload_hex: %v", err)
	}
	if c.Header == nil {
		return asynq.NewTask(c.Type, payload)
	}
	return asynq.NewTaskWithHeaders(c.Type, payload, map[string]string{HeaderName: *c.Header})
}

func (c vectorClaims) claims() Claims {
	return Claims{KeyID: c.KeyID, IssuedAt: c.IssuedAt, ExpiresAt: c.Expires, NotBefore: c.NotBef,
		MaxRetry: c.MaxRetry, SchemaVersion: c.Schema}
}

func TestSigningVectors(t *testing.T) {
	file, ring := loadVectors(t)
	for _, c := range file.Cases {
		t.Run(c.Name, func(t *testing.T) {
			task := c.task(t)
			got, err := Verify(ring, task, c.Queue, c.ID, time.Unix(c.Now, 0), c.SchemaVersion)
			if c.Expect == "ok" {
				if err != nil {
					t.Fatalf("want ok, got %v", err)
				}
				if c.Claims == nil || got != c.Claims.claims() {
					t.Fatalf("claims: got %+v, want %+v", got, c.Claims)
				}
				return
			}
			var rejected *RejectError
			if !errors.As(err, &rejected) {
				t.Fatalf("want reason %s, got %v", c.Expect, err)
			}
			if rejected.Reason != c.Expect || rejected.PayloadLen != len(task.Payload()) {
				t.Fatalf("want reason %s, got %+v", c.Expect, rejected)
			}
		})
	}
}

// Signing the claims of each valid case with the key it names must give its header byte for byte.
func TestSigningVectorsReproduceHeaders(t *testing.T) {
	file, ring := loadVectors(t)
	for _, c := range file.Cases {
		if c.Expect != "ok" {
			continue
		}
		task := c.task(t)
		claims := c.Claims.claims()
		key, _ := ring.lookup(claims.KeyID)
		identity := taskIdentity{typeName: c.Type, queue: c.Queue, id: c.ID, payload: task.Payload()}
		header := formatHeader(claims.fields(), computeTag(key, claims.fields(), identity))
		if header != *c.Header {
			t.Errorf("%s: signed %q, vectors say %q", c.Name, header, *c.Header)
		}
	}
}

// The ring's own signing path must agree with the vectors for cases signed by the signing key.
func TestSignMatchesVectors(t *testing.T) {
	file, ring := loadVectors(t)
	checked := 0
	for _, c := range file.Cases {
		if c.Expect != "ok" || c.Claims.KeyID != ring.SigningKeyID() {
			continue
		}
		task := c.task(t)
		header, err := ring.Sign(c.Type, c.Queue, c.ID, task.Payload(), c.Claims.claims())
		if err != nil || header != *c.Header {
			t.Errorf("%s: Sign gave %q, %v; vectors say %q", c.Name, header, err, *c.Header)
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no valid case signed with the signing key")
	}
}

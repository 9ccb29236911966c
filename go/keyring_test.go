package vetted

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Test secrets: 40 and 32 distinct bytes, so their encodings are easy to search for in output.
var (
	secretA = []byte("0123456789abcdefghijklmnopqrstuvwxyzABCD")
	secretB = []byte("ZYXWVUTSRQPONMLKJIHGFEDCBAzyxwvu")
)

func testRingText() string {
	return "sign a " + "base64:" + base64.StdEncoding.EncodeToString(secretA) + "\n" +
		"verify b hex:" + hex.EncodeToString(secretB) + "\n" +
		"retired c\n"
}

func mustRing(t *testing.T, text string) *KeyRing {
	t.Helper()
	ring, err := ParseKeyRing(text)
	if err != nil {
		t.Fatalf("ParseKeyRing: %v", err)
	}
	return ring
}

func TestParseKeyRingAcceptsEveryDocumentedForm(t *testing.T) {
	url := base64.RawURLEncoding.EncodeToString(secretB)
	text := "# comment line\n\n" +
		"  sign   2026-12\tbase64:" + base64.RawStdEncoding.EncodeToString(secretA) + "   # signs\r\n" +
		"verify 2026-06 base64:" + url + "; verify k.3_x hex:" + strings.ToUpper(hex.EncodeToString(secretA)) +
		";;retired 2025-12 # gone; retired not-an-entry\n"
	ring := mustRing(t, text)
	if ring.SigningKeyID() != "2026-12" {
		t.Fatalf("signing key id %q", ring.SigningKeyID())
	}
	for kid, want := range map[string][]byte{"2026-12": secretA, "2026-06": secretB, "k.3_x": secretA} {
		if key, retired := ring.lookup(kid); retired || !bytes.Equal(key, want) {
			t.Errorf("key %s: retired=%v, secret mismatch=%v", kid, retired, !bytes.Equal(key, want))
		}
	}
	if _, retired := ring.lookup("2025-12"); !retired {
		t.Error("2025-12 should be retired")
	}
	if key, retired := ring.lookup("not-an-entry"); key != nil || retired {
		t.Error("text after a comment must be ignored")
	}
}

func TestParseKeyRingRefusals(t *testing.T) {
	sign := "sign a hex:" + hex.EncodeToString(secretA)
	cases := map[string]string{
		"empty":              "",
		"only comments":      "# nothing\n",
		"no sign entry":      "verify b hex:" + hex.EncodeToString(secretB),
		"two sign entries":   sign + "\nsign b hex:" + hex.EncodeToString(secretB),
		"duplicate key":      sign + "\nverify a hex:" + hex.EncodeToString(secretB),
		"retired duplicate":  sign + ";retired a",
		"retired twice":      sign + ";retired c;retired c",
		"bad key id":         "sign a/b hex:" + hex.EncodeToString(secretA),
		"key id too long":    "sign " + strings.Repeat("k", 33) + " hex:" + hex.EncodeToString(secretA),
		"short secret":       "sign a hex:" + hex.EncodeToString(secretA[:31]),
		"unknown word":       sign + "\nsigning b hex:" + hex.EncodeToString(secretB),
		"extra word":         sign + " extra",
		"missing secret":     "sign a",
		"retired with key":   sign + "\nretired c hex:" + hex.EncodeToString(secretB),
		"no encoding prefix": "sign a " + hex.EncodeToString(secretA),
		"bad hex":            "sign a hex:" + hex.EncodeToString(secretA) + "0",
		"bad base64":         "sign a base64:" + base64.StdEncoding.EncodeToString(secretA) + "!",
		"mixed alphabets":    "sign a base64:+" + base64.RawURLEncoding.EncodeToString(secretA) + "-",
	}
	for name, text := range cases {
		t.Run(name, func(t *testing.T) {
			ring, err := ParseKeyRing(text)
			var krErr *KeyRingError
			if ring != nil || !errors.As(err, &krErr) {
				t.Fatalf("want a *KeyRingError, got ring=%v err=%v", ring, err)
			}
			assertNoSecret(t, err.Error())
		})
	}
}

func TestKeyRingErrorNamesTheEntry(t *testing.T) {
	_, err := ParseKeyRing("sign a hex:" + hex.EncodeToString(secretA) + "\n# x\nverify b;retired c")
	var krErr *KeyRingError
	if !errors.As(err, &krErr) || krErr.Entry != 2 {
		t.Fatalf("want entry 2, got %v", err)
	}
}

func TestKeyRingFormattingNeverShowsSecrets(t *testing.T) {
	ring := mustRing(t, testRingText())
	want := "KeyRing{sign: a, verify: [b], retired: [c]}"
	for _, verb := range []string{"%v", "%+v", "%s", "%x", "%d", "%q"} {
		for _, value := range []any{ring, *ring} {
			out := fmt.Sprintf(verb, value)
			assertNoSecret(t, out)
			if verb == "%v" && out != want {
				t.Errorf("%s: got %q, want %q", verb, out, want)
			}
		}
	}
	for _, value := range []any{ring, *ring, ring.keys} {
		assertNoSecret(t, fmt.Sprintf("%#v", value))
		assertNoSecret(t, fmt.Sprintf("%+v", value))
		assertNoSecret(t, fmt.Sprintf("%x", value))
	}
	if got := fmt.Sprintf("%#v", ring); got != "vetted."+want {
		t.Errorf("%%#v: got %q", got)
	}
}

func TestKeyRingFromEnv(t *testing.T) {
	t.Setenv(KeyRingEnv, "")
	if _, err := KeyRingFromEnv(); !errors.Is(err, ErrNoKeyRing) {
		t.Fatalf("blank variable: got %v", err)
	}
	t.Setenv(KeyRingEnv, strings.ReplaceAll(testRingText(), "\n", ";"))
	ring, err := KeyRingFromEnv()
	if err != nil || ring.SigningKeyID() != "a" {
		t.Fatalf("got %v, %v", ring, err)
	}
	t.Setenv(KeyRingEnv, "sign a hex:00")
	if _, err := KeyRingFromEnv(); err == nil {
		t.Fatal("a short secret in the environment must be refused")
	}
}

// assertNoSecret fails when text contains any test secret in a common encoding.
func assertNoSecret(t *testing.T, text string) {
	t.Helper()
	for _, s := range [][]byte{secretA, secretB} {
		for _, enc := range []string{
			string(s), hex.EncodeToString(s), base64.RawStdEncoding.EncodeToString(s),
			base64.RawURLEncoding.EncodeToString(s), fmt.Sprint(s)[1:20], fmt.Sprintf("%x", s)[:16],
		} {
			if strings.Contains(text, enc) {
				t.Fatalf("output leaks a secret: %q", text)
			}
		}
	}
}

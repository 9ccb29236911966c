package main

import (
	"encoding/json"
	"testing"
)

func TestTamperJSONChangesOneLetterInsideAString(t *testing.T) {
	cases := map[string]string{
		`{"a":1}`:                  `{"A":1}`,
		`[1,true,"x"]`:             `[1,true,"X"]`,
		`{"\n\u00e9b":0}`:          `{"\n\u00e9B":0}`,
		`["\\", "\"q"]`:            `["\\", "\"Q"]`,
		`{"\u0041z":"v"}`:          `{"\u0041Z":"v"}`,
		` { "1 2" : "é-Z" } `:      ` { "1 2" : "é-z" } `,
		`{"to":"ada@example.com"}`: `{"To":"ada@example.com"}`,
	}
	for in, want := range cases {
		got, err := tamperJSON([]byte(in))
		if err != nil || string(got) != want {
			t.Errorf("%s: got %s, %v; want %s", in, got, err, want)
		}
		if !json.Valid(got) {
			t.Errorf("%s: result %s is not valid JSON", in, got)
		}
	}
}

func TestTamperJSONNeedsALetterInAString(t *testing.T) {
	for _, in := range []string{`{}`, `[1,2,true,null]`, `{"1":"2"}`, `["\n\t"]`, `"\u00e9"`} {
		if got, err := tamperJSON([]byte(in)); err == nil {
			t.Errorf("%s: tampered to %s, want an error", in, got)
		}
	}
}

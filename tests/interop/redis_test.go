package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startRedis runs a throwaway redis-server on a free loopback port and returns its address.
func startRedis(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server not found; install it with: apt-get install redis-server")
	}
	port := freePort(t)
	cmd := exec.Command("redis-server", "--port", strconv.Itoa(port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := cmd.Start(); err != nil {
		t.Fatalf("start redis-server: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		if conn, err := net.Dial("tcp", addr); err == nil {
			_ = conn.Close()
			return addr
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("redis-server did not accept connections on %s", addr)
	return ""
}

// freePort asks the kernel for an unused loopback port.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port
}

// harness runs subcommands in-process against one Redis.
type harness struct {
	t    *testing.T
	addr string
}

// run executes one command line and returns its exit code and JSON lines.
func (h harness) run(args ...string) (int, []map[string]any) {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	full := append([]string{args[0], "--redis", h.addr}, args[1:]...)
	code := run(full, &stdout, &stderr)
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
		if line == "" {
			continue
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			h.t.Fatalf("%v: stdout line is not JSON: %q", args, line)
		}
		lines = append(lines, v)
	}
	return code, lines
}

// mustRun fails the test unless the command exits with want.
func (h harness) mustRun(want int, args ...string) []map[string]any {
	h.t.Helper()
	code, lines := h.run(args...)
	if code != want {
		h.t.Fatalf("%v: exit code %d, want %d; output %v", args, code, want, lines)
	}
	return lines
}

// events returns the lines whose "event" is name.
func events(lines []map[string]any, name string) []map[string]any {
	var found []map[string]any
	for _, l := range lines {
		if l["event"] == name {
			found = append(found, l)
		}
	}
	return found
}

func newHarness(t *testing.T) harness {
	t.Setenv("VETTED_KEYRING", "sign k1 base64:"+strings.Repeat("QUJD", 11)+";verify k0 hex:"+strings.Repeat("ab", 32))
	return harness{t: t, addr: startRedis(t)}
}

func TestRoundTripSignedTamperedAndUnsigned(t *testing.T) {
	h := newHarness(t)
	h.mustRun(exitOK, "enqueue", "--queue", "rt", "--type", "email:welcome", "--payload", `{"to":"ada"}`, "--id", "ok-1")
	h.mustRun(exitOK, "enqueue", "--queue", "rt", "--type", "email:welcome", "--payload", `{"to":"eve"}`, "--id", "bad-1", "--tamper")
	h.mustRun(exitOK, "enqueue", "--queue", "rt", "--type", "email:welcome", "--payload", `{}`, "--id", "uns-1", "--unsigned")

	lines := h.mustRun(exitOK, "serve", "--queues", "rt", "--count", "1", "--rejections", "2", "--timeout", "20s")
	handled := events(lines, "handled")
	if len(handled) != 1 || handled[0]["id"] != "ok-1" || handled[0]["kid"] != "k1" {
		t.Fatalf("handled: %v", handled)
	}
	if payload, _ := handled[0]["payload"].(map[string]any); payload["to"] != "ada" {
		t.Fatalf("payload: %v", handled[0]["payload"])
	}
	reasons := map[any]any{}
	for _, r := range events(lines, "rejected") {
		reasons[r["id"]] = r["reason"]
	}
	if reasons["bad-1"] != "bad_signature" || reasons["uns-1"] != "unsigned" {
		t.Fatalf("rejections: %v", reasons)
	}

	report := h.mustRun(exitOK, "inspect", "--queue", "rt", "--task", "bad-1")[0]
	task := report["task"].(map[string]any)
	lastErr, _ := task["last_err"].(string)
	if task["state"] != "archived" || !fingerprinted(lastErr, "vetted: reason=bad_signature key=k1 len=12") {
		t.Fatalf("tampered task: %v", task)
	}
	if payload, _ := task["payload"].(map[string]any); payload["To"] != "eve" {
		t.Fatalf("tamper must flip one letter inside a string, payload %v", task["payload"])
	}
	info := report["queue_info"].(map[string]any)
	if info["archived"] != 2.0 || info["pending"] != 0.0 || len(report["archived"].([]any)) != 2 {
		t.Fatalf("queue info: %v, archived %v", info, report["archived"])
	}
}

// fingerprinted reports whether text is prefix followed by " fp=" and 24 lowercase hex digits.
func fingerprinted(text, prefix string) bool {
	fp, ok := strings.CutPrefix(text, prefix+" fp=")
	return ok && len(fp) == 24 && strings.Trim(fp, "0123456789abcdef") == ""
}

func TestQuarantineKeepsForgeriesOutOfTheArchive(t *testing.T) {
	h := newHarness(t)
	h.mustRun(exitOK, "enqueue", "--queue", "qz", "--type", "email:welcome", "--payload", `{"to":"ada"}`, "--id", "ok-1")
	h.mustRun(exitOK, "enqueue", "--queue", "qz", "--type", "email:welcome", "--payload", `{"to":"eve"}`, "--id", "bad-1", "--tamper")
	h.mustRun(exitOK, "enqueue", "--queue", "qz", "--type", "email:welcome", "--payload", `{}`, "--id", "uns-1", "--unsigned")

	lines := h.mustRun(exitOK, "serve", "--queues", "qz", "--quarantine", "--count", "1", "--rejections", "2", "--timeout", "20s")
	if errs := events(lines, "quarantine_error"); len(errs) != 0 {
		t.Fatalf("quarantine errors: %v", errs)
	}
	rdb := redis.NewClient(&redis.Options{Addr: h.addr})
	defer func() { _ = rdb.Close() }()
	ctx := context.Background()
	entries, err := rdb.XRange(ctx, "vetted:{qz}:quarantine", "-", "+").Result()
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[any]any{}
	for _, e := range entries {
		reasons[e.Values["task_id"]] = e.Values["reason"]
		text, _ := e.Values["error_msg"].(string)
		if !strings.Contains(text, " fp=") || e.Values["msg"] == nil {
			t.Fatalf("entry %v", e.Values)
		}
	}
	if len(entries) != 2 || reasons["bad-1"] != "bad_signature" || reasons["uns-1"] != "unsigned" {
		t.Fatalf("quarantine entries: %v", entries)
	}
	if n := rdb.Exists(ctx, "asynq:{qz}:t:bad-1", "asynq:{qz}:t:uns-1").Val(); n != 0 {
		t.Fatalf("%d quarantined task hashes left", n)
	}
	info := h.mustRun(exitOK, "inspect", "--queue", "qz")[0]["queue_info"].(map[string]any)
	if info["archived"] != 0.0 || info["size"] != 0.0 || info["processed"] != 3.0 || info["failed"] != 2.0 {
		t.Fatalf("queue info: %v", info)
	}
}

func TestFailFirstIsRetriedByGo(t *testing.T) {
	h := newHarness(t)
	h.mustRun(exitOK, "enqueue", "--queue", "ff", "--type", "t", "--payload", `{"n":1}`, "--id", "ff", "--count", "2")
	lines := h.mustRun(exitOK, "serve", "--queues", "ff", "--count", "2", "--fail-first", "--timeout", "20s")
	if len(events(lines, "failed")) != 2 {
		t.Fatalf("want two failed first attempts: %v", lines)
	}
	for _, ev := range events(lines, "handled") {
		if ev["retry_count"] != 1.0 || ev["outcome"] != "ok" {
			t.Fatalf("second attempt: %v", ev)
		}
	}
}

func TestArchiveTypeAndWaitArchived(t *testing.T) {
	h := newHarness(t)
	h.mustRun(exitOK, "enqueue", "--queue", "ar", "--type", "report:bad", "--payload", `{}`, "--id", "a-1", "--process-in", "1s")
	h.mustRun(exitOK, "serve", "--queues", "ar", "--count", "1", "--archive-type", "report:bad", "--timeout", "20s")
	line := h.mustRun(exitOK, "wait-archived", "--queue", "ar", "--id", "a-1", "--timeout", "5s")[0]
	task := line["task"].(map[string]any)
	headers := task["headers"].(map[string]any)
	if line["event"] != "archived" || !strings.HasPrefix(headers["vetted-sig"].(string), "v1:k1:") {
		t.Fatalf("wait-archived: %v", line)
	}
}

func TestUnknownKeyIsRetriedThenArchived(t *testing.T) {
	h := newHarness(t)
	t.Setenv("VETTED_KEYRING", "sign stranger hex:"+strings.Repeat("cd", 32))
	h.mustRun(exitOK, "enqueue", "--queue", "uk", "--type", "t", "--payload", `{}`, "--id", "uk-1")
	t.Setenv("VETTED_KEYRING", "sign k1 hex:"+strings.Repeat("ab", 32))
	lines := h.mustRun(exitOK, "serve", "--queues", "uk", "--count", "0", "--rejections", "4", "--timeout", "30s")
	for i, ev := range events(lines, "rejected") {
		if ev["reason"] != "unknown_key" || ev["retry_count"] != float64(i) || ev["kid"] != "stranger" {
			t.Fatalf("rejection %d: %v", i, ev)
		}
	}
	task := h.mustRun(exitOK, "wait-archived", "--queue", "uk", "--id", "uk-1", "--timeout", "5s")[0]["task"].(map[string]any)
	if task["retried"] != 3.0 || !strings.Contains(task["last_err"].(string), "reason=unknown_key") {
		t.Fatalf("archived after 3 retries: %v", task)
	}
}

func TestFailuresHaveDistinctExitCodes(t *testing.T) {
	h := newHarness(t)
	lines := h.mustRun(exitTimeout, "serve", "--queues", "empty", "--count", "1", "--timeout", "500ms")
	if last := lines[len(lines)-1]; last["event"] != "timeout" || last["handled"] != 0.0 {
		t.Fatalf("timeout line: %v", last)
	}
	report := h.mustRun(exitFailure, "inspect", "--queue", "never-used")[0]
	if errs := report["errors"].([]any); len(errs) == 0 {
		t.Fatalf("an unknown queue must be reported: %v", report)
	}
	h.mustRun(exitTimeout, "wait-archived", "--queue", "never-used", "--id", "x", "--timeout", "200ms")
	h.mustRun(exitUsage, "enqueue", "--type", "t")
	if code, _ := (harness{t: t}).run("inspect"); code != exitUsage {
		t.Fatalf("missing --redis: exit code %d", code)
	}
	t.Setenv("VETTED_KEYRING", "")
	h.mustRun(exitFailure, "enqueue", "--type", "t", "--payload", "{}")
}

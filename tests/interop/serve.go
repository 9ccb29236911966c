package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	vetted "github.com/vetted-rs/vetted/go"
)

// errFirstAttempt is returned by the handler on a task's first attempt under --fail-first.
var errFirstAttempt = errors.New("interop: first attempt fails on purpose")

// serveFlags are the flags of the serve subcommand.
type serveFlags struct {
	redis             redisFlags
	queues            string
	count             int
	rejections        int
	timeout           time.Duration
	concurrency       int
	failFirst         bool
	archiveTypes      string
	unsignedTypes     string
	schemaVersions    string
	unknownKeyRetries int
	quarantine        bool
}

// taskEvent is a line printed by the handler or the middleware.
type taskEvent struct {
	Event      string          `json:"event"`
	ID         string          `json:"id"`
	Type       string          `json:"type"`
	Queue      string          `json:"queue"`
	RetryCount int             `json:"retry_count"`
	Payload    json.RawMessage `json:"payload"`
	PayloadHex string          `json:"payload_hex,omitempty"`
	KeyID      string          `json:"kid,omitempty"`
	Outcome    string          `json:"outcome,omitempty"`
	Reason     string          `json:"reason,omitempty"`
	PayloadLen *int            `json:"payload_len,omitempty"`
	Error      string          `json:"error,omitempty"`
}

// summary is the last line of serve.
type summary struct {
	Event    string `json:"event"`
	Handled  int    `json:"handled"`
	Rejected int    `json:"rejected"`
}

func parseServeFlags(args []string, out *output) (*serveFlags, *flag.FlagSet, error) {
	f := &serveFlags{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	f.redis.register(fs)
	fs.StringVar(&f.queues, "queues", "default", "comma-separated queues, all with priority 1")
	fs.IntVar(&f.count, "count", 1, "exit after this many handled tasks")
	fs.IntVar(&f.rejections, "rejections", 0, "and after this many rejections by the vetted middleware")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "give up (exit code 3) after this long")
	fs.IntVar(&f.concurrency, "concurrency", 4, "asynq worker slots")
	fs.BoolVar(&f.failFirst, "fail-first", false, "fail the first attempt of each task (retried after ~1 s)")
	fs.StringVar(&f.archiveTypes, "archive-type", "", "comma-separated task types the handler archives with SkipRetry")
	fs.StringVar(&f.unsignedTypes, "unsigned-types", "", "comma-separated task types allowed without a signature")
	fs.StringVar(&f.schemaVersions, "schema-versions", "", "expected schema versions, TYPE=N,TYPE=N (default 1)")
	fs.IntVar(&f.unknownKeyRetries, "unknown-key-retries", 0, "retries for unknown_key (0: the package default, 3)")
	fs.BoolVar(&f.quarantine, "quarantine", false, "send refusals made before the sender was proven to vetted's quarantine stream")
	if err := parseFlags(fs, args, out); err != nil {
		return nil, fs, err
	}
	if f.count < 0 || f.rejections < 0 || f.count+f.rejections == 0 {
		return nil, fs, errors.New("--count and --rejections must not be negative, nor both 0")
	}
	return f, fs, nil
}

// runServe runs an asynq.Server with the vetted middleware until enough tasks were seen.
func runServe(args []string, out *output) int {
	f, fs, err := parseServeFlags(args, out)
	if err != nil {
		return out.usage(fs, err)
	}
	opt, err := f.redis.opt()
	if err != nil {
		return out.usage(fs, err)
	}
	cfg, err := f.verifyConfig()
	if err != nil {
		return out.usage(fs, err)
	}
	ring, err := vetted.KeyRingFromEnv()
	if err != nil {
		return out.fail(err)
	}
	w := &worker{flags: f, out: out, progress: make(chan struct{}, 1)}
	cfg.OnReject = w.onReject
	if f.quarantine {
		client := redis.NewClient(&redis.Options{Addr: opt.Addr, Password: opt.Password, DB: opt.DB})
		defer func() { _ = client.Close() }()
		cfg.Quarantine = &vetted.Quarantine{Client: client, OnError: w.onQuarantineError}
	}
	srv := asynq.NewServer(opt, f.serverConfig())
	if err := srv.Start(ring.Middleware(cfg)(asynq.HandlerFunc(w.handle))); err != nil {
		return out.fail(fmt.Errorf("start server: %w", err))
	}
	out.emit(map[string]any{"event": "ready", "queues": splitList(f.queues), "pid": os.Getpid()})
	code := w.wait(f.timeout)
	srv.Shutdown()
	return code
}

// serverConfig polls often and retries after one second, so tests run quickly.
func (f *serveFlags) serverConfig() asynq.Config {
	queues := map[string]int{}
	for _, q := range splitList(f.queues) {
		queues[q] = 1
	}
	return asynq.Config{
		Concurrency:              f.concurrency,
		Queues:                   queues,
		RetryDelayFunc:           func(int, error, *asynq.Task) time.Duration { return time.Second },
		TaskCheckInterval:        100 * time.Millisecond,
		DelayedTaskCheckInterval: 200 * time.Millisecond,
		ShutdownTimeout:          3 * time.Second,
		LogLevel:                 asynq.WarnLevel,
	}
}

// verifyConfig builds the middleware configuration from the flags.
func (f *serveFlags) verifyConfig() (vetted.VerifyConfig, error) {
	cfg := vetted.VerifyConfig{
		UnsignedTypes:     splitList(f.unsignedTypes),
		UnknownKeyRetries: f.unknownKeyRetries,
		SchemaVersions:    map[string]uint32{},
	}
	for _, pair := range splitList(f.schemaVersions) {
		name, version, ok := strings.Cut(pair, "=")
		n, err := strconv.ParseUint(version, 10, 32)
		if !ok || err != nil || n == 0 {
			return cfg, fmt.Errorf("--schema-versions: bad entry %q (want TYPE=N)", pair)
		}
		cfg.SchemaVersions[name] = uint32(n)
	}
	return cfg, nil
}

// worker is the handler of serve; it prints events and counts them.
type worker struct {
	flags    *serveFlags
	out      *output
	mu       sync.Mutex
	handled  int
	rejected int
	progress chan struct{}
}

// handle prints one event per attempt and decides its outcome from the flags: tasks of an
// --archive-type are archived on their first attempt, --fail-first fails the others once.
func (w *worker) handle(ctx context.Context, task *asynq.Task) error {
	ev := newTaskEvent(ctx, task)
	claims, _ := vetted.ClaimsFromContext(ctx)
	ev.KeyID = claims.KeyID
	setPayload(&ev, task.Payload())
	switch {
	case slices.Contains(splitList(w.flags.archiveTypes), task.Type()):
		ev.Event, ev.Outcome = "handled", "skip_retry"
		w.count(ev, &w.handled)
		return fmt.Errorf("interop: archive type %s: %w", task.Type(), asynq.SkipRetry)
	case w.flags.failFirst && ev.RetryCount == 0:
		ev.Event, ev.Error = "failed", errFirstAttempt.Error()
		w.out.emit(ev)
		return errFirstAttempt
	}
	ev.Event, ev.Outcome = "handled", "ok"
	w.count(ev, &w.handled)
	return nil
}

// onReject is the middleware's OnReject hook.
func (w *worker) onReject(ctx context.Context, task *asynq.Task, err *vetted.RejectError) {
	ev := newTaskEvent(ctx, task)
	ev.Event, ev.Reason, ev.KeyID, ev.Error = "rejected", err.Reason, err.KeyID, err.Error()
	ev.PayloadLen = &err.PayloadLen
	w.count(ev, &w.rejected)
}

// onQuarantineError reports an entry the middleware could not write (the task is archived).
func (w *worker) onQuarantineError(ctx context.Context, task *asynq.Task, rejected *vetted.RejectError, err error) {
	ev := newTaskEvent(ctx, task)
	ev.Event, ev.Reason, ev.Error = "quarantine_error", rejected.Reason, err.Error()
	w.out.emit(ev)
}

// count prints ev, increments counter and wakes wait.
func (w *worker) count(ev taskEvent, counter *int) {
	w.mu.Lock()
	*counter++
	w.out.emit(ev)
	w.mu.Unlock()
	select {
	case w.progress <- struct{}{}:
	default:
	}
}

// wait returns once the wanted counts are reached, on timeout or on SIGINT/SIGTERM.
func (w *worker) wait(timeout time.Duration) int {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(stop)
	for {
		select {
		case <-w.progress:
			if w.done() {
				w.summarize("done")
				return exitOK
			}
		case <-deadline.C:
			w.summarize("timeout")
			return exitTimeout
		case <-stop:
			w.summarize("interrupted")
			return exitFailure
		}
	}
}

// done reports whether the wanted counts are reached.
func (w *worker) done() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.handled >= w.flags.count && w.rejected >= w.flags.rejections
}

// summarize prints the final line.
func (w *worker) summarize(event string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.out.emit(summary{Event: event, Handled: w.handled, Rejected: w.rejected})
}

// newTaskEvent fills the delivery details from the asynq handler context.
func newTaskEvent(ctx context.Context, task *asynq.Task) taskEvent {
	id, _ := asynq.GetTaskID(ctx)
	queue, _ := asynq.GetQueueName(ctx)
	retried, _ := asynq.GetRetryCount(ctx)
	return taskEvent{ID: id, Type: task.Type(), Queue: queue, RetryCount: retried}
}

// setPayload shows a JSON payload as JSON and any other payload as hex.
func setPayload(ev *taskEvent, payload []byte) {
	if json.Valid(payload) {
		ev.Payload = payload
		return
	}
	ev.PayloadHex = fmt.Sprintf("%x", payload)
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var items []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

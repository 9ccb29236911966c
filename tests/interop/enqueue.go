package main

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	vetted "github.com/vetted-rs/vetted/go"
)

// enqueueFlags are the flags of the enqueue subcommand.
type enqueueFlags struct {
	redis     redisFlags
	typeName  string
	payload   string
	queue     string
	id        string
	count     int
	tamper    bool
	unsigned  bool
	processIn time.Duration
	maxRetry  int
	schema    uint
	maxAge    time.Duration
}

// enqueued is the line printed for each enqueued task.
type enqueued struct {
	Event      string `json:"event"`
	ID         string `json:"id"`
	Queue      string `json:"queue"`
	Type       string `json:"type"`
	State      string `json:"state"`
	Signed     bool   `json:"signed"`
	Tampered   bool   `json:"tampered"`
	EnqueuedAt int64  `json:"enqueued_at_unix_nano"`
}

func parseEnqueueFlags(args []string, out *output) (*enqueueFlags, *flag.FlagSet, error) {
	f := &enqueueFlags{}
	fs := flag.NewFlagSet("enqueue", flag.ContinueOnError)
	f.redis.register(fs)
	fs.StringVar(&f.typeName, "type", "", "task type (required)")
	fs.StringVar(&f.payload, "payload", "", "payload bytes, normally JSON (required)")
	fs.StringVar(&f.queue, "queue", "default", "queue name")
	fs.StringVar(&f.id, "id", "", "task id; with --count N>1 the ids are ID-1 ... ID-N; default: UUIDv4 each")
	fs.IntVar(&f.count, "count", 1, "number of tasks")
	fs.BoolVar(&f.tamper, "tamper", false, "flip the case of one letter inside a JSON string after signing")
	fs.BoolVar(&f.unsigned, "unsigned", false, "enqueue without a signature header")
	fs.DurationVar(&f.processIn, "process-in", 0, "schedule the task this far ahead (signed as nbf)")
	fs.IntVar(&f.maxRetry, "max-retry", -1, "asynq MaxRetry, signed as max_retry (default: asynq's 25)")
	fs.UintVar(&f.schema, "schema", 1, "payload schema version to sign")
	fs.DurationVar(&f.maxAge, "max-age", 0, "signed expiry after the process time (0: none)")
	if err := parseFlags(fs, args, out); err != nil {
		return nil, fs, err
	}
	switch {
	case f.typeName == "":
		return nil, fs, errors.New("--type is required")
	case f.payload == "":
		return nil, fs, errors.New("--payload is required")
	case f.count < 1:
		return nil, fs, errors.New("--count must be at least 1")
	case f.tamper && f.unsigned:
		return nil, fs, errors.New("--tamper needs a signed task")
	case f.schema < 1 || f.schema > 1<<32-1:
		return nil, fs, errors.New("--schema must be 1 to 4294967295")
	}
	return f, fs, nil
}

// runEnqueue signs and enqueues --count tasks with asynq.Client.
func runEnqueue(args []string, out *output) int {
	f, fs, err := parseEnqueueFlags(args, out)
	if err != nil {
		return out.usage(fs, err)
	}
	opt, err := f.redis.opt()
	if err != nil {
		return out.usage(fs, err)
	}
	var ring *vetted.KeyRing
	if !f.unsigned {
		if ring, err = vetted.KeyRingFromEnv(); err != nil {
			return out.fail(err)
		}
	}
	client := asynq.NewClient(opt)
	defer func() { _ = client.Close() }()
	for i := 1; i <= f.count; i++ {
		task, line, err := f.build(ring, f.taskID(i))
		if err != nil {
			return out.fail(err)
		}
		line.EnqueuedAt = time.Now().UnixNano()
		info, err := client.Enqueue(task)
		if err != nil {
			return out.fail(fmt.Errorf("enqueue %s: %w", line.ID, err))
		}
		line.Queue, line.State = info.Queue, info.State.String()
		out.emit(line)
	}
	return exitOK
}

// taskID returns the id of the i-th task (1-based).
func (f *enqueueFlags) taskID(i int) string {
	switch {
	case f.id == "":
		return uuid.NewString()
	case f.count == 1:
		return f.id
	default:
		return fmt.Sprintf("%s-%d", f.id, i)
	}
}

// build makes one task, signed unless --unsigned and tampered when --tamper.
func (f *enqueueFlags) build(ring *vetted.KeyRing, id string) (*asynq.Task, enqueued, error) {
	line := enqueued{Event: "enqueued", ID: id, Type: f.typeName, Signed: !f.unsigned, Tampered: f.tamper}
	opts := []asynq.Option{asynq.Queue(f.queue), asynq.TaskID(id)}
	if f.maxRetry >= 0 {
		opts = append(opts, asynq.MaxRetry(f.maxRetry))
	}
	if f.processIn > 0 {
		opts = append(opts, asynq.ProcessIn(f.processIn))
	}
	payload := []byte(f.payload)
	if f.unsigned {
		return asynq.NewTask(f.typeName, payload, opts...), line, nil
	}
	so := vetted.SignOptions{SchemaVersion: uint32(f.schema), MaxAge: f.maxAge}
	task, err := ring.NewTaskWith(f.typeName, payload, so, opts...)
	if err != nil || !f.tamper {
		return task, line, err
	}
	tampered, err := tamperJSON(payload)
	if err != nil {
		return nil, line, err
	}
	return asynq.NewTaskWithHeaders(f.typeName, tampered, task.Headers(), opts...), line, nil
}

// tamperJSON flips the case of the first ASCII letter inside a JSON string (outside escape
// sequences), so the payload stays valid JSON of the same length but no longer matches its MAC.
func tamperJSON(payload []byte) ([]byte, error) {
	inString, skip := false, 0
	for i, c := range payload {
		switch {
		case skip > 0:
			skip--
		case !inString:
			inString = c == '"'
		case c == '\\':
			skip = 1
			if i+1 < len(payload) && payload[i+1] == 'u' {
				skip = 5
			}
		case c == '"':
			inString = false
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			tampered := append([]byte(nil), payload...)
			tampered[i] ^= 0x20
			return tampered, nil
		}
	}
	return nil, errors.New("--tamper: the payload has no letter inside a JSON string")
}

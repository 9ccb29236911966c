// Command interop drives Go asynq v0.26.0 with vetted signatures, so that tests written in other
// languages can check that they interoperate with Go producers, workers and the Inspector.
//
// Every subcommand takes --redis HOST:PORT (and optionally --password and --db), reads the key
// ring from VETTED_KEYRING when it needs one, and prints one JSON object per line on stdout.
// Diagnostics go to stderr. See README.md for the commands and their output.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/hibiken/asynq"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0
	exitFailure = 1 // Redis, key ring or Inspector error
	exitUsage   = 2 // bad command line
	exitTimeout = 3 // the awaited condition did not happen in time
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// subcommands maps each subcommand name to its entry point.
var subcommands = map[string]func(args []string, out *output) int{
	"enqueue":       runEnqueue,
	"serve":         runServe,
	"inspect":       runInspect,
	"wait-archived": runWaitArchived,
	"run-task":      runRunTask,
}

// run executes one command line and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	out := &output{json: json.NewEncoder(stdout), log: stderr}
	if len(args) == 0 || subcommands[args[0]] == nil {
		_, _ = fmt.Fprintln(stderr, "usage: interop enqueue|serve|inspect|wait-archived|run-task --redis 127.0.0.1:PORT [flags]")
		return exitUsage
	}
	return subcommands[args[0]](args[1:], out)
}

// output writes JSON lines to stdout and diagnostics to stderr; safe for concurrent use.
type output struct {
	mu   sync.Mutex
	json *json.Encoder
	log  io.Writer
}

// emit writes v as one JSON line.
func (o *output) emit(v any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.json.Encode(v); err != nil {
		_, _ = fmt.Fprintf(o.log, "interop: cannot write output: %v\n", err)
	}
}

// fail reports err as an {"event":"error"} line and returns exitFailure.
func (o *output) fail(err error) int {
	o.emit(map[string]string{"event": "error", "error": err.Error()})
	_, _ = fmt.Fprintf(o.log, "interop: %v\n", err)
	return exitFailure
}

// usage reports a command line problem and returns exitUsage.
func (o *output) usage(fs *flag.FlagSet, err error) int {
	_, _ = fmt.Fprintf(o.log, "interop %s: %v\n", fs.Name(), err)
	return exitUsage
}

// redisFlags are the connection flags shared by every subcommand.
type redisFlags struct {
	addr     string
	password string
	db       int
}

// register adds the connection flags to fs.
func (r *redisFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.addr, "redis", "", "Redis address HOST:PORT (required)")
	fs.StringVar(&r.password, "password", "", "Redis password")
	fs.IntVar(&r.db, "db", 0, "Redis database number")
}

// opt returns the asynq connection options.
func (r *redisFlags) opt() (asynq.RedisClientOpt, error) {
	if r.addr == "" {
		return asynq.RedisClientOpt{}, errors.New("--redis HOST:PORT is required")
	}
	return asynq.RedisClientOpt{Addr: r.addr, Password: r.password, DB: r.db}, nil
}

// parseFlags parses args into fs, with its own output for -h; extra arguments are refused.
func parseFlags(fs *flag.FlagSet, args []string, out *output) error {
	fs.SetOutput(out.log)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

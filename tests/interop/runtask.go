package main

import (
	"errors"
	"flag"

	"github.com/hibiken/asynq"
)

// runRunTask moves an archived, retry or scheduled task to pending with
// Inspector.RunTask, as the "run" button of asynqmon does.
func runRunTask(args []string, out *output) int {
	var rf redisFlags
	var queue, id string
	fs := flag.NewFlagSet("run-task", flag.ContinueOnError)
	rf.register(fs)
	fs.StringVar(&queue, "queue", "default", "queue of the task")
	fs.StringVar(&id, "id", "", "task id (required)")
	if err := parseFlags(fs, args, out); err != nil {
		return out.usage(fs, err)
	}
	opt, err := rf.opt()
	if err == nil && id == "" {
		err = errors.New("--id is required")
	}
	if err != nil {
		return out.usage(fs, err)
	}
	inspector := asynq.NewInspector(opt)
	defer func() { _ = inspector.Close() }()
	if err := inspector.RunTask(queue, id); err != nil {
		return out.fail(err)
	}
	out.emit(map[string]string{"event": "run", "id": id, "queue": queue})
	return exitOK
}

package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
)

// inspectReport is the single object printed by inspect.
type inspectReport struct {
	Queues    []string      `json:"queues"`
	QueueInfo *queueInfo    `json:"queue_info"`
	Archived  []archived    `json:"archived"`
	Task      *taskInfo     `json:"task"`
	Servers   []serverState `json:"servers"`
	Errors    []string      `json:"errors"`
}

// queueInfo is asynq.QueueInfo with snake_case keys.
type queueInfo struct {
	Queue          string `json:"queue"`
	Size           int    `json:"size"`
	Pending        int    `json:"pending"`
	Active         int    `json:"active"`
	Scheduled      int    `json:"scheduled"`
	Retry          int    `json:"retry"`
	Archived       int    `json:"archived"`
	Completed      int    `json:"completed"`
	Aggregating    int    `json:"aggregating"`
	Processed      int    `json:"processed"`
	Failed         int    `json:"failed"`
	ProcessedTotal int    `json:"processed_total"`
	FailedTotal    int    `json:"failed_total"`
	Paused         bool   `json:"paused"`
}

// archived is one entry of Inspector.ListArchivedTasks.
type archived struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	LastErr string `json:"last_err"`
}

// taskInfo is asynq.TaskInfo with snake_case keys; times are Unix seconds, 0 when unset.
type taskInfo struct {
	ID            string            `json:"id"`
	Queue         string            `json:"queue"`
	Type          string            `json:"type"`
	State         string            `json:"state"`
	LastErr       string            `json:"last_err"`
	Retried       int               `json:"retried"`
	MaxRetry      int               `json:"max_retry"`
	Headers       map[string]string `json:"headers"`
	Payload       json.RawMessage   `json:"payload"`
	PayloadHex    string            `json:"payload_hex,omitempty"`
	NextProcessAt int64             `json:"next_process_at"`
	LastFailedAt  int64             `json:"last_failed_at"`
}

// serverState is one entry of Inspector.Servers.
type serverState struct {
	ID                string         `json:"id"`
	Host              string         `json:"host"`
	PID               int            `json:"pid"`
	Status            string         `json:"status"`
	Concurrency       int            `json:"concurrency"`
	Queues            map[string]int `json:"queues"`
	Started           int64          `json:"started"`
	ActiveWorkerCount int            `json:"active_worker_count"`
	ActiveWorkers     []activeTask   `json:"active_workers"`
}

// activeTask is a task a server is running.
type activeTask struct {
	TaskID   string `json:"task_id"`
	TaskType string `json:"task_type"`
	Queue    string `json:"queue"`
}

// runInspect prints what asynq's Inspector reports about a queue, a task and the servers.
func runInspect(args []string, out *output) int {
	var rf redisFlags
	var queue, taskID string
	fs := flag.NewFlagSet("inspect", flag.ContinueOnError)
	rf.register(fs)
	fs.StringVar(&queue, "queue", "default", "queue to describe")
	fs.StringVar(&taskID, "task", "", "task id to describe (optional)")
	if err := parseFlags(fs, args, out); err != nil {
		return out.usage(fs, err)
	}
	opt, err := rf.opt()
	if err != nil {
		return out.usage(fs, err)
	}
	inspector := asynq.NewInspector(opt)
	defer func() { _ = inspector.Close() }()
	report := inspect(inspector, queue, taskID)
	out.emit(report)
	if len(report.Errors) > 0 {
		return exitFailure
	}
	return exitOK
}

// inspect gathers the report; each failed Inspector call adds an entry to Errors.
func inspect(in *asynq.Inspector, queue, taskID string) inspectReport {
	r := inspectReport{Queues: []string{}, Archived: []archived{}, Servers: []serverState{}, Errors: []string{}}
	note := func(call string, err error) bool {
		if err != nil {
			r.Errors = append(r.Errors, call+": "+err.Error())
		}
		return err == nil
	}
	if queues, err := in.Queues(); note("Queues", err) {
		r.Queues = append(r.Queues, queues...)
	}
	if info, err := in.GetQueueInfo(queue); note("GetQueueInfo", err) {
		r.QueueInfo = newQueueInfo(info)
	}
	if tasks, err := in.ListArchivedTasks(queue, asynq.PageSize(1000)); note("ListArchivedTasks", err) {
		for _, t := range tasks {
			r.Archived = append(r.Archived, archived{ID: t.ID, Type: t.Type, LastErr: t.LastErr})
		}
	}
	if taskID != "" {
		if info, err := in.GetTaskInfo(queue, taskID); note("GetTaskInfo", err) {
			r.Task = newTaskInfo(info)
		}
	}
	if servers, err := in.Servers(); note("Servers", err) {
		for _, s := range servers {
			r.Servers = append(r.Servers, newServerState(s))
		}
	}
	return r
}

func newQueueInfo(q *asynq.QueueInfo) *queueInfo {
	return &queueInfo{
		Queue: q.Queue, Size: q.Size, Pending: q.Pending, Active: q.Active, Scheduled: q.Scheduled,
		Retry: q.Retry, Archived: q.Archived, Completed: q.Completed, Aggregating: q.Aggregating,
		Processed: q.Processed, Failed: q.Failed, ProcessedTotal: q.ProcessedTotal,
		FailedTotal: q.FailedTotal, Paused: q.Paused,
	}
}

func newTaskInfo(t *asynq.TaskInfo) *taskInfo {
	info := &taskInfo{
		ID: t.ID, Queue: t.Queue, Type: t.Type, State: t.State.String(), LastErr: t.LastErr,
		Retried: t.Retried, MaxRetry: t.MaxRetry, Headers: t.Headers,
		NextProcessAt: unixOrZero(t.NextProcessAt), LastFailedAt: unixOrZero(t.LastFailedAt),
	}
	if info.Headers == nil {
		info.Headers = map[string]string{}
	}
	if json.Valid(t.Payload) {
		info.Payload = t.Payload
	} else {
		info.PayloadHex = fmt.Sprintf("%x", t.Payload)
	}
	return info
}

func newServerState(s *asynq.ServerInfo) serverState {
	state := serverState{
		ID: s.ID, Host: s.Host, PID: s.PID, Status: s.Status, Concurrency: s.Concurrency,
		Queues: s.Queues, Started: unixOrZero(s.Started), ActiveWorkerCount: len(s.ActiveWorkers),
		ActiveWorkers: []activeTask{},
	}
	for _, w := range s.ActiveWorkers {
		state.ActiveWorkers = append(state.ActiveWorkers, activeTask{TaskID: w.TaskID, TaskType: w.TaskType, Queue: w.Queue})
	}
	return state
}

// unixOrZero returns t in Unix seconds, or 0 for the zero time.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// runWaitArchived polls a task until asynq reports it archived, then prints it.
func runWaitArchived(args []string, out *output) int {
	var rf redisFlags
	var queue, id string
	var timeout, interval time.Duration
	fs := flag.NewFlagSet("wait-archived", flag.ContinueOnError)
	rf.register(fs)
	fs.StringVar(&queue, "queue", "default", "queue of the task")
	fs.StringVar(&id, "id", "", "task id (required)")
	fs.DurationVar(&timeout, "timeout", 30*time.Second, "give up (exit code 3) after this long")
	fs.DurationVar(&interval, "interval", 100*time.Millisecond, "polling interval")
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
	return waitArchived(inspector, queue, id, timeout, interval, out)
}

// waitArchived polls until the task is archived or the timeout passes.
func waitArchived(in *asynq.Inspector, queue, id string, timeout, interval time.Duration, out *output) int {
	deadline := time.Now().Add(timeout)
	last := map[string]string{"event": "timeout", "id": id, "queue": queue, "last_state": "", "last_error": ""}
	for {
		info, err := in.GetTaskInfo(queue, id)
		if err == nil && info.State == asynq.TaskStateArchived {
			out.emit(map[string]any{"event": "archived", "task": newTaskInfo(info)})
			return exitOK
		}
		if err != nil {
			last["last_error"] = err.Error()
		} else {
			last["last_state"], last["last_error"] = info.State.String(), ""
		}
		if time.Now().After(deadline) {
			out.emit(last)
			return exitTimeout
		}
		time.Sleep(interval)
	}
}

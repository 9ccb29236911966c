package vetted

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
)

const (
	// defaultQueue and defaultMaxRetry are asynq's defaults, used when no option sets them.
	defaultQueue    = "default"
	defaultMaxRetry = 25
	// DefaultSchemaVersion is the payload schema version signed and expected when none is given.
	DefaultSchemaVersion uint32 = 1
)

// SignOptions tune what a producer signs besides the asynq options.
type SignOptions struct {
	// SchemaVersion is the payload schema version of the task type; 0 means
	// [DefaultSchemaVersion].
	SchemaVersion uint32
	// MaxAge bounds how long after its process time the task may still run: the signed expiry
	// is the process time (ProcessAt or ProcessIn, else now) plus MaxAge, rounded up to a whole
	// second. 0 means no expiry. A Redis writer who resets the retry counter can make a task run
	// again until it expires, so set MaxAge to cover the retry horizon and no more.
	MaxAge time.Duration
}

// NewTask signs payload for typeName and returns an asynq task carrying the signature header.
//
// The queue (default "default"), task id, max retry (default 25) and process time are read from
// opts, which are kept on the task. When opts has no TaskID, a UUIDv4 is generated and a TaskID
// option appended, because the signature binds the id. Give every option here rather than to
// Client.Enqueue: an option given at enqueue time overrides the signed one and the worker will
// refuse the task. Only the options made by asynq's own functions are understood.
func (r *KeyRing) NewTask(typeName string, payload []byte, opts ...asynq.Option) (*asynq.Task, error) {
	return r.NewTaskWith(typeName, payload, SignOptions{}, opts...)
}

// NewTaskWith is [KeyRing.NewTask] with a schema version and a maximum age.
func (r *KeyRing) NewTaskWith(typeName string, payload []byte, so SignOptions, opts ...asynq.Option) (*asynq.Task, error) {
	return r.newTaskAt(time.Now(), typeName, payload, so, opts)
}

// NewJSONTask encodes v with encoding/json and signs the bytes as [KeyRing.NewTask] does.
func (r *KeyRing) NewJSONTask(typeName string, v any, opts ...asynq.Option) (*asynq.Task, error) {
	return r.NewJSONTaskWith(typeName, v, SignOptions{}, opts...)
}

// NewJSONTaskWith is [KeyRing.NewJSONTask] with a schema version and a maximum age.
func (r *KeyRing) NewJSONTaskWith(typeName string, v any, so SignOptions, opts ...asynq.Option) (*asynq.Task, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("vetted: encode payload of %q: %w", typeName, err)
	}
	return r.NewTaskWith(typeName, payload, so, opts...)
}

// Sign returns the header value for a task with the given type, queue, id and payload. The
// claims' KeyID is replaced by the ring's signing key id; the other claims are checked against
// the grammar of the scheme. Most producers want [KeyRing.NewTask] instead.
func (r *KeyRing) Sign(typeName, queue, id string, payload []byte, c Claims) (string, error) {
	if r == nil || r.keys[r.signID] == nil {
		return "", errors.New("vetted: the key ring has no signing key (load it with ParseKeyRing)")
	}
	c.KeyID = r.signID
	if err := c.validate(); err != nil {
		return "", err
	}
	task := taskIdentity{typeName: typeName, queue: queue, id: id, payload: payload}
	fields := c.fields()
	return formatHeader(fields, computeTag(r.keys[r.signID], fields, task)), nil
}

// newTaskAt signs at the given time; tests call it with fixed times.
func (r *KeyRing) newTaskAt(now time.Time, typeName string, payload []byte, so SignOptions, opts []asynq.Option) (*asynq.Task, error) {
	if strings.TrimSpace(typeName) == "" {
		return nil, errors.New("vetted: task type is blank")
	}
	if so.MaxAge < 0 {
		return nil, errors.New("vetted: negative MaxAge")
	}
	p, opts, err := placeTask(now, opts)
	if err != nil {
		return nil, err
	}
	header, err := r.Sign(typeName, p.queue, p.id, payload, p.claims(now, so))
	if err != nil {
		return nil, err
	}
	return asynq.NewTaskWithHeaders(typeName, payload, map[string]string{HeaderName: header}, opts...), nil
}

// placement is what the asynq options say about where, when and how often a task runs.
type placement struct {
	queue       string
	id          string
	generatedID bool
	maxRetry    int
	processAt   time.Time // zero when no ProcessAt or ProcessIn option was given
}

// placeTask reads opts and returns them with a TaskID option appended when they had none.
func placeTask(now time.Time, opts []asynq.Option) (placement, []asynq.Option, error) {
	p, err := readOptions(now, opts)
	if err != nil {
		return placement{}, nil, err
	}
	if p.generatedID {
		opts = append(append([]asynq.Option(nil), opts...), asynq.TaskID(p.id))
	}
	return p, opts, nil
}

// readOptions applies opts in order, the last one of a kind winning, as asynq's client does.
func readOptions(now time.Time, opts []asynq.Option) (placement, error) {
	p := placement{queue: defaultQueue, maxRetry: defaultMaxRetry}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := p.apply(now, opt); err != nil {
			return placement{}, err
		}
	}
	if p.id == "" {
		p.id, p.generatedID = uuid.NewString(), true
	}
	return p, nil
}

// apply records one option.
func (p *placement) apply(now time.Time, opt asynq.Option) error {
	switch v := opt.Value().(type) {
	case string:
		return p.applyString(opt.Type(), v)
	case int:
		if opt.Type() == asynq.MaxRetryOpt {
			p.maxRetry = max(v, 0)
			if p.maxRetry > math.MaxInt32 {
				return errors.New("vetted: MaxRetry above 2147483647")
			}
		}
	case time.Time:
		if opt.Type() == asynq.ProcessAtOpt {
			p.processAt = v
		}
	case time.Duration:
		if opt.Type() == asynq.ProcessInOpt {
			p.processAt = now.Add(v)
		}
	}
	return nil
}

// applyString records a Queue or TaskID option, refusing blank values as asynq does.
func (p *placement) applyString(kind asynq.OptionType, v string) error {
	switch kind {
	case asynq.QueueOpt:
		if strings.TrimSpace(v) == "" {
			return errors.New("vetted: queue name is blank")
		}
		p.queue = v
	case asynq.TaskIDOpt:
		if strings.TrimSpace(v) == "" {
			return errors.New("vetted: task id is blank")
		}
		p.id, p.generatedID = v, false
	}
	return nil
}

// claims derives the signed times from the signing time and the process time.
func (p placement) claims(now time.Time, so SignOptions) Claims {
	c := Claims{IssuedAt: now.Unix(), MaxRetry: p.maxRetry, SchemaVersion: so.SchemaVersion}
	if c.SchemaVersion == 0 {
		c.SchemaVersion = DefaultSchemaVersion
	}
	base := now
	if !p.processAt.IsZero() && p.processAt.Unix() > c.IssuedAt {
		base = p.processAt
		c.NotBefore = p.processAt.Unix()
	}
	if so.MaxAge > 0 {
		c.ExpiresAt = base.Add(so.MaxAge + time.Second - 1).Unix()
	}
	return c
}

//! Payload cases: what each should show, and the run through both validators.

use serde::de::DeserializeOwned;
use serde_json::Value;
use vetted::Task;
use vetted::validate::{Validate, validate};

use crate::python;

/// A payload and what it should show.
pub(crate) struct Case {
    what: &'static str,
    payload: Value,
    expect: Expect,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Expect {
    /// Both validators accept it.
    Valid,
    /// It breaks an expressible rule: both refuse it.
    Refused,
    /// It breaks a rule listed in `x-vetted-rules`: the schema accepts it, vetted not.
    RefusedByWorkerOnly,
}

pub(crate) fn case(what: &'static str, payload: Value, expect: Expect) -> Case {
    Case {
        what,
        payload,
        expect,
    }
}

/// `base` with `key` (a `/`-separated path) set to `value`, or removed for `None`.
pub(crate) fn with(base: &Value, key: &str, value: Option<Value>) -> Value {
    let mut payload = base.clone();
    let (parents, last) = key.rsplit_once('/').map_or(("", key), |(p, l)| (p, l));
    let mut target = &mut payload;
    for part in parents.split('/').filter(|part| !part.is_empty()) {
        target = &mut target[part];
    }
    let object = target.as_object_mut().expect("an object to edit");
    match value {
        Some(value) => object.insert(last.to_owned(), value),
        None => object.remove(last),
    };
    payload
}

/// Whether vetted's worker would accept the payload: strict decode, then the rules.
fn vetted_accepts<T: DeserializeOwned + Validate>(payload: &Value) -> bool {
    let bytes = serde_json::to_vec(payload).unwrap();
    serde_json::from_slice::<T>(&bytes).is_ok_and(|value| validate(&value).is_ok())
}

/// Runs every case through the Python validator and through vetted.
pub(crate) fn check_cases<T: Task>(cases: &[Case]) {
    let schema = T::json_schema();
    let payloads: Vec<Value> = cases.iter().map(|case| case.payload.clone()).collect();
    let verdicts = python::verdicts(&schema, &payloads);
    for (case, verdict) in cases.iter().zip(&verdicts) {
        let schema_accepts = verdict == "valid";
        let worker_accepts = vetted_accepts::<T>(&case.payload);
        let expected = match case.expect {
            Expect::Valid => (true, true),
            Expect::Refused => (false, false),
            Expect::RefusedByWorkerOnly => (true, false),
        };
        assert_eq!(
            (schema_accepts, worker_accepts),
            expected,
            "{} ({}): jsonschema said `{verdict}`",
            case.what,
            T::NAME
        );
    }
}

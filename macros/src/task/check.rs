//! Checks on a `#[task]` struct and its arguments, producing a [`CheckedTask`].

use syn::ext::IdentExt;
use syn::{Fields, ItemStruct, Path, parse_quote};

use super::args::TaskArgs;
use crate::errors::Errors;
use crate::names;
use crate::rules::{self, CheckedFields};
use crate::serde_attrs::{self, SerdeContainer};

/// Redis refuses strings over 512 MiB, so no payload cap may exceed it.
const MAX_PAYLOAD_CAP: u64 = 512 * 1024 * 1024;

/// A task struct after every check; the input of code generation.
pub(crate) struct CheckedTask {
    /// The user's struct, with the `#[validate]` attributes taken off its fields.
    pub(crate) item: ItemStruct,
    /// Path of the vetted crate.
    pub(crate) krate: Path,
    /// The asynq type name.
    pub(crate) name: String,
    /// The options set in `#[task(...)]`.
    pub(crate) options: Options,
    /// The fields and their rules.
    pub(crate) fields: CheckedFields,
    /// Serde attributes already on the struct.
    pub(crate) serde: SerdeContainer,
    /// Whether the generated impls can be emitted even when there are errors: the
    /// struct has named fields, no generics and no conflicting derive.
    pub(crate) stubs_fit: bool,
}

/// The options of `#[task(...)]`; `None` keeps the `TaskOptions` default.
pub(crate) struct Options {
    pub(crate) queue: Option<String>,
    pub(crate) max_retry: Option<u32>,
    pub(crate) timeout_millis: Option<u64>,
    pub(crate) retention_millis: Option<u64>,
    pub(crate) version: Option<u32>,
    pub(crate) max_payload_bytes: Option<u64>,
    pub(crate) max_age_millis: Option<u64>,
    pub(crate) one_time: bool,
}

/// Checks the struct and its arguments; every problem goes to `errors`.
pub(crate) fn check(args: TaskArgs, mut item: ItemStruct, errors: &mut Errors) -> CheckedTask {
    let shape_fits = check_shape(&item, errors);
    let derives_fit = check_derives(&item, errors);
    check_container_validate(&mut item, errors);
    let serde = serde_attrs::container(&item.attrs);
    let fields = rules::read_fields(&item.fields, &serde, errors);
    let fields = rules::check_fields(fields, errors);
    strip_field_rules(&mut item);
    let name = type_name(&args, &item, errors);
    let options = check_options(&args, errors);
    let krate = args.krate.unwrap_or_else(|| parse_quote!(::vetted));
    let stubs_fit = shape_fits && derives_fit;
    CheckedTask {
        item,
        krate,
        name,
        options,
        fields,
        serde,
        stubs_fit,
    }
}

/// A task is one JSON object of a fixed shape: named fields, no type parameters.
fn check_shape(item: &ItemStruct, errors: &mut Errors) -> bool {
    let mut fits = true;
    if !matches!(item.fields, Fields::Named(_)) {
        errors.spanned(
            &item.ident,
            "`#[task]` needs a struct with named fields; write `struct Name { ... }`, \
             with braces even when it has no fields",
        );
        fits = false;
    }
    if !item.generics.params.is_empty() || item.generics.where_clause.is_some() {
        errors.spanned(
            &item.generics,
            "a task struct cannot be generic; each task type name stands for one payload shape",
        );
        fits = false;
    }
    fits
}

/// `#[task]` derives `Serialize`, `Deserialize` and `Validate` itself, so a second
/// derive would be a conflicting impl.
fn check_derives(item: &ItemStruct, errors: &mut Errors) -> bool {
    let mut fits = true;
    for path in serde_attrs::derived_traits(&item.attrs) {
        for name in ["Serialize", "Deserialize", "Validate"] {
            if serde_attrs::names_trait(&path, name) {
                errors.spanned(
                    &path,
                    format!("`#[task]` already derives `{name}`; remove it"),
                );
                fits = false;
            }
        }
    }
    fits
}

/// Rules go on fields; a `#[validate]` on the task struct itself has no meaning.
fn check_container_validate(item: &mut ItemStruct, errors: &mut Errors) {
    for attr in item
        .attrs
        .iter()
        .filter(|attr| attr.path().is_ident("validate"))
    {
        errors.spanned(
            attr,
            "`#[validate]` is not used on a task struct; put rules on its fields, \
             and the crate path in `#[task(crate = ...)]`",
        );
    }
    item.attrs.retain(|attr| !attr.path().is_ident("validate"));
}

/// Takes the `#[validate]` attributes off the fields: no derive declares them there.
fn strip_field_rules(item: &mut ItemStruct) {
    for field in item.fields.iter_mut() {
        field.attrs.retain(|attr| !attr.path().is_ident("validate"));
    }
}

/// The given name, or the struct name in snake case.
fn type_name(args: &TaskArgs, item: &ItemStruct, errors: &mut Errors) -> String {
    let (name, span) = match &args.name {
        Some(name) => (name.value.clone(), name.span),
        None => (
            names::snake_case(&item.ident.unraw().to_string()),
            item.ident.span(),
        ),
    };
    if let Some(problem) = names::name_problem("task type name", &name) {
        errors.push(syn::Error::new(span, problem));
    }
    name
}

fn check_options(args: &TaskArgs, errors: &mut Errors) -> Options {
    let queue_problem = args.queue.as_ref().and_then(|queue| {
        let problem = names::name_problem("queue name", &queue.value)?;
        Some(syn::Error::new(queue.span, problem))
    });
    if let Some(problem) = queue_problem {
        errors.push(problem);
    }
    let timeout = args.timeout_millis.as_ref();
    nonzero(
        timeout,
        "`timeout` must be greater than zero; remove it for asynq's default",
        errors,
    );
    let max_age = args.max_age_millis.as_ref();
    nonzero(
        max_age,
        "`max_age` must be greater than zero; remove it for no expiry",
        errors,
    );
    let one_time = args.one_time.as_ref().filter(|flag| flag.value);
    if let Some(flag) = one_time.filter(|_| max_age.is_none()) {
        let message = "`one_time` needs `max_age`: the completion marker is kept until the \
                       signed expiry; add e.g. `max_age = \"1h\"`";
        errors.push(syn::Error::new(flag.span, message));
    }
    let cap = args.max_payload_bytes.as_ref();
    if let Some(cap) = cap.filter(|cap| cap.value == 0 || cap.value > MAX_PAYLOAD_CAP) {
        let message = "`max_payload_bytes` must be between 1 and 536870912 (512 MiB, the \
                       largest Redis string)";
        errors.push(syn::Error::new(cap.span, message));
    }
    Options {
        queue: args.queue.as_ref().map(|queue| queue.value.clone()),
        max_retry: args.max_retry,
        timeout_millis: timeout.map(|t| t.value),
        retention_millis: args.retention_millis,
        version: args.version,
        max_payload_bytes: args.max_payload_bytes.as_ref().map(|cap| cap.value),
        max_age_millis: max_age.map(|t| t.value),
        one_time: one_time.is_some(),
    }
}

fn nonzero(value: Option<&super::args::Spanned<u64>>, message: &str, errors: &mut Errors) {
    if let Some(value) = value.filter(|value| value.value == 0) {
        errors.push(syn::Error::new(value.span, message));
    }
}

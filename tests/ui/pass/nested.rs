use std::collections::{BTreeSet, HashMap, VecDeque};

#[derive(serde::Serialize, serde::Deserialize, vetted::Validate)]
#[serde(deny_unknown_fields)]
struct Line {
    #[validate(length(min = 1))]
    sku: String,
    #[validate(range(min = 1))]
    quantity: u32,
}

#[derive(serde::Serialize, serde::Deserialize, vetted::Validate)]
#[serde(deny_unknown_fields)]
struct Wrapper<T> {
    inner: T,
}

#[vetted::task]
struct PlaceOrder {
    first: Line,
    #[validate(length(max = 100), nested)]
    lines: Vec<Line>,
    queue: VecDeque<Line>,
    by_name: HashMap<String, Line>,
    codes: BTreeSet<String>,
    fixed: [Line; 2],
    optional: Option<Box<Line>>,
    wrapped: Wrapper<Line>,
    pair: (u8, Line, f64, bool),
    unit: (),
}

fn main() {}

use vetted::validate::validate;

#[vetted::task]
#[serde(rename_all = "camelCase")]
struct SendInvoice {
    #[validate(email)]
    billing_email: String,
    #[serde(rename = "total")]
    #[validate(range(min = 0))]
    total_cents: i64,
}

#[derive(serde::Serialize, serde::Deserialize, vetted::Validate)]
#[serde(deny_unknown_fields, rename_all(serialize = "PascalCase", deserialize = "kebab-case"))]
struct Contact {
    #[validate(length(min = 1))]
    full_name: String,
}

fn main() {
    let invoice = SendInvoice { billing_email: "x".into(), total_cents: -1 };
    let errors = validate(&invoice).unwrap_err();
    let paths: Vec<&str> = errors.errors().iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["billingEmail", "total"]);

    let contact = Contact { full_name: String::new() };
    let errors = validate(&contact).unwrap_err();
    assert_eq!(errors.errors()[0].path, "full-name");
}

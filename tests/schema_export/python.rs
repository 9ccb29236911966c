//! Runs `tests/schema_check.py`: Python's `jsonschema` package, a JSON Schema validator
//! written independently of vetted, judging payloads against an exported schema.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

const INSTALL: &str = "install it with `python3 -m pip install 'jsonschema>=4'` \
                       (scripts/prereqs.sh does this)";

/// The helper script, beside this test's manifest.
fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("schema_check.py")
}

/// Fails the test with the install step when python3 or jsonschema is missing.
fn require_jsonschema() {
    let probe = Command::new("python3")
        .args(["-c", "import jsonschema"])
        .output();
    match probe {
        Err(error) => panic!(
            "python3 is needed to check the exported schemas ({error}); install it with \
             `apt-get install python3`, then {INSTALL}"
        ),
        Ok(output) if !output.status.success() => {
            panic!("the Python package jsonschema is missing; {INSTALL}")
        }
        Ok(_) => {}
    }
}

/// The verdict of the validator on each payload: `valid`, or `invalid <keyword> <path>`.
pub(crate) fn verdicts(schema: &Value, payloads: &[Value]) -> Vec<String> {
    require_jsonschema();
    let dir = std::env::temp_dir().join(format!("vetted-schema-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("create a temporary directory");
    let schema_file = dir.join("schema.json");
    let payloads_file = dir.join("payloads.json");
    std::fs::write(&schema_file, schema.to_string()).expect("write the schema");
    let payloads_json = serde_json::to_string(payloads).expect("payloads serialize");
    std::fs::write(&payloads_file, payloads_json).expect("write the payloads");
    let output = Command::new("python3")
        .arg(script())
        .arg(&schema_file)
        .arg(&payloads_file)
        .output()
        .expect("run schema_check.py");
    std::fs::remove_dir_all(&dir).expect("remove the temporary directory");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "schema_check.py failed: {stderr}");
    let stdout = String::from_utf8(output.stdout).expect("the verdicts are UTF-8");
    let lines: Vec<String> = stdout.lines().map(str::to_owned).collect();
    assert_eq!(
        lines.len(),
        payloads.len(),
        "one verdict per payload: {stdout}"
    );
    lines
}

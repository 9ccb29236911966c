#!/usr/bin/env python3
"""Checks JSON payloads against a JSON Schema (draft 2020-12) with the `jsonschema`
package, as a producer in another language would before enqueueing a vetted task.

Usage: schema_check.py SCHEMA.json PAYLOADS.json

PAYLOADS.json holds a JSON array of payloads. Prints one line per payload, in order:
`valid`, or `invalid <keyword> <path>` for the first error found (path as a JSON
pointer into the payload). Formats (`email`, `uri`, ...) are checked where jsonschema
has a checker for them. Exits 2 if the schema itself is not a valid 2020-12 schema.
"""

import json
import sys

try:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
except ImportError:
    sys.exit(
        "schema_check.py: the jsonschema package is missing; "
        "install it with: python3 -m pip install 'jsonschema>=4'"
    )


def load(path):
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def verdict(validator, payload):
    error = next(iter(validator.iter_errors(payload)), None)
    if error is None:
        return "valid"
    pointer = "".join(f"/{part}" for part in error.absolute_path) or "/"
    return f"invalid {error.validator} {pointer}"


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    schema, payloads = load(argv[1]), load(argv[2])
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        print(f"schema_check.py: not a valid 2020-12 schema: {error.message}", file=sys.stderr)
        return 2
    validator = Draft202012Validator(
        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    for payload in payloads:
        print(verdict(validator, payload))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

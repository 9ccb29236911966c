#!/usr/bin/env python3
"""Writes docs/signing-vectors.json, the test vectors of the vetted task signature (scheme v1).

This is an independent implementation of docs/signing.md that uses the Python standard library
only. It signs every case itself, then runs its own verifier over each case and stops if the
outcome differs from the one the case declares, so the file cannot list a case that this
reading of the spec disagrees with. Secrets and times are fixed: two runs write the same bytes.

Usage: python3 docs/gen_signing_vectors.py [output path]
"""

import base64
import hashlib
import hmac
import json
import os
import sys

SCHEME = "vetted-sig v1"
GENERATOR = "docs/gen_signing_vectors.py"
DOMAIN_TAG = b"vetted/task/v1"
MAX_HEADER_BYTES = 256
CLOCK_SKEW = 60
MAX_U63 = 2**63 - 1
MAX_RETRY = 2**31 - 1
MAX_SCHEMA = 2**32 - 1
KID_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
B64URL_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
LAST_TAG_CHARS = set("AEIMQUYcgkosw048")

# Fixed key material. Never use these secrets outside tests.
SIGN_KID = "k2026-06"
SIGN_SECRET = hashlib.sha256(b"vetted vectors: sign key").digest() + b"vectors!"
VERIFY_KID = "k2025.12"
VERIFY_SECRET = hashlib.sha256(b"vetted vectors: verify-only key").digest()
RETIRED_KID = "k2025_06"
RETIRED_SECRET = hashlib.sha256(b"vetted vectors: retired key").digest()
UNKNOWN_KID = "k2099-01"
UNKNOWN_SECRET = hashlib.sha256(b"vetted vectors: key absent from the ring").digest()

KEYRING = (
    "# vetted signing vectors: test keys only\n"
    f"sign {SIGN_KID} base64:{base64.b64encode(SIGN_SECRET).decode()}\n"
    f"verify {VERIFY_KID} hex:{VERIFY_SECRET.hex()};retired {RETIRED_KID}\n"
)

T0 = 1767225600  # 2026-01-01T00:00:00Z
SIGNED = object()  # default header of a case: the one its Spec signs


# ---------------------------------------------------------------------------------------------
# Key ring


class KeyRingError(Exception):
    pass


def decode_secret(text):
    if text.startswith("hex:"):
        digits = text[4:]
        if len(digits) % 2 or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise KeyRingError("bad hex secret")
        return bytes.fromhex(digits)
    if text.startswith("base64:"):
        body = text[7:].rstrip("=")
        if "-" in body or "_" in body:
            body = body.replace("-", "+").replace("_", "/")
        body += "=" * (-len(body) % 4)
        try:
            return base64.b64decode(body, validate=True)
        except ValueError as err:
            raise KeyRingError("bad base64 secret") from err
    raise KeyRingError("unknown secret encoding")


def strip_comment(line):
    """Cuts a line at the first `#` that starts a word (the spec's `# ...` annotations)."""
    for i, c in enumerate(line):
        if c == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i]
    return line


def parse_keyring(text):
    """Returns (sign kid, {kid: secret}, {retired kids})."""
    entries = []
    for line in text.splitlines():
        stripped = strip_comment(line).strip()
        entries.extend(e.strip() for e in stripped.split(";") if e.strip())
    sign, keys, retired = None, {}, set()
    for entry in entries:
        words = entry.split()
        kind = words[0]
        if kind in ("sign", "verify") and len(words) == 3:
            kid, secret = words[1], decode_secret(words[2])
            if len(secret) < 32:
                raise KeyRingError("secret shorter than 32 bytes")
        elif kind == "retired" and len(words) == 2:
            kid, secret = words[1], None
        else:
            raise KeyRingError("unknown entry")
        if not valid_kid(kid) or kid in keys or kid in retired:
            raise KeyRingError("bad or duplicate key id")
        if kind == "retired":
            retired.add(kid)
            continue
        keys[kid] = secret
        if kind == "sign":
            if sign is not None:
                raise KeyRingError("two sign entries")
            sign = kid
    if sign is None:
        raise KeyRingError("no sign entry")
    return sign, keys, retired


# ---------------------------------------------------------------------------------------------
# Signing


def le64(n):
    return n.to_bytes(8, "little")


def pae(pieces):
    out = bytearray(le64(len(pieces)))
    for piece in pieces:
        out += le64(len(piece)) + piece
    return bytes(out)


def mac_pieces(fields, type_name, queue, task_id, payload):
    """fields: the seven header fields before the MAC, as written (strings)."""
    head = [DOMAIN_TAG] + [f.encode("utf-8") for f in fields]
    return head + [type_name.encode("utf-8"), queue.encode("utf-8"), task_id.encode("utf-8"), payload]


def tag_b64(tag):
    return base64.urlsafe_b64encode(tag).decode().rstrip("=")


def sign_header(secret, fields, type_name, queue, task_id, payload):
    tag = hmac.new(secret, pae(mac_pieces(fields, type_name, queue, task_id, payload)), hashlib.sha256)
    return ":".join(fields + [tag_b64(tag.digest())])


# ---------------------------------------------------------------------------------------------
# Verification, following the table "What the worker checks, in order"


def valid_kid(kid):
    return 1 <= len(kid) <= 32 and all(c in KID_CHARS for c in kid)


def parse_unsigned(text):
    """Returns the value of an unsigned decimal field, or None when it breaks the grammar."""
    if not text or len(text) > 19 or any(c not in "0123456789" for c in text):
        return None
    if len(text) > 1 and text[0] == "0":
        return None
    value = int(text)
    return value if value <= MAX_U63 else None


def decode_tag(text):
    if len(text) != 43 or any(c not in B64URL_CHARS for c in text) or text[-1] not in LAST_TAG_CHARS:
        return None
    return base64.urlsafe_b64decode(text + "=")


def parse_fields(parts):
    """Step 4. Returns the claims and the tag, or None when any field is malformed."""
    _, kid, iat_s, exp_s, nbf_s, retry_s, schema_s, tag_s = parts
    iat, exp, nbf = parse_unsigned(iat_s), parse_unsigned(exp_s), parse_unsigned(nbf_s)
    max_retry, schema = parse_unsigned(retry_s), parse_unsigned(schema_s)
    tag = decode_tag(tag_s)
    if not valid_kid(kid) or None in (iat, exp, nbf, max_retry, schema, tag):
        return None
    if iat < 1 or max_retry > MAX_RETRY or not 1 <= schema <= MAX_SCHEMA:
        return None
    if exp and exp < iat:
        return None
    if nbf and exp and nbf > exp:
        return None
    claims = {"kid": kid, "iat": iat, "exp": exp, "nbf": nbf, "max_retry": max_retry, "schema": schema}
    return claims, tag


def verify(ring, case):
    """Returns ("ok", claims) or (reason code, None)."""
    _, keys, retired = ring
    header = case["header"]
    if header is None:
        return "unsigned", None
    raw = header.encode("utf-8")
    parts = header.split(":")
    if len(raw) > MAX_HEADER_BYTES or len(parts) != 8:
        return "malformed_signature", None
    if parts[0] != "v1":
        return "unsupported_scheme", None
    parsed = parse_fields(parts)
    if parsed is None:
        return "malformed_signature", None
    claims, tag = parsed
    if claims["kid"] in retired:
        return "retired_key", None
    if claims["kid"] not in keys:
        return "unknown_key", None
    payload = bytes.fromhex(case["payload_hex"])
    pieces = mac_pieces(parts[:7], case["type"], case["queue"], case["id"], payload)
    expected = hmac.new(keys[claims["kid"]], pae(pieces), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, tag):
        return "bad_signature", None
    if claims["schema"] != case["schema_version"]:
        return "schema_version", None
    now = case["now"]
    if claims["exp"] and now > claims["exp"] + CLOCK_SKEW:
        return "expired", None
    if claims["nbf"] and now + CLOCK_SKEW < claims["nbf"]:
        return "too_early", None
    return "ok", claims


# ---------------------------------------------------------------------------------------------
# Cases


class Spec:
    """One task and the claims signed for it; `case` turns it into a vector."""

    def __init__(self, **kw):
        self.type = kw.get("type", "email:welcome")
        self.queue = kw.get("queue", "default")
        self.id = kw.get("id", "6f1c2b9e-4a57-4c1f-9d3e-2b8a7c5e0f11")
        self.payload = kw.get("payload", b'{"user_id":42,"email":"ada@example.com"}')
        self.kid = kw.get("kid", SIGN_KID)
        self.secret = kw.get("secret", SIGN_SECRET)
        self.iat = kw.get("iat", T0)
        self.exp = kw.get("exp", T0 + 86400)
        self.nbf = kw.get("nbf", 0)
        self.max_retry = kw.get("max_retry", 25)
        self.schema = kw.get("schema", 1)

    def fields(self):
        values = [self.iat, self.exp, self.nbf, self.max_retry, self.schema]
        return ["v1", self.kid] + [str(v) for v in values]

    def header(self):
        return sign_header(self.secret, self.fields(), self.type, self.queue, self.id, self.payload)

    def case(self, name, expect, header=SIGNED, now=T0 + 30, schema_version=1, **message):
        """header may be a string or None (no header); message may override the type, queue,
        id or payload seen by the verifier."""
        return {
            "name": name,
            "type": message.get("type", self.type),
            "queue": message.get("queue", self.queue),
            "id": message.get("id", self.id),
            "payload_hex": message.get("payload", self.payload).hex(),
            "header": self.header() if header is SIGNED else header,
            "now": now,
            "schema_version": schema_version,
            "expect": expect,
        }


def replace_field(header, index, value):
    parts = header.split(":")
    parts[index] = value
    return ":".join(parts)


def flip_char(text, index):
    """Swaps one base64url character for another, keeping the string length."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return text[:index] + alphabet[(alphabet.index(text[index]) + 1) % 64] + text[index + 1 :]


def noncanonical_last_char(tag):
    """The same 32 bytes for a lenient decoder, but with non-zero padding bits."""
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return tag[:-1] + alphabet[alphabet.index(tag[-1]) + 1]


def valid_cases():
    base = Spec()
    verify_key = Spec(kid=VERIFY_KID, secret=VERIFY_SECRET, id="verify-only-1")
    window = Spec(iat=T0, nbf=T0 + 600, exp=T0 + 1200, id="window-1")
    exp_eq_iat = Spec(exp=T0, id="exp-equals-iat")
    return [
        base.case("ok_sign_key", "ok"),
        verify_key.case("ok_verify_only_key", "ok"),
        Spec(payload=b"", id="empty-payload").case("ok_empty_payload", "ok"),
        Spec(
            type="rapport:génération:📄",
            queue="files-ü",
            id="id-ß-1",
            payload='{"titre":"Été","emoji":"📄"}'.encode("utf-8"),
        ).case("ok_unicode_type_queue_id", "ok"),
        Spec(exp=0, id="no-expiry").case("ok_no_expiry", "ok"),
        Spec(max_retry=0, id="retry-zero").case("ok_max_retry_zero", "ok"),
        Spec(
            max_retry=MAX_RETRY, schema=MAX_SCHEMA, exp=MAX_U63, id="max-values"
        ).case("ok_largest_field_values", "ok", schema_version=MAX_SCHEMA),
        Spec(schema=7, id="schema-7").case("ok_schema_7", "ok", schema_version=7),
        Spec(payload=bytes([0x00, 0xFF, 0xFE, 0x80, 0x0A]), id="raw-bytes").case(
            "ok_payload_not_utf8_bytes_signed_as_is", "ok"
        ),
        exp_eq_iat.case("ok_exp_equals_iat", "ok", now=T0),
        Spec(nbf=T0 + 3600, exp=T0 + 3600, id="nbf-equals-exp").case(
            "ok_nbf_equals_exp", "ok", now=T0 + 3600
        ),
        window.case("ok_nbf_within_skew", "ok", now=T0 + 540),
        window.case("ok_exp_within_skew", "ok", now=T0 + 1260),
        window.case("ok_inside_window", "ok", now=T0 + 900),
        Spec(queue="critical", id="c0a80101-0000-4000-8000-000000000001").case("ok_other_queue", "ok"),
    ]


def timing_cases():
    window = Spec(iat=T0, nbf=T0 + 600, exp=T0 + 1200, id="window-1")
    late = Spec(max_retry=2, id="late-1")
    return [
        window.case("too_early_beyond_skew", "too_early", now=T0 + 539),
        window.case("expired_beyond_skew", "expired", now=T0 + 1261),
        late.case("expired_long_after", "expired", now=T0 + 86400 * 30),
        Spec(nbf=MAX_U63, exp=0, id="nbf-far").case("too_early_far_future_nbf", "too_early"),
        Spec(schema=2, exp=T0 + 10, id="order-1").case(
            "schema_checked_before_expiry", "schema_version", now=T0 + 1000
        ),
        Spec(schema=2, id="schema-2").case("schema_version_mismatch", "schema_version"),
        Spec(schema=1, id="schema-1").case("schema_version_older_payload", "schema_version", schema_version=2),
    ]


def tamper_cases():
    base = Spec(id="tamper-base")
    header = base.header()
    payload = bytearray(base.payload)
    payload[10] ^= 0x01
    tag = header.split(":")[7]
    shifted = Spec(type="ab", queue="c", id="shift-1")
    return [
        base.case("bad_signature_payload_bit_flipped", "bad_signature", payload=bytes(payload)),
        base.case("bad_signature_payload_appended", "bad_signature", payload=base.payload + b" "),
        base.case("bad_signature_type_changed", "bad_signature", type="email:goodbye"),
        base.case("bad_signature_queue_changed", "bad_signature", queue="critical"),
        base.case("bad_signature_id_changed", "bad_signature", id="tamper-other"),
        shifted.case("bad_signature_type_queue_boundary_shift", "bad_signature", type="a", queue="bc"),
        base.case("bad_signature_iat_changed", "bad_signature", header=replace_field(header, 2, str(T0 + 1))),
        base.case("bad_signature_exp_extended", "bad_signature", header=replace_field(header, 3, str(T0 + 86400 * 365))),
        base.case("bad_signature_max_retry_raised", "bad_signature", header=replace_field(header, 5, "1000")),
        base.case("bad_signature_tag_char_changed", "bad_signature", header=replace_field(header, 7, flip_char(tag, 0))),
        base.case(
            "bad_signature_kid_swapped_to_verify_key", "bad_signature", header=replace_field(header, 1, VERIFY_KID)
        ),
        base.case("bad_signature_schema_changed", "bad_signature", header=replace_field(header, 6, "2"), schema_version=2),
    ]


def malformed_cases():
    base = Spec(id="malformed-base")
    header = base.header()
    tag = header.split(":")[7]

    def field(index, value):
        return replace_field(header, index, value)

    return [
        base.case("malformed_empty_header", "malformed_signature", header=""),
        base.case("malformed_seven_fields", "malformed_signature", header=header.rsplit(":", 1)[0]),
        base.case("malformed_nine_fields", "malformed_signature", header=header + ":extra"),
        base.case("malformed_nine_fields_v2_counts_first", "malformed_signature", header="v2:" + header[3:] + ":x"),
        base.case("malformed_tag_truncated_42_chars", "malformed_signature", header=field(7, tag[:42])),
        base.case("malformed_tag_truncated_16_bytes", "malformed_signature", header=field(7, tag[:22])),
        base.case("malformed_tag_noncanonical_last_char", "malformed_signature", header=field(7, noncanonical_last_char(tag))),
        base.case("malformed_tag_with_padding", "malformed_signature", header=field(7, tag + "=")),
        base.case("malformed_tag_standard_alphabet", "malformed_signature", header=field(7, "+" + tag[1:])),
        base.case("malformed_iat_leading_zero", "malformed_signature", header=field(2, "0" + str(T0))),
        base.case("malformed_exp_double_zero", "malformed_signature", header=field(3, "00")),
        base.case("malformed_iat_zero", "malformed_signature", header=field(2, "0")),
        base.case("malformed_iat_plus_sign", "malformed_signature", header=field(2, "+" + str(T0))),
        base.case("malformed_nbf_space", "malformed_signature", header=field(4, " 0")),
        base.case("malformed_nbf_empty", "malformed_signature", header=field(4, "")),
        base.case("malformed_iat_arabic_indic_digit", "malformed_signature", header=field(2, str(T0)[:-1] + "\u0661")),
        base.case("malformed_exp_above_i64", "malformed_signature", header=field(3, str(MAX_U63 + 1))),
        base.case("malformed_exp_20_digits", "malformed_signature", header=field(3, "1" + "0" * 19)),
        base.case("malformed_max_retry_above_i32", "malformed_signature", header=field(5, str(MAX_RETRY + 1))),
        base.case("malformed_schema_zero", "malformed_signature", header=field(6, "0")),
        base.case("malformed_schema_above_u32", "malformed_signature", header=field(6, str(MAX_SCHEMA + 1))),
        base.case("malformed_kid_33_chars", "malformed_signature", header=field(1, "k" * 33)),
        base.case("malformed_kid_slash", "malformed_signature", header=field(1, "k/2026")),
        base.case("malformed_kid_empty", "malformed_signature", header=field(1, "")),
        Spec(iat=T0, exp=T0 - 1, id="exp-before-iat").case("malformed_exp_before_iat", "malformed_signature"),
        Spec(iat=T0, nbf=T0 + 20, exp=T0 + 10, id="nbf-after-exp").case("malformed_nbf_after_exp", "malformed_signature"),
    ]


def padded_v2_header(total_bytes):
    """An eight-field header with version v2 and a long kid, exactly total_bytes long."""
    rest = ":".join(Spec().fields()[2:] + ["A" * 43])
    kid = "k" * (total_bytes - len("v2::") - len(rest))
    return f"v2:{kid}:{rest}"


def scheme_and_key_cases():
    base = Spec(id="scheme-base")
    header = base.header()
    return [
        base.case("unsupported_scheme_v2", "unsupported_scheme", header="v2" + header[2:]),
        base.case("unsupported_scheme_uppercase_v1", "unsupported_scheme", header="V1" + header[2:]),
        base.case("unsupported_scheme_v10", "unsupported_scheme", header="v10" + header[2:]),
        base.case("unsupported_scheme_header_256_bytes", "unsupported_scheme", header=padded_v2_header(256)),
        base.case("malformed_header_257_bytes", "malformed_signature", header=padded_v2_header(257)),
        Spec(kid=UNKNOWN_KID, secret=UNKNOWN_SECRET, id="unknown-1").case("unknown_key", "unknown_key"),
        Spec(kid=RETIRED_KID, secret=RETIRED_SECRET, id="retired-1").case("retired_key", "retired_key"),
        Spec(kid=RETIRED_KID, secret=SIGN_SECRET, id="retired-2").case(
            "retired_key_even_with_current_secret", "retired_key"
        ),
        Spec(kid=UNKNOWN_KID, secret=UNKNOWN_SECRET, schema=9, id="unknown-2").case(
            "unknown_key_checked_before_schema", "unknown_key"
        ),
        Spec(id="unsigned-1").case("unsigned_null_header", "unsigned", header=None),
    ]


def all_cases():
    cases = valid_cases() + timing_cases() + tamper_cases() + malformed_cases() + scheme_and_key_cases()
    ring = parse_keyring(KEYRING)
    names = set()
    for case in cases:
        if case["name"] in names:
            raise SystemExit(f"duplicate case name {case['name']}")
        names.add(case["name"])
        outcome, claims = verify(ring, case)
        if outcome != case["expect"]:
            raise SystemExit(f"case {case['name']}: expected {case['expect']}, verifier says {outcome}")
        if claims is not None:
            case["claims"] = claims
        case["expect"] = case.pop("expect")  # keep "expect" last, after "claims"
    return cases


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "signing-vectors.json")
    document = {"scheme": SCHEME, "generator": GENERATOR, "keyring": KEYRING, "cases": all_cases()}
    with open(out, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"wrote {len(document['cases'])} cases to {out}")


if __name__ == "__main__":
    main()

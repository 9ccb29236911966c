//! The MAC of scheme v1: HMAC-SHA256 over the PAE of twelve pieces.

use super::SignedFields;
use super::header::{FieldText, VERSION};
use super::primitive::{self, TAG_LEN};
use super::secret::Secret;

/// Domain separation tag, the first piece.
const DOMAIN: &[u8] = b"vetted/task/v1";

/// The twelve pieces in the order of `docs/signing.md`. Type, queue and id come from the
/// message, never from the header.
fn pieces<'a>(text: &FieldText<'a>, task: &SignedFields<'a>) -> [&'a [u8]; 12] {
    [
        DOMAIN,
        VERSION.as_bytes(),
        text.kid.as_bytes(),
        text.iat.as_bytes(),
        text.exp.as_bytes(),
        text.nbf.as_bytes(),
        text.max_retry.as_bytes(),
        text.schema.as_bytes(),
        task.type_name.as_bytes(),
        task.queue.as_bytes(),
        task.id.as_bytes(),
        task.payload,
    ]
}

/// The tag for a task under `secret`.
pub(crate) fn compute(
    secret: &Secret,
    text: &FieldText<'_>,
    task: &SignedFields<'_>,
) -> [u8; TAG_LEN] {
    primitive::mac_pieces(secret.bytes(), &pieces(text, task))
}

/// Whether `tag` is the task's tag under `secret`, compared in constant time.
pub(crate) fn matches(
    secret: &Secret,
    text: &FieldText<'_>,
    task: &SignedFields<'_>,
    tag: &[u8; TAG_LEN],
) -> bool {
    primitive::verify_pieces(secret.bytes(), &pieces(text, task), tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "hex:6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b6b";

    /// An independent spelling of the construction, built byte by byte.
    fn expected_input() -> Vec<u8> {
        let pieces: [&[u8]; 12] = [
            b"vetted/task/v1",
            b"v1",
            b"kid",
            b"10",
            b"20",
            b"0",
            b"3",
            b"2",
            b"email:send",
            b"default",
            b"id-1",
            b"{}",
        ];
        let mut out = 12u64.to_le_bytes().to_vec();
        for piece in pieces {
            out.extend_from_slice(&(piece.len() as u64).to_le_bytes());
            out.extend_from_slice(piece);
        }
        out
    }

    #[test]
    fn mac_covers_the_twelve_pieces_in_order() {
        let secret = Secret::decode(SECRET).expect("valid secret");
        let text = FieldText {
            kid: "kid",
            iat: "10",
            exp: "20",
            nbf: "0",
            max_retry: "3",
            schema: "2",
        };
        let task = SignedFields {
            type_name: "email:send",
            queue: "default",
            id: "id-1",
            payload: b"{}",
        };
        let tag = compute(&secret, &text, &task);
        assert_eq!(tag, primitive::hmac_sha256(&[0x6b; 32], &expected_input()));
        assert!(matches(&secret, &text, &task, &tag));
        let moved = SignedFields {
            queue: "critical",
            ..task
        };
        assert!(!matches(&secret, &text, &moved, &tag));
    }
}

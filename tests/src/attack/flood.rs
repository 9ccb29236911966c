//! Forged notes of every kind a flood test mixes, each planted with raw writes and
//! paired with the reason code it must be refused with.

use super::arena::Arena;
use super::forge::{
    RETIRED_SIGNER, garbage_message, header_of, hostile_label, note_json, ring, set_header, signed,
    split_tag, with_tag,
};

/// One way to forge a note.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forgery {
    /// Signed with the worker's key, then one bit of the tag flipped.
    ChangedTag,
    /// No signature header at all.
    Unsigned,
    /// Bytes that are no protobuf `TaskMessage`.
    Garbage,
    /// A correctly signed note stored under another task id.
    Moved,
    /// An id in `pending` with no task hash.
    Dangling,
    /// Signed with a key the worker has retired.
    RetiredKey,
}

impl Forgery {
    /// Every kind, in a fixed order: a flood takes `ALL[i % n]` for its first `n` kinds.
    pub const ALL: [Forgery; 6] = [
        Forgery::ChangedTag,
        Forgery::Unsigned,
        Forgery::Garbage,
        Forgery::Moved,
        Forgery::Dangling,
        Forgery::RetiredKey,
    ];

    /// The reason code the worker refuses this kind with.
    pub fn reason(self) -> &'static str {
        match self {
            Forgery::ChangedTag => "bad_signature",
            Forgery::Unsigned => "unsigned",
            Forgery::Garbage | Forgery::Dangling => "malformed_message",
            Forgery::Moved => "key_mismatch",
            Forgery::RetiredKey => "retired_key",
        }
    }
}

impl Arena {
    /// Plants a hostile note, its label made from `row`, forged as `forgery` in the
    /// `default` queue; returns the id it is listed under in `pending`.
    pub fn plant_forged(&self, forgery: Forgery, row: &str) -> String {
        let payload = note_json(&hostile_label(row), "ok");
        let mut message = signed(&self.keyring, "atk:note", "default", &payload, |_| {});
        match forgery {
            Forgery::ChangedTag => {
                let header = header_of(&message);
                let (_, mut tag) = split_tag(&header);
                tag[0] ^= 1;
                set_header(&mut message, with_tag(&header, &tag));
                self.plant(&message)
            }
            Forgery::Unsigned => {
                message.headers.clear();
                self.plant(&message)
            }
            Forgery::Garbage => {
                self.plant_bytes("default", &message.id, &garbage_message());
                message.id
            }
            Forgery::Moved => {
                let id = format!("{row}-moved-{}", message.id);
                self.plant_bytes("default", &id, &message.encode());
                id
            }
            Forgery::Dangling => {
                let id = format!("{row}-dangling-{}", message.id);
                self.push_pending_id("default", &id);
                id
            }
            Forgery::RetiredKey => {
                let retired = signed(
                    &ring(RETIRED_SIGNER),
                    "atk:note",
                    "default",
                    &payload,
                    |_| {},
                );
                self.plant(&retired)
            }
        }
    }
}

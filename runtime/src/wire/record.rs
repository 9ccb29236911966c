//! Protobuf field records: reading them one at a time, and writing them.
//!
//! A record is one encoded field: its key (field number and wire type) followed by its
//! value. Reading keeps the raw bytes of each record so that a rewrite can re-emit the
//! records it does not change exactly as they were.

use prost::encoding::{WireType, decode_key, decode_varint, encode_key, encode_varint};

use super::WireError;

/// How deeply groups (wire types 3 and 4) may nest inside an unknown field.
const MAX_GROUP_DEPTH: usize = 32;

/// The value of one record, still undecoded past its wire type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Value<'a> {
    /// Wire type 0.
    Varint(u64),
    /// Wire type 1 (eight bytes, unread).
    Fixed64,
    /// Wire type 2: the bytes after the length prefix.
    Bytes(&'a [u8]),
    /// Wire types 3 to 4: a whole group, skipped.
    Group,
    /// Wire type 5 (four bytes, unread).
    Fixed32,
}

impl<'a> Value<'a> {
    /// The value of a varint field.
    pub(crate) fn varint(self) -> Result<u64, WireError> {
        match self {
            Value::Varint(value) => Ok(value),
            _ => Err(WireError::Malformed("wrong wire type for a varint field")),
        }
    }

    /// The value of an `int32` field; out-of-range values truncate as in Go.
    pub(crate) fn int32(self) -> Result<i32, WireError> {
        self.varint().map(|value| value as i32)
    }

    /// The value of an `int64` field.
    pub(crate) fn int64(self) -> Result<i64, WireError> {
        self.varint().map(|value| value as i64)
    }

    /// The value of a `bool` field.
    pub(crate) fn boolean(self) -> Result<bool, WireError> {
        self.varint().map(|value| value != 0)
    }

    /// The content of a length-delimited field.
    pub(crate) fn bytes(self) -> Result<&'a [u8], WireError> {
        match self {
            Value::Bytes(bytes) => Ok(bytes),
            _ => Err(WireError::Malformed(
                "wrong wire type for a length-delimited field",
            )),
        }
    }

    /// The content of a `string` field, which must be UTF-8.
    pub(crate) fn str(self) -> Result<&'a str, WireError> {
        std::str::from_utf8(self.bytes()?).map_err(|_| WireError::Malformed("string is not utf-8"))
    }
}

/// One field record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Record<'a> {
    /// Field number.
    pub(crate) field: u32,
    /// The value.
    pub(crate) value: Value<'a>,
    /// The whole record as encoded, key included.
    pub(crate) raw: &'a [u8],
}

/// The records of an encoded message, in order. Stops after the first error.
#[derive(Clone, Debug)]
pub(crate) struct Records<'a> {
    rest: &'a [u8],
}

impl<'a> Records<'a> {
    /// Reads the records of `bytes`.
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, WireError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let start = self.rest;
        match read_record(&mut self.rest) {
            Ok((field, value)) => {
                let raw = &start[..start.len() - self.rest.len()];
                Some(Ok(Record { field, value, raw }))
            }
            Err(error) => {
                self.rest = &[];
                Some(Err(error))
            }
        }
    }
}

fn read_record<'a>(buf: &mut &'a [u8]) -> Result<(u32, Value<'a>), WireError> {
    let (field, wire_type) = read_key(buf)?;
    let value = match wire_type {
        WireType::Varint => Value::Varint(read_varint(buf)?),
        WireType::SixtyFourBit => {
            take(buf, 8)?;
            Value::Fixed64
        }
        WireType::ThirtyTwoBit => {
            take(buf, 4)?;
            Value::Fixed32
        }
        WireType::LengthDelimited => {
            let len = read_varint(buf)?;
            Value::Bytes(take(buf, len)?)
        }
        WireType::StartGroup => {
            skip_group(buf, field, 1)?;
            Value::Group
        }
        WireType::EndGroup => {
            return Err(WireError::Malformed("end of a group that never started"));
        }
    };
    Ok((field, value))
}

/// Skips the rest of group `field`, up to and including its end-group key.
fn skip_group(buf: &mut &[u8], field: u32, depth: usize) -> Result<(), WireError> {
    if depth > MAX_GROUP_DEPTH {
        return Err(WireError::Malformed("groups nested too deeply"));
    }
    loop {
        let (inner, wire_type) = read_key(buf)?;
        match wire_type {
            WireType::EndGroup if inner == field => return Ok(()),
            WireType::EndGroup => return Err(WireError::Malformed("mismatched end of group")),
            WireType::StartGroup => skip_group(buf, inner, depth + 1)?,
            WireType::Varint => {
                read_varint(buf)?;
            }
            WireType::SixtyFourBit => {
                take(buf, 8)?;
            }
            WireType::ThirtyTwoBit => {
                take(buf, 4)?;
            }
            WireType::LengthDelimited => {
                let len = read_varint(buf)?;
                take(buf, len)?;
            }
        }
    }
}

fn read_key(buf: &mut &[u8]) -> Result<(u32, WireType), WireError> {
    decode_key(buf).map_err(|_| WireError::Malformed("invalid field key"))
}

fn read_varint(buf: &mut &[u8]) -> Result<u64, WireError> {
    decode_varint(buf).map_err(|_| WireError::Malformed("invalid varint"))
}

/// Takes `len` bytes off the front of `buf`.
fn take<'a>(buf: &mut &'a [u8], len: u64) -> Result<&'a [u8], WireError> {
    let len = usize::try_from(len).map_err(|_| WireError::Malformed("length out of range"))?;
    if len > buf.len() {
        return Err(WireError::Malformed("truncated field"));
    }
    let (head, tail) = buf.split_at(len);
    *buf = tail;
    Ok(head)
}

/// Writes a length-delimited record, even when `bytes` is empty.
pub(crate) fn put_len_delimited(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    encode_key(field, WireType::LengthDelimited, buf);
    encode_varint(bytes.len() as u64, buf);
    buf.extend_from_slice(bytes);
}

/// Writes a `bytes` field, omitted when empty (the proto3 default).
pub(crate) fn put_bytes(buf: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    if !bytes.is_empty() {
        put_len_delimited(buf, field, bytes);
    }
}

/// Writes a `string` field, omitted when empty.
pub(crate) fn put_string(buf: &mut Vec<u8>, field: u32, value: &str) {
    put_bytes(buf, field, value.as_bytes());
}

/// Writes a varint record, even when `value` is zero.
pub(crate) fn put_varint(buf: &mut Vec<u8>, field: u32, value: u64) {
    encode_key(field, WireType::Varint, buf);
    encode_varint(value, buf);
}

/// Writes an `int64` field, omitted when zero.
pub(crate) fn put_int64(buf: &mut Vec<u8>, field: u32, value: i64) {
    if value != 0 {
        put_varint(buf, field, value as u64);
    }
}

/// Writes an `int32` field, omitted when zero; negative values take ten bytes as in Go.
pub(crate) fn put_int32(buf: &mut Vec<u8>, field: u32, value: i32) {
    put_int64(buf, field, i64::from(value));
}

/// Writes a `bool` field, omitted when false.
pub(crate) fn put_bool(buf: &mut Vec<u8>, field: u32, value: bool) {
    if value {
        put_varint(buf, field, 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(bytes: &[u8]) -> Result<Vec<Record<'_>>, WireError> {
        Records::new(bytes).collect()
    }

    #[test]
    fn reads_each_wire_type_with_its_raw_bytes() {
        let bytes = [
            0x08, 0x96, 0x01, // field 1 varint 150
            0x11, 1, 2, 3, 4, 5, 6, 7, 8, // field 2 fixed64
            0x1a, 0x02, b'h', b'i', // field 3 bytes
            0x23, 0x08, 0x01, 0x24, // field 4 group holding field 1 varint
            0x2d, 1, 2, 3, 4, // field 5 fixed32
        ];
        let got = records(&bytes).unwrap();
        let values: Vec<_> = got.iter().map(|r| (r.field, r.value)).collect();
        assert_eq!(
            values,
            [
                (1, Value::Varint(150)),
                (2, Value::Fixed64),
                (3, Value::Bytes(b"hi")),
                (4, Value::Group),
                (5, Value::Fixed32),
            ]
        );
        let joined: Vec<u8> = got.iter().flat_map(|r| r.raw.iter().copied()).collect();
        assert_eq!(joined, bytes);
    }

    #[test]
    fn rejects_broken_records() {
        let cases: [&[u8]; 8] = [
            &[0x08],             // varint missing
            &[0x08, 0x80],       // varint truncated
            &[0x0a, 0x05, b'a'], // length past the end
            &[0x11, 1, 2],       // fixed64 truncated
            &[0x24],             // end group alone
            &[0x23, 0x08, 0x01], // group never ends
            &[0x23, 0x2c],       // group ends with another number
            &[0x00, 0x01],       // field number zero
        ];
        for bytes in cases {
            assert!(records(bytes).is_err(), "accepted {bytes:?}");
        }
    }

    #[test]
    fn rejects_deeply_nested_groups() {
        let mut bytes = vec![0x0b; MAX_GROUP_DEPTH + 1];
        bytes.extend(vec![0x0c; MAX_GROUP_DEPTH + 1]);
        assert!(records(&bytes).is_err());
        let ok_depth = MAX_GROUP_DEPTH;
        let mut bytes = vec![0x0b; ok_depth];
        bytes.extend(vec![0x0c; ok_depth]);
        assert_eq!(records(&bytes).unwrap().len(), 1);
    }

    #[test]
    fn typed_getters_check_the_wire_type() {
        assert!(Value::Bytes(b"x").varint().is_err());
        assert!(Value::Varint(1).bytes().is_err());
        assert!(Value::Bytes(&[0xff]).str().is_err());
        assert_eq!(Value::Varint(u64::MAX).int32(), Ok(-1));
        assert_eq!(Value::Varint(u64::MAX).int64(), Ok(-1));
        assert_eq!(Value::Varint(2).boolean(), Ok(true));
    }

    #[test]
    fn writers_omit_defaults_and_sign_extend() {
        let mut buf = Vec::new();
        put_string(&mut buf, 1, "");
        put_int64(&mut buf, 2, 0);
        put_bool(&mut buf, 3, false);
        assert!(buf.is_empty());
        put_int32(&mut buf, 5, -1);
        assert_eq!(
            buf,
            [
                0x28, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01
            ]
        );
    }
}

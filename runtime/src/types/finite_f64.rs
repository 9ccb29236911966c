//! [`FiniteF64`]: a float that is a real number.

use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validate::rules::RangeRule;
use crate::validate::{FieldPath, Validate, ValidationErrors};

/// An `f64` that is neither NaN nor ±∞.
///
/// JSON has no literal for NaN or the infinities, and serde_json refuses numbers that
/// overflow `f64` (`1e400`: "number out of range"), so a payload cannot carry them. This
/// type also holds the line for values built in process (`TryFrom<f64>`, `0.0 / 0.0`)
/// and for future payload formats. `-0.0` is accepted and equals `0.0`.
///
/// Arithmetic on the inner value can overflow to ±∞ again; build a new `FiniteF64`
/// from the result to keep the guarantee. For money use integer minor units instead.
///
/// # Example
///
/// ```
/// use vetted::types::FiniteF64;
///
/// let ratio = FiniteF64::try_from(0.25)?;
/// assert_eq!(ratio.get() * 4.0, 1.0);
///
/// assert!(FiniteF64::try_from(f64::NAN).is_err());
/// assert!(FiniteF64::try_from(f64::MAX * 2.0).is_err());
/// assert!(serde_json::from_str::<FiniteF64>("1e400").is_err());
/// # Ok::<(), vetted::types::FiniteF64Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct FiniteF64(f64);

/// Why an `f64` is not a [`FiniteF64`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FiniteF64Error {
    /// The value is NaN.
    #[error("number is not a number (NaN)")]
    NotANumber,
    /// The value is +∞ or −∞.
    #[error("number is infinite")]
    Infinite,
}

impl FiniteF64 {
    /// Zero.
    pub const ZERO: Self = Self(0.0);

    /// Checks that `value` is finite.
    pub fn try_new(value: f64) -> Result<Self, FiniteF64Error> {
        if value.is_nan() {
            Err(FiniteF64Error::NotANumber)
        } else if value.is_infinite() {
            Err(FiniteF64Error::Infinite)
        } else {
            Ok(Self(value))
        }
    }

    /// The number.
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for FiniteF64 {
    type Error = FiniteF64Error;

    fn try_from(value: f64) -> Result<Self, FiniteF64Error> {
        Self::try_new(value)
    }
}

impl From<FiniteF64> for f64 {
    fn from(value: FiniteF64) -> f64 {
        value.0
    }
}

impl std::ops::Deref for FiniteF64 {
    type Target = f64;

    fn deref(&self) -> &f64 {
        &self.0
    }
}

impl fmt::Display for FiniteF64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for FiniteF64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.0)
    }
}

impl<'de> Deserialize<'de> for FiniteF64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Self::try_new(value).map_err(D::Error::custom)
    }
}

impl Validate for FiniteF64 {
    fn validate_into(&self, _: &FieldPath<'_>, _: &mut ValidationErrors) {}
}

/// `#[validate(range(...))]` compares the number with `f64` bounds.
impl RangeRule for FiniteF64 {
    type Bound = f64;

    fn number(&self) -> Option<f64> {
        Some(self.0)
    }
}

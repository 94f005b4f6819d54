//! The one error type of the public API: every message names the field at fault and
//! what was expected, so a shop's developer can fix the call without reading our code.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// A value the caller passed is wrong: `field` is its path (e.g. `items[3].price`).
    Invalid { field: String, expected: String },
    /// The call needs a catalogue and none is loaded.
    NoCatalogue,
}

impl Error {
    pub fn invalid(field: impl Into<String>, expected: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            expected: expected.into(),
        }
    }

    /// The field at fault, if any: tests and the JS layer read it.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            Error::NoCatalogue => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid { field, expected } => write!(f, "{field}: {expected}"),
            Error::NoCatalogue => {
                f.write_str("no catalogue is loaded: call loadCatalogue(items) first")
            }
        }
    }
}

impl std::error::Error for Error {}

//! The pure-Rust core. Nothing here touches the DOM or storage directly: state goes
//! through [`storage::Store`], time comes in as an argument, so all of it runs natively.

pub mod catalogue;
pub mod catalogue_json;
pub mod codec;
pub mod consent;
// DAP reports (prio, hpke) and the validation of DAP tasks: the native builds and the
// separately loaded DAP module only; the main wasm keeps none of it.
#[cfg(feature = "dap")]
pub mod dap;
pub mod engine;
pub mod error;
pub mod event;
pub mod ldp;
pub mod number;
pub mod offers;
pub mod profile;
pub mod ranking;
pub mod reports;
pub mod rules;
pub mod sort;
pub mod storage;

pub use catalogue::{Catalogue, ItemInput, LoadSummary, Problem};
pub use consent::{Consent, ConsentChange, Purpose, Source};
pub use engine::{Config, Engine, Status, TrackOutcome};
pub use error::Error;
pub use event::{Event, EventInput, EventKind};
pub use offers::{OfferContext, OfferHistory, OfferInput, OfferPool, OfferSummary, PickedOffer};
pub use profile::Profile;
pub use ranking::{OrderRequest, RankRequest, Ranked};
pub use storage::{FallbackStore, MemoryStore, Store, StoreError};

/// Milliseconds since the Unix epoch, as the browser's `Date.now()` gives them.
pub type Millis = i64;

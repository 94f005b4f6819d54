//! Shopper events as the page reports them, validated before they touch the profile.

use super::number::number_text;
use super::{Error, Millis};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EventInput {
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub item: Option<String>,
    /// When it happened (ms since the epoch); defaults to the clock. Lets a shop replay history.
    pub at: Option<f64>,
    /// For `search`: what was typed. Validated but never stored: the clicked item is the signal.
    pub query: Option<String>,
    /// For `cart` and `purchase`.
    pub quantity: Option<f64>,
    /// The item was clicked in a slot Tailor ranked (for the shop's "personalizedClick" report).
    pub personalized: Option<bool>,
}

impl EventInput {
    pub const FIELDS: &'static [&'static str] =
        &["type", "item", "at", "query", "quantity", "personalized"];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    View,
    /// A search result that was clicked.
    Search,
    Cart,
    Purchase,
    /// "Not interested".
    Dismiss,
}

impl EventKind {
    pub const ALL: [EventKind; 5] = [
        EventKind::View,
        EventKind::Search,
        EventKind::Cart,
        EventKind::Purchase,
        EventKind::Dismiss,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::View => "view",
            EventKind::Search => "search",
            EventKind::Cart => "cart",
            EventKind::Purchase => "purchase",
            EventKind::Dismiss => "dismiss",
        }
    }

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Option<EventKind> {
        EventKind::ALL.get(code as usize).copied()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub item: String,
    pub at: Millis,
    pub quantity: u32,
    pub personalized: bool,
}

/// Longest search query accepted; longer is a bug in the caller, not a query.
const MAX_QUERY: usize = 500;

impl EventInput {
    /// Checks every field; `now` fills in a missing `at`.
    pub fn validate(self, now: Millis) -> Result<Event, Error> {
        let kind = match self.kind.as_deref() {
            Some(k) => EventKind::ALL
                .into_iter()
                .find(|e| e.name() == k)
                .ok_or_else(|| Error::invalid("type", format!("\"{k}\" is not an event type; expected one of view, search, cart, purchase, dismiss")))?,
            None => return Err(Error::invalid("type", "missing; expected one of view, search, cart, purchase, dismiss")),
        };
        let item = match self.item.as_deref().map(str::trim) {
            Some(i) if !i.is_empty() => i.to_owned(),
            _ => {
                return Err(Error::invalid(
                    "item",
                    "missing; expected the id of a catalogue item",
                ))
            }
        };
        let at = match self.at {
            None => now,
            Some(t) if t.is_finite() && t >= 0.0 && t < 8.64e15 => t as Millis,
            Some(t) => {
                return Err(Error::invalid(
                    "at",
                    format!(
                        "{} is not a time; expected milliseconds since 1970 (like Date.now())",
                        number_text(t)
                    ),
                ))
            }
        };
        if kind == EventKind::Search {
            match self.query.as_deref().map(str::trim) {
                Some(q) if !q.is_empty() && q.len() <= MAX_QUERY => {}
                Some(q) if q.len() > MAX_QUERY => {
                    return Err(Error::invalid("query", "longer than 500 characters"))
                }
                _ => {
                    return Err(Error::invalid(
                        "query",
                        "missing; a search event needs the query and the clicked item",
                    ))
                }
            }
        }
        let quantity = match self.quantity {
            None => 1,
            Some(_) if !matches!(kind, EventKind::Cart | EventKind::Purchase) => {
                return Err(Error::invalid(
                    "quantity",
                    "only cart and purchase events take a quantity",
                ))
            }
            Some(q) if q.is_finite() && q >= 1.0 && q <= 10_000.0 && q.fract() == 0.0 => q as u32,
            Some(q) => {
                return Err(Error::invalid(
                    "quantity",
                    format!("{} is not a whole number from 1 to 10000", number_text(q)),
                ))
            }
        };
        let personalized = match self.personalized {
            Some(true) if matches!(kind, EventKind::Purchase | EventKind::Dismiss) => {
                return Err(Error::invalid(
                    "personalized",
                    "only view, search and cart events are clicks on a slot",
                ))
            }
            p => p.unwrap_or(false),
        };
        Ok(Event {
            kind,
            item,
            at,
            quantity,
            personalized,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(kind: &str, item: &str) -> EventInput {
        EventInput {
            kind: Some(kind.into()),
            item: Some(item.into()),
            ..Default::default()
        }
    }

    #[test]
    fn valid_events_fill_defaults() {
        let e = ev("view", "a").validate(42).unwrap();
        assert_eq!(
            e,
            Event {
                kind: EventKind::View,
                item: "a".into(),
                at: 42,
                quantity: 1,
                personalized: false
            }
        );
        let mut p = ev("purchase", "a");
        p.quantity = Some(3.0);
        p.at = Some(7.0);
        assert_eq!(p.validate(42).unwrap().quantity, 3);
        let mut s = ev("search", "a");
        s.query = Some("running shoes".into());
        assert_eq!(s.validate(0).unwrap().kind, EventKind::Search);
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |e: EventInput| e.validate(0).unwrap_err().field().unwrap().to_owned();
        assert_eq!(field(ev("like", "a")), "type");
        assert_eq!(
            field(EventInput {
                item: Some("a".into()),
                ..Default::default()
            }),
            "type"
        );
        assert_eq!(field(ev("view", " ")), "item");
        assert_eq!(
            field(EventInput {
                at: Some(f64::NAN),
                ..ev("view", "a")
            }),
            "at"
        );
        assert_eq!(
            field(EventInput {
                at: Some(-1.0),
                ..ev("view", "a")
            }),
            "at"
        );
        assert_eq!(field(ev("search", "a")), "query");
        assert_eq!(
            field(EventInput {
                quantity: Some(1.5),
                ..ev("cart", "a")
            }),
            "quantity"
        );
        assert_eq!(
            field(EventInput {
                quantity: Some(2.0),
                ..ev("view", "a")
            }),
            "quantity"
        );
        let msg = ev("like", "a").validate(0).unwrap_err().to_string();
        assert!(
            msg.starts_with("type: \"like\" is not an event type"),
            "{msg}"
        );
    }
}

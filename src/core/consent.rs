//! The shopper's consent, per purpose, and how it is stored.
//!
//! Fail closed: a record that is missing, unreadable, of an unknown format version,
//! written for another shop, given under an older policy version or expired counts as
//! "no consent" for every purpose. The record is a short line-based text so a shopper
//! (or a regulator) can read it in the browser's storage inspector.

use super::{Error, Millis};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    /// Record events, keep a profile, re-rank.
    Personalization,
    /// Send privatized aggregates.
    Analytics,
    /// Use sensitive categories for personalization (never for reports).
    Sensitive,
}

impl Purpose {
    pub const ALL: [Purpose; 3] = [
        Purpose::Personalization,
        Purpose::Analytics,
        Purpose::Sensitive,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Purpose::Personalization => "personalization",
            Purpose::Analytics => "analytics",
            Purpose::Sensitive => "sensitive",
        }
    }
}

/// Who made a choice: kept with each choice as proof of how it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    Api,
    Widget,
    BrowserSignal,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Api => "api",
            Source::Widget => "widget",
            Source::BrowserSignal => "browser-signal",
        }
    }
    fn parse(s: &str) -> Option<Source> {
        [Source::Api, Source::Widget, Source::BrowserSignal]
            .into_iter()
            .find(|x| x.name() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub granted: bool,
    pub at: Millis,
    pub source: Source,
}

/// The stored record: the shopper's last choice per purpose and the policy it was made under.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Consent {
    pub policy_version: String,
    pub choices: [Option<Choice>; 3],
    /// Every grant and withdrawal, oldest first, across policy versions: proof of consent.
    pub log: Vec<LogEntry>,
}

/// One grant or withdrawal as the consent log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    pub purpose: Purpose,
    pub granted: bool,
    pub at: Millis,
    pub source: Source,
    pub policy_version: String,
}

/// The log keeps the newest entries: enough to prove the standing choices, bounded in size.
pub const LOG_CAP: usize = 100;

/// A change the caller asks for; absent purposes are left as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentChange {
    pub personalization: Option<bool>,
    pub analytics: Option<bool>,
    pub sensitive: Option<bool>,
}

impl ConsentChange {
    pub fn get(&self, p: Purpose) -> Option<bool> {
        match p {
            Purpose::Personalization => self.personalization,
            Purpose::Analytics => self.analytics,
            Purpose::Sensitive => self.sensitive,
        }
    }
}

/// Consent stops counting after this long without being renewed (about six months).
pub const DEFAULT_EXPIRY_DAYS: u32 = 182;
const HEADER: &str = "tailor-consent 1";

/// Why a stored record did not count: reported through `status.lastError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    Unreadable,
    UnknownVersion,
    OtherShop,
}

impl ReadError {
    pub fn message(&self) -> &'static str {
        match self {
            ReadError::Unreadable => {
                "the stored consent record is unreadable; treated as no consent"
            }
            ReadError::UnknownVersion => {
                "the stored consent record has an unknown format version; treated as no consent"
            }
            ReadError::OtherShop => {
                "the stored consent record belongs to another shop; treated as no consent"
            }
        }
    }
}

fn index(p: Purpose) -> usize {
    p as usize
}

impl Consent {
    pub fn choice(&self, p: Purpose) -> Option<Choice> {
        self.choices[index(p)]
    }

    /// Is `p` granted now, under the shop's current `policy_version`?
    pub fn granted(&self, p: Purpose, policy_version: &str, now: Millis, expiry_days: u32) -> bool {
        if self.policy_version != policy_version {
            return false;
        }
        match self.choice(p) {
            Some(c) => {
                c.granted
                    && now.saturating_sub(c.at) < i64::from(expiry_days) * 86_400_000
                    && now >= c.at.saturating_sub(86_400_000)
            }
            None => false,
        }
    }

    /// Applies `change`; returns the purposes whose choice flipped to withdrawn.
    pub fn apply(
        &mut self,
        change: &ConsentChange,
        policy_version: &str,
        source: Source,
        now: Millis,
    ) -> Vec<Purpose> {
        if self.policy_version != policy_version {
            // Choices made under another policy no longer count; the log stays as proof.
            self.policy_version = policy_version.to_owned();
            self.choices = [None; 3];
        }
        let mut withdrawn = Vec::new();
        for p in Purpose::ALL {
            if let Some(granted) = change.get(p) {
                if !granted {
                    withdrawn.push(p);
                }
                self.choices[index(p)] = Some(Choice {
                    granted,
                    at: now,
                    source,
                });
                if self.log.len() >= LOG_CAP {
                    self.log.remove(0);
                }
                self.log.push(LogEntry {
                    purpose: p,
                    granted,
                    at: now,
                    source,
                    policy_version: policy_version.to_owned(),
                });
            }
        }
        withdrawn
    }

    pub fn encode(&self, shop: &str) -> String {
        let mut out = String::new();
        out.push_str(HEADER);
        out.push_str("\nshop ");
        out.push_str(shop);
        out.push_str("\npolicy ");
        out.push_str(&self.policy_version);
        for p in Purpose::ALL {
            if let Some(c) = self.choice(p) {
                out.push('\n');
                out.push_str(p.name());
                out.push_str(if c.granted { " 1 " } else { " 0 " });
                out.push_str(&c.at.to_string());
                out.push(' ');
                out.push_str(c.source.name());
            }
        }
        for e in &self.log {
            out.push_str("\nlog ");
            out.push_str(e.purpose.name());
            out.push_str(if e.granted { " 1 " } else { " 0 " });
            out.push_str(&e.at.to_string());
            out.push(' ');
            out.push_str(e.source.name());
            out.push(' ');
            out.push_str(&e.policy_version);
        }
        out
    }

    pub fn decode(text: &str, shop: &str) -> Result<Consent, ReadError> {
        let mut lines = text.split('\n');
        match lines.next() {
            Some(HEADER) => {}
            Some(h) if h.starts_with("tailor-consent ") => return Err(ReadError::UnknownVersion),
            _ => return Err(ReadError::Unreadable),
        }
        match lines.next().and_then(|l| l.strip_prefix("shop ")) {
            Some(s) if s == shop => {}
            Some(_) => return Err(ReadError::OtherShop),
            None => return Err(ReadError::Unreadable),
        }
        let policy = lines
            .next()
            .and_then(|l| l.strip_prefix("policy "))
            .ok_or(ReadError::Unreadable)?;
        let mut c = Consent {
            policy_version: policy.to_owned(),
            choices: [None; 3],
            log: Vec::new(),
        };
        let parse_choice = |purpose: &str,
                            flag: &str,
                            at: &str,
                            source: &str|
         -> Result<(Purpose, Choice), ReadError> {
            let p = Purpose::ALL
                .into_iter()
                .find(|p| p.name() == purpose)
                .ok_or(ReadError::Unreadable)?;
            let granted = match flag {
                "1" => true,
                "0" => false,
                _ => return Err(ReadError::Unreadable),
            };
            let at: Millis = at.parse().map_err(|_| ReadError::Unreadable)?;
            let source = Source::parse(source).ok_or(ReadError::Unreadable)?;
            Ok((
                p,
                Choice {
                    granted,
                    at,
                    source,
                },
            ))
        };
        for line in lines {
            let parts: Vec<&str> = line.split(' ').collect();
            match parts[..] {
                ["log", purpose, flag, at, source, policy]
                    if c.log.len() < LOG_CAP && !policy.is_empty() =>
                {
                    let (p, ch) = parse_choice(purpose, flag, at, source)?;
                    c.log.push(LogEntry {
                        purpose: p,
                        granted: ch.granted,
                        at: ch.at,
                        source: ch.source,
                        policy_version: policy.to_owned(),
                    });
                }
                [purpose, flag, at, source] if c.log.is_empty() => {
                    let (p, ch) = parse_choice(purpose, flag, at, source)?;
                    if c.choices[index(p)].replace(ch).is_some() {
                        return Err(ReadError::Unreadable);
                    }
                }
                _ => return Err(ReadError::Unreadable),
            }
        }
        Ok(c)
    }
}

/// Checks the shop's name and policy version given to `Tailor.open`.
pub fn validate_label(field: &str, value: &str) -> Result<(), Error> {
    let ok = !value.is_empty()
        && value.len() <= 100
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("\"{value}\" is not 1–100 characters of letters, digits, '-', '_' or '.'"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(p: bool) -> ConsentChange {
        ConsentChange {
            personalization: Some(p),
            ..Default::default()
        }
    }

    #[test]
    fn round_trips_and_counts_only_under_the_same_policy() {
        let mut c = Consent::default();
        assert!(!c.granted(Purpose::Personalization, "v1", 0, 182));
        c.apply(&grant(true), "v1", Source::Api, 1000);
        let text = c.encode("shop-a");
        assert_eq!(
            text,
            "tailor-consent 1\nshop shop-a\npolicy v1\npersonalization 1 1000 api\nlog personalization 1 1000 api v1"
        );
        let back = Consent::decode(&text, "shop-a").unwrap();
        assert_eq!(back, c);
        assert!(back.granted(Purpose::Personalization, "v1", 2000, 182));
        assert!(!back.granted(Purpose::Analytics, "v1", 2000, 182));
        assert!(!back.granted(Purpose::Personalization, "v2", 2000, 182));
    }

    #[test]
    fn the_log_keeps_every_choice_across_policies_and_is_bounded() {
        let mut c = Consent::default();
        c.apply(&grant(true), "v1", Source::Widget, 1);
        c.apply(
            &ConsentChange {
                analytics: Some(false),
                ..Default::default()
            },
            "v1",
            Source::BrowserSignal,
            2,
        );
        c.apply(&grant(false), "v2", Source::Api, 3);
        let back = Consent::decode(&c.encode("s"), "s").unwrap();
        assert_eq!(back, c);
        let log: Vec<(Purpose, bool, Source, &str)> = back
            .log
            .iter()
            .map(|e| (e.purpose, e.granted, e.source, e.policy_version.as_str()))
            .collect();
        assert_eq!(
            log,
            [
                (Purpose::Personalization, true, Source::Widget, "v1"),
                (Purpose::Analytics, false, Source::BrowserSignal, "v1"),
                (Purpose::Personalization, false, Source::Api, "v2"),
            ]
        );
        // Under v2 only the v2 choice stands.
        assert_eq!(back.choice(Purpose::Analytics), None);
        for t in 0..300 {
            c.apply(&grant(t % 2 == 0), "v2", Source::Api, 10 + t);
        }
        assert_eq!(c.log.len(), LOG_CAP);
        assert_eq!(c.log.last().unwrap().at, 309);
        assert_eq!(Consent::decode(&c.encode("s"), "s").unwrap(), c);
    }

    #[test]
    fn expires() {
        let mut c = Consent::default();
        c.apply(&grant(true), "v1", Source::Widget, 0);
        let day = 86_400_000;
        assert!(c.granted(Purpose::Personalization, "v1", 181 * day, 182));
        assert!(!c.granted(Purpose::Personalization, "v1", 182 * day, 182));
    }

    #[test]
    fn withdrawal_is_reported() {
        let mut c = Consent::default();
        c.apply(&grant(true), "v1", Source::Api, 0);
        assert_eq!(
            c.apply(&grant(false), "v1", Source::Api, 5),
            vec![Purpose::Personalization]
        );
        assert!(!c.granted(Purpose::Personalization, "v1", 6, 182));
    }

    #[test]
    fn fails_closed_on_anything_odd() {
        let good = "tailor-consent 1\nshop s\npolicy v1\npersonalization 1 0 api";
        assert!(Consent::decode(good, "s").is_ok());
        assert_eq!(Consent::decode(good, "t"), Err(ReadError::OtherShop));
        assert_eq!(
            Consent::decode(&good.replace("consent 1", "consent 2"), "s"),
            Err(ReadError::UnknownVersion)
        );
        for bad in [
            "",
            "{\"personalization\":true}",
            "tailor-consent 1",
            "tailor-consent 1\nshop s",
            &good.replace(" 1 0", " yes 0"),
            &good.replace(" 0 api", " x api"),
            &good.replace("api", "cookie"),
            &good.replace("personalization", "everything"),
            &format!("{good}\npersonalization 1 0 api"),
            &format!("{good}\n"),
            &format!("{good}\nlog personalization 1 0 api"),
            &format!("{good}\nlog personalization 1 0 api v1\npersonalization 1 0 api"),
        ] {
            assert_eq!(
                Consent::decode(bad, "s"),
                Err(ReadError::Unreadable),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn labels_are_checked() {
        assert!(validate_label("shop", "example-grocer").is_ok());
        assert_eq!(
            validate_label("shop", "").unwrap_err().field(),
            Some("shop")
        );
        assert!(validate_label("policyVersion", "a b").is_err());
        assert!(validate_label("shop", "a\nshop b").is_err());
    }
}

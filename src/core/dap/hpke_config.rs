//! An aggregator's HPKE keys, as `GET {aggregator}/hpke_config` returns them
//! (DAP-18 §4.5.1, media type `application/ppm-dap;message=hpke-config-list`), the
//! choice of one Tailor can encrypt to, and sealing a message to it (RFC 9180 `SealBase`).
//!
//! Tailor supports the suite every DAP deployment must offer (DAP-18 §7): DHKEM(X25519,
//! HKDF-SHA256), HKDF-SHA256, AES-128-GCM. Any other suite in the list is skipped; a
//! list with none that Tailor supports is an error naming what was offered.

use hpke::aead::AesGcm128;
use hpke::kdf::HkdfSha256;
use hpke::kem::X25519HkdfSha256;
use hpke::rand_core::{TryCryptoRng, TryRng};
use hpke::{Deserializable, OpModeS, Serializable};

use super::codec::{In, Malformed};
use super::error::{Aggregator, DapError};
use crate::core::ldp::Random;

/// DAP-18's media type of an `HpkeConfigList`, for the request's `Accept` header.
pub const HPKE_CONFIG_LIST_MEDIA_TYPE: &str = "application/ppm-dap;message=hpke-config-list";

/// HPKE algorithm identifiers (RFC 9180 §7) of the one suite Tailor encrypts with.
pub const KEM_X25519_HKDF_SHA256: u16 = 0x0020;
pub const KDF_HKDF_SHA256: u16 = 0x0001;
pub const AEAD_AES_128_GCM: u16 = 0x0001;
/// An X25519 public key (RFC 9180 §7.1: `Npk` = 32).
const X25519_PUBLIC_KEY_LEN: usize = 32;

/// One `HpkeConfig`: the key an aggregator decrypts with, and its algorithms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpkeConfig {
    pub id: u8,
    pub kem_id: u16,
    pub kdf_id: u16,
    pub aead_id: u16,
    pub public_key: Vec<u8>,
}

/// An aggregator's `HpkeConfigList`, in its order of preference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HpkeConfigList {
    pub configs: Vec<HpkeConfig>,
}

impl HpkeConfig {
    /// Whether Tailor can encrypt to it.
    pub fn supported(&self) -> bool {
        (self.kem_id, self.kdf_id, self.aead_id)
            == (KEM_X25519_HKDF_SHA256, KDF_HKDF_SHA256, AEAD_AES_128_GCM)
    }

    /// Encodes it as DAP-18 §4.5.1 does (what an aggregator serves; tests use it).
    pub fn encode(&self, out: &mut super::codec::Out) {
        out.u8(self.id)
            .u16(self.kem_id)
            .u16(self.kdf_id)
            .u16(self.aead_id)
            .vec16(&self.public_key);
    }

    /// RFC 9180 `SealBase(pk, info, aad, plaintext)`: returns `enc` (the encapsulated
    /// ephemeral key) and the ciphertext. The ephemeral key comes from `rng`.
    pub fn seal(
        &self,
        info: &[u8],
        aad: &[u8],
        plaintext: &[u8],
        rng: &mut impl Random,
    ) -> Result<(Vec<u8>, Vec<u8>), DapError> {
        if !self.supported() {
            return Err(DapError::Internal(format!(
                "HPKE config {} is not a suite Tailor supports",
                self.id
            )));
        }
        let pk = <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(&self.public_key)
            .map_err(|e| DapError::Internal(format!("HPKE public key: {e}")))?;
        let (enc, ciphertext) =
            hpke::single_shot_seal_with_rng::<AesGcm128, HkdfSha256, X25519HkdfSha256>(
                &OpModeS::Base,
                &pk,
                info,
                plaintext,
                aad,
                &mut RngAdapter(rng),
            )
            .map_err(|e| DapError::Internal(format!("HPKE seal: {e}")))?;
        Ok((enc.to_bytes().to_vec(), ciphertext))
    }
}

impl HpkeConfigList {
    /// Decodes the body of an aggregator's `hpke_config` response. DAP-18 says a client
    /// MUST abort on a list that is not valid or is empty: every defect is an error that
    /// names where it is.
    pub fn decode(body: &[u8], aggregator: Aggregator) -> Result<HpkeConfigList, DapError> {
        let fail = |m: Malformed| DapError::HpkeConfig {
            aggregator,
            field: m.field,
            problem: m.problem,
        };
        let mut outer = In::new(body);
        let list = outer.vec16("HpkeConfigList").map_err(fail)?;
        if !outer.at_end() {
            return Err(fail(Malformed {
                field: "HpkeConfigList".into(),
                problem: format!(
                    "{} bytes follow the list; expected the body to be the list alone",
                    body.len() - outer.position()
                ),
            }));
        }
        if list.is_empty() {
            return Err(fail(Malformed {
                field: "HpkeConfigList".into(),
                problem: "the list is empty; expected at least one HPKE config".into(),
            }));
        }
        let mut r = In::new(list);
        let mut configs: Vec<HpkeConfig> = Vec::new();
        while !r.at_end() {
            let k = configs.len();
            let at = |f: &str| format!("configs[{k}].{f}");
            let config = HpkeConfig {
                id: r.u8(&at("id")).map_err(fail)?,
                kem_id: r.u16(&at("kem_id")).map_err(fail)?,
                kdf_id: r.u16(&at("kdf_id")).map_err(fail)?,
                aead_id: r.u16(&at("aead_id")).map_err(fail)?,
                public_key: r.vec16(&at("public_key")).map_err(fail)?.to_vec(),
            };
            if configs.iter().any(|c| c.id == config.id) {
                return Err(fail(Malformed {
                    field: at("id"),
                    problem: format!(
                        "{} is used twice; an aggregator's config ids must be distinct",
                        config.id
                    ),
                }));
            }
            if config.public_key.is_empty() {
                return Err(fail(Malformed {
                    field: at("public_key"),
                    problem: "empty; expected the aggregator's public key".into(),
                }));
            }
            if config.supported() {
                let ok = config.public_key.len() == X25519_PUBLIC_KEY_LEN
                    && <X25519HkdfSha256 as hpke::Kem>::PublicKey::from_bytes(&config.public_key)
                        .is_ok();
                if !ok {
                    return Err(fail(Malformed {
                        field: at("public_key"),
                        problem: format!(
                            "{} bytes that are not an X25519 public key; expected 32 bytes",
                            config.public_key.len()
                        ),
                    }));
                }
            }
            configs.push(config);
        }
        Ok(HpkeConfigList { configs })
    }

    /// The aggregator's most preferred config that Tailor supports.
    pub fn choose(&self, aggregator: Aggregator) -> Result<&HpkeConfig, DapError> {
        self.configs
            .iter()
            .find(|c| c.supported())
            .ok_or_else(|| DapError::HpkeConfig {
                aggregator,
                field: "HpkeConfigList".into(),
                problem: format!(
                    "no config Tailor can encrypt to; offered (kem, kdf, aead) {}; expected (0x0020, 0x0001, 0x0001): X25519-HKDF-SHA256, HKDF-SHA256, AES-128-GCM",
                    self.configs
                        .iter()
                        .map(|c| format!("(0x{:04x}, 0x{:04x}, 0x{:04x})", c.kem_id, c.kdf_id, c.aead_id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })
    }

    /// Encodes the list as an aggregator serves it (tests and test servers use it).
    pub fn encode(&self) -> Vec<u8> {
        let mut inner = super::codec::Out::new();
        for c in &self.configs {
            c.encode(&mut inner);
        }
        let mut out = super::codec::Out::new();
        out.vec16(&inner.finish());
        out.finish()
    }
}

/// `rand_core`'s view of a [`Random`], for hpke's ephemeral keys. It is a CSPRNG when the
/// `Random` is (`OsRandom` in every real report; a seeded one only in tests).
struct RngAdapter<'a, R: Random>(&'a mut R);

impl<R: Random> TryRng for RngAdapter<'_, R> {
    type Error = core::convert::Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.0.next_u64() as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.0.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        super::fill(self.0, dst);
        Ok(())
    }
}

impl<R: Random> TryCryptoRng for RngAdapter<'_, R> {}

#[cfg(test)]
mod tests {
    use super::*;
    use hpke::Kem;

    fn config(id: u8, kem: u16, key: Vec<u8>) -> HpkeConfig {
        HpkeConfig {
            id,
            kem_id: kem,
            kdf_id: KDF_HKDF_SHA256,
            aead_id: AEAD_AES_128_GCM,
            public_key: key,
        }
    }

    #[test]
    fn the_first_supported_config_is_chosen() {
        let (_, pk) = X25519HkdfSha256::derive_keypair(b"leader key seed");
        let list = HpkeConfigList {
            configs: vec![
                config(9, 0x0010, vec![4; 65]), // P-256: skipped, not an error
                config(3, KEM_X25519_HKDF_SHA256, pk.to_bytes().to_vec()),
            ],
        };
        let bytes = list.encode();
        // A u16 list length, then id, three u16 ids and a u16-prefixed key per config.
        assert_eq!(bytes.len(), 2 + (9 + 65) + (9 + 32));
        let decoded = HpkeConfigList::decode(&bytes, Aggregator::Leader).unwrap();
        assert_eq!(decoded, list);
        assert_eq!(decoded.choose(Aggregator::Leader).unwrap().id, 3);
    }

    #[test]
    fn a_list_without_a_usable_config_names_what_is_wrong() {
        let field = |body: &[u8]| match HpkeConfigList::decode(body, Aggregator::Helper) {
            Err(DapError::HpkeConfig {
                aggregator: Aggregator::Helper,
                field,
                ..
            }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(&[]), "HpkeConfigList");
        assert_eq!(field(&[0, 0]), "HpkeConfigList");
        assert_eq!(field(&[0, 3, 1, 0, 0x20]), "configs[0].kdf_id");
        let short_key = HpkeConfigList {
            configs: vec![config(1, KEM_X25519_HKDF_SHA256, vec![1; 31])],
        };
        assert_eq!(field(&short_key.encode()), "configs[0].public_key");
        let twice = HpkeConfigList {
            configs: vec![config(1, 0x0010, vec![1]), config(1, 0x0011, vec![1])],
        };
        assert_eq!(field(&twice.encode()), "configs[1].id");
        let mut trailing = twice.encode();
        trailing.push(0);
        assert_eq!(field(&trailing), "HpkeConfigList");

        let p256_only = HpkeConfigList {
            configs: vec![config(1, 0x0010, vec![4; 65])],
        };
        let err = p256_only.choose(Aggregator::Helper).unwrap_err();
        assert!(
            err.to_string().contains("(0x0010, 0x0001, 0x0001)"),
            "{err}"
        );
        assert!(err
            .to_string()
            .starts_with("the helper aggregator's hpke_config"));
    }
}

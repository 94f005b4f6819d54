//! Where Tailor keeps its state: a tiny string key-value trait the browser's
//! `localStorage` implements in `web/`, and [`MemoryStore`] implements here.
//! [`FallbackStore`] keeps the shop's page working when the persistent store fails
//! (storage disabled, quota exceeded): it switches to memory and says so.

/// A storage failure, with the browser's own name for it (e.g. `QuotaExceededError`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

pub trait Store {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError>;
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError>;
    fn remove(&mut self, key: &str) -> Result<(), StoreError>;
    /// Every key the store holds (Tailor filters by its own prefix).
    fn keys(&self) -> Result<Vec<String>, StoreError>;
}

#[derive(Debug, Default, Clone)]
pub struct MemoryStore {
    map: SortedMap,
}

/// A handful of keys (consent, profile, offers, reports, ledger), sorted like a
/// `BTreeMap`'s: a `BTreeMap<String, String>` here compiled its removal and rebalancing
/// code into the wasm (1.8 KiB gzip) for at most a dozen entries.
#[derive(Debug, Default, Clone)]
struct SortedMap(Vec<(String, String)>);

impl SortedMap {
    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(key))
    }
    fn get(&self, key: &str) -> Option<&String> {
        self.find(key).ok().map(|i| &self.0[i].1)
    }
    fn insert(&mut self, key: String, value: String) {
        match self.find(&key) {
            Ok(i) => self.0[i].1 = value,
            Err(i) => self.0.insert(i, (key, value)),
        }
    }
    fn remove(&mut self, key: &str) {
        if let Ok(i) = self.find(key) {
            self.0.remove(i);
        }
    }
    fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        Ok(self.map.get(key).cloned())
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.map.insert(key.to_owned(), value.to_owned());
        Ok(())
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.map.remove(key);
        Ok(())
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.map.keys().cloned().collect())
    }
}

/// Which store is in use: reported through `status.storage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StorageMode {
    Persistent,
    /// The persistent store failed; state lives until the page closes.
    Memory,
}

impl StorageMode {
    pub fn as_str(self) -> &'static str {
        match self {
            StorageMode::Persistent => "local",
            StorageMode::Memory => "memory",
        }
    }
}

/// Tries the persistent store; on its first failure copies what it can read of
/// `prefix`'d keys into memory and carries on there for the rest of the page's life.
/// Erasing still reaches the persistent store (removing needs no quota): a withdrawal
/// or "erase everything" must not leave a stale copy to be read back on the next visit.
pub struct FallbackStore<S: Store> {
    primary: Option<S>,
    /// Reads and writes have moved to memory.
    failed: bool,
    memory: MemoryStore,
    prefix: String,
    /// The failure that caused the switch, kept for `status.lastError`.
    pub failure: Option<StoreError>,
}

impl<S: Store> FallbackStore<S> {
    /// `primary` is `None` when the persistent store could not even be opened.
    pub fn new(primary: Option<S>, prefix: &str, open_error: Option<StoreError>) -> Self {
        FallbackStore {
            failed: primary.is_none(),
            primary,
            memory: MemoryStore::new(),
            prefix: prefix.to_owned(),
            failure: open_error,
        }
    }

    pub fn mode(&self) -> StorageMode {
        if self.failed {
            StorageMode::Memory
        } else {
            StorageMode::Persistent
        }
    }

    /// The persistent store while reads and writes still go there.
    fn live(&mut self) -> Option<&mut S> {
        if self.failed {
            None
        } else {
            self.primary.as_mut()
        }
    }

    fn fall_back(&mut self, err: StoreError) {
        if !self.failed {
            self.failed = true;
            if let Some(p) = &self.primary {
                // Carry over what was readable so this page keeps its state.
                if let Ok(keys) = p.keys() {
                    for k in keys.into_iter().filter(|k| k.starts_with(&self.prefix)) {
                        if let Ok(Some(v)) = p.get(&k) {
                            self.memory.map.insert(k, v);
                        }
                    }
                }
            }
        }
        self.failure = Some(err);
    }

    pub fn get(&mut self, key: &str) -> Option<String> {
        if let Some(p) = self.live() {
            match p.get(key) {
                Ok(v) => return v,
                Err(e) => self.fall_back(e),
            }
        }
        self.memory.map.get(key).cloned()
    }

    pub fn set(&mut self, key: &str, value: &str) {
        if let Some(p) = self.live() {
            match p.set(key, value) {
                Ok(()) => return,
                Err(e) => self.fall_back(e),
            }
        }
        self.memory.map.insert(key.to_owned(), value.to_owned());
        // The persistent copy is now stale: better none than an old one read back later.
        if let Some(p) = &mut self.primary {
            let _ = p.remove(key);
        }
    }

    pub fn remove(&mut self, key: &str) {
        // From both: a key copied to memory must not survive an erase, nor the stored one.
        self.memory.map.remove(key);
        if let Some(p) = &mut self.primary {
            if let Err(e) = p.remove(key) {
                self.fall_back(e);
                self.memory.map.remove(key);
            }
        }
    }

    /// Every key under this store's prefix.
    pub fn keys(&mut self) -> Vec<String> {
        let mut keys: Vec<String> = match &self.primary {
            Some(p) => match p.keys() {
                Ok(k) => k,
                Err(e) => {
                    self.fall_back(e);
                    Vec::new()
                }
            },
            None => Vec::new(),
        };
        keys.extend(self.memory.map.keys().cloned());
        keys.retain(|k| k.starts_with(&self.prefix));
        super::sort::sort_by(&mut keys, &|a, b| a.cmp(b));
        keys.dedup();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A persistent store that starts failing writes after `ok_writes` succeed, as
    /// `localStorage` does when its quota fills.
    struct QuotaStore {
        inner: MemoryStore,
        ok_writes: usize,
    }
    impl Store for QuotaStore {
        fn get(&self, k: &str) -> Result<Option<String>, StoreError> {
            self.inner.get(k)
        }
        fn set(&mut self, k: &str, v: &str) -> Result<(), StoreError> {
            if self.ok_writes == 0 {
                return Err(StoreError("QuotaExceededError".into()));
            }
            self.ok_writes -= 1;
            self.inner.set(k, v)
        }
        fn remove(&mut self, k: &str) -> Result<(), StoreError> {
            self.inner.remove(k)
        }
        fn keys(&self) -> Result<Vec<String>, StoreError> {
            self.inner.keys()
        }
    }

    #[test]
    fn falls_back_to_memory_and_keeps_state() {
        let mut inner = MemoryStore::new();
        inner.set("other-app", "x").unwrap();
        let primary = QuotaStore {
            inner,
            ok_writes: 1,
        };
        let mut s = FallbackStore::new(Some(primary), "tailor.", None);
        s.set("tailor.a", "1");
        assert_eq!(s.mode(), StorageMode::Persistent);
        s.set("tailor.b", "2");
        assert_eq!(s.mode(), StorageMode::Memory);
        assert_eq!(s.failure, Some(StoreError("QuotaExceededError".into())));
        assert_eq!(s.get("tailor.a").as_deref(), Some("1"));
        assert_eq!(s.get("tailor.b").as_deref(), Some("2"));
        // Other apps' keys are not copied or listed.
        assert_eq!(
            s.keys(),
            vec!["tailor.a".to_string(), "tailor.b".to_string()]
        );
        s.remove("tailor.a");
        assert_eq!(s.get("tailor.a"), None);
        // The erase reached the persistent store too: nothing stale to read back later.
        let primary = s.primary.as_ref().unwrap();
        assert_eq!(primary.get("tailor.a").unwrap(), None);
    }

    #[test]
    fn a_failed_write_leaves_no_stale_persistent_copy() {
        let mut inner = MemoryStore::new();
        inner.set("tailor.consent", "granted, long ago").unwrap();
        let mut s = FallbackStore::new(
            Some(QuotaStore {
                inner,
                ok_writes: 0,
            }),
            "tailor.",
            None,
        );
        s.set("tailor.consent", "withdrawn");
        assert_eq!(s.get("tailor.consent").as_deref(), Some("withdrawn"));
        assert_eq!(
            s.primary.as_ref().unwrap().get("tailor.consent").unwrap(),
            None
        );
    }

    #[test]
    fn unopenable_store_runs_in_memory() {
        let mut s: FallbackStore<MemoryStore> =
            FallbackStore::new(None, "tailor.", Some(StoreError("SecurityError".into())));
        assert_eq!(s.mode(), StorageMode::Memory);
        s.set("tailor.x", "y");
        assert_eq!(s.get("tailor.x").as_deref(), Some("y"));
    }
}

//! `localStorage` behind the core's `Store` trait. Every call can throw in a browser
//! (storage disabled, sandboxed frame, quota exceeded); each throw becomes a
//! `StoreError` carrying the DOMException's name, and the core falls back to memory.

use crate::core::{Store, StoreError};
use wasm_bindgen::JsValue;

pub struct LocalStore(web_sys::Storage);

fn err(e: JsValue) -> StoreError {
    let name = js_sys::Reflect::get(&e, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string());
    StoreError(name.unwrap_or_else(|| "unknown error".to_owned()))
}

impl LocalStore {
    /// The page's `localStorage`, or why it cannot be had.
    pub fn open() -> (Option<LocalStore>, Option<StoreError>) {
        let Some(window) = web_sys::window() else {
            return (
                None,
                Some(StoreError("no window (not a browser page)".to_owned())),
            );
        };
        match window.local_storage() {
            Ok(Some(s)) => (Some(LocalStore(s)), None),
            Ok(None) => (
                None,
                Some(StoreError("localStorage unavailable".to_owned())),
            ),
            Err(e) => (None, Some(err(e))),
        }
    }
}

impl Store for LocalStore {
    fn get(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.0.get_item(key).map_err(err)
    }
    fn set(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.0.set_item(key, value).map_err(err)
    }
    fn remove(&mut self, key: &str) -> Result<(), StoreError> {
        self.0.remove_item(key).map_err(err)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        let n = self.0.length().map_err(err)?;
        let mut keys = Vec::with_capacity(n as usize);
        for i in 0..n {
            if let Some(k) = self.0.key(i).map_err(err)? {
                keys.push(k);
            }
        }
        Ok(keys)
    }
}

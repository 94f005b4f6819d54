//! What the native integration tests share.
#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;
use tailor::core::{MemoryStore, Store, StoreError};

/// One store seen by several engines, like one browser's localStorage across reloads.
#[derive(Clone, Default)]
pub struct Shared(pub Rc<RefCell<MemoryStore>>);

impl Store for Shared {
    fn get(&self, k: &str) -> Result<Option<String>, StoreError> {
        self.0.borrow().get(k)
    }
    fn set(&mut self, k: &str, v: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().set(k, v)
    }
    fn remove(&mut self, k: &str) -> Result<(), StoreError> {
        self.0.borrow_mut().remove(k)
    }
    fn keys(&self) -> Result<Vec<String>, StoreError> {
        self.0.borrow().keys()
    }
}

impl Shared {
    pub fn keys(&self) -> Vec<String> {
        self.0.borrow().keys().unwrap()
    }
    pub fn raw(&self, k: &str) -> Option<String> {
        self.0.borrow().get(k).unwrap()
    }
}

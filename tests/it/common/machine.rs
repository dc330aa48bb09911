//! One machine for the whole test binary. Cases whose figures are about time (latency, CPU
//! seconds) hold it alone; every other test holds it shared, so that nothing else in this
//! process runs beside a case that measures. The lock is fair: once a case waits to be alone,
//! tests that start later wait behind it.
//!
//! Every test takes one of these first: `let _machine = machine::shared().await;` in an async
//! test, `machine::shared_blocking()` in a plain one.

use tokio::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

static MACHINE: RwLock<()> = RwLock::const_new(());

pub async fn alone() -> RwLockWriteGuard<'static, ()> {
    MACHINE.write().await
}

pub async fn shared() -> RwLockReadGuard<'static, ()> {
    MACHINE.read().await
}

/// `shared` for a test without a runtime.
pub fn shared_blocking() -> RwLockReadGuard<'static, ()> {
    MACHINE.blocking_read()
}

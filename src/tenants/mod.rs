//! Who the callers are and what each may use: API keys (from the config and a key file, held
//! only as SHA-256 digests, looked up by digest) name the tenant, and per-tenant quotas (rate,
//! concurrency, model tokens) admit its requests. Knows nothing of gRPC: `api::auth` reads the
//! headers, `api::status` turns a refusal into a status.

pub mod keys;
pub mod quota;

pub use keys::{KeyTable, Keys};
pub use quota::{QuotaKind, Quotas, TenantPermit};

/// The tenant of every caller when no API keys are configured.
pub const DEFAULT_TENANT: &str = "default";

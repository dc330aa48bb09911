//! API-key authentication. With no keys configured every caller is tenant "default"; otherwise
//! `authorization: Bearer <key>` or `x-api-key: <key>` names the tenant. Health and reflection
//! stay open so load balancers and tools can use them.

use std::collections::BTreeMap;
use std::sync::Arc;

use tonic::{Request, Status};

/// The caller's tenant, put in request extensions by the interceptor.
#[derive(Debug, Clone)]
pub struct Tenant(pub String);

pub const DEFAULT_TENANT: &str = "default";

#[derive(Clone)]
pub struct Auth {
    tenants_by_key: Arc<BTreeMap<String, String>>,
}

impl Auth {
    pub fn new(tenants_by_key: BTreeMap<String, String>) -> Self {
        Auth {
            tenants_by_key: Arc::new(tenants_by_key),
        }
    }

    pub fn check(&self, mut req: Request<()>) -> Result<Request<()>, Status> {
        let tenant = if self.tenants_by_key.is_empty() {
            DEFAULT_TENANT.to_string()
        } else {
            let md = req.metadata();
            let key = md
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.strip_prefix("Bearer ")
                        .or_else(|| v.strip_prefix("bearer "))
                })
                .or_else(|| md.get("x-api-key").and_then(|v| v.to_str().ok()))
                .map(str::trim);
            match key {
                None => {
                    return Err(Status::unauthenticated(
                        "missing API key: send `authorization: Bearer <key>` or `x-api-key: <key>`",
                    ));
                }
                Some(k) => self
                    .tenants_by_key
                    .get(k)
                    .cloned()
                    .ok_or_else(|| Status::unauthenticated("unknown API key"))?,
            }
        };
        req.extensions_mut().insert(Tenant(tenant));
        Ok(req)
    }
}

pub fn tenant_of<T>(req: &Request<T>) -> String {
    req.extensions()
        .get::<Tenant>()
        .map(|t| t.0.clone())
        .unwrap_or_else(|| DEFAULT_TENANT.to_string())
}

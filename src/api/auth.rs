//! API-key authentication. With no keys configured every caller is tenant "default"; otherwise
//! `authorization: Bearer <key>` or `x-api-key: <key>` names the tenant, looked up by digest in
//! the key table in use now (`tenants::Keys`, which reloads the key file). Health and
//! reflection stay open so load balancers and tools can use them.

use std::sync::Arc;

use tonic::{Request, Status};

use crate::reload::Live;
pub use crate::tenants::DEFAULT_TENANT;
use crate::tenants::{KeyTable, Keys};

/// The caller's tenant, put in request extensions by the interceptor.
#[derive(Debug, Clone)]
pub struct Tenant(pub String);

#[derive(Clone)]
pub struct Auth {
    table: Arc<Live<KeyTable>>,
    required: bool,
}

impl Auth {
    pub fn new(keys: &Keys) -> Self {
        Auth {
            table: keys.live().clone(),
            required: keys.required(),
        }
    }

    pub fn check(&self, mut req: Request<()>) -> Result<Request<()>, Status> {
        let tenant = if !self.required {
            DEFAULT_TENANT.to_string()
        } else {
            let md = req.metadata();
            let key = md
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .and_then(bearer_token)
                .or_else(|| md.get("x-api-key").and_then(|v| v.to_str().ok()))
                .map(str::trim);
            match key {
                None => {
                    return Err(Status::unauthenticated(
                        "missing API key: send `authorization: Bearer <key>` or `x-api-key: <key>`",
                    ));
                }
                Some(k) => self
                    .table
                    .get()
                    .tenant(k)
                    .map(|t| t.to_string())
                    .ok_or_else(|| Status::unauthenticated("unknown API key"))?,
            }
        };
        req.extensions_mut().insert(Tenant(tenant));
        Ok(req)
    }
}

/// The credentials of an `authorization: Bearer <token>` value. The scheme is matched without
/// regard to case (RFC 7235), and spaces around it and the token are ignored.
pub fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once([' ', '\t'])?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

pub fn tenant_of<T>(req: &Request<T>) -> String {
    req.extensions()
        .get::<Tenant>()
        .map(|t| t.0.clone())
        .unwrap_or_else(|| DEFAULT_TENANT.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_scheme_is_case_insensitive_and_spaces_are_tolerated() {
        for v in [
            "Bearer k1",
            "bearer k1",
            "BEARER k1",
            "bEaReR k1",
            "Bearer    k1  ",
            "  Bearer\tk1",
        ] {
            assert_eq!(bearer_token(v), Some("k1"), "{v:?}");
        }
        for v in ["Basic k1", "Bearerk1", "Bearer", "k1", ""] {
            assert_eq!(bearer_token(v), None, "{v:?}");
        }
        assert_eq!(bearer_token("Bearer "), None);
    }

    fn auth() -> Auth {
        let server = crate::config::ServerConfig {
            api_keys: vec!["acme:k1".into()],
            ..Default::default()
        };
        Auth::new(&Keys::open(&server).unwrap())
    }

    fn call(headers: &[(&'static str, &str)]) -> Result<String, tonic::Code> {
        let mut req = Request::new(());
        for (k, v) in headers {
            req.metadata_mut().insert(*k, v.parse().unwrap());
        }
        auth()
            .check(req)
            .map(|r| tenant_of(&r))
            .map_err(|s| s.code())
    }

    #[test]
    fn keys_name_tenants() {
        assert_eq!(call(&[("authorization", "BEARER k1")]), Ok("acme".into()));
        assert_eq!(call(&[("authorization", "bearer  k1 ")]), Ok("acme".into()));
        assert_eq!(call(&[("x-api-key", " k1 ")]), Ok("acme".into()));
        // Another scheme is no bearer token; x-api-key still counts.
        let basic = ("authorization", "Basic k1");
        assert_eq!(call(&[basic, ("x-api-key", "k1")]), Ok("acme".into()));
        let unauthenticated = Err(tonic::Code::Unauthenticated);
        assert_eq!(call(&[basic]), unauthenticated);
        assert_eq!(call(&[("authorization", "Bearer k2")]), unauthenticated);
        assert_eq!(call(&[]), unauthenticated);
    }
}

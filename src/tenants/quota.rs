//! Per-tenant quotas: requests per second (a token bucket), requests in flight, and model tokens
//! per minute (a bucket of tokens that a finished request is charged; in debt, the tenant waits).
//! A refusal says which quota and when a retry can succeed, and is answered late (`hold`): after
//! the retry wait, up to `quotas.refusal_hold_max_secs`, so that a client that retries at once
//! costs the server one refusal per call in flight per hold, not one per round trip. The state
//! is one entry per tenant
//! seen; tenants come from the key table (or are "default"), never from a name a client picks,
//! and entries back at their fresh state are dropped when the map grows past `PRUNE_AT`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use opentelemetry::KeyValue;

use crate::config::{Quota, QuotasConfig};
use crate::error::{Error, Result};

/// Which quota refused a request (the `quota` attribute of the rejection metric).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaKind {
    Rate,
    Concurrency,
    Tokens,
}

impl QuotaKind {
    pub fn name(self) -> &'static str {
        match self {
            QuotaKind::Rate => "rate",
            QuotaKind::Concurrency => "concurrency",
            QuotaKind::Tokens => "tokens",
        }
    }
}

/// When a tenant at its concurrency quota is told to retry: no clock says when one of its
/// requests ends, so a short wait.
pub const CONCURRENCY_RETRY: Duration = Duration::from_millis(250);

/// How far past the bucket's next request the rate quota spreads its advice: clients that
/// ignore it (and come back at once) must not push everyone's wait out without end.
const MAX_SPREAD: Duration = Duration::from_secs(1);

/// Entries are pruned (those with nothing in flight and full buckets) past this many tenants.
const PRUNE_AT: usize = 1024;

#[derive(Debug)]
struct State {
    at: Instant,
    /// Requests the rate bucket holds.
    requests: f64,
    /// Model tokens the token bucket holds; negative: debt.
    tokens: f64,
    active: u32,
    /// The latest retry time the rate quota has advised: each refusal is told a later slot than
    /// the one before, so clients that wait as told come back one by one, not all at once.
    advised: Instant,
}

impl State {
    fn fresh(q: &Quota, now: Instant) -> State {
        State {
            at: now,
            requests: burst(q),
            tokens: q.tokens_per_minute as f64,
            active: 0,
            advised: now,
        }
    }

    /// Refills both buckets for the time since the last look.
    fn refill(&mut self, q: &Quota, now: Instant) {
        let dt = now.saturating_duration_since(self.at).as_secs_f64();
        self.at = now;
        self.requests = (self.requests + dt * q.requests_per_second).min(burst(q));
        let per_sec = q.tokens_per_minute as f64 / 60.0;
        self.tokens = (self.tokens + dt * per_sec).min(q.tokens_per_minute as f64);
    }

    fn is_fresh(&self, q: &Quota) -> bool {
        self.active == 0 && self.requests >= burst(q) && self.tokens >= q.tokens_per_minute as f64
    }
}

fn burst(q: &Quota) -> f64 {
    if q.burst > 0 {
        f64::from(q.burst)
    } else {
        q.requests_per_second.ceil().max(1.0)
    }
}

/// How long before a call's deadline a held refusal is answered: the client still gets
/// RESOURCE_EXHAUSTED (with its RetryInfo), not DEADLINE_EXCEEDED.
const HOLD_MARGIN: Duration = Duration::from_millis(20);

struct Inner {
    config: QuotasConfig,
    tenants: Mutex<HashMap<Arc<str>, State>>,
    /// Places for refusals being held (`quotas.max_held_refusals`).
    held: Arc<tokio::sync::Semaphore>,
}

/// Every tenant's quota state; cheap to clone.
#[derive(Clone)]
pub struct Quotas(Arc<Inner>);

/// A request admitted under its tenant's quota; dropping it ends the request's count.
pub struct TenantPermit {
    quotas: Quotas,
    tenant: Arc<str>,
}

impl Drop for TenantPermit {
    fn drop(&mut self) {
        if let Some(s) = self.quotas.lock().get_mut(&self.tenant) {
            s.active = s.active.saturating_sub(1);
        }
        let m = crate::metrics::get();
        m.tenant_active
            .add(-1, &[KeyValue::new("tenant", self.tenant.to_string())]);
    }
}

impl Quotas {
    pub fn new(config: QuotasConfig) -> Quotas {
        Quotas(Arc::new(Inner {
            held: Arc::new(tokio::sync::Semaphore::new(
                config.max_held_refusals as usize,
            )),
            config,
            tenants: Mutex::new(HashMap::new()),
        }))
    }

    /// Answers a refusal late: after its retry wait, at most `quotas.refusal_hold_max_secs`
    /// and never past `deadline` (less a margin), with the wait left as its retry time. A
    /// client that waits as told waits no longer in all. Holding costs a timer, no CPU, and
    /// the refused request's memory is the caller's to drop first; with every place taken
    /// (`quotas.max_held_refusals`) the refusal is answered at once. Any other error is
    /// returned as it is.
    pub async fn hold(&self, e: Error, deadline: Instant) -> Error {
        let Error::QuotaExceeded {
            tenant,
            quota,
            limit,
            retry_after,
        } = e
        else {
            return e;
        };
        let before_deadline = deadline
            .saturating_duration_since(Instant::now())
            .saturating_sub(HOLD_MARGIN);
        let max = Duration::try_from_secs_f64(self.0.config.refusal_hold_max_secs)
            .unwrap_or(Duration::ZERO);
        let hold = retry_after.min(max).min(before_deadline);
        let place = (!hold.is_zero())
            .then(|| self.0.held.clone().try_acquire_owned().ok())
            .flatten();
        let retry_after = match place {
            Some(_place) => {
                tokio::time::sleep(hold).await;
                retry_after.saturating_sub(hold)
            }
            None => retry_after,
        };
        Error::QuotaExceeded {
            tenant,
            quota,
            limit,
            retry_after,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Arc<str>, State>> {
        // Each update leaves the entry consistent; a panic elsewhere cannot break it.
        self.0
            .tenants
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Admits one request of `tenant`, or refuses it with the quota it is over and when to
    /// retry. Nothing is taken from any bucket by a refused request.
    pub fn admit(&self, tenant: &str) -> Result<TenantPermit> {
        let q = self.0.config.of(tenant);
        let now = Instant::now();
        let mut map = self.lock();
        if !map.contains_key(tenant) && map.len() >= PRUNE_AT {
            let config = &self.0.config;
            map.retain(|t, s| {
                let q = config.of(t);
                s.refill(&q, now);
                !s.is_fresh(&q)
            });
        }
        let tenant: Arc<str> = match map.get_key_value(tenant) {
            Some((t, _)) => t.clone(),
            None => {
                let t: Arc<str> = Arc::from(tenant);
                map.insert(t.clone(), State::fresh(&q, now));
                t
            }
        };
        let Some(s) = map.get_mut(&tenant) else {
            return Err(Error::Internal("quota state vanished".into()));
        };
        s.refill(&q, now);
        let refuse = |kind: QuotaKind, limit: String, retry_after: Duration| {
            crate::metrics::get().quota_rejections.add(
                1,
                &[
                    KeyValue::new("tenant", tenant.to_string()),
                    KeyValue::new("quota", kind.name()),
                ],
            );
            Err(Error::QuotaExceeded {
                tenant: tenant.to_string(),
                quota: kind.name(),
                limit,
                retry_after,
            })
        };
        if q.max_concurrent > 0 && s.active >= q.max_concurrent {
            let limit = format!("{} requests in flight", q.max_concurrent);
            return refuse(QuotaKind::Concurrency, limit, CONCURRENCY_RETRY);
        }
        if q.tokens_per_minute > 0 && s.tokens <= 0.0 {
            let per_sec = q.tokens_per_minute as f64 / 60.0;
            // Until the debt is paid and one token is there again.
            let wait = Duration::from_secs_f64((1.0 - s.tokens) / per_sec);
            let limit = format!("{} model tokens per minute", q.tokens_per_minute);
            return refuse(QuotaKind::Tokens, limit, wait);
        }
        if q.requests_per_second > 0.0 {
            if s.requests < 1.0 {
                let rps = q.requests_per_second;
                let ready = now + Duration::from_secs_f64((1.0 - s.requests) / rps);
                let slot = ready.max(s.advised);
                if slot < ready + MAX_SPREAD {
                    s.advised = slot + Duration::from_secs_f64(1.0 / rps);
                }
                let limit = format!("{rps} requests per second");
                return refuse(QuotaKind::Rate, limit, slot.min(ready + MAX_SPREAD) - now);
            }
            s.requests -= 1.0;
        }
        s.active += 1;
        drop(map);
        crate::metrics::get()
            .tenant_active
            .add(1, &[KeyValue::new("tenant", tenant.to_string())]);
        Ok(TenantPermit {
            quotas: self.clone(),
            tenant,
        })
    }

    /// Charges `tenant` the model tokens a request used.
    pub fn charge(&self, tenant: &str, tokens: u64) {
        let q = self.0.config.of(tenant);
        if q.tokens_per_minute == 0 || tokens == 0 {
            return;
        }
        let now = Instant::now();
        if let Some(s) = self.lock().get_mut(tenant) {
            s.refill(&q, now);
            s.tokens -= tokens as f64;
        }
    }

    /// Tenants with state now.
    pub fn tracked(&self) -> usize {
        self.lock().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::QuotaOverride;

    fn quotas(default: Quota, acme: QuotaOverride) -> Quotas {
        let mut c = QuotasConfig {
            default,
            ..Default::default()
        };
        c.tenants.insert("acme".into(), acme);
        Quotas::new(c)
    }

    fn kind(r: Result<TenantPermit>) -> Option<(&'static str, Duration)> {
        match r {
            Ok(_) => None,
            Err(Error::QuotaExceeded {
                quota, retry_after, ..
            }) => Some((quota, retry_after)),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn no_quota_admits_everything() {
        let q = quotas(Quota::default(), QuotaOverride::default());
        let held: Vec<_> = (0..100).map(|_| q.admit("x").unwrap()).collect();
        assert_eq!(held.len(), 100);
    }

    #[test]
    fn concurrency_is_per_tenant_and_freed_on_drop() {
        let q = quotas(
            Quota {
                max_concurrent: 2,
                ..Default::default()
            },
            QuotaOverride {
                max_concurrent: Some(1),
                ..Default::default()
            },
        );
        let a = q.admit("acme").unwrap();
        assert_eq!(
            kind(q.admit("acme")),
            Some(("concurrency", CONCURRENCY_RETRY))
        );
        let _b1 = q.admit("beta").unwrap();
        let _b2 = q.admit("beta").unwrap();
        assert!(kind(q.admit("beta")).is_some());
        drop(a);
        let _a = q.admit("acme").unwrap();
    }

    #[test]
    fn the_rate_bucket_refuses_past_its_burst_and_says_when_to_retry() {
        let q = quotas(
            Quota {
                requests_per_second: 2.0,
                burst: 3,
                ..Default::default()
            },
            QuotaOverride::default(),
        );
        for _ in 0..3 {
            drop(q.admit("beta").unwrap());
        }
        let (k, wait) = kind(q.admit("beta")).unwrap();
        assert_eq!(k, "rate");
        assert!(
            wait > Duration::from_millis(400) && wait <= Duration::from_millis(500),
            "{wait:?}"
        );
        // The next refusals are told later slots, one request's time apart.
        let (_, second) = kind(q.admit("beta")).unwrap();
        let (_, third) = kind(q.admit("beta")).unwrap();
        let step = Duration::from_millis(500);
        assert!(
            second >= wait + step - Duration::from_millis(5),
            "{wait:?} {second:?}"
        );
        assert!(
            third >= second + step - Duration::from_millis(5),
            "{second:?} {third:?}"
        );
        std::thread::sleep(wait);
        drop(q.admit("beta").unwrap());
        // However many come, none is told to wait much past a second beyond the bucket.
        for _ in 0..50 {
            let (_, w) = kind(q.admit("beta")).unwrap();
            assert!(w <= Duration::from_millis(1500), "{w:?}");
        }
    }

    #[test]
    fn tokens_are_charged_after_and_a_tenant_in_debt_waits() {
        let q = quotas(
            Quota {
                tokens_per_minute: 600,
                ..Default::default()
            },
            QuotaOverride::default(),
        );
        drop(q.admit("beta").unwrap());
        q.charge("beta", 660);
        let (k, wait) = kind(q.admit("beta")).unwrap();
        assert_eq!(k, "tokens");
        // 60 tokens of debt at 10 a second, and one more.
        assert!(
            wait > Duration::from_millis(5900) && wait <= Duration::from_millis(6100),
            "{wait:?}"
        );
        // Another tenant is not charged.
        drop(q.admit("gamma").unwrap());
    }

    #[test]
    fn idle_tenants_are_pruned_so_the_map_stays_bounded() {
        let q = quotas(
            Quota {
                max_concurrent: 4,
                ..Default::default()
            },
            QuotaOverride::default(),
        );
        let busy = q.admit("busy").unwrap();
        for i in 0..5000 {
            drop(q.admit(&format!("t{i}")).unwrap());
        }
        assert!(q.tracked() <= PRUNE_AT + 1, "{}", q.tracked());
        drop(busy);
    }

    fn refusal(retry_after: Duration) -> Error {
        Error::QuotaExceeded {
            tenant: "acme".into(),
            quota: "rate",
            limit: "1 requests per second".into(),
            retry_after,
        }
    }

    fn retry_of(e: &Error) -> Duration {
        match e {
            Error::QuotaExceeded { retry_after, .. } => *retry_after,
            e => panic!("{e}"),
        }
    }

    fn holding(max_secs: f64, places: u32) -> Quotas {
        Quotas::new(QuotasConfig {
            refusal_hold_max_secs: max_secs,
            max_held_refusals: places,
            ..Default::default()
        })
    }

    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    /// Held for its wait up to the cap, and told the rest: the whole wait is the same.
    #[tokio::test(start_paused = true)]
    async fn a_refusal_is_held_for_its_wait_up_to_the_cap() {
        let q = holding(1.0, 8);
        for (wait, held, left) in [(300, 300, 0), (3000, 1000, 2000)] {
            let start = tokio::time::Instant::now();
            let e = q.hold(refusal(Duration::from_millis(wait)), far()).await;
            assert_eq!(start.elapsed(), Duration::from_millis(held));
            assert_eq!(retry_of(&e), Duration::from_millis(left));
        }
        // Other errors, and no hold configured: at once, as they are.
        let e = q.hold(Error::Cancelled, far()).await;
        assert!(matches!(e, Error::Cancelled));
        let start = tokio::time::Instant::now();
        let e = holding(0.0, 8)
            .hold(refusal(Duration::from_secs(2)), far())
            .await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(retry_of(&e), Duration::from_secs(2));
    }

    /// Never past the call's deadline (less the margin): the client gets the refusal.
    #[tokio::test(start_paused = true)]
    async fn a_refusal_is_answered_before_the_deadline() {
        let q = holding(1.0, 8);
        let deadline = Instant::now() + Duration::from_millis(100);
        let start = tokio::time::Instant::now();
        let e = q.hold(refusal(Duration::from_millis(900)), deadline).await;
        let held = start.elapsed();
        assert!(held <= Duration::from_millis(80) && held >= Duration::from_millis(70));
        // The rest of the wait (the timer's millisecond rounding aside).
        let left = retry_of(&e);
        assert!(left >= Duration::from_millis(819) && left <= Duration::from_millis(831));
        // A deadline already (nearly) past: at once.
        let start = tokio::time::Instant::now();
        q.hold(refusal(Duration::from_millis(900)), Instant::now())
            .await;
        assert_eq!(start.elapsed(), Duration::ZERO);
    }

    /// Past `max_held_refusals` held at once, refusals are answered at once with their whole
    /// wait; a place freed is taken again.
    #[tokio::test(start_paused = true)]
    async fn held_refusals_are_bounded() {
        let q = holding(1.0, 2);
        let held: Vec<_> = (0..2)
            .map(|_| {
                let q = q.clone();
                tokio::spawn(
                    async move { q.hold(refusal(Duration::from_millis(500)), far()).await },
                )
            })
            .collect();
        tokio::task::yield_now().await;
        let start = tokio::time::Instant::now();
        let e = q.hold(refusal(Duration::from_millis(500)), far()).await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        assert_eq!(retry_of(&e), Duration::from_millis(500));
        for h in held {
            assert_eq!(retry_of(&h.await.unwrap()), Duration::ZERO);
        }
        let e = q.hold(refusal(Duration::from_millis(500)), far()).await;
        assert_eq!(retry_of(&e), Duration::ZERO);
    }
}

//! Session memory on Redis (or Valkey), shared by replicas (`memory.backend = "redis"`). Owns
//! the key layout, the Lua scripts that make each append one atomic step on the server (two
//! replicas appending to one session can neither lose nor repeat an index), the single-flight
//! leases of request ids across replicas, and the retries: a command that cannot reach Redis is
//! tried again after doubling waits, then fails UNAVAILABLE. A turn is acknowledged only after
//! Redis answered its append; how durable it then is depends on Redis's `appendonly` and
//! `appendfsync` (README, Session memory on Redis).
//!
//! Keys are `<prefix>:{<n>:<tenant>:<id>}:<kind>`: the braces are Redis Cluster's hash tag, so
//! one session's keys (or one request id's) share a slot and a script may touch them together;
//! `<n>` is the length of the escaped tenant and `%`, `{`, `}` are escaped in both names, so
//! every (tenant, id) has its own keys and no tenant can name another's.
//! - `{T:S}:t` the turns, a list of `<index>\n<Turn>`, trimmed to the cap; the next index is one
//!   past the last element's, so no separate counter can disagree with the list;
//! - `{T:S}:s` a hash: created_ms, updated_ms;
//! - `{T:S}:o:r<request id>` a hash (index, response): a request's stored answer; a turn with no
//!   request id gets `{T:S}:o:u<uuid>` (index only) for `RETRY_WINDOW_MS`, so that an append
//!   retried after a lost reply returns the index it already got instead of appending again;
//! - `{T:R}:r` the session request id R last ran in; `{T:R}:l` its lease (the holder's token).
//!
//! Every key expires: a session's `session_ttl_secs` after its last append (as sled's sweeper
//! would delete it), a lease `lease_secs` after its holder last renewed it.
//!
//! With `memory.redis.cluster`, commands go through redis-rs's Redis Cluster client, which sends
//! each to the primary of its key's slot and follows redirections; `WAIT` (which has no key) is
//! sent to the session's primary, the one that took the append.

use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use prost::Message as _;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::{ClusterClient, ClusterClientBuilder, ClusterConfig};
use redis::cluster_async::ClusterConnection;
use redis::{
    ClientTlsConfig, Cmd, ErrorKind, Pipeline, RedisError, RedisFuture, RedisResult, RetryMethod,
    Script, ScriptInvocation, ServerErrorKind, TlsCertificates, Value,
};

use super::{NewTurn, now_ms};
use crate::config::{MemoryConfig, RedisConfig};
use crate::error::{Error, Result};
use crate::proto::{AskResponse, Session, Turn};

/// How long a turn without a request id remembers its append, for retries after a lost reply.
const RETRY_WINDOW_MS: u64 = 15 * 60 * 1000;
/// The longest wait between two looks at a request id someone else holds.
const MAX_CLAIM_WAIT: Duration = Duration::from_millis(250);

/// KEYS: turns, session, op. ARGV: turn, cap, ttl ms, now ms, has response, response, op ttl ms.
/// Returns {index, 1 when the op had already been applied}.
const APPEND: &str = r"
local done = redis.call('HGET', KEYS[3], 'index')
if done then return {tonumber(done), 1} end
local index = 0
local last = redis.call('LINDEX', KEYS[1], -1)
if last then
  local n = string.match(last, '^(%d+)\n')
  if not n then return redis.error_reply('DAMAGED the last turn of ' .. KEYS[1] .. ' has no index') end
  index = tonumber(n) + 1
end
redis.call('RPUSH', KEYS[1], string.format('%d', index) .. '\n' .. ARGV[1])
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('HSETNX', KEYS[2], 'created_ms', ARGV[4])
redis.call('HSET', KEYS[2], 'updated_ms', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[3], 'index', index, 'response', ARGV[6])
else
  redis.call('HSET', KEYS[3], 'index', index)
end
redis.call('PEXPIRE', KEYS[3], ARGV[7])
return {index, 0}
";

/// KEYS: lease. ARGV: token, lease ms. Extends the lease if this token still holds it.
const RENEW: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
";

/// KEYS: lease. ARGV: token. Deletes the lease if this token still holds it.
const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

struct Scripts {
    append: Script,
    renew: Script,
    release: Script,
}

/// Where commands go: one Redis (a connection that reconnects), or a Redis Cluster.
#[derive(Clone)]
enum Endpoint {
    One(ConnectionManager),
    Cluster(Arc<LazyCluster>),
}

/// The cluster connection is made on first use: making it starts a task, which needs the
/// runtime that `Store::new` may be called outside of.
struct LazyCluster {
    client: ClusterClient,
    config: RedisConfig,
    conn: OnceLock<ClusterConnection>,
}

/// One connection's handle, for one command or script.
#[derive(Clone)]
enum Conn {
    One(ConnectionManager),
    Cluster(ClusterConnection),
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Conn::One(c) => c.req_packed_command(cmd),
            Conn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Conn::One(c) => c.req_packed_commands(pipeline, offset, count),
            Conn::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Conn::One(c) => c.get_db(),
            Conn::Cluster(c) => c.get_db(),
        }
    }
}

#[derive(Clone)]
pub struct Store {
    endpoint: Endpoint,
    config: Arc<MemoryConfig>,
    scripts: Arc<Scripts>,
    /// Whether the durability Redis gives has been logged (once, on the first answer).
    told_durability: Arc<AtomicBool>,
}

/// What `claim` found.
pub enum Claimed {
    Stored(Box<AskResponse>),
    Held(Lease),
}

/// A request id's lease, renewed while held, released when dropped. A holder that dies stops
/// renewing, and the lease expires.
pub struct Lease {
    key: String,
    token: String,
    store: Store,
    renewing: tokio::task::JoinHandle<()>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.renewing.abort();
        let (store, key, token) = (self.store.clone(), self.key.clone(), self.token.clone());
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                let mut c = store.conn();
                let r: RedisResult<i64> = store
                    .scripts
                    .release
                    .key(&key)
                    .arg(&token)
                    .invoke_async(&mut c)
                    .await;
                // Not fatal: the lease expires by itself.
                if let Err(e) = r {
                    tracing::debug!(error = %e, "releasing a request id's lease");
                }
            });
        }
    }
}

/// `%`, `{` and `}` escaped, so that a name never ends the hash tag or fakes an escape.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '{' => out.push_str("%7B"),
            '}' => out.push_str("%7D"),
            c => out.push(c),
        }
    }
    out
}

/// Transient: Redis unreachable, a connection lost, a reply late, Redis loading its data.
fn transient(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_timeout()
        || e.is_connection_dropped()
        || !matches!(e.retry_method(), RetryMethod::NoRetry)
}

/// Redis Cluster's slot of a key: CRC16 (XMODEM) of its hash tag, modulo 16384.
fn slot_of(key: &str) -> u16 {
    let tag = key
        .split_once('{')
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(tag, _)| tag)
        .filter(|tag| !tag.is_empty())
        .unwrap_or(key);
    crc16::State::<crc16::XMODEM>::calculate(tag.as_bytes()) % 16384
}

/// Runs the append script and, with `wait` (replicas, timeout ms), `WAIT` after it in one
/// pipeline: on the connection that made the write (WAIT counts that connection's writes; on
/// another, after a reconnect, it would count none and answer at once), and in a cluster on the
/// primary of the session's slot, where the pipeline is routed by the script's keys (WAIT alone
/// would go to every primary). The number of replicas that acknowledged, with `wait`.
async fn append_and_wait(
    mut c: Conn,
    inv: &ScriptInvocation<'_>,
    wait: Option<(u32, u64)>,
) -> RedisResult<((u64, u8), Option<u32>)> {
    let Some((want, timeout)) = wait else {
        return Ok((inv.invoke_async(&mut c).await?, None));
    };
    let mut pipe = redis::pipe();
    pipe.invoke_script(inv).cmd("WAIT").arg(want).arg(timeout);
    let r: RedisResult<((u64, u8), u32)> = pipe.query_async(&mut c).await;
    let (appended, got) = match r {
        // A Redis that has not seen the script yet (new, or restarted): load it, run again.
        Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
            inv.load_async(&mut c).await?;
            pipe.query_async(&mut c).await?
        }
        r => r?,
    };
    Ok((appended, Some(got)))
}

/// The CA and client certificate files for `rediss://`, read once at start (not watched: a
/// new CA for Redis takes a restart). None: no such file is set.
fn tls_files(rc: &RedisConfig) -> Result<Option<TlsCertificates>> {
    let read = |name: &str, path: &Path| {
        std::fs::read(path)
            .map_err(|e| Error::Config(format!("memory.redis.{name} ({}): {e}", path.display())))
    };
    let root_cert = rc
        .tls_ca
        .as_deref()
        .map(|p| read("tls_ca", p))
        .transpose()?;
    let client_tls = match (&rc.tls_cert, &rc.tls_key) {
        (Some(cert), Some(key)) => Some(ClientTlsConfig {
            client_cert: read("tls_cert", cert)?,
            client_key: read("tls_key", key)?,
        }),
        _ => None,
    };
    if root_cert.is_none() && client_tls.is_none() {
        return Ok(None);
    }
    Ok(Some(TlsCertificates {
        client_tls,
        root_cert,
    }))
}

fn ms(secs: f64) -> u64 {
    (secs * 1000.0).ceil() as u64
}

/// A record that does not read back: an ERROR naming the key, the corruption metric (as sled's
/// are reported), and a storage error (INTERNAL to clients).
fn damaged(key: &str, what: &str) -> Error {
    tracing::error!(
        key,
        error = what,
        "session store damaged: a record does not read back"
    );
    crate::metrics::get()
        .memory_corruption
        .add(1, &crate::metrics::attrs(&[("at", "read".to_string())]));
    Error::Storage(format!("redis {key}: {what}"))
}

/// A turn as stored: its index, a newline, the protobuf (with no index of its own).
fn decode_turn(key: &str, b: &[u8]) -> Result<Turn> {
    let damaged = |what: &str| damaged(key, &format!("a turn {what}"));
    let nl = b
        .iter()
        .take(21)
        .position(|&c| c == b'\n')
        .ok_or_else(|| damaged("without its index"))?;
    let index: u64 = std::str::from_utf8(&b[..nl])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| damaged("with a bad index"))?;
    let mut turn =
        Turn::decode(&b[nl + 1..]).map_err(|e| damaged(&format!("that does not decode: {e}")))?;
    turn.index = index;
    Ok(turn)
}

impl Store {
    /// Connects lazily: the first command connects, so this never waits on Redis.
    pub fn new(config: MemoryConfig) -> Result<Store> {
        let rc = &config.redis;
        let secs = Duration::from_secs_f64;
        let bad_url = |e: RedisError| Error::Config(format!("memory.redis.url: {e}"));
        let certs = tls_files(rc)?;
        let endpoint = if rc.cluster {
            let seeds: Vec<&str> = rc.url.split(',').map(str::trim).collect();
            // Redirections (a slot moved) are followed here, by the cluster client; an
            // unreachable node is tried again by `run`, with its backoff, as for one Redis.
            let backoff_ms = ms(rc.retry_backoff_secs);
            let mut builder = ClusterClientBuilder::new(seeds);
            if let Some(certs) = certs {
                builder = builder.certs(certs);
            }
            let client = builder
                .retries(2)
                .min_retry_wait(backoff_ms)
                .max_retry_wait(backoff_ms.saturating_mul(4).max(backoff_ms + 1))
                .connection_timeout(secs(rc.connect_timeout_secs))
                .response_timeout(secs(rc.response_timeout_secs))
                .build()
                .map_err(bad_url)?;
            Endpoint::Cluster(Arc::new(LazyCluster {
                client,
                config: rc.clone(),
                conn: OnceLock::new(),
            }))
        } else {
            let client = match certs {
                Some(certs) => redis::Client::build_with_tls(rc.url.as_str(), certs),
                None => redis::Client::open(rc.url.as_str()),
            }
            .map_err(bad_url)?;
            // One connection attempt per command; `run` does the retries, with its own backoff.
            let manager = ConnectionManagerConfig::new()
                .set_number_of_retries(0)
                .set_connection_timeout(Some(secs(rc.connect_timeout_secs)))
                .set_response_timeout(Some(secs(rc.response_timeout_secs)));
            let conn = ConnectionManager::new_lazy_with_config(client, manager)
                .map_err(|e| Error::Config(format!("memory.redis: {e}")))?;
            Endpoint::One(conn)
        };
        Ok(Store {
            endpoint,
            config: Arc::new(config),
            scripts: Arc::new(Scripts {
                append: Script::new(APPEND),
                renew: Script::new(RENEW),
                release: Script::new(RELEASE),
            }),
            told_durability: Arc::default(),
        })
    }

    fn redis(&self) -> &RedisConfig {
        &self.config.redis
    }

    /// A handle for the next command (the cluster's is made on first use, in the runtime).
    fn conn(&self) -> Conn {
        match &self.endpoint {
            Endpoint::One(c) => Conn::One(c.clone()),
            Endpoint::Cluster(lazy) => Conn::Cluster(
                lazy.conn
                    .get_or_init(|| {
                        let secs = Duration::from_secs_f64;
                        let config = ClusterConfig::new()
                            .set_connection_timeout(secs(lazy.config.connect_timeout_secs))
                            .set_response_timeout(secs(lazy.config.response_timeout_secs));
                        lazy.client.get_pending_async_connection_with_config(config)
                    })
                    .clone(),
            ),
        }
    }

    fn key(&self, tenant: &str, id: &str, kind: &str) -> String {
        let tenant = escape(tenant);
        format!(
            "{}:{{{}:{tenant}:{}}}:{kind}",
            self.redis().key_prefix,
            tenant.len(),
            escape(id)
        )
    }

    /// A key (never written) whose slot is in `first..=last`, for asking that slot's primary.
    fn key_in_slots(&self, first: u16, last: u16) -> String {
        let prefix = &self.redis().key_prefix;
        (0u32..)
            .map(|n| format!("{prefix}:health:{{{n}}}"))
            .find(|k| (first..=last).contains(&slot_of(k)))
            .unwrap_or_default()
    }

    fn ttl_ms(&self) -> u64 {
        self.config.session_ttl_secs.saturating_mul(1000)
    }

    /// Runs `op` on the connection; a transient failure is tried again `retries` times after
    /// doubling waits, then is UNAVAILABLE. Anything else is a storage error.
    async fn run<T, F, Fut>(&self, what: &str, mut op: F) -> Result<T>
    where
        F: FnMut(Conn) -> Fut,
        Fut: Future<Output = RedisResult<T>>,
    {
        let rc = self.redis();
        let mut wait = Duration::from_secs_f64(rc.retry_backoff_secs);
        let mut tries = 0;
        loop {
            tries += 1;
            match op(self.conn()).await {
                Ok(v) => return Ok(v),
                Err(e) if transient(&e) && tries <= rc.retries => {
                    tracing::debug!(error = %e, tries, what, "redis: trying again");
                    tokio::time::sleep(wait).await;
                    wait = wait.saturating_mul(2);
                }
                Err(e) if transient(&e) => {
                    tracing::warn!(error = %e, tries, what, "redis unreachable");
                    return Err(Error::MemoryUnavailable(format!(
                        "the session store did not answer after {tries} tries; retry with backoff"
                    )));
                }
                Err(e) => {
                    return Err(Error::Storage(format!("redis, {what}: {e}")));
                }
            }
        }
    }

    pub async fn recent_turns(&self, tenant: &str, session: &str) -> Result<Vec<Turn>> {
        let key = self.key(tenant, session, "t");
        let n = self.config.history_turns as i64;
        if n == 0 {
            return Ok(Vec::new());
        }
        let raw: Vec<Vec<u8>> = self
            .run("reading history", |mut c| {
                let cmd = redis::cmd("LRANGE").arg(&key).arg(-n).arg(-1).clone();
                async move { cmd.query_async(&mut c).await }
            })
            .await?;
        raw.iter().map(|b| decode_turn(&key, b)).collect()
    }

    pub async fn append(&self, new: NewTurn<'_>) -> Result<u64> {
        let turns = self.key(new.tenant, new.session_id, "t");
        let session = self.key(new.tenant, new.session_id, "s");
        let rid = new.turn.request_id.clone();
        // Named once, before the first try: a retry after a lost reply finds the first's mark.
        let (op, op_ttl) = if rid.is_empty() {
            let id = uuid::Uuid::new_v4().simple().to_string();
            (format!("o:u{id}"), RETRY_WINDOW_MS.min(self.ttl_ms()))
        } else {
            (format!("o:r{}", escape(&rid)), self.ttl_ms())
        };
        let op = self.key(new.tenant, new.session_id, &op);
        let mut turn = new.turn;
        turn.index = 0;
        let turn = turn.encode_to_vec();
        let response = new.response.map(|mut r| {
            // The script fills in the index; readers set it from there.
            r.turn_index = 0;
            r.encode_to_vec()
        });
        let cap = self.config.max_turns_per_session as u64;
        let (ttl, now) = (self.ttl_ms(), now_ms());
        if !rid.is_empty() {
            // `claim` has set it already; an append without one is found by its id all the same.
            // Before the append, so that one Redis's WAIT covers it too.
            self.point(new.tenant, &rid, new.session_id).await?;
        }
        let want = self.redis().wait_replicas;
        let wait = (want > 0).then(|| (want, ms(self.redis().wait_timeout_secs)));
        let ((index, _again), got): ((u64, u8), Option<u32>) = self
            .run("appending a turn", |c| {
                let mut inv = self.scripts.append.key(&turns);
                inv.key(&session).key(&op);
                inv.arg(&turn).arg(cap).arg(ttl).arg(now);
                match &response {
                    Some(r) => inv.arg("1").arg(r.as_slice()),
                    None => inv.arg("0").arg(""),
                };
                inv.arg(op_ttl);
                async move { append_and_wait(c, &inv, wait).await }
            })
            .await?;
        if let Some(got) = got
            && got < want
        {
            tracing::warn!(want, got, "redis: a turn reached too few replicas in time");
            return Err(Error::MemoryUnavailable(format!(
                "the turn reached {got} of the {want} replicas memory.redis.wait_replicas asks for; retry with backoff"
            )));
        }
        self.tell_durability().await;
        Ok(index)
    }

    /// The stored answer of a request id: through the session it last ran in.
    pub async fn task(&self, tenant: &str, request_id: &str) -> Result<Option<AskResponse>> {
        let pointer = self.key(tenant, request_id, "r");
        let session: Option<String> = self
            .run("looking up a request id", |mut c| {
                let cmd = redis::cmd("GET").arg(&pointer).clone();
                async move { cmd.query_async(&mut c).await }
            })
            .await?;
        let Some(session) = session else {
            return Ok(None);
        };
        let op = self.key(tenant, &session, &format!("o:r{}", escape(request_id)));
        let (index, response): (Option<u64>, Option<Vec<u8>>) = self
            .run("reading a stored answer", |mut c| {
                let cmd = redis::cmd("HMGET")
                    .arg(&op)
                    .arg("index")
                    .arg("response")
                    .clone();
                async move { cmd.query_async(&mut c).await }
            })
            .await?;
        let (Some(index), Some(response)) = (index, response) else {
            return Ok(None);
        };
        let mut r = AskResponse::decode(response.as_slice())
            .map_err(|e| damaged(&op, &format!("the answer does not decode: {e}")))?;
        r.turn_index = index;
        Ok(Some(r))
    }

    pub async fn session(&self, tenant: &str, session: &str) -> Result<Option<Session>> {
        let turns = self.key(tenant, session, "t");
        let meta = self.key(tenant, session, "s");
        // One transaction: the record and the turns as of one moment.
        type Read = (Vec<Vec<u8>>, (Option<i64>, Option<i64>));
        let (raw, (created, updated)): Read = self
            .run("reading a session", |mut c| {
                let pipe = redis::pipe()
                    .atomic()
                    .cmd("LRANGE")
                    .arg(&turns)
                    .arg(0)
                    .arg(-1)
                    .cmd("HMGET")
                    .arg(&meta)
                    .arg("created_ms")
                    .arg("updated_ms")
                    .clone();
                async move { pipe.query_async(&mut c).await }
            })
            .await?;
        if raw.is_empty() && created.is_none() {
            return Ok(None);
        }
        Ok(Some(Session {
            session_id: session.to_string(),
            created_at_ms: created.unwrap_or(0),
            updated_at_ms: updated.unwrap_or(0),
            turns: raw
                .iter()
                .map(|b| decode_turn(&turns, b))
                .collect::<Result<_>>()?,
        }))
    }

    pub async fn delete_session(&self, tenant: &str, session: &str) -> Result<bool> {
        let keys = [
            self.key(tenant, session, "t"),
            self.key(tenant, session, "s"),
        ];
        let n: u64 = self
            .run("deleting a session", |mut c| {
                let cmd = redis::cmd("DEL").arg(&keys).clone();
                async move { cmd.query_async(&mut c).await }
            })
            .await?;
        Ok(n > 0)
    }

    /// Waits until no replica holds the request id, then gives its stored answer, or holds it:
    /// the lease first, then a second look (its holder may have finished in between), then the
    /// pointer to `session`, where this request's answer will be.
    pub async fn claim(&self, tenant: &str, request_id: &str, session: &str) -> Result<Claimed> {
        let lease_key = self.key(tenant, request_id, "l");
        let lease_ms = ms(self.redis().lease_secs);
        let mut wait = Duration::from_millis(10);
        loop {
            if let Some(stored) = self.task(tenant, request_id).await? {
                return Ok(Claimed::Stored(Box::new(stored)));
            }
            let token = uuid::Uuid::new_v4().simple().to_string();
            let got: Option<String> = self
                .run("taking a request id's lease", |mut c| {
                    let cmd = redis::cmd("SET")
                        .arg(&lease_key)
                        .arg(&token)
                        .arg("NX")
                        .arg("PX")
                        .arg(lease_ms)
                        .clone();
                    async move { cmd.query_async(&mut c).await }
                })
                .await?;
            if got.is_some() {
                let lease = self.hold(lease_key, token, lease_ms);
                if let Some(stored) = self.task(tenant, request_id).await? {
                    return Ok(Claimed::Stored(Box::new(stored)));
                }
                self.point(tenant, request_id, session).await?;
                return Ok(Claimed::Held(lease));
            }
            tokio::time::sleep(wait).await;
            wait = (wait * 2).min(MAX_CLAIM_WAIT);
        }
    }

    /// Records that request id `request_id` runs (or ran) in `session`.
    async fn point(&self, tenant: &str, request_id: &str, session: &str) -> Result<()> {
        let pointer = self.key(tenant, request_id, "r");
        let ttl = self.ttl_ms();
        self.run("recording a request id", |mut c| {
            let cmd = redis::cmd("SET")
                .arg(&pointer)
                .arg(session)
                .arg("PX")
                .arg(ttl)
                .clone();
            async move { cmd.query_async(&mut c).await }
        })
        .await
    }

    /// A held lease, renewed every third of its length until dropped.
    fn hold(&self, key: String, token: String, lease_ms: u64) -> Lease {
        let (store, k, t) = (self.clone(), key.clone(), token.clone());
        let renewing = tokio::spawn(async move {
            let every = Duration::from_millis((lease_ms / 3).max(1));
            loop {
                tokio::time::sleep(every).await;
                let mut c = store.conn();
                let r: RedisResult<i64> = store
                    .scripts
                    .renew
                    .key(&k)
                    .arg(&t)
                    .arg(lease_ms)
                    .invoke_async(&mut c)
                    .await;
                match r {
                    Ok(1) => {}
                    // Lost (it expired while Redis was away, and maybe another took it): the
                    // request goes on; the append's mark keeps its index from repeating.
                    Ok(_) => return,
                    Err(e) => tracing::debug!(error = %e, "renewing a request id's lease"),
                }
            }
        });
        Lease {
            key,
            token,
            store: self.clone(),
            renewing,
        }
    }

    /// One PING, no retries: whether Redis answers now. In a cluster, whether every slot's
    /// primary answers: one `EXISTS` of a key in each range of slots. (The cluster client
    /// sends a command without a key, PING included, to any node it is still connected to.)
    pub async fn ping(&self) -> Result<()> {
        let r: RedisResult<()> = match self.conn() {
            Conn::One(mut c) => redis::cmd("PING").query_async(&mut c).await,
            Conn::Cluster(mut c) => {
                async {
                    let ranges: Vec<Vec<Value>> = redis::cmd("CLUSTER")
                        .arg("SLOTS")
                        .query_async(&mut c)
                        .await?;
                    if ranges.is_empty() {
                        let e = std::io::Error::other("the cluster serves no slots");
                        return Err(e.into());
                    }
                    for range in ranges {
                        let mut ends = range.into_iter();
                        let first: u16 =
                            redis::from_redis_value(ends.next().unwrap_or(Value::Nil))?;
                        let last: u16 = redis::from_redis_value(ends.next().unwrap_or(Value::Nil))?;
                        let key = self.key_in_slots(first, last);
                        let _: bool = redis::cmd("EXISTS").arg(key).query_async(&mut c).await?;
                    }
                    Ok(())
                }
                .await
            }
        };
        match r {
            Ok(_) => {
                self.tell_durability().await;
                Ok(())
            }
            Err(e) => Err(Error::MemoryUnavailable(format!("redis: {e}"))),
        }
    }

    /// Logs once what an acknowledged turn survives, as Redis is configured (when Redis lets
    /// us read its configuration; managed services often do not).
    async fn tell_durability(&self) {
        if self.told_durability.swap(true, Ordering::Relaxed) {
            return;
        }
        let mut c = self.conn();
        let r: RedisResult<Vec<String>> = redis::cmd("CONFIG")
            .arg("GET")
            .arg("append*")
            .query_async(&mut c)
            .await;
        let Ok(pairs) = r else {
            tracing::info!(
                "redis does not let us read appendonly/appendfsync; an acknowledged turn is as \
                 durable as they are set there (README, Session memory on Redis)"
            );
            return;
        };
        let get = |name: &str| {
            pairs
                .chunks(2)
                .find(|p| p.first().map(String::as_str) == Some(name))
                .and_then(|p| p.get(1).cloned())
                .unwrap_or_default()
        };
        let (aof, fsync) = (get("appendonly"), get("appendfsync"));
        let gives = match (aof.as_str(), fsync.as_str()) {
            ("yes", "always") => "survives a crash of Redis or of its machine",
            ("yes", "everysec") => {
                "survives a crash of Redis; a crash of its machine can lose the last second"
            }
            ("yes", _) => {
                "survives a crash of Redis; a crash of its machine can lose what the OS had \
                 not written (up to about 30 s)"
            }
            _ => {
                "is lost if Redis stops before its next snapshot: set appendonly yes (and \
                 appendfsync everysec or always)"
            }
        };
        if aof == "yes" {
            tracing::info!(appendonly = %aof, appendfsync = %fsync, "redis: an acknowledged turn {gives}");
        } else {
            tracing::warn!(appendonly = %aof, appendfsync = %fsync, "redis: an acknowledged turn {gives}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::slot_of;

    /// As Redis 7.0's `CLUSTER KEYSLOT` answers: an empty tag, or none, hashes the whole key.
    #[test]
    fn slots_are_rediss() {
        for (key, slot) in [
            ("foo", 12182),
            ("switchboard:{1:t:s}:t", 671),
            ("a{}b", 13694),
            ("{}{x}", 3257),
            ("x{y", 2740),
        ] {
            assert_eq!(slot_of(key), slot, "{key}");
        }
    }
}

//! Deadlines. tonic's own `grpc-timeout` handling answers CANCELLED; our contract says
//! DEADLINE_EXCEEDED, so a layer notes when each request arrived and what timeout the client
//! asked for, and handlers stop a little before tonic would.

use std::time::{Duration, Instant};

use tonic::codegen::http;

/// When the request's headers arrived, and the client's `grpc-timeout`, if any.
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    pub at: Instant,
    pub client_timeout: Option<Duration>,
}

/// Stamps every incoming HTTP request with its `Arrival`.
pub fn stamp<B>(mut req: http::Request<B>) -> http::Request<B> {
    let client_timeout = req
        .headers()
        .get("grpc-timeout")
        .and_then(|v| v.to_str().ok())
        .and_then(parse_grpc_timeout);
    req.extensions_mut().insert(Arrival {
        at: Instant::now(),
        client_timeout,
    });
    req
}

/// `grpc-timeout` is up to 8 digits and a unit: H, M, S, m (ms), u (µs), n (ns).
pub fn parse_grpc_timeout(v: &str) -> Option<Duration> {
    if v.len() < 2 || v.len() > 9 {
        return None;
    }
    let (digits, unit) = v.split_at(v.len() - 1);
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// Time we stop before the client's deadline, so that our DEADLINE_EXCEEDED reaches the client
/// before its own timer (or tonic's, which answers CANCELLED) fires: a tenth of the budget,
/// between 20 ms and 500 ms.
fn margin(timeout: Duration) -> Duration {
    (timeout / 10).clamp(Duration::from_millis(20), Duration::from_millis(500))
}

/// The instant by which a request must be answered: the client's deadline (less a margin) or
/// the server's own limit, whichever is sooner.
pub fn deadline(arrival: Option<Arrival>, server_limit: Duration) -> (Instant, Duration) {
    let a = arrival.unwrap_or(Arrival {
        at: Instant::now(),
        client_timeout: None,
    });
    let budget = match a.client_timeout {
        Some(t) => t.saturating_sub(margin(t)).min(server_limit),
        None => server_limit,
    };
    (a.at + budget, budget)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_timeouts() {
        assert_eq!(parse_grpc_timeout("100m"), Some(Duration::from_millis(100)));
        assert_eq!(parse_grpc_timeout("2S"), Some(Duration::from_secs(2)));
        assert_eq!(parse_grpc_timeout("1H"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_grpc_timeout("5"), None);
        assert_eq!(parse_grpc_timeout("123456789S"), None);
        assert_eq!(parse_grpc_timeout("12x"), None);
    }

    #[test]
    fn client_deadline_wins_when_sooner() {
        let at = Instant::now();
        let a = Arrival {
            at,
            client_timeout: Some(Duration::from_millis(1000)),
        };
        let (d, budget) = deadline(Some(a), Duration::from_secs(10));
        assert_eq!(budget, Duration::from_millis(900));
        assert_eq!(d, at + Duration::from_millis(900));
        let short = Arrival {
            at,
            client_timeout: Some(Duration::from_millis(100)),
        };
        assert_eq!(
            deadline(Some(short), Duration::from_secs(10)).1,
            Duration::from_millis(80)
        );
        let (_, budget) = deadline(
            Some(Arrival {
                at,
                client_timeout: None,
            }),
            Duration::from_secs(10),
        );
        assert_eq!(budget, Duration::from_secs(10));
    }
}

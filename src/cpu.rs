//! The CPU pool and the stop signal. Every CPU-heavy step of a request (decoding media at
//! validation, the routing encoder, OCR, form grounding, the engine's image preprocessing) runs
//! here, on at most `cpu_workers` blocking threads at once: that bounds the CPU those steps take
//! and the memory they hold (the README states each job's budget), and keeps the async workers
//! free. A job gets the request's `Stop` and checks it between stages, so a cancelled or expired
//! request lets go of its worker at the next check. Owns no request logic.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};

/// When a request's work must stop: it was cancelled (the client went away, or a step failed)
/// or its deadline passed. Cheap to clone; every clone sees the same cancellation.
#[derive(Clone, Debug, Default)]
pub struct Stop {
    cancel: CancellationToken,
    deadline: Option<Instant>,
}

impl Stop {
    pub fn new(cancel: CancellationToken, deadline: Option<Instant>) -> Stop {
        Stop { cancel, deadline }
    }

    /// A stop that only cancellation triggers (command-line tools, tests).
    pub fn never() -> Stop {
        Stop::default()
    }

    pub fn token(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// A stop that fires with this one, and can be fired alone too (a failed step of a plan
    /// stops the others without cancelling the whole request's token).
    pub fn child(&self) -> Stop {
        Stop {
            cancel: self.cancel.child_token(),
            deadline: self.deadline,
        }
    }

    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// `Err` once the work should stop: CANCELLED, or DEADLINE_EXCEEDED.
    pub fn check(&self) -> Result<()> {
        if self.cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            return Err(Error::deadline_passed());
        }
        Ok(())
    }

    /// Resolves when the work should stop, with the reason.
    pub async fn stopped(&self) -> Error {
        let deadline = async {
            match self.deadline {
                Some(d) => tokio::time::sleep_until(d.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = self.cancel.cancelled() => Error::Cancelled,
            _ = deadline => Error::deadline_passed(),
        }
    }

    /// Runs `work` unless the stop comes first.
    pub async fn guard<T>(&self, work: impl Future<Output = Result<T>>) -> Result<T> {
        tokio::select! {
            r = work => r,
            e = self.stopped() => Err(e),
        }
    }
}

/// A fixed number of blocking workers for CPU-heavy jobs.
#[derive(Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
    workers: usize,
}

impl CpuPool {
    /// `workers` = 0: one per available core.
    pub fn new(workers: usize) -> CpuPool {
        let workers = if workers == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            workers
        };
        CpuPool {
            permits: Arc::new(Semaphore::new(workers)),
            workers,
        }
    }

    pub fn workers(&self) -> usize {
        self.workers
    }

    /// A worker's place, held while async code drives CPU work elsewhere (ffmpeg decoding a
    /// video in a child process), so that such work counts against the pool too. Waiting ends
    /// early when `stop` fires.
    pub async fn hold(&self, stop: &Stop) -> Result<tokio::sync::OwnedSemaphorePermit> {
        let permit = stop
            .guard(async {
                self.permits
                    .clone()
                    .acquire_owned()
                    .await
                    .map_err(|_| Error::Internal("CPU pool closed".into()))
            })
            .await?;
        stop.check()?;
        Ok(permit)
    }

    /// Runs `job` on a blocking thread once a worker is free. Waiting for the worker ends early
    /// when `stop` fires; the job itself checks `stop` between its stages. The job keeps the
    /// caller's tracing span.
    pub async fn run<T, F>(&self, stop: &Stop, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Stop) -> Result<T> + Send + 'static,
    {
        let permit = self.hold(stop).await?;
        let stop = stop.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _worker = permit;
            span.in_scope(|| job(&stop))
        })
        .await
        .map_err(|e| Error::Internal(format!("CPU job: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test]
    async fn at_most_workers_jobs_run_at_once() {
        let pool = CpuPool::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..6).map(|_| {
            let (running, most, pool) = (running.clone(), most.clone(), pool.clone());
            async move {
                pool.run(&Stop::never(), move |_| {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(30));
                    running.fetch_sub(1, Ordering::SeqCst);
                    Ok(())
                })
                .await
            }
        });
        for r in futures::future::join_all(jobs).await {
            r.unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_stopped_request_does_not_wait_for_a_worker() {
        let pool = CpuPool::new(1);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let busy = {
            let pool = pool.clone();
            tokio::spawn(async move {
                pool.run(&Stop::never(), move |_| {
                    started_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok(())
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap())
            .await
            .unwrap();

        let cancelled = Stop::never();
        cancelled.cancel();
        let r = pool.run(&cancelled, |_| Ok(())).await;
        assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");

        let expired = Stop::new(
            CancellationToken::new(),
            Some(Instant::now() + Duration::from_millis(20)),
        );
        let r = pool.run(&expired, |_| Ok(())).await;
        assert!(matches!(r, Err(Error::DeadlineExceeded(_))), "{r:?}");

        release_tx.send(()).unwrap();
        busy.await.unwrap().unwrap();
    }

    #[tokio::test]
    async fn jobs_see_the_stop() {
        let pool = CpuPool::new(1);
        let stop = Stop::never();
        let inner = stop.clone();
        let r = pool
            .run(&stop, move |s| {
                inner.cancel();
                s.check()
            })
            .await;
        assert!(matches!(r, Err(Error::Cancelled)));
    }
}

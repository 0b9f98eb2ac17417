//! Progress on stderr for a person at a terminal: regions swept, CloudTrail pages and log
//! files read, principals evaluated. Drawn on one line, only when stderr is a terminal, only
//! after the first second, and never with `--quiet` or for machine output on a pipe.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How often the line is redrawn.
const REFRESH: Duration = Duration::from_millis(120);
/// Work that ends sooner shows no progress at all.
const QUIET_START: Duration = Duration::from_secs(1);

/// One thing being counted: `label done/total` (or `label done` when the total is unknown).
#[derive(Debug)]
pub struct Counter {
    label: &'static str,
    done: AtomicU64,
    total: AtomicU64,
}

/// A handle the collectors and the engine count with; does nothing when progress is off.
#[derive(Debug, Clone, Default)]
pub struct Tick(Option<Arc<Counter>>);

impl Tick {
    pub fn inc(&self) {
        if let Some(c) = &self.0 {
            c.done.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub fn add_total(&self, n: u64) {
        if let Some(c) = &self.0 {
            c.total.fetch_add(n, Ordering::Relaxed);
        }
    }
}

/// Every `Tick` is the same for comparisons: counting is not part of what options mean.
impl PartialEq for Tick {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Tick {}

struct Shared {
    counters: Mutex<Vec<Arc<Counter>>>,
    stop: Mutex<bool>,
    wake: Condvar,
    drawn: AtomicBool,
}

/// The progress line. [`Progress::finish`] (or dropping it) stops drawing and clears it.
pub struct Progress {
    shared: Option<Arc<Shared>>,
    ticker: Option<JoinHandle<()>>,
}

impl Progress {
    /// Progress that draws nothing.
    pub fn off() -> Progress {
        Progress {
            shared: None,
            ticker: None,
        }
    }

    /// Progress on stderr when `enabled` (the caller decides: terminal, not quiet, not machine
    /// output on a pipe).
    pub fn new(enabled: bool) -> Progress {
        if !enabled {
            return Progress::off();
        }
        let shared = Arc::new(Shared {
            counters: Mutex::new(Vec::new()),
            stop: Mutex::new(false),
            wake: Condvar::new(),
            drawn: AtomicBool::new(false),
        });
        let for_thread = Arc::clone(&shared);
        let ticker = std::thread::Builder::new()
            .name("progress".into())
            .spawn(move || draw_until_stopped(&for_thread));
        match ticker {
            Ok(ticker) => Progress {
                shared: Some(shared),
                ticker: Some(ticker),
            },
            Err(_) => Progress::off(),
        }
    }

    /// A new counter on the line.
    pub fn counter(&self, label: &'static str) -> Tick {
        let Some(shared) = &self.shared else {
            return Tick::default();
        };
        let counter = Arc::new(Counter {
            label,
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
        });
        shared
            .counters
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Arc::clone(&counter));
        Tick(Some(counter))
    }

    /// Stops drawing and clears the line, before the report is written.
    pub fn finish(&mut self) {
        if let Some(shared) = &self.shared {
            *shared.stop.lock().unwrap_or_else(PoisonError::into_inner) = true;
            shared.wake.notify_all();
        }
        if let Some(ticker) = self.ticker.take() {
            let _ = ticker.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}

fn line(counters: &[Arc<Counter>]) -> String {
    let parts: Vec<String> = counters
        .iter()
        .map(|c| {
            let done = c.done.load(Ordering::Relaxed);
            match c.total.load(Ordering::Relaxed) {
                0 => format!("{} {done}", c.label),
                total => format!("{} {done}/{total}", c.label),
            }
        })
        .collect();
    format!("gdaudit: {}", parts.join(" · "))
}

fn draw_until_stopped(shared: &Shared) {
    let started = Instant::now();
    let mut stopped = shared.stop.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        // Woken by `finish`, or after REFRESH to redraw: a timer for the display, not a
        // synchronisation of work.
        let (guard, _) = shared
            .wake
            .wait_timeout(stopped, REFRESH)
            .unwrap_or_else(PoisonError::into_inner);
        stopped = guard;
        if *stopped {
            break;
        }
        if started.elapsed() < QUIET_START {
            continue;
        }
        let text = line(
            &shared
                .counters
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        let mut err = std::io::stderr().lock();
        // \r and "erase line": one line, redrawn in place.
        let _ = write!(err, "\r\x1b[2K{text}");
        let _ = err.flush();
        shared.drawn.store(true, Ordering::Relaxed);
    }
    if shared.drawn.load(Ordering::Relaxed) {
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K");
        let _ = err.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_read_as_done_over_total() {
        let a = Arc::new(Counter {
            label: "regions",
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
        });
        let b = Arc::new(Counter {
            label: "pages",
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
        });
        let (ta, tb) = (Tick(Some(Arc::clone(&a))), Tick(Some(Arc::clone(&b))));
        ta.add_total(20);
        ta.inc();
        tb.inc();
        tb.inc();
        assert_eq!(line(&[a, b]), "gdaudit: regions 1/20 · pages 2");
    }

    #[test]
    fn disabled_progress_counts_nothing_and_starts_no_thread() {
        let mut p = Progress::new(false);
        assert!(p.ticker.is_none());
        let t = p.counter("x");
        t.inc();
        assert!(t.0.is_none());
        p.finish();
    }

    #[test]
    fn finish_stops_the_ticker() {
        let mut p = Progress::new(true);
        let t = p.counter("x");
        t.inc();
        p.finish();
        assert!(p.ticker.is_none());
    }
}

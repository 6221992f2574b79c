//! Low-priority threads for work whose cost follows the stored data: the record lists,
//! summaries and whole-tree scans of the API, and compressing long answers.
//!
//! On tokio's shared blocking pool such work competes for the CPU on equal terms with the
//! async workers, so on a small machine a long list delays every short call behind it.
//! Here it runs on its own threads, one per CPU, each with a lower scheduling priority
//! (nice 10), so the workers answering short calls get the CPU first. Calls beyond the
//! thread count wait their turn, which also bounds the memory long answers take at once.

use std::sync::OnceLock;

/// The threads, started on first use; `None` if the system refused them (then the work
/// runs on tokio's shared blocking pool, as it would without this module).
fn pool() -> Option<&'static tokio::runtime::Runtime> {
    static POOL: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(threads)
            .thread_name("background")
            .on_thread_start(lower_priority)
            .build()
            .inspect_err(|e| {
                tracing::error!("starting the background threads: {e}; using the shared pool")
            })
            .ok()
    })
    .as_ref()
}

/// Lowers the calling thread's priority (Linux: nice applies per thread). Best effort: a
/// refusal leaves the normal priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread, no memory is shared.
    unsafe {
        let tid = libc::gettid();
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 10);
    }
}

/// Runs `f` on a background thread and waits for it without holding the caller's
/// thread. Fails only if `f` panicked.
pub async fn run<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, tokio::task::JoinError> {
    match pool() {
        Some(pool) => pool.spawn_blocking(f).await,
        None => tokio::task::spawn_blocking(f).await,
    }
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn work_runs_on_a_niced_thread() {
        let (name, nice) = super::run(|| {
            let name = std::thread::current().name().map(str::to_string);
            // SAFETY: reads the calling thread's priority.
            let nice = unsafe {
                *libc::__errno_location() = 0;
                libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t)
            };
            (name, nice)
        })
        .await
        .unwrap();
        assert_eq!(name.as_deref(), Some("background"));
        assert_eq!(nice, 10);
        assert!(super::run(|| panic!("boom")).await.is_err());
    }
}

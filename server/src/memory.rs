//! Allocator settings that let memory go back to the system after a burst.
//!
//! glibc's malloc serves a large allocation (an Argon2id hash's ~19 MiB) from `mmap` at
//! first, but after freeing one it raises its threshold, so the following ones come from
//! its heaps, which it does not give back: a burst of logins left the server about 1 GB
//! larger for good. A fixed threshold keeps large blocks in `mmap`, returned on free.

/// Blocks of at least this size are mapped on their own and unmapped when freed.
const MMAP_THRESHOLD: i32 = 1 << 20;

/// Applies the settings; call once, before the server starts working.
pub fn return_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes malloc's tuning parameters; it is called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    }
}

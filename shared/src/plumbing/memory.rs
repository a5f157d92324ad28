//! The tools' memory: glibc's allocator, tuned to keep what it frees, and huge pages for big
//! buffers; at the end of a run, what was freed goes back to the kernel.
//!
//! A first touch of a 4 KiB page costs 1.3-2 µs on the machines these tools run on (a
//! virtual machine: every fault is a trip through the hypervisor's page tables), and a tool's
//! big buffers (the input's column chunks, the matrix, encoded pages) are most of the pages it
//! touches: `vectorize fit` on 47k titles took 4,700 faults, a tenth of its CPU. A 2 MiB huge
//! page is faulted in once, for about what 150 small pages cost, and torn down at exit as one.
//!
//! So a buffer of [`BIG`] bytes or more (up to [`CAP`]) gets a mapping of its own: whole huge
//! pages from a huge-page boundary, marked for transparent huge pages (`madvise`, which the
//! kernel honours when its policy is `madvise` or `always`, the defaults of most
//! distributions). glibc's own blocks cannot be used for that: it places them anywhere, so few
//! would hold a whole aligned huge page. The cost is memory, at most one huge page's rounding
//! per such buffer (27 -> 31 MB for 47k titles, 263 -> 275 MB for a million). A freed mapping
//! is kept for the next big buffer, as glibc keeps its freed blocks (see [`tune`]): without
//! that, `split` of a million stories faulted its buffers in afresh, 230k faults against
//! glibc's 154k.
//!
//! Medians of alternated runs (`scripts/ab`), glibc alone against this: `vectorize fit` of the
//! union set's 47k titles 27.8 -> 25.6 ms (4,690 -> 2,604 faults), `split` of its stories
//! 40.5 -> 37.2 ms, `split` of a million 665 -> 638 ms.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Keep freed memory in the process instead of returning it to the kernel at once. These tools
/// allocate and free large buffers in phases (read, decode, fit, encode); by default glibc gives
/// big blocks back with munmap/trim, and the next phase faults fresh zeroed pages in again. With
/// a high mmap and trim threshold, `vectorize fit` on 47k titles took a quarter fewer page faults
/// and a tenth less CPU. Memory use is bounded the same way: freed blocks are reused. Called
/// once, before the tool starts threads.
pub(crate) fn tune() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only sets allocator parameters; no other thread allocates yet.
    unsafe {
        // 32 MiB is glibc's ceiling for the mmap threshold on 64-bit.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 256 << 20);
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
    }
}

/// Give the memory the run has freed (glibc's free blocks, the kept mappings) back to the
/// kernel on a thread of its own, once: called as the outputs are committed, where the run
/// mostly waits for the disk, so the kernel has less to tear down at exit, which the caller
/// waits for. Kept for reuse while the tool works, at the end it is only in the way.
pub(crate) fn release_freed() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = std::thread::Builder::new().spawn(|| {
            #[cfg(target_env = "gnu")]
            // SAFETY: malloc_trim only returns free heap memory to the kernel.
            unsafe {
                libc::malloc_trim(0);
            }
            release_kept(&KEPT);
        });
    });
}

/// Buffers from this size up are mapped in huge pages.
const BIG: usize = 1 << 20;

/// Buffers from this size up stay with glibc, which maps those of 32 MiB and up itself and
/// moves them with `mremap` as they grow: a million stories' columns, which the huge-page
/// budget below would leave in small pages anyway.
const CAP: usize = 16 << 20;

/// Bytes of new mappings advised to take huge pages, over the run: the first [`ADVISE_BUDGET`]
/// of them are, the rest are left in small pages. A run over tens of thousands of stories maps
/// less than that; one over a million maps hundreds of MB, and fresh huge pages in that amount
/// cost more than they save where the kernel hands free 2 MiB blocks back to the hypervisor
/// (free page reporting, as on the machines these tools were measured on): every one is then
/// faulted in on the host too. All of them huge, `split` of a million stories took 13-21 %
/// longer than with glibc alone.
static ADVISED: AtomicUsize = AtomicUsize::new(0);
const ADVISE_BUDGET: usize = 64 << 20;

/// The size of a huge page (x86-64 and arm64 with 4 KiB pages).
const HUGE: usize = 2 << 20;

/// The allocator every tool uses (`#[global_allocator]` in the crate's root).
pub struct Allocator;

/// Whether a block of this layout is mapped here rather than left to glibc. Alignments above a
/// huge page (no type in the tools asks for one) stay with glibc, which honours them.
#[inline]
fn mapped(layout: &Layout) -> bool {
    (BIG..CAP).contains(&layout.size()) && layout.align() <= HUGE
}

/// The length of the mapping that holds `size` bytes: whole huge pages.
#[inline]
fn span(size: usize) -> usize {
    size.next_multiple_of(HUGE)
}

/// A new zeroed mapping of `span(size)` bytes at a huge-page boundary, or null.
unsafe fn map(size: usize) -> *mut u8 {
    let len = span(size);
    // SAFETY: an anonymous private mapping touches no existing memory; the parts cut off
    // below and above the aligned span are unmapped exactly, the span itself is kept.
    unsafe {
        // A huge page more than asked for, so that a boundary lies within the first one.
        let raw = libc::mmap(
            ptr::null_mut(),
            len + HUGE,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if raw == libc::MAP_FAILED {
            return ptr::null_mut();
        }
        let raw = raw as usize;
        let start = raw.next_multiple_of(HUGE);
        let lead = start - raw;
        if lead > 0 {
            libc::munmap(raw as *mut libc::c_void, lead);
        }
        let trail = HUGE - lead;
        if trail > 0 {
            libc::munmap((start + len) as *mut libc::c_void, trail);
        }
        // Advice only: without transparent huge pages the mapping works in small pages.
        if ADVISED.fetch_add(len, Ordering::Relaxed) + len <= ADVISE_BUDGET {
            libc::madvise(start as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
        }
        start as *mut u8
    }
}

/// Return a mapping made by [`map`] for `size` bytes.
unsafe fn unmap(p: *mut u8, size: usize) {
    // SAFETY: `p` and `span(size)` are exactly what `map` (or `mremap` in `realloc`) gave.
    unsafe {
        libc::munmap(p as *mut libc::c_void, span(size));
    }
}

/// Freed mappings kept for reuse: at most [`KEEP`] of them and [`KEEP_BYTES`] in all (the
/// bound glibc's freed memory has in [`tune`]).
struct Kept {
    /// (address, length) of each kept mapping; the first `n` are in use.
    maps: [(usize, usize); KEEP],
    n: usize,
    bytes: usize,
}

const KEEP: usize = 16;
const KEEP_BYTES: usize = 256 << 20;

/// The allocator's list.
static KEPT: Mutex<Kept> = Mutex::new(Kept::EMPTY);

/// A list of kept mappings, locked; a panic cannot happen while the lock is held, but a
/// poisoned lock would still hold a consistent list.
fn locked(list: &Mutex<Kept>) -> std::sync::MutexGuard<'_, Kept> {
    list.lock().unwrap_or_else(|e| e.into_inner())
}

impl Kept {
    const EMPTY: Kept = Kept {
        maps: [(0, 0); KEEP],
        n: 0,
        bytes: 0,
    };

    /// Take out the smallest kept mapping of at least `need` bytes: (address, length).
    fn take(&mut self, need: usize) -> Option<(usize, usize)> {
        let i = (0..self.n)
            .filter(|&i| self.maps[i].1 >= need)
            .min_by_key(|&i| self.maps[i].1)?;
        let m = self.maps[i];
        self.n -= 1;
        self.maps[i] = self.maps[self.n];
        self.bytes -= m.1;
        Some(m)
    }

    /// Keep a mapping, if the list has room for it.
    fn put(&mut self, at: usize, len: usize) -> bool {
        if self.n == KEEP || self.bytes + len > KEEP_BYTES {
            return false;
        }
        self.maps[self.n] = (at, len);
        self.n += 1;
        self.bytes += len;
        true
    }
}

/// A mapping of `list` for `size` bytes (its pages mostly faulted in already, contents stale),
/// or null: the smallest that is long enough, cut to `span(size)`.
unsafe fn reuse(list: &Mutex<Kept>, size: usize) -> *mut u8 {
    let need = span(size);
    let Some((at, len)) = locked(list).take(need) else {
        return ptr::null_mut();
    };
    if len > need {
        // SAFETY: the tail past `need` belongs to the mapping just taken out of the list.
        unsafe { libc::munmap((at + need) as *mut libc::c_void, len - need) };
    }
    at as *mut u8
}

/// Keep the mapping of `size` bytes at `p` in `list` for reuse, or unmap it if the list is full.
unsafe fn release(list: &Mutex<Kept>, p: *mut u8, size: usize) {
    if !locked(list).put(p as usize, span(size)) {
        // SAFETY: the caller's mapping, no longer used.
        unsafe { unmap(p, size) }
    }
}

/// Unmap every mapping of `list`.
fn release_kept(list: &Mutex<Kept>) {
    let mut k = locked(list);
    while let Some((at, len)) = k.take(0) {
        // SAFETY: a mapping of the list, taken out of it here.
        unsafe { libc::munmap(at as *mut libc::c_void, len) };
    }
}

unsafe impl GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's layout contract is passed on unchanged.
        unsafe {
            if mapped(&layout) {
                let p = reuse(&KEPT, layout.size());
                if p.is_null() { map(layout.size()) } else { p }
            } else {
                System.alloc(layout)
            }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`. Never a kept mapping: a fresh one is zeroed by the kernel, page
        // by page as it is touched, where a kept one would be cleared whole here.
        unsafe {
            if mapped(&layout) {
                map(layout.size())
            } else {
                System.alloc_zeroed(layout)
            }
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        // SAFETY: `p` was allocated with `layout` by this allocator, so by the same branch.
        unsafe {
            if mapped(&layout) {
                release(&KEPT, p, layout.size())
            } else {
                System.dealloc(p, layout)
            }
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `p` holds `layout.size()` bytes allocated with `layout` by this allocator;
        // each branch frees it the way it was allocated, after copying what the new block keeps.
        unsafe {
            let new = Layout::from_size_align_unchecked(new_size, layout.align());
            match (mapped(&layout), mapped(&new)) {
                (false, false) => System.realloc(p, layout, new_size),
                (true, true) => {
                    let (old_len, new_len) = (span(layout.size()), span(new_size));
                    if old_len == new_len {
                        return p;
                    }
                    // In place when it shrinks, or grows into free address space.
                    let p = p as *mut libc::c_void;
                    if libc::mremap(p, old_len, new_len, 0) != libc::MAP_FAILED {
                        return p as *mut u8;
                    }
                    // Elsewhere: the pages are moved, not their bytes, onto the start of a new
                    // aligned mapping (a huge page moves whole between two huge-page
                    // boundaries; anywhere else the kernel would split it).
                    let q = map(new_size);
                    if q.is_null() {
                        return q;
                    }
                    let fixed = libc::MREMAP_MAYMOVE | libc::MREMAP_FIXED;
                    if libc::mremap(p, old_len, old_len, fixed, q as *mut libc::c_void) == libc::MAP_FAILED {
                        unmap(q, new_size);
                        return ptr::null_mut();
                    }
                    q
                }
                (from_mapped, _) => {
                    let q = self.alloc(new);
                    if !q.is_null() {
                        ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                        if from_mapped {
                            release(&KEPT, p, layout.size());
                        } else {
                            System.dealloc(p, layout);
                        }
                    }
                    q
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "tests/memory.rs"]
mod tests;

use super::*;

fn layout(size: usize) -> Layout {
    Layout::from_size_align(size, 8).unwrap()
}

/// The `VmFlags` of the mapping that holds `p`, from /proc/self/smaps.
fn vm_flags(p: *mut u8) -> String {
    let at = p as usize;
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
    let mut inside = false;
    for line in smaps.lines() {
        if let Some((range, _)) = line.split_once(' ')
            && let Some((a, b)) = range.split_once('-')
            && let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
        {
            inside = a <= at && at < b;
        } else if inside && let Some(flags) = line.strip_prefix("VmFlags:") {
            return flags.trim().to_string();
        }
    }
    panic!("no mapping holds {p:?}");
}

fn advised(p: *mut u8) -> bool {
    vm_flags(p).split(' ').any(|f| f == "hg")
}

fn fill(p: *mut u8, len: usize, seed: u8) {
    for i in (0..len).step_by(997) {
        // SAFETY: i < len, within the block.
        unsafe { *p.add(i) = seed.wrapping_add(i as u8) };
    }
    // SAFETY: the last byte of the block.
    unsafe { *p.add(len - 1) = seed };
}

fn holds(p: *mut u8, len: usize, seed: u8) -> bool {
    // SAFETY: reads within the block.
    (0..len - 1)
        .step_by(997)
        .all(|i| unsafe { *p.add(i) } == seed.wrapping_add(i as u8))
        && unsafe { *p.add(len - 1) } == seed
}

#[test]
fn big_blocks_are_huge_page_aligned_advised_and_zeroed() {
    // Other tests of this process may have spent the run's budget of advice: then the advice
    // is not checked (the test's own blocks take 24 MB of it); nor on a kernel built without
    // transparent huge pages, which refuses it.
    let thp = std::path::Path::new("/sys/kernel/mm/transparent_hugepage").exists();
    let budget_left = thp && ADVISED.load(Ordering::Relaxed) + (32 << 20) <= ADVISE_BUDGET;
    for size in [BIG, BIG + 1, HUGE, 5 * HUGE + 123] {
        let l = layout(size);
        // SAFETY: a non-zero layout; the block is freed with it below.
        unsafe {
            let p = Allocator.alloc_zeroed(l);
            assert!(!p.is_null());
            assert_eq!(p as usize % HUGE, 0, "{size} bytes at {p:?}");
            assert!(std::slice::from_raw_parts(p, size).iter().all(|&b| b == 0));
            if budget_left {
                assert!(advised(p), "{size}: {}", vm_flags(p));
            }
            fill(p, size, 7);
            assert!(holds(p, size, 7));
            Allocator.dealloc(p, l);
        }
    }
}

#[test]
fn blocks_outside_big_to_cap_stay_with_the_system_allocator() {
    for size in [BIG - 1, CAP] {
        let l = layout(size);
        // SAFETY: a non-zero layout, freed with it.
        unsafe {
            let p = Allocator.alloc(l);
            assert!(!p.is_null());
            // glibc's blocks are not advised (its heap, or a mapping of its own for CAP).
            assert!(!advised(p), "{size}");
            fill(p, size, 3);
            Allocator.dealloc(p, l);
        }
    }
}

#[test]
fn realloc_keeps_the_bytes_across_every_pair_of_homes() {
    // small -> big -> bigger -> same span -> smaller big -> past CAP -> big -> small
    let steps = [
        100_000,
        3 * BIG,
        5 * HUGE + 5,
        5 * HUGE + 17,
        2 * HUGE,
        CAP + 1,
        3 * HUGE,
        BIG - 10,
        50,
    ];
    // SAFETY: each realloc is given the block and the layout it was last allocated with.
    unsafe {
        let mut size = steps[0];
        let mut p = Allocator.alloc(layout(size));
        fill(p, size, 42);
        for &next in &steps[1..] {
            let q = Allocator.realloc(p, layout(size), next);
            assert!(!q.is_null());
            let kept = size.min(next);
            // What both sizes share survives; the rest is refilled for the next step.
            for i in (0..kept - 1).step_by(997) {
                assert_eq!(*q.add(i), 42u8.wrapping_add(i as u8), "{size} -> {next} at {i}");
            }
            if mapped(&layout(size)) && mapped(&layout(next)) && span(size) == span(next) {
                assert_eq!(p, q, "{size} -> {next}: the same span is kept in place");
            }
            fill(q, next, 42);
            (p, size) = (q, next);
        }
        Allocator.dealloc(p, layout(size));
    }
}

#[test]
fn kept_mappings_are_taken_smallest_fitting_first_and_bounded() {
    let mut k = Kept::EMPTY;
    assert_eq!(k.take(HUGE), None);
    assert!(k.put(0x1000_0000, 4 * HUGE));
    assert!(k.put(0x2000_0000, 2 * HUGE));
    assert!(k.put(0x3000_0000, 8 * HUGE));
    assert_eq!(k.bytes, 14 * HUGE);
    // The smallest that fits, not the first kept nor the largest.
    assert_eq!(k.take(3 * HUGE), Some((0x1000_0000, 4 * HUGE)));
    assert_eq!(k.take(9 * HUGE), None);
    assert_eq!(k.take(HUGE), Some((0x2000_0000, 2 * HUGE)));
    assert_eq!(k.take(HUGE), Some((0x3000_0000, 8 * HUGE)));
    assert_eq!((k.n, k.bytes), (0, 0));
    // At most KEEP mappings and KEEP_BYTES in all.
    for i in 0..KEEP {
        assert!(k.put(i << 30, HUGE), "{i}");
    }
    assert!(!k.put(1 << 40, HUGE));
    while k.take(HUGE).is_some() {}
    assert!(k.put(0x1000_0000, KEEP_BYTES));
    assert!(!k.put(0x2000_0000, HUGE));
}

/// Whether `len` bytes from `p` are mapped in this process (mincore fails on a hole).
fn is_mapped(p: *mut u8, len: usize) -> bool {
    let mut v = vec![0u8; len.div_ceil(4096)];
    // SAFETY: mincore only reads the page tables; `v` has a byte per page.
    unsafe { libc::mincore(p as *mut libc::c_void, len, v.as_mut_ptr()) == 0 }
}

#[test]
fn a_freed_big_block_is_reused_with_its_pages_and_cut_to_size() {
    // A list of its own: the allocator's is shared with every other test's thread.
    let list = Mutex::new(Kept::EMPTY);
    // SAFETY: mappings made by `map`, handed between the list and this test only.
    unsafe {
        let p = map(3 * HUGE);
        fill(p, 3 * HUGE, 5);
        release(&list, p, 3 * HUGE);
        let q = reuse(&list, HUGE + 1);
        assert_eq!(q, p, "the kept mapping is reused");
        // Its pages came with it (what was written is still there), and what the smaller block
        // does not span went back to the kernel.
        assert!(
            (0..HUGE + 1)
                .step_by(997)
                .all(|i| *q.add(i) == 5u8.wrapping_add(i as u8))
        );
        assert!(is_mapped(q, span(HUGE + 1)));
        assert!(!is_mapped(q.add(span(HUGE + 1)), HUGE));
        assert!(reuse(&list, HUGE).is_null(), "taken out of the list");
        release(&list, q, HUGE + 1);
        release_kept(&list);
        assert!(!is_mapped(q, span(HUGE + 1)), "let go at the end");
        assert_eq!(locked(&list).n, 0);
    }
}

#[test]
fn vectors_grow_and_shrink_through_the_global_allocator() {
    // The crate's tests run on this allocator too: a vector crosses BIG and CAP both ways.
    let mut v: Vec<u32> = Vec::new();
    for i in 0..6_000_000u32 {
        v.push(i);
    }
    v.truncate(1000);
    v.shrink_to_fit();
    assert!(v.iter().enumerate().all(|(i, &x)| x == i as u32));
    let b: Vec<u8> = vec![1; 4 * BIG];
    assert!(b.iter().all(|&x| x == 1));
}

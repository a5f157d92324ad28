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
    let mut k = Kept {
        maps: [(0, 0); KEEP],
        n: 0,
        bytes: 0,
    };
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

#[test]
fn a_big_block_after_a_freed_one_is_whole_and_aligned() {
    // Nothing else in this test allocates big blocks between the two calls; another test's
    // thread may, so the second block is only checked to be a whole, aligned, usable one.
    let l = layout(3 * HUGE);
    // SAFETY: non-zero layouts, each freed with its own.
    unsafe {
        let p = Allocator.alloc(l);
        fill(p, 3 * HUGE, 5);
        Allocator.dealloc(p, l);
        let small = layout(HUGE + 1);
        let q = Allocator.alloc(small);
        assert!(!q.is_null());
        assert_eq!(q as usize % HUGE, 0);
        fill(q, HUGE + 1, 6);
        assert!(holds(q, HUGE + 1, 6));
        Allocator.dealloc(q, small);
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

//! The crate's cold-path sorts. Every `sort_unstable_by(closure)` compiles a whole
//! sorting algorithm into the wasm (several KB each, a copy per closure and element
//! type), so callers off the hot path go through here and share one copy, a merge sort
//! smaller than the standard library's. The ranking's per-item order does not sort by
//! comparison: `ranking::best` selects and radix-sorts integer keys.

use std::cmp::Ordering;

/// Sorts `v` by `cmp` (stable). Sorts positions, not elements, so that the one
/// compiled sort (of `u32` with a `dyn` comparison) serves every element type.
pub fn sort_by<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    sort_positions(&mut order, &|a, b| cmp(&v[a as usize], &v[b as usize]));
    permute(v, order);
}

/// Insertion-sorted runs of 16, in place, then bottom-up merges: n log n comparisons
/// like the standard library's sorts, in a few hundred bytes of wasm where
/// `sort_unstable_by` (pattern-defeating quicksort with its small-sort and pivot code)
/// takes about 4 KB. A short list (an item's few reasons) is sorted without allocating.
#[inline(never)]
fn sort_positions(order: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    const RUN: usize = 16;
    for run in order.chunks_mut(RUN) {
        for i in 1..run.len() {
            let x = run[i];
            let mut j = i;
            while j > 0 && cmp(run[j - 1], x) == Ordering::Greater {
                run[j] = run[j - 1];
                j -= 1;
            }
            run[j] = x;
        }
    }
    let n = order.len();
    if n <= RUN {
        return;
    }
    let mut a = order.to_vec();
    let mut b = vec![0u32; n];
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (mid + width).min(n);
            let (mut i, mut j) = (lo, mid);
            for slot in &mut b[lo..hi] {
                // Equal keys keep their order: the left run's first.
                if j == hi || (i < mid && cmp(a[i], a[j]) != Ordering::Greater) {
                    *slot = a[i];
                    i += 1;
                } else {
                    *slot = a[j];
                    j += 1;
                }
            }
            lo = hi;
        }
        std::mem::swap(&mut a, &mut b);
        width *= 2;
    }
    order.copy_from_slice(&a);
}

/// Puts `v[order[k]]` at position `k`, following the permutation's cycles with swaps.
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for start in 0..v.len() {
        let mut k = start;
        while order[k] as usize != start {
            let next = order[k] as usize;
            v.swap(k, next);
            order[k] = k as u32;
            k = next;
        }
        order[k] = k as u32;
    }
}

/// Sorts `keys` ascending in linear time: least significant byte first, one counting
/// pass for all eight bytes, then one scatter pass per byte that not every key shares.
/// Whole-catalogue orders (92k items) pack score and tie-break into one key and sort in
/// a few passes instead of n log n calls of a comparison.
pub fn radix_sort(keys: &mut Vec<u64>) {
    let n = keys.len();
    if n < 2 {
        return;
    }
    let mut counts = vec![[0u32; 256]; 8];
    for &k in keys.iter() {
        for (d, c) in counts.iter_mut().enumerate() {
            c[(k >> (8 * d)) as usize & 0xff] += 1;
        }
    }
    let mut spare = vec![0u64; n];
    for (d, c) in counts.iter_mut().enumerate() {
        if c.iter().any(|&x| x as usize == n) {
            continue; // every key has the same byte here
        }
        let mut sum = 0;
        for x in c.iter_mut() {
            (*x, sum) = (sum, sum + *x);
        }
        for &k in keys.iter() {
            let b = (k >> (8 * d)) as usize & 0xff;
            spare[c[b] as usize] = k;
            c[b] += 1;
        }
        std::mem::swap(keys, &mut spare);
    }
}

/// `x`'s bits, ordered as `f32::total_cmp` orders the floats (−0 counted as +0, so that
/// equal scores get equal keys).
pub fn f32_key(x: f32) -> u32 {
    let b = (x + 0.0).to_bits();
    if b >> 31 == 1 {
        !b
    } else {
        b | 1 << 31
    }
}

/// The float of an [`f32_key`].
pub fn key_f32(k: u32) -> f32 {
    f32::from_bits(if k >> 31 == 1 { k & !(1 << 31) } else { !k })
}

/// Keeps the `k` first of `v` under `cmp`, sorted.
pub fn top_k<T>(v: &mut Vec<T>, k: usize, cmp: &dyn Fn(&T, &T) -> Ordering) {
    sort_by(v, cmp);
    v.truncate(k);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_any_permutation() {
        let words = [
            "delta", "alpha", "echo", "charlie", "bravo", "foxtrot", "golf",
        ];
        // Every rotation and its reverse: permutations with long and short cycles.
        for r in 0..words.len() {
            let mut v: Vec<String> = words
                .iter()
                .cycle()
                .skip(r)
                .take(words.len())
                .map(|w| w.to_string())
                .collect();
            sort_by(&mut v, &|a, b| a.cmp(b));
            assert_eq!(
                v,
                ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf"]
            );
            v.reverse();
            sort_by(&mut v, &|a, b| b.cmp(a));
            assert_eq!(v[0], "golf");
            assert_eq!(v[6], "alpha");
        }
        let mut empty: Vec<u8> = Vec::new();
        sort_by(&mut empty, &|a, b| a.cmp(b));
    }

    #[test]
    fn sort_by_agrees_with_the_standard_stable_sort() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for n in [0, 1, 2, 3, 5, 8, 13, 16, 17, 31, 33, 64, 100, 1000, 4097] {
            let v: Vec<(u8, u32)> = (0..n)
                .map(|i| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    ((state % 7) as u8, i)
                })
                .collect();
            let mut ours = v.clone();
            sort_by(&mut ours, &|a, b| a.0.cmp(&b.0));
            let mut std = v;
            std.sort_by(|a, b| a.0.cmp(&b.0));
            assert_eq!(ours, std, "n = {n}");
        }
    }

    #[test]
    fn radix_sort_agrees_with_the_standard_sort() {
        // SplitMix-style values over every byte, with runs of shared bytes and repeats.
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for n in [0usize, 1, 2, 3, 255, 256, 1000, 5000] {
            for mask in [u64::MAX, 0xffff_0000_0000_00ff, 0x0000_0000_0001_ffff, 0] {
                let v: Vec<u64> = (0..n)
                    .map(|_| {
                        x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
                        let z = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                        (z ^ (z >> 27)) & mask
                    })
                    .collect();
                let mut a = v.clone();
                radix_sort(&mut a);
                let mut b = v;
                b.sort_unstable();
                assert_eq!(a, b, "n = {n}, mask = {mask:x}");
            }
        }
    }

    #[test]
    fn float_keys_order_as_the_floats() {
        let xs = [
            f32::NEG_INFINITY,
            -3.5,
            -1e-30,
            -0.0,
            0.0,
            1e-30,
            0.25,
            7.0,
            f32::INFINITY,
        ];
        for w in xs.windows(2) {
            let (a, b) = (f32_key(w[0]), f32_key(w[1]));
            assert!(a < b || (w[0] == w[1] && a == b), "{} vs {}", w[0], w[1]);
        }
        for x in xs {
            assert_eq!(key_f32(f32_key(x)), x + 0.0);
        }
    }

    #[test]
    fn top_k_keeps_the_best_in_order() {
        let mut v = vec![5, 1, 4, 2, 3];
        top_k(&mut v, 3, &|a: &i32, b: &i32| b.cmp(a));
        assert_eq!(v, [5, 4, 3]);
        let mut w = vec![2, 1];
        top_k(&mut w, 5, &|a: &i32, b: &i32| a.cmp(b));
        assert_eq!(w, [1, 2]);
        top_k(&mut w, 0, &|a: &i32, b: &i32| a.cmp(b));
        assert!(w.is_empty());
    }
}

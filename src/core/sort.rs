//! The crate's cold-path sorts. Every `sort_unstable_by(closure)` compiles a whole
//! sorting algorithm into the wasm (several KB each, a copy per closure and element
//! type), so callers off the hot path go through here and share one copy. The
//! ranking's own per-item sort stays direct: it is the hot path.

use std::cmp::Ordering;

/// Sorts `v` by `cmp` (not stable). Sorts positions, not elements, so that the one
/// compiled sort (of `u32` with a `dyn` comparison) serves every element type.
pub fn sort_by<T>(v: &mut [T], cmp: &dyn Fn(&T, &T) -> Ordering) {
    let mut order: Vec<u32> = (0..v.len() as u32).collect();
    sort_positions(&mut order, &|a, b| cmp(&v[a as usize], &v[b as usize]));
    permute(v, order);
}

#[inline(never)]
fn sort_positions(order: &mut [u32], cmp: &dyn Fn(u32, u32) -> Ordering) {
    order.sort_unstable_by(|&a, &b| cmp(a, b));
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

//! Growing long vectors by half instead of doubling them.
//!
//! `Vec::push` doubles a full vector: a list of a million entries can hold
//! room for two million while it is built. Parse trees and report messages
//! that grow with the input use [`push_lean`], so what they hold stays
//! within half again what they need.
//!
//! Public for the crates that build such lists from their input: ingesters
//! (parse trees) and the design rules (report messages).

/// Pushes `item`, growing `items` by half (not double) once it holds 4,096.
pub fn push_lean<T>(items: &mut Vec<T>, item: T) {
    if items.len() == items.capacity() && items.len() >= 4096 {
        items.reserve_exact(items.len() / 2);
    }
    items.push(item);
}

/// Appends `from` to `to` inside the larger of the two vectors, growing it
/// only by what the other holds: a long list is moved, never held twice.
pub fn append_lean<T>(to: &mut Vec<T>, mut from: Vec<T>) {
    if to.len() >= from.len() {
        to.reserve_exact(from.len());
        to.append(&mut from);
    } else {
        from.reserve_exact(to.len());
        from.splice(0..0, std::mem::take(to));
        *to = from;
    }
}

#[cfg(test)]
mod tests {
    use super::push_lean;

    #[test]
    fn a_long_vector_grows_by_half() {
        let mut v = Vec::new();
        for i in 0..100_000 {
            push_lean(&mut v, i);
        }
        assert_eq!(v.len(), 100_000);
        assert!(v.capacity() <= 150_000, "{}", v.capacity());
        assert!(v.iter().copied().eq(0..100_000));
    }

    #[test]
    fn appending_keeps_order_whichever_side_is_larger() {
        for (a, b) in [(3, 10), (10, 3), (0, 5), (5, 0)] {
            let mut to: Vec<u32> = (0..a).collect();
            super::append_lean(&mut to, (a..a + b).collect());
            assert!(to.iter().copied().eq(0..a + b), "{a} + {b}: {to:?}");
        }
    }
}

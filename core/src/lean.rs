//! Growing long vectors by half instead of doubling them.
//!
//! `Vec::push` doubles a full vector: a list of a million entries can hold
//! room for two million while it is built. Parse trees and report messages
//! that grow with the input use [`push_lean`], so what they hold stays
//! within half again what they need.

/// Pushes `item`, growing `items` by half (not double) once it holds 4,096.
pub fn push_lean<T>(items: &mut Vec<T>, item: T) {
    if items.len() == items.capacity() && items.len() >= 4096 {
        items.reserve_exact(items.len() / 2);
    }
    items.push(item);
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
}

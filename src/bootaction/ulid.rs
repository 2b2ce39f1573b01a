//! Boot-action ids: ULIDs (48-bit millisecond time, 80 random bits), stored
//! as UUIDs and shown, as the original does, as 26 Crockford base32 characters.

use std::sync::Mutex;

use drydock_store::Uuid;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh ULID, as a UUID (same 128 bits); each one a process makes is
/// greater than the one before (within a millisecond, the previous plus one),
/// so the actions of one arming sort in the order they were made.
pub fn new_action_id() -> Uuid {
    static LAST: Mutex<u128> = Mutex::new(0);
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis()) as u64;
    let mut random = [0u8; 10];
    // Without randomness the time part still orders ids; uniqueness then rests on the store.
    let _ = getrandom::fill(&mut random);
    let mut bytes = [0u8; 16];
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    bytes[6..].copy_from_slice(&random);
    let mut value = u128::from_be_bytes(bytes);
    let mut last = LAST
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if value <= *last {
        value = last.wrapping_add(1);
    }
    *last = value;
    Uuid::from_u128(value)
}

/// `id` as a 26-character ULID text (Crockford base32, upper case).
pub fn to_text(id: Uuid) -> String {
    let value = id.as_u128();
    (0..26)
        .map(|i| {
            let shift = 5 * (25 - i);
            ALPHABET[((value >> shift) & 0x1f) as usize] as char
        })
        .collect()
}

/// A ULID text as a UUID; `None` unless 26 Crockford base32 characters
/// (case-insensitive; I, L as 1 and O as 0) whose value fits 128 bits.
pub fn parse(text: &str) -> Option<Uuid> {
    if text.len() != 26 {
        return None;
    }
    let mut value: u128 = 0;
    for (i, c) in text.bytes().enumerate() {
        let digit = match c.to_ascii_uppercase() {
            b'O' => 0,
            b'I' | b'L' => 1,
            c => ALPHABET.iter().position(|a| *a == c)? as u128,
        };
        if i == 0 && digit > 7 {
            return None;
        }
        value = (value << 5) | digit;
    }
    Some(Uuid::from_u128(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_round_trips() {
        let id = new_action_id();
        let text = to_text(id);
        assert_eq!(text.len(), 26);
        assert_eq!(parse(&text), Some(id));
        assert_eq!(parse(&text.to_ascii_lowercase()), Some(id));
        assert_eq!(to_text(Uuid::from_u128(0)), "0".repeat(26));
        assert_eq!(
            to_text(Uuid::from_u128(u128::MAX)),
            format!("7{}", "Z".repeat(25))
        );
        assert_eq!(
            parse(&format!("8{}", "0".repeat(25))),
            None,
            "beyond 128 bits"
        );
        assert_eq!(parse("0123"), None);
        assert_eq!(parse(&"U".repeat(26)), None, "U is not Crockford");
    }

    #[test]
    fn ids_are_ordered_even_within_a_millisecond() {
        let ids: Vec<Uuid> = (0..1000).map(|_| new_action_id()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }
}

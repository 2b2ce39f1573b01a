//! `Deserialize` for [`BaremetalNode`]: its mapping holds `addressing` and
//! the [`HostSettings`] fields side by side. `#[serde(flatten)]` would first
//! copy the whole mapping into a buffer of its own and then read the
//! settings from that (most of the model-building time of a large site);
//! here the settings read the mapping directly while `addressing` is taken
//! aside as it passes.

use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, forward_to_deserialize_any};

use super::host::{Addressing, BaremetalNode, HostSettings};
use crate::Text;

const ADDRESSING: &str = "addressing";

impl<'de> Deserialize<'de> for BaremetalNode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = BaremetalNode;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("struct BaremetalNode")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<BaremetalNode, A::Error> {
        let mut addressing = None;
        let settings = HostSettings::deserialize(AddressingAside {
            map,
            addressing: &mut addressing,
        })?;
        Ok(BaremetalNode {
            addressing: addressing.flatten(),
            settings,
        })
    }
}

/// The node's mapping as the settings see it: `addressing` read into
/// `addressing` (once) and skipped, every other entry passed on.
struct AddressingAside<'a, A> {
    map: A,
    addressing: &'a mut Option<Option<Vec<Addressing>>>,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for AddressingAside<'_, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for AddressingAside<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // Keys are short: held inline, no allocation per key.
        while let Some(key) = self.map.next_key::<Text>()? {
            if key != ADDRESSING {
                let key: de::value::StrDeserializer<'_, A::Error> =
                    key.as_str().into_deserializer();
                return seed.deserialize(key).map(Some);
            }
            if self.addressing.is_some() {
                return Err(de::Error::duplicate_field(ADDRESSING));
            }
            *self.addressing = Some(self.map.next_value()?);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_addressing_beside_the_settings_and_round_trips() {
        let text = r#"{"host_profile":"p","addressing":[{"network":"n","address":"dhcp","x":1}],
            "interfaces":{"pxe":{"device_link":"l","slaves":["a"]}},"unknown":{"kept":false}}"#;
        let node: BaremetalNode = serde_json::from_str(text).expect("a node");
        assert_eq!(node.settings.host_profile.as_deref(), Some("p"));
        let addressing = node.addressing.as_ref().expect("addressing");
        assert_eq!(addressing[0].network.as_deref(), Some("n"));
        assert_eq!(addressing[0].extra["x"], 1);
        assert!(
            node.settings
                .interfaces
                .as_ref()
                .is_some_and(|i| i.contains_key("pxe"))
        );
        let again: BaremetalNode =
            serde_json::from_value(serde_json::to_value(&node).expect("a value")).expect("again");
        assert_eq!(again, node);
    }

    #[test]
    fn null_or_missing_addressing_is_none_and_errors_say_what() {
        for text in [r#"{"addressing":null}"#, "{}"] {
            let node: BaremetalNode = serde_json::from_str(text).expect("a node");
            assert_eq!(node.addressing, None);
        }
        let dup = serde_json::from_str::<BaremetalNode>(r#"{"addressing":[],"addressing":[]}"#);
        assert!(
            dup.expect_err("a duplicate")
                .to_string()
                .contains("duplicate field `addressing`")
        );
        let wrong = serde_json::from_str::<BaremetalNode>(r#"{"addressing":"x"}"#);
        assert!(
            wrong
                .expect_err("a string")
                .to_string()
                .contains("invalid type: string")
        );
        let not_a_map = serde_json::from_str::<BaremetalNode>("[1]");
        assert!(
            not_a_map
                .expect_err("a list")
                .to_string()
                .contains("BaremetalNode")
        );
    }
}

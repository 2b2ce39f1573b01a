//! The echo driver runs the conformance suite every drydock driver passes,
//! from its own tests, as a third party's driver would.

use std::sync::Arc;

use drydock_core::Bytes;
use drydock_fixtures::conformance::{self, ConformanceTarget};
use echo_driver::EchoDriver;

/// Where echo "content" lives: in the reference itself.
struct EchoTarget;

fn encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("%{b:02X}")).collect()
}

#[drydock_core::async_trait]
impl ConformanceTarget for EchoTarget {
    async fn publish(&self, _name: &str, bytes: Bytes) -> String {
        format!("echo:///{}", encode(&bytes))
    }
    fn missing(&self, name: &str) -> String {
        format!("echo://nowhere.invalid/{name}")
    }
    fn with_secret(&self, reference: &str, secret: &str) -> Option<String> {
        let rest = reference.strip_prefix("echo://")?;
        let rest = rest
            .strip_prefix("/")
            .map(|p| format!("localhost/{p}"))
            .unwrap_or(rest.to_owned());
        Some(format!("echo://user:{secret}@{rest}"))
    }
    async fn stalled(&self, _name: &str) -> Option<String> {
        Some("echo:///stall".into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_echo_driver_conforms() {
    conformance::run_all(Arc::new(EchoDriver::default()), &EchoTarget)
        .await
        .assert_passed();
}

//! The file driver passes the driver conformance suite of `drydock-fixtures`.

use drydock_driver_file::FileDriver;
use drydock_fixtures::conformance::{self, FileTarget, Outcome};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_driver_passes_the_conformance_suite() {
    let target = FileTarget::new().unwrap();
    let report = conformance::run_all(std::sync::Arc::new(FileDriver::default()), &target).await;
    println!("{report}");
    report.assert_passed();
    let passed = report
        .results
        .iter()
        .filter(|(_, o)| *o == Outcome::Passed)
        .count();
    assert!(passed >= 5, "too few checks ran:\n{report}");
}

//! `drydock schemes`: what this build can resolve and ingest, and how each
//! driver is configured.

use clap::Args;
use drydock::Registry;

use super::EXIT_OK;

/// Arguments of `drydock schemes`.
#[derive(Debug, Args)]
pub struct SchemesArgs {
    /// Print one JSON object ({"schemes", "drivers" (with their options and
    /// defaults), "ingesters"}) instead of a table.
    #[arg(long)]
    json: bool,
}

/// Prints the registered schemes, drivers and ingesters.
pub fn run(args: &SchemesArgs) -> u8 {
    let registry = Registry::global();
    let schemes = registry.schemes();
    let ingesters = registry.ingesters();
    if args.json {
        let value = serde_json::json!({
            "schemes": schemes,
            "drivers": registry.drivers(),
            "ingesters": ingesters,
        });
        outln!("{value}");
        return EXIT_OK;
    }
    outln!("{:<18} {:<10} CRATE", "SCHEME", "DRIVER");
    for s in &schemes {
        outln!("{:<18} {:<10} {}", s.scheme, s.driver, s.crate_name);
    }
    outln!();
    outln!("{:<18} {:<10} CRATE", "INGESTER", "");
    for i in &ingesters {
        outln!("{:<18} {:<10} {}", i.name, "", i.crate_name);
    }
    outln!();
    outln!("Each driver reads the [drivers.<driver>] section of the configuration;");
    outln!("`drydock schemes --json` lists its options and their defaults.");
    EXIT_OK
}

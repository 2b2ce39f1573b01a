//! Fleets of real `drydock worker` processes on PostgreSQL and SQLite: killed
//! workers, leadership handed over, a database outage ridden out.

#[path = "../common/mod.rs"]
mod common;

mod design_cache;
mod outage;
mod postgres;
mod sqlite;

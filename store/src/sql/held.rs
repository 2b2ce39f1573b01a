//! [`Held`]: one connection held out of the pool for a statement that a
//! worker runs again and again (the claim), so that each run is one round
//! trip: a pooled connection costs a ping when it goes back (sqlx tests
//! every connection returned to its pool), a held one nothing.

use std::time::Instant;

use sqlx::Connection;

use super::db::{Db, Decodes, Q, SqlStore};
use crate::error::Result;

/// A held connection idle this long is pinged before it is used again (a
/// pooled one is pinged every time it is handed out).
const PING_IDLE_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// The held connection and when it was last used.
pub(crate) struct Held<DB: Db> {
    conn: DB::Connection,
    used: Instant,
}

/// The slot of a store's held connection, shared by its clones: calls
/// through it take turns.
pub(crate) type HeldSlot<DB> = std::sync::Arc<tokio::sync::Mutex<Option<Held<DB>>>>;

impl<DB: Db> SqlStore<DB> {
    /// Every row of `query`, run on the held connection (taken from the pool
    /// the first time, or again after an error or a failed ping: a
    /// connection idle for a second or more is pinged first). A call that
    /// fails or is cancelled drops the connection it had, so at most one
    /// claim fails (retryably) after the server ended the connection.
    pub(crate) async fn read_all_held<O: Decodes>(&self, query: Q<'_, DB>) -> Result<Vec<O>> {
        let mut slot = self.held.lock().await;
        let kept = match slot.take() {
            Some(held) if !self.pool.is_closed() => {
                let mut conn = held.conn;
                let fresh = held.used.elapsed() < PING_IDLE_FOR || conn.ping().await.is_ok();
                fresh.then_some(conn)
            }
            _ => None,
        };
        let mut conn = match kept {
            Some(conn) => conn,
            None => self.pool.acquire().await.map_err(|e| self.err(e))?.detach(),
        };
        let rows = DB::fetch_all(&mut conn, query)
            .await
            .map_err(|e| self.err(e))?;
        *slot = Some(Held {
            conn,
            used: Instant::now(),
        });
        Ok(rows)
    }

    /// Closes the held connection, if any (with the pool).
    pub(crate) async fn close_held(&self) {
        if let Some(held) = self.held.lock().await.take() {
            // Nothing to report: the server may already be gone.
            let _ = held.conn.close().await;
        }
    }
}

//! Row decoding, written out for both backends.
//!
//! sqlx's `FromRow` derive lives in its macros crate, which builds sqlx's
//! PostgreSQL and SQLite drivers (and SQLite's C source) a second time, for
//! the compiler, in every `check`, `clippy` and `doc` run. A struct here
//! names its columns once, in [`from_rows!`], which implements `FromRow`
//! for `PgRow` and `SqliteRow` from the same body.

use sqlx::{ColumnIndex, Decode, Row, Type};

/// Implements `FromRow` for PostgreSQL and SQLite rows: `$row` is the row,
/// `$body` builds `Self` from it (with [`sqlx::Row::try_get`] and the helpers
/// of this module).
macro_rules! from_rows {
    ($ty:ty, |$row:ident| $body:expr) => {
        impl<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> for $ty {
            fn from_row($row: &'r sqlx::postgres::PgRow) -> sqlx::Result<Self> {
                #[allow(unused_imports)]
                use sqlx::Row as _;
                $body
            }
        }
        impl<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> for $ty {
            fn from_row($row: &'r sqlx::sqlite::SqliteRow) -> sqlx::Result<Self> {
                #[allow(unused_imports)]
                use sqlx::Row as _;
                $body
            }
        }
    };
}
pub(crate) use from_rows;

/// Column `name` decoded as `S`, then converted into `T` (a conversion error
/// is the column's decode error, as the derive's `try_from` gave).
pub(crate) fn converted<'r, R, S, T>(row: &'r R, name: &'static str) -> sqlx::Result<T>
where
    R: Row,
    &'static str: ColumnIndex<R>,
    S: Decode<'r, R::Database> + Type<R::Database>,
    T: TryFrom<S>,
    T::Error: std::error::Error + Send + Sync + 'static,
{
    let stored: S = row.try_get(name)?;
    T::try_from(stored).map_err(|e| sqlx::Error::ColumnDecode {
        index: name.to_owned(),
        source: Box::new(e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::sqlite::SqliteConnection;
    use sqlx::{Connection, FromRow};

    struct Sample {
        count: u64,
        label: Option<String>,
    }

    from_rows!(Sample, |row| Ok(Sample {
        count: converted::<_, i64, _>(row, "count")?,
        label: row.try_get("label")?,
    }));

    #[tokio::test]
    async fn a_row_decodes_and_a_bad_conversion_names_its_column() {
        let mut conn = SqliteConnection::connect("sqlite::memory:").await.unwrap();
        let row = sqlx::query("SELECT 7 AS count, NULL AS label")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let sample = Sample::from_row(&row).unwrap();
        assert_eq!((sample.count, sample.label), (7, None));

        let row = sqlx::query("SELECT -1 AS count, 'x' AS label")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        let err = Sample::from_row(&row).err().expect("a negative count");
        assert!(
            matches!(&err, sqlx::Error::ColumnDecode { index, .. } if index == "count"),
            "{err}"
        );
    }
}

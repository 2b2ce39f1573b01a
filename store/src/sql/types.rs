//! Column types both backends share: [`Ts`] for timestamps, [`JsonText`]
//! for JSON kept as text.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::{Database, Decode, Encode, Postgres, Sqlite, Type};

/// A timestamp as stored: PostgreSQL `timestamptz`; SQLite fixed-width
/// RFC 3339 text in UTC with microseconds (`2026-11-24T10:00:00.000000Z`),
/// so that text order is time order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ts(pub(crate) DateTime<Utc>);

impl From<Ts> for DateTime<Utc> {
    fn from(ts: Ts) -> Self {
        ts.0
    }
}

/// The SQLite text form of a timestamp.
fn text(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

impl Type<Postgres> for Ts {
    fn type_info() -> PgTypeInfo {
        <DateTime<Utc> as Type<Postgres>>::type_info()
    }
    fn compatible(ty: &PgTypeInfo) -> bool {
        <DateTime<Utc> as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for Ts {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Postgres>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for Ts {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        <DateTime<Utc> as Decode<Postgres>>::decode(value).map(Ts)
    }
}

impl Type<Sqlite> for Ts {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }
    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for Ts {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<Sqlite>::encode(text(&self.0), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for Ts {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let stored = <&str as Decode<Sqlite>>::decode(value)?;
        let parsed = DateTime::parse_from_rfc3339(stored)
            .map_err(|e| format!("timestamp {stored:?} is not RFC 3339: {e}"))?;
        Ok(Ts(parsed.with_timezone(&Utc)))
    }
}

/// A value stored as JSON text in a TEXT column on both backends: exact
/// bytes, no JSONB normalisation, and `\u0000` in strings is fine.
#[derive(Clone, Copy, Debug)]
pub(crate) struct JsonText<T>(pub(crate) T);

impl<T: Serialize> JsonText<T> {
    fn text(&self) -> Result<String, BoxDynError> {
        serde_json::to_string(&self.0).map_err(Into::into)
    }
}

fn parse<T: DeserializeOwned>(text: &str) -> Result<JsonText<T>, BoxDynError> {
    serde_json::from_str(text).map(JsonText).map_err(Into::into)
}

// `JsonText` on any backend whose text is a `String`: text in, text out.

impl<T, DB: Database> Type<DB> for JsonText<T>
where
    String: Type<DB>,
{
    fn type_info() -> DB::TypeInfo {
        <String as Type<DB>>::type_info()
    }
    fn compatible(ty: &DB::TypeInfo) -> bool {
        <String as Type<DB>>::compatible(ty)
    }
}

impl<'q, T: Serialize, DB: Database> Encode<'q, DB> for JsonText<T>
where
    String: Encode<'q, DB>,
{
    fn encode_by_ref(&self, buf: &mut DB::ArgumentBuffer) -> Result<IsNull, BoxDynError> {
        Encode::<DB>::encode(self.text()?, buf)
    }
}

impl<'r, T: DeserializeOwned, DB: Database> Decode<'r, DB> for JsonText<T>
where
    &'r str: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        parse(<&str as Decode<DB>>::decode(value)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_text_is_fixed_width_and_sorts_as_time() {
        let early = DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z").unwrap();
        let late = DateTime::parse_from_rfc3339("2026-01-02T03:04:05.5Z").unwrap();
        let (a, b) = (text(&early.to_utc()), text(&late.to_utc()));
        assert_eq!(a, "2026-01-02T03:04:05.000000Z");
        assert_eq!(a.len(), b.len());
        assert!(a < b);
    }
}

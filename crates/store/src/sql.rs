//! Small helpers for portable SQL: numbered placeholders built up with the values they
//! bind, so optional filters never need `($1 IS NULL OR …)` (PostgreSQL cannot type that).

use sqlx::any::AnyArguments;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, FromRow, any::AnyRow};

/// A value to bind.
#[derive(Clone, Debug)]
pub enum Value {
    Int(i64),
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

/// A query under construction: SQL text and the values of its placeholders.
#[derive(Default)]
pub struct Sql {
    pub text: String,
    pub values: Vec<Value>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql {
            text: text.to_string(),
            values: Vec::new(),
        }
    }

    /// Appends text in which `?` stands for `value`.
    pub fn push(&mut self, text: &str, value: impl Into<Value>) -> &mut Self {
        self.values.push(value.into());
        let placeholder = format!("${}", self.values.len());
        self.text.push_str(&text.replacen('?', &placeholder, 1));
        self
    }

    /// Appends ` AND column IN (…)` with a placeholder for each of `values`; an empty list
    /// matches nothing (`IN ()` is not SQL).
    pub fn and_in(&mut self, column: &str, values: &[i64]) -> &mut Self {
        if values.is_empty() {
            return self.raw(" AND 1 = 0");
        }
        self.text.push_str(&format!(" AND {column} IN ("));
        for (i, value) in values.iter().enumerate() {
            self.push(if i == 0 { "?" } else { ", ?" }, *value);
        }
        self.raw(")")
    }

    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        bind(sqlx::query(self.text.as_str()), &self.values)
    }

    pub fn query_as<T>(&self) -> QueryAs<'_, Any, T, AnyArguments<'_>>
    where
        T: for<'r> FromRow<'r, AnyRow>,
    {
        let mut q = sqlx::query_as(self.text.as_str());
        for value in &self.values {
            q = match value {
                Value::Int(v) => q.bind(*v),
                Value::Text(v) => q.bind(v.clone()),
            };
        }
        q
    }
}

fn bind<'q>(
    mut query: Query<'q, Any, AnyArguments<'q>>,
    values: &[Value],
) -> Query<'q, Any, AnyArguments<'q>> {
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.clone()),
        };
    }
    query
}

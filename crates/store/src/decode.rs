//! Rows decoded into the domain's records at the store's boundary: the records live in the
//! domain crate, which knows nothing of SQL, so the store reads each column by name here.

use sqlx::any::AnyRow;
use sqlx::{FromRow, Row as _};

use chrono::NaiveDate;
use luoshi_domain::DomainError;
use luoshi_domain::audit::{AuditAction, AuditEntity};
use luoshi_domain::date;

use crate::{
    Actual, Attachment, AuditEntry, Comment, CommentKind, Contribution, Milestone, Notice,
    NoticeState, Section, StoreError,
};

/// A record read from a row; `query_as` decodes into it and the store hands out `.0`.
pub(crate) struct Row<T>(pub T);

/// Reads each named column into the field of the same name; a field written `name as Type`
/// holds a text enum, parsed so that an unknown stored value is refused, not passed on.
macro_rules! decode {
    ($record:ident { $($field:ident $(as $kind:ty)?),* $(,)? }) => {
        impl<'r> FromRow<'r, AnyRow> for Row<$record> {
            fn from_row(row: &'r AnyRow) -> sqlx::Result<Self> {
                Ok(Row($record {
                    $($field: decode!(@column row, $field $(, $kind)?),)*
                }))
            }
        }
    };
    (@column $row:ident, $field:ident) => {
        $row.try_get(stringify!($field))?
    };
    (@column $row:ident, $field:ident, $kind:ty) => {
        <$kind>::parse(&$row.try_get::<String, _>(stringify!($field))?).map_err(|error| {
            sqlx::Error::ColumnDecode {
                index: stringify!($field).into(),
                source: Box::new(error),
            }
        })?
    };
}

decode!(Section {
    id,
    plan_id,
    position,
    number,
    title
});
decode!(Milestone {
    id,
    task_id,
    title,
    due_date as Date,
    done_at
});
decode!(Actual {
    target_id,
    value,
    note
});
decode!(Attachment {
    id,
    report_id,
    notice_id,
    file_name,
    content_type,
    size,
    stored_name,
    sha256,
    uploaded_by,
    created_at
});
decode!(Contribution {
    id,
    task_id,
    period,
    unit_id,
    author_id,
    body,
    created_at
});
decode!(Notice {
    id,
    task_id,
    unit_id,
    reason,
    response_due as Date,
    state as NoticeState,
    issued_by,
    issued_at,
    response,
    responded_by,
    responded_at,
    closed_by,
    closed_at
});
decode!(Comment {
    id,
    task_id,
    report_id,
    author_id,
    kind as CommentKind,
    body,
    created_at,
    read_by,
    read_at
});
decode!(AuditEntry {
    id,
    at,
    actor_id,
    actor,
    ip,
    action as AuditAction,
    entity as AuditEntity,
    entity_id,
    before_json,
    after_json
});

/// A stored `YYYY-MM-DD` column, read the way the text enums are.
struct Date;

impl Date {
    fn parse(text: &str) -> Result<NaiveDate, DomainError> {
        date::parse("date", text)
    }
}

/// A stored date of record `id` of `kind`; a damaged one is refused, not passed on.
pub(crate) fn stored_date(kind: &str, id: i64, text: &str) -> crate::Result<NaiveDate> {
    date::parse("date", text).map_err(|e| StoreError::Corrupt(format!("{kind} {id}: {e}")))
}

/// The records of decoded rows.
pub(crate) fn records<T>(rows: Vec<Row<T>>) -> Vec<T> {
    rows.into_iter().map(|Row(record)| record).collect()
}

/// A page of decoded rows as a page of records.
pub(crate) fn page_of<T>(page: crate::Page<Row<T>>) -> crate::Page<T> {
    crate::Page {
        items: records(page.items),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }
}

//! A plan brought in as a file: a published document read by the extractor, or a
//! decomposition table (责任分解表) read back, stored as a draft for review.

use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_office::PlanFile;
use luoshi_store::{Audit, ImportSource, Plan, Store};

use crate::error::{AppError, Result, check};

/// Reads an uploaded plan of any supported kind (a document, or a decomposition workbook
/// when the name ends in .xlsx); the error names the file and the reason, in Chinese.
pub fn read(
    actor: &Actor,
    file_name: &str,
    bytes: &[u8],
    max_bytes: u64,
    year: i32,
) -> Result<PlanFile> {
    check(decide(actor, Action::ManagePlans), "计划")?;
    luoshi_office::read_plan_file(file_name, bytes, max_bytes, year)
        .map_err(|error| AppError::Unreadable(error.to_string()))
}

/// A plan file stored as a draft.
#[derive(Clone, Debug)]
pub struct Imported {
    pub plan: Plan,
    /// True when a re-imported decomposition table updated its existing draft.
    pub updated: bool,
}

/// Stores a read plan file as a draft; a decomposition workbook whose title and year match
/// an existing draft updates that draft instead of adding a second one.
pub async fn import(
    store: &Store,
    actor: &Actor,
    audit: &Audit,
    file_name: &str,
    stored_file: Option<String>,
    file: &PlanFile,
) -> Result<Imported> {
    check(decide(actor, Action::ManagePlans), "计划")?;
    let organization_id = actor.organization_id;
    let source = ImportSource {
        file_name: file_name.to_string(),
        stored_file,
        text: file.text.clone(),
    };
    if file.from_table
        && let Some(existing) = store
            .matching_draft(organization_id, &file.draft.title, file.draft.year)
            .await?
    {
        let plan = store
            .replace_draft(audit, organization_id, existing.id, &file.draft, &source)
            .await?;
        return Ok(Imported {
            plan,
            updated: true,
        });
    }
    let plan = store
        .import_plan(audit, organization_id, &file.draft, &source)
        .await?;
    Ok(Imported {
        plan,
        updated: false,
    })
}

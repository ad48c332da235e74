//! A plan brought in as a file: a published document read by the extractor, or a
//! decomposition table (责任分解表) read back, stored as a draft for review.

use luoshi_domain::policy::{Action, Actor, decide};
use luoshi_office::PlanFile;
use luoshi_store::{Audit, ImportSource, Plan, Store};

use crate::error::{Result, check};

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

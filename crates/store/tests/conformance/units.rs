//! The organization's units and users, as the fixture creates them.

use luoshi_store::*;

use crate::fixture::{Bureau, new_unit};

/// Two units of one name would make matching a plan's written names ambiguous.
async fn a_duplicate_unit_is_a_conflict(bureau: &Bureau) {
    let again = new_unit("基础教育科", &[]);
    let duplicate = bureau
        .store
        .create_unit(&bureau.cli, bureau.org.id, &again)
        .await
        .unwrap_err();
    assert!(
        matches!(duplicate, StoreError::Conflict(_)),
        "{duplicate:?}"
    );
}

/// What a login learns of its user includes the units the user reports for.
async fn credentials_carry_the_units(bureau: &Bureau) {
    let credentials = bureau.store.credentials("reporter").await.unwrap();
    assert_eq!(credentials.unwrap().user.units, vec![bureau.basic.id]);
}

both_engines!(a_duplicate_unit_is_a_conflict, credentials_carry_the_units);

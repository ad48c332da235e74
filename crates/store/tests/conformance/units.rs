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

/// The unit tree stays a tree: a unit cannot be put under itself or under one of its own
/// subordinates, and may be moved anywhere else.
async fn the_unit_tree_cannot_loop(bureau: &Bureau) {
    let (store, cli, org) = (&bureau.store, &bureau.cli, bureau.org.id);
    let under = |parent: i64| UnitPatch {
        name: None,
        kind: None,
        parent_id: Some(parent),
        abbreviations: None,
    };
    let school = store
        .create_unit(cli, org, &new_unit("第一中学", &[]))
        .await
        .unwrap();
    let office = store
        .create_unit(cli, org, &new_unit("第一中学教务处", &[]))
        .await
        .unwrap();
    store
        .update_unit(cli, org, office.id, &under(school.id))
        .await
        .unwrap();
    for parent in [school.id, office.id] {
        let refused = store
            .update_unit(cli, org, school.id, &under(parent))
            .await
            .unwrap_err();
        assert!(refused.to_string().contains("下级单位"), "{refused}");
    }
    let moved = store
        .update_unit(cli, org, school.id, &under(bureau.basic.id))
        .await
        .unwrap();
    assert_eq!(moved.parent_id, Some(bureau.basic.id));
}

/// A username is stored NFKC-normalized and found however it is typed; one with an
/// invisible character, which would pass for another person's, is refused.
async fn usernames_are_normalized(bureau: &Bureau) {
    let (store, cli, org) = (&bureau.store, &bureau.cli, bureau.org.id);
    let person = |username: &str| NewUser {
        username: username.into(),
        display_name: "王老师".into(),
        role: luoshi_domain::role::Role::Reporter,
        password_hash: "x".into(),
        must_change_password: false,
        units: vec![bureau.basic.id],
    };
    let created = store
        .create_user(cli, org, &person("ｗａｎｇ"))
        .await
        .unwrap();
    assert_eq!(created.username, "wang");
    let found = store.credentials("wang").await.unwrap().unwrap();
    assert_eq!(found.user.id, created.id);
    assert!(store.credentials("ｗａｎｇ").await.unwrap().is_some());
    let lookalike = store.create_user(cli, org, &person("wang\u{200b}")).await;
    assert!(lookalike.unwrap_err().to_string().contains("不可见"));
}

both_engines!(
    usernames_are_normalized,
    a_duplicate_unit_is_a_conflict,
    credentials_carry_the_units,
    the_unit_tree_cannot_loop
);

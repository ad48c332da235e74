//! Administration keeps an organization usable and to itself.

use luoshi_app::{AppError, admin};
use luoshi_domain::password;
use luoshi_domain::policy::Actor;
use luoshi_domain::role::Role;
use luoshi_store::*;

use crate::{Bureau, stored_hash};

#[tokio::test]
async fn administration_keeps_the_organization_usable() {
    let bureau = Bureau::new().await;
    let admin_person = bureau.person("a", Role::Admin, vec![]).await;
    let supervisor = bureau.person("s", Role::Supervisor, vec![]).await;
    let store = &bureau.store;
    let account = |role, units: Vec<i64>, password: Option<&str>| admin::NewAccount {
        username: format!("u{}", units.len()),
        display_name: "新用户".into(),
        role,
        units,
        password: password.map(str::to_string),
        must_change_password: true,
    };

    let refused = admin::create_user(
        store,
        &supervisor.actor,
        &supervisor.audit,
        account(Role::Reporter, vec![1], None),
    )
    .await;
    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");

    let unitless = admin::create_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        account(Role::Reporter, vec![], None),
    )
    .await;
    assert!(
        matches!(
            unitless,
            Err(AppError::Invalid {
                field: "单位", ..
            })
        ),
        "{unitless:?}"
    );
    let weak = admin::create_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        account(Role::Reporter, vec![1], Some("123")),
    )
    .await;
    assert!(matches!(weak, Err(AppError::Rule(_))), "{weak:?}");

    let created = admin::create_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        account(Role::Reporter, vec![1], None),
    )
    .await
    .unwrap();
    assert!(created.generated && created.user.must_change_password);
    assert!(password::verify(
        &created.password,
        &stored_hash(store, created.user.id).await
    ));

    let lockout = admin::update_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        admin_person.actor.user_id,
        &AccessChange {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(
            lockout,
            Err(AppError::Invalid {
                field: "用户", ..
            })
        ),
        "{lockout:?}"
    );
    let stripped = admin::update_user(
        store,
        &admin_person.actor,
        &admin_person.audit,
        created.user.id,
        &AccessChange {
            units: Some(vec![]),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(stripped, Err(AppError::Invalid { .. })),
        "{stripped:?}"
    );

    let (_, temporary) = admin::reset_password(
        store,
        &admin_person.actor,
        &admin_person.audit,
        created.user.id,
        None,
    )
    .await
    .unwrap();
    assert_ne!(temporary, created.password);
    assert!(password::verify(
        &temporary,
        &stored_hash(store, created.user.id).await
    ));
}

#[tokio::test]
async fn administrators_of_one_bureau_cannot_reach_another_bureaus_users() {
    let bureau = Bureau::new().await;
    let reporter = bureau.person("r", Role::Reporter, vec![1]).await;
    let other = bureau
        .store
        .create_organization(&Audit::cli(), "另一县教育局")
        .await
        .unwrap();
    let stranger = Actor {
        user_id: 999,
        organization_id: other.id,
        role: Role::Admin,
        units: vec![],
    };
    let audit = Audit::cli().within(other.id);
    let reset = admin::reset_password(
        &bureau.store,
        &stranger,
        &audit,
        reporter.actor.user_id,
        None,
    )
    .await;
    assert!(
        matches!(reset, Err(AppError::NotFound("用户"))),
        "{reset:?}"
    );
    let change = admin::update_user(
        &bureau.store,
        &stranger,
        &audit,
        reporter.actor.user_id,
        &AccessChange {
            disabled: Some(true),
            ..Default::default()
        },
    )
    .await;
    assert!(
        matches!(change, Err(AppError::NotFound("用户"))),
        "{change:?}"
    );
}

//! Coming in: login under lockout, password changes, tokens, the first run.

use luoshi_app::{AppError, session};
use luoshi_domain::password;
use luoshi_domain::role::Role;
use luoshi_store::*;

use crate::Bureau;
/// Why a login was refused; a session opened is a failure of the test.
fn refusal(result: Result<session::Opened, AppError>) -> AppError {
    match result {
        Ok(_) => panic!("a session was opened"),
        Err(error) => error,
    }
}

#[tokio::test]
async fn logging_in_locks_out_guessers_and_tells_no_one_which_part_was_wrong() {
    let bureau = Bureau::new().await;
    let store = &bureau.store;
    let person = bureau.person("zhang", Role::Reporter, vec![1]).await;
    let right = "Jiaoyu-2026-ok";
    store
        .set_password(
            &Audit::cli(),
            person.actor.user_id,
            &password::hash(right),
            false,
        )
        .await
        .unwrap();
    let unknown = refusal(session::log_in(store, "10.0.0.1", "nobody", right).await);
    assert!(matches!(unknown, AppError::BadCredentials), "{unknown:?}");
    let opened = session::log_in(store, "10.0.0.1", "zhang", right)
        .await
        .unwrap();
    assert_ne!(opened.secret, opened.csrf);
    assert!(
        store
            .session(&secret_hash(&opened.secret))
            .await
            .unwrap()
            .is_some()
    );

    for _ in 0..session::MAX_FAILED_LOGINS {
        let wrong = refusal(session::log_in(store, "10.0.0.2", "zhang", "guess").await);
        assert!(matches!(wrong, AppError::BadCredentials), "{wrong:?}");
    }
    let locked = refusal(session::log_in(store, "10.0.0.2", "zhang", right).await);
    assert!(
        matches!(locked, AppError::Locked { minutes: 15 }),
        "{locked:?}"
    );

    let user = store.user(person.actor.user_id).await.unwrap();
    let wrong_old =
        session::change_password(store, &person.audit, &user, "guess", "Another-2026-ok").await;
    assert!(
        matches!(wrong_old, Err(AppError::WrongPassword)),
        "{wrong_old:?}"
    );
    let same = session::change_password(store, &person.audit, &user, right, right).await;
    assert!(
        matches!(
            same,
            Err(AppError::Invalid {
                field: "new_password",
                ..
            })
        ),
        "{same:?}"
    );
    let weak = session::change_password(store, &person.audit, &user, right, "123").await;
    assert!(matches!(weak, Err(AppError::Rule(_))), "{weak:?}");
    session::change_password(store, &person.audit, &user, right, "Another-2026-ok")
        .await
        .unwrap();
    assert!(
        store
            .session(&secret_hash(&opened.secret))
            .await
            .unwrap()
            .is_none(),
        "a password change ends the sessions opened with the old one"
    );

    let unnamed = session::create_token(store, &person.audit, user.id, "  ").await;
    assert!(
        matches!(unnamed, Err(AppError::Invalid { field: "name", .. })),
        "{unnamed:?}"
    );
    let again = session::first_admin(
        store,
        "10.0.0.1",
        &session::FirstRun {
            organization: "另一个局".into(),
            username: "root".into(),
            display_name: "root".into(),
            password: right.into(),
        },
    )
    .await;
    assert!(matches!(again, Err(AppError::AlreadySetUp)), "{again:?}");
}

//! Keystone v3: password authentication from OS_*, one token shared by
//! concurrent fetches, renewal on expiry and on a 401, and each failure its
//! own error.

use crate::common;

use std::sync::Arc;
use std::time::Duration;

use common::{bare, everything, fetch, layered, options, os_env, quick, site};
use drydock_core::{ErrorKind, RetryPolicy};
use drydock_fixtures::keystone::{
    ADMIN_PASSWORD, ADMIN_USER, KeystoneFault, VIEWER_PASSWORD, VIEWER_USER,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_concurrent_fetches_share_one_authentication() {
    let site = site().await;
    let d = bare(options(), &os_env(&site.keystone));
    let driver = layered(&d, quick());
    let reference = site.deckhand.reference(1);
    let fetches = (0..64).map(|_| fetch(&driver, &reference));
    for result in futures_join(fetches).await {
        result.expect("each fetch succeeds");
    }
    assert_eq!(site.keystone.token_requests(), 1);
    assert_eq!(d.keystone().expect("keystone").authentications(), 1);
    let body = site.keystone.requests()[0].body.clone();
    assert!(
        String::from_utf8_lossy(&body).contains("\"password\""),
        "a password request"
    );
}

async fn futures_join<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut handles = Vec::new();
    for f in futures {
        handles.push(f);
    }
    let mut out = Vec::new();
    // Drive them together: join_all without a futures dependency.
    let joined = async {
        let mut pinned: Vec<_> = handles.into_iter().map(Box::pin).collect();
        let mut results: Vec<Option<F::Output>> = (0..pinned.len()).map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (i, f) in pinned.iter_mut().enumerate() {
                if results[i].is_none() {
                    match f.as_mut().poll(cx) {
                        std::task::Poll::Ready(v) => results[i] = Some(v),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        results
            .into_iter()
            .map(|r| r.expect("ready"))
            .collect::<Vec<_>>()
    };
    out.extend(joined.await);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiring_token_is_renewed_before_it_lapses() {
    let site = site().await;
    site.keystone.set_token_lifetime(Duration::from_secs(2));
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let reference = site.deckhand.reference(1);
    fetch(&driver, &reference).await.unwrap();
    fetch(&driver, &reference).await.unwrap();
    assert_eq!(
        site.keystone.token_requests(),
        1,
        "the token was still fresh"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    fetch(&driver, &reference).await.unwrap();
    assert_eq!(
        site.keystone.token_requests(),
        2,
        "renewed within the last half of its life"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_gets_one_401_then_a_fresh_token() {
    let site = site().await;
    let driver = layered(
        &bare(options(), &os_env(&site.keystone)),
        RetryPolicy::never(),
    );
    let reference = site.deckhand.reference(1);
    fetch(&driver, &reference).await.unwrap();
    site.keystone.revoke_all();
    let before = site.deckhand.requests().len();
    fetch(&driver, &reference)
        .await
        .expect("renewed after the 401");
    assert_eq!(site.keystone.token_requests(), 2);
    assert_eq!(
        site.deckhand.requests().len() - before,
        2,
        "one 401, one success"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_is_a_refusal_sent_once_and_never_shown() {
    let site = site().await;
    site.keystone
        .set_password(ADMIN_USER, "changed-by-the-operator");
    let d = bare(options(), &os_env(&site.keystone));
    let driver = layered(&d, quick());
    let reference = site.deckhand.reference(1);
    let results = futures_join((0..16).map(|_| fetch(&driver, &reference))).await;
    for result in results {
        let err = result.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::PermissionDenied, "{err}");
        let all = everything(&err);
        assert!(
            all.contains("Keystone") && all.contains("refused the credentials"),
            "{all}"
        );
        assert!(!all.contains(ADMIN_PASSWORD), "{all}");
    }
    assert_eq!(
        site.keystone.token_requests(),
        1,
        "a refusal is not retried"
    );
    assert_eq!(site.deckhand.requests().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keystone_unreachable_is_unavailable_not_a_refusal() {
    let site = site().await;
    site.keystone
        .set_fault(Some(KeystoneFault::ConnectionRefused));
    let driver = layered(&bare(options(), &os_env(&site.keystone)), quick());
    let err = fetch(&driver, &site.deckhand.reference(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{}", everything(&err));
    assert!(err.to_string().contains("could not be reached"), "{err}");
    assert!(err.attempts() > 1, "retried: {err}");

    site.keystone.set_fault(Some(KeystoneFault::Unavailable));
    let err = fetch(&driver, &site.deckhand.reference(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Unavailable, "{err}");
    assert!(err.to_string().contains("503"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_keystone_answer_is_named() {
    let site = site().await;
    for (fault, says) in [
        (KeystoneFault::MissingSubjectToken, "X-Subject-Token"),
        (KeystoneFault::NonJsonBody, "not a token document"),
        (KeystoneFault::NoTokenKey, "not a token document"),
    ] {
        site.keystone.set_fault(Some(fault.clone()));
        // A fresh driver: a refusal is remembered for a moment by the one that saw it.
        let driver = layered(
            &bare(options(), &os_env(&site.keystone)),
            RetryPolicy::never(),
        );
        let err = fetch(&driver, &site.deckhand.reference(1))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Rejected, "{fault:?}: {err}");
        assert!(err.to_string().contains(says), "{fault:?}: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deckhand_refusing_the_token_is_not_keystone_refusing_the_password() {
    let site = site().await;
    // The viewer authenticates fine but has no admin role: Deckhand's policy says 403.
    let mut env = os_env(&site.keystone);
    for (k, v) in env.iter_mut() {
        if k == "OS_USERNAME" {
            *v = VIEWER_USER.to_owned();
        }
        if k == "OS_PASSWORD" {
            *v = VIEWER_PASSWORD.to_owned();
        }
    }
    let driver = layered(&bare(options(), &env), quick());
    let err = fetch(&driver, &site.deckhand.reference(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    let shown = err.to_string();
    assert!(
        shown.contains("policy does not allow") && shown.contains("403"),
        "{shown}"
    );
    assert!(
        shown.contains("Policy doesn't allow"),
        "Deckhand's own message: {shown}"
    );
    assert_eq!(site.keystone.token_requests(), 1);
    assert_eq!(site.deckhand.requests().len(), 1, "403 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_static_token_is_sent_as_is_and_cannot_be_renewed() {
    let site = site().await;
    // A token the operator got elsewhere (OS_TOKEN): valid at first.
    let issued = layered(&bare(options(), &os_env(&site.keystone)), quick());
    fetch(&issued, &site.deckhand.reference(1)).await.unwrap();
    let token = site.deckhand.requests()[0]
        .header("x-auth-token")
        .unwrap()
        .to_owned();
    let env = vec![("OS_TOKEN".to_owned(), token.clone())];
    let d = bare(options(), &env);
    let driver = layered(&d, quick());
    fetch(&driver, &site.deckhand.reference(1)).await.unwrap();
    assert_eq!(
        site.deckhand
            .requests()
            .last()
            .unwrap()
            .header("x-auth-token"),
        Some(token.as_str())
    );
    site.keystone.revoke_all();
    let err = fetch(&driver, &site.deckhand.reference(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert!(err.to_string().contains("refused the token"), "{err}");
    assert!(
        !everything(&err).contains(&token),
        "the token is never shown"
    );
    // The `token` option (the CLI's DRYDOCK_TOKEN) wins over Keystone.
    let d = bare(
        options().with_token("not-a-real-token"),
        &os_env(&site.keystone),
    );
    let err = fetch(&layered(&d, quick()), &site.deckhand.reference(1))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::PermissionDenied);
    assert_eq!(
        site.deckhand
            .requests()
            .last()
            .unwrap()
            .header("x-auth-token"),
        Some("not-a-real-token")
    );
    let _ = Arc::new(d);
}

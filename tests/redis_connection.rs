//! Connecting RedisBroker: URLs, passwords, TLS, script cache loss and server restarts.

use std::time::{Duration, Instant, SystemTime};

use vetted::broker::redis::RedisBroker;
use vetted::broker::{Broker, BrokerError, Dequeued};
use vetted_tests::redis_fixtures::{broker, message};
use vetted_tests::redis_server::{RedisOptions, RedisServer};

/// Enqueues `id` and takes it back, proving a full round trip through the broker.
async fn round_trip(broker: &RedisBroker, id: &str) -> Result<(), BrokerError> {
    broker.enqueue(&message("default", id), None).await?;
    let until = SystemTime::now() + Duration::from_secs(30);
    match broker
        .dequeue(&["default".to_owned()], until, 1 << 20)
        .await?
    {
        Some(Dequeued::Task { id: taken, .. }) if taken == id => Ok(()),
        other => panic!("expected task {id}, got {other:?}"),
    }
}

#[tokio::test]
async fn operations_survive_a_script_flush() {
    let server = RedisServer::start();
    let broker = broker(&server).await;
    round_trip(&broker, "before").await.unwrap();
    let _: () = redis::cmd("SCRIPT")
        .arg("FLUSH")
        .query(&mut server.connection())
        .unwrap();

    round_trip(&broker, "after").await.unwrap();
    broker
        .done(
            vetted::broker::TaskRef {
                queue: "default",
                id: "after",
            },
            "",
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn the_broker_reconnects_after_a_server_restart() {
    let mut server = RedisServer::start();
    let broker = broker(&server).await;
    round_trip(&broker, "before").await.unwrap();

    server.restart();

    let deadline = Instant::now() + Duration::from_secs(15);
    let mut attempts = 0;
    let outcome = loop {
        attempts += 1;
        match round_trip(&broker, &format!("after-{attempts}")).await {
            Ok(()) => break Ok(()),
            Err(BrokerError::Unavailable(_)) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(error) => break Err(error),
        }
    };
    outcome.unwrap();
    assert!(attempts <= 3, "took {attempts} attempts");
}

#[tokio::test]
async fn a_password_in_the_url_authenticates() {
    let server = RedisServer::start_with(RedisOptions {
        password: Some("s3cret-pass".into()),
        ..RedisOptions::default()
    });
    let broker = RedisBroker::connect(&server.url()).await.unwrap();
    round_trip(&broker, "t1").await.unwrap();

    let with_user = format!("redis://default:s3cret-pass@127.0.0.1:{}/0", server.port());
    let broker = RedisBroker::connect(&with_user).await.unwrap();
    round_trip(&broker, "t2").await.unwrap();
}

#[tokio::test]
async fn a_wrong_or_missing_password_fails_with_auth_failed() {
    let server = RedisServer::start_with(RedisOptions {
        password: Some("s3cret-pass".into()),
        ..RedisOptions::default()
    });
    let wrong = format!("redis://:not-it@127.0.0.1:{}/0", server.port());
    let missing = format!("redis://127.0.0.1:{}/0", server.port());

    for url in [wrong, missing] {
        let error = RedisBroker::connect(&url).await.unwrap_err();
        assert!(matches!(error, BrokerError::AuthFailed), "{error:?}");
        assert!(!error.to_string().contains("not-it"));
    }
}

#[tokio::test]
async fn a_bad_url_fails_with_invalid_address() {
    for url in [
        "http://127.0.0.1:6379",
        "not a url",
        "redis://127.0.0.1:6379/zero",
    ] {
        let error = RedisBroker::connect(url).await.unwrap_err();
        assert!(
            matches!(error, BrokerError::InvalidAddress(_)),
            "{url}: {error:?}"
        );
    }
}

#[tokio::test]
async fn an_unreachable_server_fails_with_unavailable() {
    let mut server = RedisServer::start();
    let url = server.url();
    server.stop();

    let error = RedisBroker::connect(&url).await.unwrap_err();

    assert!(matches!(error, BrokerError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn rediss_connects_when_the_server_certificate_is_trusted() {
    let server = RedisServer::start_with(RedisOptions {
        tls: true,
        ..RedisOptions::default()
    });
    let url = server.tls_url().unwrap();
    let ca = server.ca_certificate().unwrap();

    let broker = RedisBroker::connect_with_root_certificate(&url, &ca)
        .await
        .unwrap();

    round_trip(&broker, "over-tls").await.unwrap();
}

#[tokio::test]
async fn rediss_refuses_a_certificate_the_system_does_not_trust() {
    let server = RedisServer::start_with(RedisOptions {
        tls: true,
        ..RedisOptions::default()
    });

    let error = RedisBroker::connect(&server.tls_url().unwrap())
        .await
        .unwrap_err();

    assert!(matches!(error, BrokerError::Unavailable(_)), "{error:?}");
}

#[tokio::test]
async fn a_root_certificate_needs_a_rediss_url() {
    let error = RedisBroker::connect_with_root_certificate("redis://127.0.0.1:1/0", b"pem")
        .await
        .unwrap_err();
    assert!(matches!(error, BrokerError::InvalidAddress(_)), "{error:?}");
}

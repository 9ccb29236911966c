//! Opening a reconnecting connection from a `redis://` or `rediss://` URL.

use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{Client, TlsCertificates};

use super::error::from_redis;
use crate::broker::BrokerError;

/// How long one connection attempt may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one command may wait for its reply (go-redis reads for 3 s; scripts that
/// trim a full archive need some slack).
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(10);
/// Reconnection attempts before a command fails, with exponential backoff.
const RECONNECT_ATTEMPTS: usize = 4;

/// Connects to `url`, trusting the system roots for TLS or, when given, only
/// `root_certificate` (PEM), and checks with PING that the server accepts commands
/// (a server that wants a password only says so then).
pub(crate) async fn open(
    url: &str,
    root_certificate: Option<&[u8]>,
) -> Result<ConnectionManager, BrokerError> {
    let tls = check_url(url)?;
    let client = match root_certificate {
        None => Client::open(url),
        Some(_) if !tls => {
            return Err(BrokerError::InvalidAddress(
                "a root certificate needs a rediss:// address".into(),
            ));
        }
        Some(pem) => Client::build_with_tls(url, custom_root(pem)),
    }
    .map_err(from_redis)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_number_of_retries(RECONNECT_ATTEMPTS);
    let mut conn = ConnectionManager::new_with_config(client, config)
        .await
        .map_err(from_redis)?;
    redis::cmd("PING")
        .exec_async(&mut conn)
        .await
        .map_err(from_redis)?;
    Ok(conn)
}

fn custom_root(pem: &[u8]) -> TlsCertificates {
    TlsCertificates {
        client_tls: None,
        root_cert: Some(pem.to_vec()),
    }
}

/// Checks the scheme and returns whether it asks for TLS. The URL itself is never put
/// in an error: it may hold a password.
fn check_url(url: &str) -> Result<bool, BrokerError> {
    let parsed =
        url::Url::parse(url).map_err(|_| BrokerError::InvalidAddress("not a valid URL".into()))?;
    let tls = match parsed.scheme() {
        "redis" => false,
        "rediss" => true,
        _ => {
            return Err(BrokerError::InvalidAddress(
                "the scheme must be redis:// or rediss://".into(),
            ));
        }
    };
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(BrokerError::InvalidAddress(
            "the address has no host".into(),
        ));
    }
    Ok(tls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_redis_and_rediss_urls() {
        assert!(!check_url("redis://127.0.0.1:6379/0").unwrap());
        assert!(!check_url("redis://user:secret@localhost:6379/2").unwrap());
        assert!(check_url("rediss://localhost:6380").unwrap());
    }

    #[test]
    fn rejects_other_urls_without_echoing_them() {
        for url in [
            "http://u:secret@host",
            "redis-socket:///tmp/r.sock",
            "secret",
            "redis://",
        ] {
            let error = check_url(url).unwrap_err();
            assert!(matches!(error, BrokerError::InvalidAddress(_)), "{url}");
            assert!(!error.to_string().contains("secret"));
        }
    }
}

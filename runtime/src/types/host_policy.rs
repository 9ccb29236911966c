//! [`HostPolicy`]: the hosts and ports a URL type accepts, fixed at the type level.

use std::net::IpAddr;

use url::Host;

/// The hosts (and extra ports) that an [`HttpUrl`](super::HttpUrl) or
/// [`HttpsUrl`](super::HttpsUrl) may point at.
///
/// Implement it on a unit struct per destination group. Entries of [`HOSTS`](Self::HOSTS):
/// - `"api.example.com"`: exactly that host name, in any letter case;
/// - `"*.example.com"`: any name ending in `.example.com` (`a.example.com`,
///   `a.b.example.com`), but not `example.com` itself: list it too if it is wanted;
/// - `"203.0.113.7"`, `"[2001:db8::1]"`: an IP address. IP-literal hosts are refused
///   unless their address is listed, in whatever spelling the URL used
///   (`http://0xcb.0.113.7/` is `203.0.113.7`).
///
/// Write international names in their ASCII (`xn--`) form, as the URL parser turns the
/// host into that form before matching. A host with a trailing dot (`example.com.`)
/// matches no entry.
///
/// # Example
///
/// ```
/// use vetted::types::{HostPolicy, HttpUrl};
///
/// /// Where webhooks may go.
/// struct WebhookHosts;
///
/// impl HostPolicy for WebhookHosts {
///     const HOSTS: &'static [&'static str] = &["hooks.example.com", "*.partner.example"];
///     const PORTS: &'static [u16] = &[8443];
/// }
///
/// assert!(HttpUrl::<WebhookHosts>::try_new("https://eu.partner.example:8443/in").is_ok());
/// assert!(HttpUrl::<WebhookHosts>::try_new("https://partner.example/in").is_err());
/// ```
pub trait HostPolicy: 'static {
    /// Allowed hosts: exact names, `*.suffix` patterns and IP addresses.
    const HOSTS: &'static [&'static str];

    /// Ports allowed besides the scheme's default (80 for http, 443 for https). Empty
    /// by default, so `http://allowed.example:6379/` is refused.
    const PORTS: &'static [u16] = &[];
}

/// Whether `host` matches an entry of `P`, and if not, whether it was an IP literal.
pub(crate) enum HostMatch {
    /// An entry matches.
    Listed,
    /// A name that no entry matches.
    NameNotListed,
    /// An IP address that no entry lists.
    AddressNotListed,
}

/// Matches `host` against the entries of `P`.
pub(crate) fn match_host<P: HostPolicy>(host: &Host<&str>) -> HostMatch {
    let (listed, unlisted) = match host {
        Host::Domain(name) => (name_listed(name, P::HOSTS), HostMatch::NameNotListed),
        Host::Ipv4(ip) => (
            address_listed((*ip).into(), P::HOSTS),
            HostMatch::AddressNotListed,
        ),
        Host::Ipv6(ip) => (
            address_listed((*ip).into(), P::HOSTS),
            HostMatch::AddressNotListed,
        ),
    };
    if listed { HostMatch::Listed } else { unlisted }
}

/// Whether a host name matches an exact or `*.suffix` entry.
fn name_listed(name: &str, entries: &[&str]) -> bool {
    entries.iter().any(|entry| match entry.strip_prefix("*.") {
        Some(suffix) => is_subdomain_of(name, suffix),
        None => name.eq_ignore_ascii_case(entry),
    })
}

/// Whether `name` is `<one or more labels>.suffix`. Works on bytes, so no input can
/// split a character.
fn is_subdomain_of(name: &str, suffix: &str) -> bool {
    let (name, suffix) = (name.as_bytes(), suffix.as_bytes());
    let Some(split) = name.len().checked_sub(suffix.len()) else {
        return false;
    };
    let (head, tail) = name.split_at(split);
    head.len() >= 2 && head.ends_with(b".") && tail.eq_ignore_ascii_case(suffix)
}

/// Whether an entry, with or without brackets, is this address.
fn address_listed(address: IpAddr, entries: &[&str]) -> bool {
    entries.iter().any(|entry| {
        let bare = entry.strip_prefix('[').and_then(|e| e.strip_suffix(']'));
        bare.unwrap_or(entry).parse::<IpAddr>() == Ok(address)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_needs_a_label_before_the_suffix() {
        assert!(is_subdomain_of("a.example.com", "example.com"));
        assert!(is_subdomain_of("a.b.example.com", "example.com"));
        assert!(!is_subdomain_of("example.com", "example.com"));
        assert!(!is_subdomain_of(".example.com", "example.com"));
        assert!(!is_subdomain_of("evilexample.com", "example.com"));
        assert!(!is_subdomain_of("com", "example.com"));
    }

    #[test]
    fn addresses_match_with_or_without_brackets() {
        let loopback: IpAddr = "::1".parse().unwrap();
        assert!(address_listed(loopback, &["[::1]"]));
        assert!(address_listed(loopback, &["::1"]));
        assert!(!address_listed(loopback, &["127.0.0.1", "*.1"]));
    }
}

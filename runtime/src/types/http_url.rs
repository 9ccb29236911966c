//! [`HttpUrl`]: an http(s) URL whose host is on a type-level allow-list.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::ops::Deref;

use url::Url;

use super::host_policy::{HostMatch, HostPolicy, match_host};
use super::text::text_type;

/// An `http` or `https` URL to a host that the policy `P` lists, at most
/// [`MAX_BYTES`](Self::MAX_BYTES) bytes, parsed with the `url` crate (WHATWG rules).
///
/// Refused: other schemes (`javascript:`, `file:`, `ftp:`, `data:`), user info
/// (`user:pass@`), hosts that `P` does not list, IP-literal hosts whose address `P`
/// does not list (`169.254.169.254`, `[::1]`, `0x7f.1`), explicit ports other than the
/// scheme's default and `P::PORTS`, and any control character or white space in the
/// text (the parser would silently drop tabs and newlines).
///
/// The value is kept and serialized in the parser's normal form (lower-case scheme and
/// host, `xn--` names, default port dropped). Hand that form, or the [`Url`] itself, to
/// the HTTP client, never the text the value came from.
///
/// # DNS rebinding
///
/// The check is on the name. A listed name can still resolve to a private or loopback
/// address, at check time or later. Outbound requests must also check the resolved
/// address at connect time (a resolver or connector that refuses private, loopback and
/// link-local ranges) and should go through an egress proxy with the same rule.
///
/// # Example
///
/// ```
/// use vetted::types::{HostPolicy, HttpUrl};
///
/// /// Where callbacks may go.
/// struct Callbacks;
///
/// impl HostPolicy for Callbacks {
///     const HOSTS: &'static [&'static str] = &["hooks.example.com"];
/// }
///
/// let url = HttpUrl::<Callbacks>::try_new("HTTPS://Hooks.Example.com:443/done?id=7")?;
/// assert_eq!(url.as_str(), "https://hooks.example.com/done?id=7");
/// assert_eq!(url.path(), "/done");
///
/// for hostile in [
///     "javascript:alert(1)",
///     "file:///etc/passwd",
///     "http://169.254.169.254/latest/meta-data/",
///     "http://[::1]:6379/",
///     "http://user:pw@hooks.example.com/",
///     "http://hooks.example.com.evil.example/",
/// ] {
///     assert!(HttpUrl::<Callbacks>::try_new(hostile).is_err());
/// }
/// # Ok::<(), vetted::types::HttpUrlError>(())
/// ```
pub struct HttpUrl<P> {
    url: Url,
    policy: PhantomData<fn() -> P>,
}

/// An [`HttpUrl`] whose scheme is `https`.
///
/// # Example
///
/// ```
/// use vetted::types::{HostPolicy, HttpsUrl};
///
/// struct Api;
///
/// impl HostPolicy for Api {
///     const HOSTS: &'static [&'static str] = &["api.example.com"];
/// }
///
/// assert!(HttpsUrl::<Api>::try_new("https://api.example.com/v1").is_ok());
/// assert!(HttpsUrl::<Api>::try_new("http://api.example.com/v1").is_err());
/// ```
pub struct HttpsUrl<P>(HttpUrl<P>);

/// Why a text is not an [`HttpUrl`] or [`HttpsUrl`]. The message names the rule,
/// never the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpUrlError {
    /// The text, or its normal form, is longer than [`HttpUrl::MAX_BYTES`].
    #[error("URL is longer than {} bytes", MAX_BYTES)]
    TooLong,
    /// The text has a control character or white space.
    #[error("URL contains a control character or white space")]
    ControlOrSpace,
    /// The `url` crate could not parse the text; its message has no input in it.
    #[error("URL does not parse: {0}")]
    Syntax(url::ParseError),
    /// The scheme is neither `http` nor `https`.
    #[error("URL scheme is not http or https")]
    Scheme,
    /// The scheme is not `https`, for an [`HttpsUrl`].
    #[error("URL scheme is not https")]
    NotHttps,
    /// The URL has a user name or a password.
    #[error("URL contains user info")]
    UserInfo,
    /// The host name is not on the allow-list.
    #[error("URL host is not on the allow-list")]
    HostNotAllowed,
    /// The host is an IP address that the allow-list does not have.
    #[error("URL host is an IP address that is not on the allow-list")]
    AddressNotAllowed,
    /// The port is neither the scheme's default nor an allowed port.
    #[error("URL port is not allowed")]
    PortNotAllowed,
}

/// The longest URL accepted, in bytes.
const MAX_BYTES: usize = 2048;

impl<P: HostPolicy> HttpUrl<P> {
    /// The longest URL accepted, in bytes, for the text and for its normal form.
    pub const MAX_BYTES: usize = MAX_BYTES;

    /// Parses `text` and checks it against the rules and the policy `P`.
    pub fn try_new(text: &str) -> Result<Self, HttpUrlError> {
        check_text(text)?;
        let url = Url::parse(text).map_err(HttpUrlError::Syntax)?;
        check_url::<P>(&url)?;
        Ok(Self {
            url,
            policy: PhantomData,
        })
    }

    /// The URL in normal form.
    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The parsed URL.
    pub fn as_url(&self) -> &Url {
        &self.url
    }

    /// The parsed URL, owned.
    pub fn into_url(self) -> Url {
        self.url
    }

    /// The URL in normal form, owned.
    pub fn into_string(self) -> String {
        self.url.into()
    }
}

impl<P: HostPolicy> HttpsUrl<P> {
    /// The longest URL accepted, in bytes, for the text and for its normal form.
    pub const MAX_BYTES: usize = MAX_BYTES;

    /// Parses `text`, checks it as an [`HttpUrl`], and requires `https`.
    pub fn try_new(text: &str) -> Result<Self, HttpUrlError> {
        let url = HttpUrl::try_new(text)?;
        if url.scheme() != "https" {
            return Err(HttpUrlError::NotHttps);
        }
        Ok(Self(url))
    }

    /// The URL in normal form.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The same URL as an [`HttpUrl`].
    pub fn as_http_url(&self) -> &HttpUrl<P> {
        &self.0
    }

    /// The parsed URL, owned.
    pub fn into_url(self) -> Url {
        self.0.into_url()
    }

    /// The URL in normal form, owned.
    pub fn into_string(self) -> String {
        self.0.into_string()
    }
}

/// Rules on the raw text, before parsing.
fn check_text(text: &str) -> Result<(), HttpUrlError> {
    if text.len() > MAX_BYTES {
        return Err(HttpUrlError::TooLong);
    }
    if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(HttpUrlError::ControlOrSpace);
    }
    Ok(())
}

/// Rules on the parsed URL.
fn check_url<P: HostPolicy>(url: &Url) -> Result<(), HttpUrlError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(HttpUrlError::Scheme);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(HttpUrlError::UserInfo);
    }
    let host = url.host().ok_or(HttpUrlError::HostNotAllowed)?;
    match match_host::<P>(&host) {
        HostMatch::Listed => {}
        HostMatch::NameNotListed => return Err(HttpUrlError::HostNotAllowed),
        HostMatch::AddressNotListed => return Err(HttpUrlError::AddressNotAllowed),
    }
    if url.port().is_some_and(|port| !P::PORTS.contains(&port)) {
        return Err(HttpUrlError::PortNotAllowed);
    }
    if url.as_str().len() > MAX_BYTES {
        return Err(HttpUrlError::TooLong);
    }
    Ok(())
}

text_type!(impl[P: HostPolicy] HttpUrl<P>, HttpUrlError, "an http or https URL");
text_type!(impl[P: HostPolicy] HttpsUrl<P>, HttpUrlError, "an https URL");

impl<P> Deref for HttpUrl<P> {
    type Target = Url;

    fn deref(&self) -> &Url {
        &self.url
    }
}

impl<P> Deref for HttpsUrl<P> {
    type Target = Url;

    fn deref(&self) -> &Url {
        &self.0.url
    }
}

impl<P> AsRef<Url> for HttpUrl<P> {
    fn as_ref(&self) -> &Url {
        &self.url
    }
}

impl<P> AsRef<Url> for HttpsUrl<P> {
    fn as_ref(&self) -> &Url {
        &self.0.url
    }
}

impl<P: HostPolicy> From<HttpsUrl<P>> for HttpUrl<P> {
    fn from(url: HttpsUrl<P>) -> Self {
        url.0
    }
}

// The derives would require `P: Clone`, `P: Debug`, ... of a marker type; these
// look at the URL only.

impl<P> Clone for HttpUrl<P> {
    fn clone(&self) -> Self {
        Self {
            url: self.url.clone(),
            policy: PhantomData,
        }
    }
}

impl<P> Clone for HttpsUrl<P> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<P> fmt::Debug for HttpUrl<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HttpUrl").field(&self.url.as_str()).finish()
    }
}

impl<P> fmt::Debug for HttpsUrl<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HttpsUrl")
            .field(&self.0.url.as_str())
            .finish()
    }
}

impl<P> PartialEq for HttpUrl<P> {
    fn eq(&self, other: &Self) -> bool {
        self.url == other.url
    }
}

impl<P> Eq for HttpUrl<P> {}

impl<P> PartialEq for HttpsUrl<P> {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0
    }
}

impl<P> Eq for HttpsUrl<P> {}

impl<P> Hash for HttpUrl<P> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.url.hash(state);
    }
}

impl<P> Hash for HttpsUrl<P> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.hash(state);
    }
}

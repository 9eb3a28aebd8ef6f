//! Validation of the `baseUrl` option.
//!
//! Hand-written rather than the `url` crate: the rules below need only the
//! scheme, the authority and the path, and `url` (with its IDNA tables) would
//! multiply the size of the wasm binary that every shopper downloads.
//!
//! Rules: an absolute `https://` URL, or `http://` to a loopback host
//! (`localhost`, `127.x.x.x`, `[::1]`); no credentials, query or fragment;
//! an optional path prefix (for a proxy), whose trailing `/` is dropped.
//! Hosts must be ASCII: internationalised names are given in punycode.

use crate::error::OptInError;

const FIELD: &str = "baseUrl";

/// The Emporix production API.
pub const DEFAULT_BASE_URL: &str = "https://api.emporix.io";

/// Longest accepted `baseUrl`.
const MAX_LEN: usize = 2048;

/// A validated base URL: `origin` + `prefix` + endpoint path gives a request URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    origin: String,
    prefix: String,
}

impl BaseUrl {
    /// Parses and validates `input`.
    pub fn parse(input: &str) -> Result<BaseUrl, OptInError> {
        let invalid = |problem| Err(OptInError::invalid(FIELD, problem));
        if input.is_empty() {
            return invalid("must not be empty");
        }
        if input.len() > MAX_LEN {
            return invalid("must be at most 2048 characters");
        }
        if input.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return invalid("must not contain spaces or control characters");
        }
        let (secure, rest) = if let Some(rest) = strip_prefix_ignore_case(input, "https://") {
            (true, rest)
        } else if let Some(rest) = strip_prefix_ignore_case(input, "http://") {
            (false, rest)
        } else {
            return invalid("must be an absolute https:// URL, e.g. \"https://api.emporix.io\"");
        };
        if rest.contains(['?', '#']) {
            return invalid("must not have a query (?) or fragment (#)");
        }
        // Checked splitting and slicing throughout: a slice that might panic
        // links the panic message's Unicode tables into the wasm.
        let (authority, path) = rest
            .find('/')
            .and_then(|slash| rest.split_at_checked(slash))
            .unwrap_or((rest, ""));
        if authority.contains('@') {
            return invalid("must not contain credentials (user:password@)");
        }
        if authority.contains('\\') || path.contains('\\') {
            return invalid("must not contain backslashes");
        }
        let (host, port) = split_host_port(authority)?;
        let host = host.to_ascii_lowercase();
        if !secure && !is_loopback(&host) {
            return invalid(
                "must use https:// (plain http:// is allowed only for localhost, 127.0.0.1 and [::1])",
            );
        }
        if !is_valid_path(path) {
            return invalid("has a path with characters that must be percent-encoded");
        }
        let scheme = if secure { "https" } else { "http" };
        let origin = match port {
            Some(port) => format!("{scheme}://{host}:{port}"),
            None => format!("{scheme}://{host}"),
        };
        Ok(BaseUrl {
            origin,
            prefix: path.trim_end_matches('/').to_owned(),
        })
    }

    /// Scheme, host and port, e.g. `https://api.emporix.io`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The URL of `path`, which starts with `/`.
    pub fn join(&self, path: &str) -> String {
        format!("{}{}{}", self.origin, self.prefix, path)
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        BaseUrl {
            origin: DEFAULT_BASE_URL.to_owned(),
            prefix: String::new(),
        }
    }
}

fn strip_prefix_ignore_case<'a>(input: &'a str, prefix: &str) -> Option<&'a str> {
    let head = input.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| input.get(prefix.len()..))
        .flatten()
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>), OptInError> {
    let invalid = |problem| Err(OptInError::invalid(FIELD, problem));
    let (host, port) = if authority.starts_with('[') {
        let Some(end) = authority.find(']') else {
            return invalid("has an unterminated [IPv6] host");
        };
        let Some((host, after)) = authority.split_at_checked(end + 1) else {
            return invalid("has an invalid [IPv6] host");
        };
        let inner = host.get(1..host.len() - 1).unwrap_or_default();
        if inner.is_empty()
            || !inner
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return invalid("has an invalid [IPv6] host");
        }
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return invalid("has an invalid host"),
            },
        }
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return invalid("has no host");
    }
    if !host.starts_with('[') && !is_valid_host_name(host) {
        return invalid("has an invalid host (letters, digits, '-' and '.' only; punycode for international names)");
    }
    let port = match port {
        None => None,
        // `parse` alone would accept a leading `+`.
        Some(digits) => match digits.parse::<u16>() {
            Ok(port) if port > 0 && digits.bytes().all(|b| b.is_ascii_digit()) => Some(port),
            _ => return invalid("has an invalid port (1-65535)"),
        },
    };
    Ok((host, port))
}

fn is_valid_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').enumerate().all(|(index, label)| {
            // A single trailing dot (fully qualified name) is allowed.
            (label.is_empty() && index > 0 && host.ends_with('.') && host.len() > 1)
                || (!label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        })
        && !host.starts_with('.')
        && !has_double_dot(host)
}

/// Whether `text` contains `..`, compared as bytes (`str::contains` with a
/// string pattern would link its searcher's panic paths into the wasm).
pub(crate) fn has_double_dot(text: &str) -> bool {
    text.as_bytes().windows(2).any(|pair| pair == b"..")
}

fn is_loopback(host: &str) -> bool {
    if host == "localhost" || host == "[::1]" {
        return true;
    }
    let octets: Vec<&str> = host.split('.').collect();
    octets.len() == 4
        && octets[0] == "127"
        && octets
            .iter()
            .all(|o| !o.is_empty() && o.len() <= 3 && o.parse::<u8>().is_ok())
}

/// Path characters allowed unencoded (RFC 3986 `pchar` and `/`), plus `%XX`
/// escapes; no `.` or `..` segment, which the fetch URL parser would collapse.
fn is_valid_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
                if !(hex(i + 1) && hex(i + 2)) {
                    return false;
                }
                i += 3;
                continue;
            }
            b if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b) => {}
            _ => return false,
        }
        i += 1;
    }
    !path.split('/').any(|segment| {
        let lower = segment.to_ascii_lowercase();
        matches!(
            lower.as_str(),
            "." | ".." | "%2e" | "%2e%2e" | ".%2e" | "%2e."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> BaseUrl {
        BaseUrl::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn rejected(input: &str) -> String {
        match BaseUrl::parse(input) {
            Err(OptInError::InvalidInput { field, problem }) => {
                assert_eq!(field, "baseUrl");
                problem.to_owned()
            }
            other => panic!("{input:?} should be rejected, got {other:?}"),
        }
    }

    #[test]
    fn accepts_https_urls_and_normalises_them() {
        assert_eq!(
            ok("https://api.emporix.io").join("/x"),
            "https://api.emporix.io/x"
        );
        assert_eq!(
            ok("https://api.emporix.io/").join("/x"),
            "https://api.emporix.io/x"
        );
        assert_eq!(
            ok("HTTPS://API.Emporix.IO").join("/x"),
            "https://api.emporix.io/x"
        );
        assert_eq!(
            ok("https://shop.example:8443/emporix/").join("/x"),
            "https://shop.example:8443/emporix/x"
        );
        assert_eq!(
            ok("https://shop.example/a%20b/c").join("/x"),
            "https://shop.example/a%20b/c/x"
        );
        assert_eq!(
            ok("https://api.emporix.io").origin(),
            "https://api.emporix.io"
        );
        assert_eq!(BaseUrl::default(), ok(DEFAULT_BASE_URL));
    }

    #[test]
    fn allows_plain_http_only_to_loopback() {
        assert_eq!(
            ok("http://127.0.0.1:8080").origin(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            ok("http://localhost:3000/api").join("/x"),
            "http://localhost:3000/api/x"
        );
        assert_eq!(ok("http://[::1]:8080").origin(), "http://[::1]:8080");
        assert_eq!(ok("http://127.1.2.3").origin(), "http://127.1.2.3");
        assert!(rejected("http://api.emporix.io").contains("https"));
        assert!(rejected("http://10.0.0.1").contains("https"));
        assert!(rejected("http://127.0.0.1.evil.example").contains("https"));
        assert!(rejected("http://localhost.evil.example").contains("https"));
        assert!(rejected("http://[::2]").contains("https"));
    }

    #[test]
    fn rejects_other_schemes_and_relative_urls() {
        for input in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "ftp://api.emporix.io",
            "api.emporix.io",
            "//api.emporix.io",
            "/api",
            "https:/api.emporix.io",
            "file:///etc/passwd",
        ] {
            assert!(rejected(input).contains("absolute https://"), "{input}");
        }
    }

    #[test]
    fn rejects_credentials_query_fragment_and_odd_characters() {
        assert!(rejected("https://user:pw@api.emporix.io").contains("credentials"));
        assert!(rejected("https://api.emporix.io/?x=1").contains("query"));
        assert!(rejected("https://api.emporix.io#frag").contains("fragment"));
        assert!(rejected("https://api.emporix.io/a b").contains("spaces"));
        assert!(rejected(" https://api.emporix.io").contains("spaces"));
        assert!(rejected("https://api.emporix.io\0").contains("control"));
        assert!(rejected("https://api.emporix.io/ü").contains("percent-encoded"));
        assert!(rejected("https://api.emporix.io/a/../b").contains("percent-encoded"));
        assert!(rejected("https://api.emporix.io/%2E%2e").contains("percent-encoded"));
        assert!(rejected("https://api.emporix.io/%zz").contains("percent-encoded"));
        assert!(rejected("https://api.emporix.io\\x").contains("backslashes"));
        assert!(rejected("").contains("empty"));
        assert!(rejected(&format!("https://a.example/{}", "a".repeat(3000))).contains("2048"));
    }

    #[test]
    fn rejects_bad_hosts_and_ports() {
        assert!(rejected("https://").contains("no host"));
        assert!(rejected("https://:443").contains("no host"));
        assert!(rejected("https://exämple.com").contains("invalid host"));
        assert!(rejected("https://a..b").contains("invalid host"));
        assert!(rejected("https://-a.example").contains("invalid host"));
        assert!(rejected("https://a_b.example").contains("invalid host"));
        assert!(rejected("https://api.emporix.io:0").contains("port"));
        assert!(rejected("https://api.emporix.io:65536").contains("port"));
        assert!(rejected("https://api.emporix.io:+80").contains("port"));
        assert!(rejected("https://api.emporix.io:").contains("port"));
        assert!(rejected("https://[::1").contains("IPv6"));
        assert!(rejected("https://[zz]").contains("IPv6"));
        assert!(rejected("https://[::1]x").contains("invalid host"));
        assert_eq!(ok("https://example.com.").origin(), "https://example.com.");
    }
}

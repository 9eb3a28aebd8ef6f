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
//!
//! The parser works on bytes: one scan finds the delimiters, then each part
//! is checked once. `str`'s pattern searches (`find`, `split`, `rsplit_once`,
//! `contains`), `parse` and `format!` each linked generic code of their own:
//! written this way, `BaseUrl::parse` went from 2,852 to about 1,870 bytes of
//! wasm and the module from 3,872 to 2,833 (twiggy, before wasm-opt).

use crate::error::{OptInError, Problem};
use crate::validate;

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
        parse(input).map_err(|problem| OptInError::invalid(FIELD, problem))
    }

    /// Scheme, host and port, e.g. `https://api.emporix.io`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The URL of `path`, which starts with `/`.
    pub fn join(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.origin.len() + self.prefix.len() + path.len());
        url.push_str(&self.origin);
        url.push_str(&self.prefix);
        url.push_str(path);
        url
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

/// Where the part after `scheme://` splits, and whether it holds characters a
/// base URL may never have: found in one scan, so that the problems can then
/// be reported in a fixed order whatever their position in the input.
struct Delimiters {
    /// The first `/`, where the path begins.
    path_start: Option<usize>,
    /// The first `]` of the authority, closing an `[IPv6]` host.
    bracket_end: Option<usize>,
    /// The last `:` of the authority, before the port.
    last_colon: Option<usize>,
    /// A `?` or `#` anywhere.
    query_or_fragment: bool,
    /// An `@` in the authority.
    credentials: bool,
    /// A `\` anywhere.
    backslash: bool,
}

impl Delimiters {
    fn scan(rest: &str) -> Delimiters {
        let mut found = Delimiters {
            path_start: None,
            bracket_end: None,
            last_colon: None,
            query_or_fragment: false,
            credentials: false,
            backslash: false,
        };
        for (i, &byte) in rest.as_bytes().iter().enumerate() {
            let in_authority = found.path_start.is_none();
            match byte {
                b'?' | b'#' => found.query_or_fragment = true,
                b'\\' => found.backslash = true,
                b'/' if in_authority => found.path_start = Some(i),
                b'@' if in_authority => found.credentials = true,
                b']' if in_authority && found.bracket_end.is_none() => found.bracket_end = Some(i),
                b':' if in_authority => found.last_colon = Some(i),
                _ => {}
            }
        }
        found
    }
}

fn parse(input: &str) -> Result<BaseUrl, Problem> {
    if input.is_empty() {
        return Err("must not be empty");
    }
    if input.len() > MAX_LEN {
        return Err("must be at most 2048 characters");
    }
    if validate::has_space_or_control(input) {
        return Err("must not contain spaces or control characters");
    }
    let (secure, rest) = if let Some(rest) = strip_prefix_ignore_case(input, "https://") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(input, "http://") {
        (false, rest)
    } else {
        return Err("must be an absolute https:// URL, e.g. \"https://api.emporix.io\"");
    };
    let delimiters = Delimiters::scan(rest);
    if delimiters.query_or_fragment {
        return Err("must not have a query (?) or fragment (#)");
    }
    if delimiters.credentials {
        return Err("must not contain credentials (user:password@)");
    }
    if delimiters.backslash {
        return Err("must not contain backslashes");
    }
    // Checked splitting throughout: a slice that might panic links panic
    // code into the wasm. Every split is at an ASCII delimiter, so none fails.
    let (authority, path) = delimiters
        .path_start
        .and_then(|slash| rest.split_at_checked(slash))
        .unwrap_or((rest, ""));
    let (host, port) = split_host_port(authority, &delimiters)?;
    if !secure && !is_loopback(host) {
        return Err(
            "must use https:// (plain http:// is allowed only for localhost, 127.0.0.1 and [::1])",
        );
    }
    if !is_valid_path(path.as_bytes()) {
        return Err("has a path with characters that must be percent-encoded");
    }
    let scheme = if secure { "https://" } else { "http://" };
    let mut origin = String::with_capacity(scheme.len() + authority.len());
    origin.push_str(scheme);
    origin.push_str(host);
    if let Some(port) = port {
        // Written from the number, not copied, so `:0443` becomes `:443`.
        origin.push(':');
        validate::push_decimal(&mut origin, port);
    }
    // The scheme and the digits are lowercase already: this lowercases the host.
    origin.make_ascii_lowercase();
    Ok(BaseUrl {
        origin,
        prefix: trim_trailing_slashes(path).to_owned(),
    })
}

fn strip_prefix_ignore_case<'a>(input: &'a str, prefix: &str) -> Option<&'a str> {
    let head = input.as_bytes().get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix.as_bytes()) {
        input.get(prefix.len()..)
    } else {
        None
    }
}

/// The host (as given, `[…]` included) and the port of `authority`.
fn split_host_port<'a>(
    authority: &'a str,
    delimiters: &Delimiters,
) -> Result<(&'a str, Option<u32>), Problem> {
    let bracketed = matches!(authority.as_bytes().first(), Some(b'['));
    // The host ends after the `]` of an `[IPv6]` host, else at the last `:`.
    let host_end = if bracketed {
        let Some(end) = delimiters.bracket_end else {
            return Err("has an unterminated [IPv6] host");
        };
        end + 1
    } else {
        delimiters.last_colon.unwrap_or(authority.len())
    };
    let Some((host, after)) = authority.split_at_checked(host_end) else {
        return Err("has an invalid [IPv6] host");
    };
    if bracketed {
        let inner = host.as_bytes().get(1..host_end - 1).unwrap_or_default();
        if inner.is_empty()
            || !validate::all_bytes(inner, |b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err("has an invalid [IPv6] host");
        }
    }
    // Nothing, or a `:` and the port; only an `[IPv6]` host can be followed
    // by anything else.
    let port = match after.as_bytes().split_first() {
        None => None,
        Some((b':', digits)) => Some(digits),
        Some(_) => return Err("has an invalid host"),
    };
    if host.is_empty() {
        return Err("has no host");
    }
    if !bracketed && !is_valid_host_name(host.as_bytes()) {
        return Err("has an invalid host (letters, digits, '-' and '.' only; punycode for international names)");
    }
    let port = match port {
        None => None,
        Some(digits) => match validate::decimal(digits) {
            Some(port @ 1..=65_535) => Some(port as u32),
            _ => return Err("has an invalid port (1-65535)"),
        },
    };
    Ok((host, port))
}

/// Dot-separated labels of letters, digits and `-` (not at either end of a
/// label), 1 to 63 bytes each, at most 253 in all; a single trailing dot (a
/// fully qualified name) is allowed.
fn is_valid_host_name(host: &[u8]) -> bool {
    let name = match host.split_last() {
        Some((b'.', name)) => name,
        _ => host,
    };
    if host.len() > 253 || name.is_empty() {
        return false;
    }
    // One pass with the label's length and the byte before; the end of the
    // name ends its last label (`slice::split` linked an iterator of its own).
    // `0..len + 1`: the iterator of `0..=len` is a function of its own in the wasm.
    let (mut label_len, mut previous) = (0, b'.');
    for i in 0..name.len() + 1 {
        let byte = name.get(i).copied().unwrap_or(b'.');
        if byte == b'.' {
            if label_len == 0 || label_len > 63 || previous == b'-' {
                return false;
            }
            label_len = 0;
        } else if byte.is_ascii_alphanumeric() || (byte == b'-' && previous != b'.') {
            label_len += 1;
        } else {
            return false;
        }
        previous = byte;
    }
    true
}

/// `localhost` (any case), `[::1]`, or `127.x.x.x` with octets of 1 to 3
/// digits up to 255.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") || host == "[::1]" {
        return true;
    }
    let Some(("127.", octets)) = host.split_at_checked(4) else {
        return false;
    };
    let octets = octets.as_bytes();
    let (mut count, mut digits, mut value) = (0, 0, 0);
    // The end of the address ends its last octet. `0..len + 1`: the iterator
    // of `0..=len` is a function of its own in the wasm.
    for i in 0..octets.len() + 1 {
        match octets.get(i).copied().unwrap_or(b'.') {
            b'.' => {
                if digits == 0 || value > 255 {
                    return false;
                }
                (count, digits, value) = (count + 1, 0, 0);
            }
            digit @ b'0'..=b'9' if digits < 3 => {
                digits += 1;
                value = value * 10 + u32::from(digit - b'0');
            }
            _ => return false,
        }
    }
    count == 3
}

/// Path characters allowed unencoded (RFC 3986 `pchar` and `/`), plus `%XX`
/// escapes; no `.` or `..` segment (each dot written as `.` or `%2e`, any
/// case), which the fetch URL parser would collapse.
fn is_valid_path(path: &[u8]) -> bool {
    // One pass: each segment counts its dots and notes anything else.
    let (mut i, mut dots, mut only_dots) = (0, 0, true);
    while i <= path.len() {
        // The end of the path also ends its last segment.
        let byte = path.get(i).copied().unwrap_or(b'/');
        i += 1;
        match byte {
            b'/' => {
                if only_dots && matches!(dots, 1..=2) {
                    return false;
                }
                (dots, only_dots) = (0, true);
            }
            b'%' => {
                let (Some(&high), Some(&low)) = (path.get(i), path.get(i + 1)) else {
                    return false;
                };
                if !(high.is_ascii_hexdigit() && low.is_ascii_hexdigit()) {
                    return false;
                }
                // `%2e` and `%2E` are dots; `| 0x20` lowercases the letter.
                if high == b'2' && low | 0x20 == b'e' {
                    dots += 1;
                } else {
                    only_dots = false;
                }
                i += 2;
            }
            b'.' => dots += 1,
            _ if is_path_char(byte) => only_dots = false,
            _ => return false,
        }
    }
    true
}

/// RFC 3986 `pchar` other than `%`: unreserved, sub-delims, `:` and `@`.
/// A `matches!` rather than `b"…".contains(&byte)`, which linked `memchr`
/// (416 bytes of wasm) for this check and the email's alone.
fn is_path_char(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'-' | b'.' | b'_' | b'~' // unreserved
                | b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' // sub-delims
                | b':' | b'@'
        )
}

/// `path` without its trailing `/`s.
fn trim_trailing_slashes(path: &str) -> &str {
    let mut end = path.len();
    while end > 0 && matches!(path.as_bytes().get(end - 1), Some(b'/')) {
        end -= 1;
    }
    path.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str) -> BaseUrl {
        BaseUrl::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    /// `input` parsed, with `/x` joined to it.
    fn joined(input: &str) -> String {
        ok(input).join("/x")
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
        assert_eq!(joined("https://api.emporix.io"), "https://api.emporix.io/x");
        assert_eq!(
            joined("https://api.emporix.io/"),
            "https://api.emporix.io/x"
        );
        assert_eq!(joined("HTTPS://API.Emporix.IO"), "https://api.emporix.io/x");
        assert_eq!(
            joined("https://shop.example:8443/emporix/"),
            "https://shop.example:8443/emporix/x"
        );
        assert_eq!(
            joined("https://shop.example/a%20b/c"),
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
            joined("http://localhost:3000/api"),
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
        assert!(rejected("https://.").contains("invalid host"));
        assert!(rejected("https://a.b..").contains("invalid host"));
        assert!(rejected("https://a-.example").contains("invalid host"));
        assert!(rejected(&format!("https://{}.example", "a".repeat(64))).contains("invalid host"));
        assert!(rejected(&format!("https://{}a", "a.".repeat(127))).contains("invalid host"));
        assert!(rejected("https://a:b:443").contains("invalid host"));
        assert!(rejected("https://[]").contains("IPv6"));
        assert!(rejected("https://[::1]:").contains("port"));
        assert!(rejected("https://[::1]:x").contains("port"));
        assert!(rejected("https://api.emporix.io:80x").contains("port"));
        assert!(rejected("https://api.emporix.io:99999999999999999999999").contains("port"));
    }

    #[test]
    fn labels_octets_and_dot_segments_are_checked_at_every_position() {
        for good in ["a-b.example", "a1.b2-c3.d", "x", "0.example", "a.b.c.d.e"] {
            assert!(BaseUrl::parse(&format!("https://{good}")).is_ok(), "{good}");
        }
        for bad in [
            "a.-b", "a.b-", "a-", "-", "a.", "..", "a.b.-", "a..", "a.b_c",
        ] {
            let input = format!("https://{bad}.");
            assert!(rejected(&input).contains("invalid host"), "{input}");
        }
        assert!(rejected("http://127..0.1").contains("invalid host"));
        assert!(rejected("http://127.-1.0.0").contains("invalid host"));
        let longest_label = format!("https://{}.example", "a".repeat(63));
        assert!(BaseUrl::parse(&longest_label).is_ok());
        for good in ["127.255.255.255", "127.0.0.0", "127.1.02.003"] {
            assert!(BaseUrl::parse(&format!("http://{good}")).is_ok(), "{good}");
        }
        for bad in ["127.0.0.1x", "127.0.0.", "127.", "127.0.0.0.1"] {
            assert!(
                rejected(&format!("http://{bad}")).contains("https"),
                "{bad}"
            );
        }
        for good in [
            "/a%2e",
            "/%2ea",
            "/.a",
            "/%3e",
            "/%2f",
            "/%2E%2e%2E",
            "/a/.b/..c",
            "/x.",
            "/_%2e_",
        ] {
            assert!(
                BaseUrl::parse(&format!("https://a.example{good}")).is_ok(),
                "{good}"
            );
        }
        for bad in [
            "/%2e/x",
            "/x/%2E%2E",
            "/x/.",
            "/.//x",
            "/%2",
            "/a%g0",
            "/%%41",
        ] {
            let input = format!("https://a.example{bad}");
            assert!(rejected(&input).contains("percent-encoded"), "{input}");
        }
    }

    #[test]
    fn normalises_hosts_and_ports_and_drops_trailing_slashes() {
        assert_eq!(ok("https://[::1]:8443").origin(), "https://[::1]:8443");
        assert_eq!(ok("https://[::ABCD]").origin(), "https://[::abcd]");
        assert_eq!(
            ok("https://api.emporix.io:0443").origin(),
            "https://api.emporix.io:443"
        );
        assert_eq!(
            ok("https://api.emporix.io:65535").origin(),
            "https://api.emporix.io:65535"
        );
        assert_eq!(ok("http://LocalHost:80").origin(), "http://localhost:80");
        assert_eq!(ok("http://127.000.0.1").origin(), "http://127.000.0.1");
        assert!(rejected("http://127.0.0.256").contains("https"));
        assert!(rejected("http://127.0.0.1.").contains("https"));
        assert!(rejected("http://127.0.0").contains("https"));
        assert!(rejected("http://127.0.0.1234").contains("https"));
        assert!(rejected("http://0127.0.0.1").contains("https"));
        assert_eq!(joined("https://a.example///"), "https://a.example/x");
        assert_eq!(joined("https://a.example/p//"), "https://a.example/p/x");
        assert_eq!(joined("https://a.example/.../"), "https://a.example/.../x");
        assert_eq!(
            joined("https://a.example/%2e%2E%2e"),
            "https://a.example/%2e%2E%2e/x"
        );
        for dot_segment in ["/.", "/./a", "/a/..", "/.%2E/b", "/%2e./b", "/%2E"] {
            let input = format!("https://a.example{dot_segment}");
            assert!(rejected(&input).contains("percent-encoded"), "{input}");
        }
        assert!(rejected("https://a.example/%").contains("percent-encoded"));
        assert!(rejected("https://a.example/%4").contains("percent-encoded"));
        assert!(rejected("https://a.example/a\u{a0}b").contains("spaces"));
    }
}

//! The session context of an `OptInClient`'s anonymous login: the site,
//! currency, language and target country that Emporix keeps in the session it
//! creates (`GET-oauth-generate-anonymous-access-token`'s optional query
//! parameters `siteCode`, `currency`, `language` and `targetLocation`).
//!
//! Each value is checked before anything is sent, against what the spec says
//! it is; values are never trimmed or re-cased, so what Emporix gets is what
//! the caller passed:
//! - `siteCode`: a site code of the Site Settings Service (e.g. `main`). The
//!   spec gives no pattern, so only what cannot be a code is refused: an empty
//!   value, whitespace or control characters, more than 128 characters.
//! - `currency`: "three-letter currency code" — ISO 4217, in capitals (`EUR`).
//! - `language`: a language code, as in the spec's example (`EN`) or a site's
//!   languages (`en`): 2–3 letters, optionally followed by `-` or `_` and
//!   subtags of 2–8 letters or digits (`en-US`, `en_US`, `zh-Hant`).
//! - `targetLocation`: a country code of the Country Service, ISO 3166-1
//!   alpha-2, in capitals (`DE`).
//!
//! [`SessionContext::parameters`] gives the login's query parameters; the
//! request percent-encodes them. The refresh takes no context: Emporix keeps the session's (same session
//! id), so only the login sends it.

use tsify::Tsify;

use crate::error::{OptInError, Problem};
use crate::validate;

/// Longest accepted `siteCode`. The spec sets no limit; this bounds the URL.
pub const MAX_SITE_CODE_LEN: usize = 128;

/// The session context the anonymous login sets: which site, currency,
/// language and country the shopper's session belongs to. Every field is
/// optional; Emporix uses the tenant's defaults for what is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SessionContext {
    /// The site, as its code in the Site Settings Service (e.g. `"main"`). No
    /// whitespace or control characters, at most 128 characters.
    #[tsify(optional)]
    pub site_code: Option<String>,
    /// The currency: an ISO 4217 code in capitals, e.g. `"EUR"`.
    #[tsify(optional)]
    pub currency: Option<String>,
    /// The language: a language code such as `"EN"`, `"de"`, `"en-US"` or
    /// `"en_US"` (2–3 letters, optionally `-` or `_` and 2–8 letters or digits).
    #[tsify(optional)]
    pub language: Option<String>,
    /// The shopper's country, as its ISO 3166-1 alpha-2 code in capitals in
    /// the Country Service, e.g. `"DE"`.
    #[tsify(optional)]
    pub target_location: Option<String>,
}

/// A key of the `context` option. Declared in the order of [`Key::ALL`]:
/// the tables below are indexed by `key as usize`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// `siteCode`.
    SiteCode,
    /// `currency`.
    Currency,
    /// `language`.
    Language,
    /// `targetLocation`.
    TargetLocation,
}

impl Key {
    /// Every key, in the order the login sends them.
    pub const ALL: [Key; 4] = [
        Key::SiteCode,
        Key::Currency,
        Key::Language,
        Key::TargetLocation,
    ];

    /// The property of the `context` object, which is also the login's query
    /// parameter of the same name.
    pub fn name(self) -> &'static str {
        // Arrays indexed by the key rather than `match`es: the wasm holds a
        // table of string pointers instead of code for each arm.
        const NAMES: [&str; 4] = ["siteCode", "currency", "language", "targetLocation"];
        NAMES[self as usize]
    }

    /// The `field` of an `invalid_input` error about it.
    pub fn field(self) -> &'static str {
        const FIELDS: [&str; 4] = [
            "context.siteCode",
            "context.currency",
            "context.language",
            "context.targetLocation",
        ];
        FIELDS[self as usize]
    }

    /// What is wrong with a non-empty value that breaks the key's rule.
    fn rule(self) -> Problem {
        const RULES: [Problem; 4] = [
            "must be a site code: no spaces or control characters, at most 128 characters",
            "must be an ISO 4217 currency code in capitals, like EUR",
            "must be a language code like EN, de, en-US or en_US",
            "must be an ISO 3166-1 country code in capitals, like DE",
        ];
        RULES[self as usize]
    }
}

/// A property of the caller's `context` object, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Given {
    /// `undefined`, `null` or missing.
    Absent,
    /// A string.
    Text(String),
    /// Anything else.
    NotText,
    /// Its getter threw.
    Unreadable,
}

impl SessionContext {
    /// Reads and checks the context, asking `value_of` for each key.
    pub fn read(mut value_of: impl FnMut(Key) -> Given) -> Result<SessionContext, OptInError> {
        // Generic over the caller's reader, so kept to the loop: the checks
        // are in `accept`, which the wasm holds once.
        let mut context = SessionContext::default();
        for &key in &Key::ALL {
            *context.slot(key) = accept(key, value_of(key))
                .map_err(|problem| OptInError::invalid(key.field(), problem))?;
        }
        Ok(context)
    }

    fn slot(&mut self, key: Key) -> &mut Option<String> {
        match key {
            Key::SiteCode => &mut self.site_code,
            Key::Currency => &mut self.currency,
            Key::Language => &mut self.language,
            Key::TargetLocation => &mut self.target_location,
        }
    }

    /// The login's query parameters for the values given, as (name, value),
    /// in the order of [`Key::ALL`]; the request percent-encodes the values.
    pub fn parameters(&self) -> Vec<(&'static str, &str)> {
        // A plain loop: iterator adapters cost the wasm a few hundred bytes.
        let values = [
            &self.site_code,
            &self.currency,
            &self.language,
            &self.target_location,
        ];
        let mut parameters = Vec::new();
        for &key in &Key::ALL {
            if let Some(value) = values[key as usize] {
                parameters.push((key.name(), value.as_str()));
            }
        }
        parameters
    }
}

/// The value given for `key`, checked against its rule.
fn accept(key: Key, given: Given) -> Result<Option<String>, Problem> {
    let text = match given {
        Given::Absent => return Ok(None),
        Given::Text(text) => text,
        Given::NotText => return Err("must be a string"),
        Given::Unreadable => return Err("could not be read (its getter threw)"),
    };
    if text.is_empty() {
        return Err("must not be empty (leave it out for the tenant's default)");
    }
    let follows_rule = match key {
        Key::SiteCode => text.len() <= MAX_SITE_CODE_LEN && !validate::has_space_or_control(&text),
        Key::Currency => is_code(&text, 3),
        Key::Language => is_language(&text),
        Key::TargetLocation => is_code(&text, 2),
    };
    if follows_rule {
        Ok(Some(text))
    } else {
        Err(key.rule())
    }
}

/// `len` ASCII capital letters.
fn is_code(value: &str, len: usize) -> bool {
    value.len() == len && validate::all_bytes(value.as_bytes(), |b| b.is_ascii_uppercase())
}

/// 2–3 letters, then any number of `-`/`_` and 2–8 letters or digits.
fn is_language(value: &str) -> bool {
    // Walks the bytes once (`str::split` with a pattern costs the wasm more):
    // `part` counts the current subtag, which may be `longest` long.
    let bytes = value.as_bytes();
    let (mut part, mut longest) = (0, 3);
    // The end of the value ends its last subtag.
    // `0..len + 1`: the iterator of `0..=len` is a function of its own in the wasm.
    for i in 0..bytes.len() + 1 {
        let byte = bytes.get(i).copied().unwrap_or(b'-');
        if byte == b'-' || byte == b'_' {
            if part < 2 || part > longest {
                return false;
            }
            (part, longest) = (0, 8);
        } else if byte.is_ascii_alphabetic() || (longest == 8 && byte.is_ascii_digit()) {
            part += 1;
        } else {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::tests::problem;

    fn context(values: &[(Key, Given)]) -> Result<SessionContext, OptInError> {
        SessionContext::read(|key| {
            values
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(Given::Absent, |(_, v)| v.clone())
        })
    }

    fn text(key: Key, value: &str) -> Result<SessionContext, OptInError> {
        context(&[(key, Given::Text(value.to_owned()))])
    }

    #[test]
    fn nothing_given_is_an_empty_context_and_no_parameters() {
        let empty = context(&[]).unwrap();
        assert_eq!(empty, SessionContext::default());
        assert_eq!(empty.parameters(), []);
    }

    #[test]
    fn every_value_becomes_its_query_parameter_in_a_fixed_order() {
        let full = context(&[
            (Key::TargetLocation, Given::Text("DE".into())),
            (Key::Language, Given::Text("en_US".into())),
            (Key::Currency, Given::Text("EUR".into())),
            (Key::SiteCode, Given::Text("main".into())),
        ])
        .unwrap();
        assert_eq!(full.site_code.as_deref(), Some("main"));
        assert_eq!(
            full.parameters(),
            [
                ("siteCode", "main"),
                ("currency", "EUR"),
                ("language", "en_US"),
                ("targetLocation", "DE")
            ]
        );
        let some = context(&[(Key::Currency, Given::Text("CHF".into()))]).unwrap();
        assert_eq!(some.parameters(), [("currency", "CHF")]);
    }

    #[test]
    fn a_site_code_is_kept_as_given_not_repaired() {
        let site = text(Key::SiteCode, "dé/site&x=1#y?").unwrap();
        assert_eq!(site.parameters(), [("siteCode", "dé/site&x=1#y?")]);
        for good in ["main", "us-main", "DE_b2b", "a", &"s".repeat(128)] {
            assert!(text(Key::SiteCode, good).is_ok(), "{good}");
        }
        let field = "context.siteCode";
        assert!(problem(text(Key::SiteCode, ""), field).contains("empty"));
        assert!(problem(text(Key::SiteCode, " main"), field).contains("no spaces"));
        assert!(problem(text(Key::SiteCode, "ma in"), field).contains("no spaces"));
        assert!(problem(text(Key::SiteCode, "main\n"), field).contains("no spaces"));
        assert!(problem(text(Key::SiteCode, "a\u{0}b"), field).contains("control"));
        assert!(problem(text(Key::SiteCode, &"s".repeat(129)), field).contains("128"));
    }

    #[test]
    fn currency_is_an_iso_4217_code_in_capitals() {
        for good in ["EUR", "USD", "CHF"] {
            assert!(text(Key::Currency, good).is_ok(), "{good}");
        }
        for bad in ["eur", "Eur", "EU", "EURO", "E1R", " EUR", "€", "ÄBC"] {
            let problem = problem(text(Key::Currency, bad), "context.currency");
            assert!(problem.contains("like EUR"), "{bad}: {problem}");
        }
        assert!(problem(text(Key::Currency, ""), "context.currency").contains("empty"));
    }

    #[test]
    fn language_is_a_language_code() {
        for good in [
            "EN",
            "en",
            "de",
            "deu",
            "en-US",
            "en_US",
            "zh-Hant",
            "zh-Hant-TW",
            "es-419",
        ] {
            assert!(text(Key::Language, good).is_ok(), "{good}");
        }
        for bad in [
            "e",
            "english",
            "en-",
            "en--US",
            "-en",
            "en US",
            "en-U",
            "1n",
            "en-abcdefghi",
            "ün",
        ] {
            let problem = problem(text(Key::Language, bad), "context.language");
            assert!(problem.contains("language code"), "{bad}: {problem}");
        }
    }

    #[test]
    fn language_subtags_are_measured_at_every_position() {
        for good in [
            "abc",
            "en-12345678",
            "en-ab-cd",
            "en_1a",
            "EN-us",
            "de-AT_x1",
        ] {
            assert!(text(Key::Language, good).is_ok(), "{good}");
        }
        for bad in [
            "abcd",
            "e-US",
            "abcd-US",
            "en-123456789",
            "en-1",
            "en_",
            "en-US-",
            "en-US_",
            "12",
            "en-U-S",
            "en.US",
            "_en",
            "en-ü1",
        ] {
            let problem = problem(text(Key::Language, bad), "context.language");
            assert!(problem.contains("language code"), "{bad}: {problem}");
        }
    }

    #[test]
    fn target_location_is_an_iso_3166_code_in_capitals() {
        for good in ["DE", "US", "CH"] {
            assert!(text(Key::TargetLocation, good).is_ok(), "{good}");
        }
        for bad in ["de", "DEU", "D", "D1", "Germany"] {
            let problem = problem(text(Key::TargetLocation, bad), "context.targetLocation");
            assert!(problem.contains("like DE"), "{bad}: {problem}");
        }
    }

    #[test]
    fn a_value_of_another_type_or_a_throwing_getter_names_its_field() {
        assert!(problem(
            context(&[(Key::Language, Given::NotText)]),
            "context.language"
        )
        .contains("must be a string"));
        assert!(problem(
            context(&[(Key::TargetLocation, Given::Unreadable)]),
            "context.targetLocation"
        )
        .contains("getter threw"));
        // The first wrong key, in the fixed order, is the one reported.
        let both = context(&[
            (Key::TargetLocation, Given::NotText),
            (Key::Currency, Given::Text("eur".into())),
        ]);
        assert!(problem(both, "context.currency").contains("EUR"));
    }

    #[test]
    fn names_and_fields_match() {
        for &key in &Key::ALL {
            assert_eq!(key.field(), format!("context.{}", key.name()));
        }
        // The tables are indexed by the declaration order, which is ALL's.
        for (index, key) in Key::ALL.into_iter().enumerate() {
            assert_eq!(key as usize, index);
        }
        let names = Key::ALL.map(Key::name);
        assert_eq!(
            names,
            ["siteCode", "currency", "language", "targetLocation"]
        );
        assert!(Key::Currency.rule().contains("like EUR"));
        assert!(Key::TargetLocation.rule().contains("like DE"));
    }
}

//! Command-line / environment configuration of the sandbox.

use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

/// Client id accepted when none is configured.
pub const DEFAULT_CLIENT_ID: &str = "sandbox-client";

/// Command-line arguments; every flag also reads an environment variable so
/// scripts that cannot pass flags (e.g. a Playwright `webServer` entry) still work.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "emporix-sandbox",
    version,
    about = "Stateful local stand-in for the Emporix double opt-in API (binds 127.0.0.1 only)."
)]
pub struct Args {
    /// TCP port on 127.0.0.1; 0 picks a free port (read it from the printed line).
    #[arg(long, env = "SANDBOX_PORT", default_value_t = 8080)]
    pub port: u16,
    /// Directory served at `/` (index.html for directories).
    #[arg(long, env = "SANDBOX_STATIC_DIR", default_value = "www")]
    pub static_dir: PathBuf,
    /// Directory served at `/pkg/` (the wasm-pack output).
    #[arg(long, env = "SANDBOX_PKG_DIR", default_value = "pkg")]
    pub pkg_dir: PathBuf,
    /// Base URL of activation links; default `http://127.0.0.1:{port}/`.
    #[arg(long, env = "SANDBOX_LINK_BASE")]
    pub link_base: Option<String>,
    /// Lifetime of an opt-in (activation) token, in seconds.
    #[arg(long, env = "SANDBOX_OPTIN_TTL_SECS", default_value_t = 86_400)]
    pub optin_ttl_secs: u64,
    /// Lifetime of an anonymous access token, in seconds.
    #[arg(long, env = "SANDBOX_ANON_TTL_SECS", default_value_t = 3_599)]
    pub anon_ttl_secs: u64,
    /// Lifetime of an anonymous refresh token, in seconds.
    #[arg(long, env = "SANDBOX_ANON_REFRESH_TTL_SECS", default_value_t = 86_399)]
    pub anon_refresh_ttl_secs: u64,
    /// Resends allowed per email per window before 429.
    #[arg(long, env = "SANDBOX_RESEND_LIMIT", default_value_t = 3)]
    pub resend_limit: u32,
    /// Length of the resend rate-limit window, in seconds.
    #[arg(long, env = "SANDBOX_RESEND_WINDOW_SECS", default_value_t = 3_600)]
    pub resend_window_secs: u64,
    /// Accepted client id for anonymous login (repeatable; env: comma-separated).
    #[arg(long = "client-id", env = "SANDBOX_CLIENT_ID", value_delimiter = ',')]
    pub client_ids: Vec<String>,
    /// Delay of the `fslow` fault, in milliseconds.
    #[arg(long, env = "SANDBOX_SLOW_MS", default_value_t = 3_000)]
    pub slow_ms: u64,
    /// Answer confirms with the deprecated camelCase twins (`accessToken`, …)
    /// next to the snake_case fields, as Emporix did until 2025-11-13.
    #[arg(long, env = "SANDBOX_CAMEL_CASE_TWINS")]
    pub camel_case_twins: bool,
}

/// Resolved configuration the server runs with.
#[derive(Debug, Clone)]
pub struct Config {
    /// Requested port (0 = ephemeral); replaced by the bound port once listening.
    pub port: u16,
    /// Directory served at `/`.
    pub static_dir: PathBuf,
    /// Directory served at `/pkg/`.
    pub pkg_dir: PathBuf,
    /// Explicit activation-link base, or `None` for `http://127.0.0.1:{port}/`.
    pub link_base: Option<String>,
    /// Opt-in token lifetime.
    pub optin_ttl: Duration,
    /// Anonymous access token lifetime.
    pub anon_ttl: Duration,
    /// Anonymous refresh token lifetime.
    pub anon_refresh_ttl: Duration,
    /// Resends per email per window.
    pub resend_limit: u32,
    /// Rate-limit window.
    pub resend_window: Duration,
    /// Accepted client ids (never empty after [`Config::from_args`]).
    pub client_ids: Vec<String>,
    /// Delay of the `fslow` fault.
    pub slow: Duration,
    /// Confirms answer with the deprecated camelCase twins on every tenant
    /// (the `ftwins` tenant always does).
    pub camel_case_twins: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 8080,
            static_dir: PathBuf::from("www"),
            pkg_dir: PathBuf::from("pkg"),
            link_base: None,
            optin_ttl: Duration::from_secs(86_400),
            anon_ttl: Duration::from_secs(3_599),
            anon_refresh_ttl: Duration::from_secs(86_399),
            resend_limit: 3,
            resend_window: Duration::from_secs(3_600),
            client_ids: vec![DEFAULT_CLIENT_ID.to_owned()],
            slow: Duration::from_millis(3_000),
            camel_case_twins: false,
        }
    }
}

impl Config {
    /// Builds the configuration from parsed command-line arguments.
    pub fn from_args(args: Args) -> Self {
        let client_ids: Vec<String> = args
            .client_ids
            .into_iter()
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty())
            .collect();
        Self {
            port: args.port,
            static_dir: args.static_dir,
            pkg_dir: args.pkg_dir,
            link_base: args.link_base.filter(|base| !base.is_empty()),
            optin_ttl: Duration::from_secs(args.optin_ttl_secs),
            anon_ttl: Duration::from_secs(args.anon_ttl_secs),
            anon_refresh_ttl: Duration::from_secs(args.anon_refresh_ttl_secs),
            resend_limit: args.resend_limit,
            resend_window: Duration::from_secs(args.resend_window_secs),
            client_ids: if client_ids.is_empty() {
                vec![DEFAULT_CLIENT_ID.to_owned()]
            } else {
                client_ids
            },
            slow: Duration::from_millis(args.slow_ms),
            camel_case_twins: args.camel_case_twins,
        }
    }

    /// The client id used by `/sandbox/anonymous-token` and reported by `/sandbox/info`.
    pub fn default_client_id(&self) -> &str {
        self.client_ids
            .first()
            .map_or(DEFAULT_CLIENT_ID, String::as_str)
    }

    /// Base of activation links for the given bound port.
    pub fn link_base_for(&self, port: u16) -> String {
        self.link_base
            .clone()
            .unwrap_or_else(|| format!("http://127.0.0.1:{port}/"))
    }
}

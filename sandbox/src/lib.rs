#![deny(missing_docs)]
//! `emporix-sandbox`: a faithful, stateful local stand-in for the parts of the
//! Emporix API that the double opt-in flow touches (anonymous login/refresh,
//! sign-up, opt-in confirm, activation resend), plus sandbox-only endpoints to
//! inspect and steer it and reserved tenant names that inject faults.
//!
//! Written from the API spec only; it does not depend on the client library.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let server = emporix_sandbox::bind(emporix_sandbox::Config { port: 0, ..Default::default() }).await?;
//! println!("listening on {}", server.base_url());
//! server.run().await
//! # }
//! ```

pub mod clock;
pub mod config;
pub mod cors;
pub mod errors;
pub mod faults;
pub mod handlers;
pub mod refresh_faults;
pub mod reqlog;
pub mod routes;
pub mod state;
pub mod token;
pub mod validate;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use clock::Clock;
pub use config::{Args, Config};
pub use state::AppState;

/// The router for `config`, with fresh state. Links and redirects use
/// `config.port`, so pass the port the router will actually be served on.
pub fn app(config: Config) -> Router {
    let port = config.port;
    routes::router(AppState::new(config, port))
}

/// A sandbox bound to `127.0.0.1` but not yet serving.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
}

/// Binds `127.0.0.1:{config.port}` (never another interface); port 0 picks a
/// free port, which links and redirects then use.
pub async fn bind(config: Config) -> io::Result<Server> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let addr = listener.local_addr()?;
    let state = AppState::new(config, addr.port());
    Ok(Server {
        listener,
        addr,
        state,
    })
}

impl Server {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:{port}` without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.addr.port())
    }

    /// Shared state, e.g. to advance the clock from a test.
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until the process ends.
    pub async fn run(self) -> io::Result<()> {
        axum::serve(self.listener, routes::router(self.state)).await
    }

    /// Serves on a background task (for in-process tests).
    pub fn spawn(self) -> JoinHandle<io::Result<()>> {
        tokio::spawn(self.run())
    }
}

/// Binds, prints the `listening on` line, and serves until the process ends.
pub async fn serve(config: Config) -> io::Result<()> {
    let server = bind(config).await?;
    announce(&server)?;
    server.run().await
}

/// Prints the one line scripts parse for the port, and flushes it.
pub fn announce(server: &Server) -> io::Result<()> {
    use std::io::Write;
    let mut stdout = io::stdout().lock();
    writeln!(stdout, "emporix-sandbox listening on {}", server.base_url())?;
    stdout.flush()
}

//! `emporix-sandbox` binary: parse flags, bind 127.0.0.1, print the port, serve.

use clap::Parser;
use emporix_sandbox::{serve, Args, Config};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::from_args(Args::parse());
    let port = config.port;
    match serve(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("emporix-sandbox: cannot serve on 127.0.0.1:{port}: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}

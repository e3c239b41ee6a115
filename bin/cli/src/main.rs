//! `mosaic-admin`: parses the command line, runs it, and turns the outcome
//! into an exit code (0 done, 1 failed or aborted, 2 bad arguments).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // clap prints usage and exits with 2 on bad arguments.
    let cli = mosaic_admin::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("mosaic-admin: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(mosaic_admin::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("mosaic-admin: {}", err.one_line());
            ExitCode::from(err.exit_code())
        }
    }
}

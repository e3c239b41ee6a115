//! # mosaic-admin
//!
//! The administrator's command line: a clap shell over the same application
//! service and configuration as the server (migrations, users, sign-in links,
//! legacies, sessions, media clean-up, seeding, backup and restore). One module
//! per subcommand; destructive commands ask for confirmation. Filled in by the
//! admin CLI issue; until then it only says so.

fn main() {
    eprintln!("mosaic-admin: the admin commands are not built yet (see the admin CLI issue).");
    std::process::exit(2);
}

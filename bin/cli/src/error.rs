//! Why a command failed, as one line and an exit code.

use mosaic_ports::ServiceError;

/// A failed command: what to print (one line) and the exit code.
#[derive(Debug)]
pub struct CliError {
    message: String,
}

impl CliError {
    /// A failure with this reason.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The reason on one line.
    pub fn one_line(&self) -> String {
        self.message
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The process exit code: 1 for every failure (2, bad arguments, is
    /// clap's).
    pub fn exit_code(&self) -> u8 {
        1
    }
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The error and its causes, `: `-separated (an operator needs the cause:
/// "internal error" alone does not help at a terminal).
fn with_causes(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

impl From<ServiceError> for CliError {
    fn from(err: ServiceError) -> Self {
        let message = match &err {
            ServiceError::Unavailable(_)
            | ServiceError::StorageFull(_)
            | ServiceError::Internal(_) => with_causes(&err),
            _ => err.to_string(),
        };
        Self::new(message)
    }
}

impl From<mosaic_config::StartupError> for CliError {
    fn from(err: mosaic_config::StartupError) -> Self {
        Self::new(with_causes(&err))
    }
}

impl From<mosaic_config::ConfigError> for CliError {
    fn from(err: mosaic_config::ConfigError) -> Self {
        Self::new(err.to_string())
    }
}

impl From<mosaic_sqlite::StoreError> for CliError {
    fn from(err: mosaic_sqlite::StoreError) -> Self {
        Self::new(with_causes(&err))
    }
}

impl From<mosaic_domain::ValidationError> for CliError {
    fn from(err: mosaic_domain::ValidationError) -> Self {
        Self::new(err.to_string())
    }
}

impl From<mosaic_ports::RepoError> for CliError {
    fn from(err: mosaic_ports::RepoError) -> Self {
        Self::new(with_causes(&err))
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        Self::new(err.to_string())
    }
}

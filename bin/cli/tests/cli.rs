//! The real `mosaic-admin` binary against SQLite and Postgres.

mod common;

use clap::CommandFactory;
use common::{Backend, Site, one_line_error, run_admin};
use mosaic_domain::{
    LegacyDetails, LegacyName, LifeDates, StoryContent, StoryDraft, StoryTitle, UserId, Visibility,
};

#[test]
fn the_command_line_definition_is_consistent() {
    mosaic_admin::Cli::command().debug_assert();
}

#[test]
fn help_explains_with_examples() {
    for args in [
        vec!["--help"],
        vec!["legacy", "--help"],
        vec!["backup", "--help"],
        vec!["login-link", "--help"],
        vec!["invite", "--help"],
    ] {
        let output = run_admin(&[], &args, "");
        assert!(output.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(
            text.contains("Examples:"),
            "{args:?} help has no examples: {text}"
        );
        assert!(text.contains("mosaic-admin "), "{args:?}: {text}");
    }
}

#[test]
fn bad_arguments_exit_2_with_usage() {
    for args in [
        vec!["user", "lst"],
        vec!["seed", "--users", "many"],
        vec!["login-link", "--email", "a@example.org", "--create"],
        vec![],
    ] {
        let output = run_admin(&[], &args, "");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        // clap names the problem and points at the usage (or prints it).
        assert!(
            stderr.contains("error:") || stderr.contains("Usage:"),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("Usage:") || stderr.contains("--help"),
            "{args:?}: {stderr}"
        );
    }
}

#[tokio::test]
async fn a_missing_sqlite_database_is_a_one_line_error() {
    let site = Site::new(Backend::Sqlite).await;
    let output = site.run(&["user", "list"]);
    assert_eq!(output.status.code(), Some(1));
    let error = one_line_error(&output);
    assert!(error.contains("no database at"), "{error}");
    // Nothing was created by looking.
    assert!(!site.dir.path().join("mosaic.db").exists());
}

#[test]
fn an_unreachable_postgres_is_a_one_line_error() {
    let vars = vec![
        (
            "MOSAIC_DATABASE_URL".to_owned(),
            "postgres://postgres@127.0.0.1:1/mosaic".to_owned(),
        ),
        (
            "MOSAIC_DATA_DIR".to_owned(),
            tempfile::tempdir().unwrap().path().display().to_string(),
        ),
    ];
    let output = run_admin(&vars, &["stats"], "");
    assert_eq!(output.status.code(), Some(1));
    let error = one_line_error(&output);
    assert!(error.contains("database"), "{error}");
}

#[tokio::test]
async fn admin_commands_on_sqlite() {
    admin_commands(Backend::Sqlite).await;
}

#[tokio::test]
async fn admin_commands_on_postgres() {
    admin_commands(Backend::Postgres).await;
}

/// One site through the commands an administrator uses day to day.
async fn admin_commands(backend: Backend) {
    let site = Site::new(backend).await;

    // migrate
    let migrated = site.json(&["migrate", "run"]);
    assert_eq!(migrated["status"], "up-to-date");
    assert_eq!(migrated["applied_from"], serde_json::Value::Null);
    let status = site.json(&["migrate", "status"]);
    assert_eq!(status["status"], "up-to-date");
    assert_eq!(status["schema_version"], status["binary_version"]);

    // login-link --create prints a link that signs the new account in once.
    let link = site.json(&[
        "login-link",
        "--email",
        "ada@example.org",
        "--create",
        "--name",
        "Ada Lovelace",
    ]);
    assert_eq!(link["created"], true);
    let url = link["url"].as_str().unwrap();
    let token = url
        .strip_prefix("https://family.example/sign-in?token=")
        .unwrap_or_else(|| panic!("unexpected link {url}"));
    let runtime = site.runtime().await;
    let service = &runtime.service;
    let signed_in = service
        .redeem_sign_in_link(token)
        .await
        .expect("link works");
    assert!(
        service.redeem_sign_in_link(token).await.is_err(),
        "a link works once"
    );
    let ada: UserId = link["user_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(signed_in.session.user_id, ada);
    assert!(service.authenticate(&signed_in.token).await.is_ok());
    // Plain output: the link alone on stdout.
    let plain = site.ok(&["login-link", "--email", "ada@example.org"]);
    assert!(
        plain
            .trim()
            .starts_with("https://family.example/sign-in?token=")
    );
    let unknown = site.run(&["login-link", "--email", "nobody@example.org"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(one_line_error(&unknown).contains("--create"));

    // sessions
    let sessions = site.json(&["session", "list", "--user", "ada@example.org"]);
    let sessions = sessions["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["state"], "live");

    // user disable revokes sessions; enable, grant-admin
    let disabled = site.json(&["user", "disable", "ada@example.org"]);
    assert_eq!(disabled["disabled"], true);
    assert!(service.authenticate(&signed_in.token).await.is_err());
    let sessions = site.json(&["session", "list"]);
    assert_eq!(sessions["sessions"][0]["state"], "revoked");
    let refused = site.run(&["login-link", "--email", "ada@example.org"]);
    assert_eq!(refused.status.code(), Some(1));
    site.ok(&["user", "enable", "ada@example.org"]);
    let admin = site.json(&["user", "grant-admin", &ada.to_string()]);
    assert_eq!(admin["is_admin"], true);
    assert_eq!(admin["disabled"], false);
    let shown = site.json(&["user", "show", "ada@example.org"]);
    assert_eq!(shown["is_admin"], true);
    let purged = site.json(&["session", "purge-expired"]);
    assert_eq!(purged["purged"], 1);
    let created = site.json(&[
        "user",
        "create",
        "--email",
        "ruth@example.org",
        "--name",
        "Ruth",
    ]);
    assert_eq!(created["is_admin"], false);
    let users = site.json(&["user", "list"]);
    assert_eq!(users["users"].as_array().unwrap().len(), 2);
    let table = site.ok(&["user", "list"]);
    assert!(table.lines().next().unwrap().starts_with("ID"), "{table}");
    assert!(table.contains("ruth@example.org"));

    // legacies: transfer, then delete answered "no" and then --yes
    let ruth: UserId = created["id"].as_str().unwrap().parse().unwrap();
    let legacy = service
        .create_legacy(
            ada,
            LegacyDetails {
                name: LegacyName::new("Grandma Rose").unwrap(),
                dates: LifeDates::new(None, None).unwrap(),
                biography: None,
            },
        )
        .await
        .unwrap();
    service.join_legacy(ruth, legacy.id).await.unwrap();
    service.approve_member(ada, legacy.id, ruth).await.unwrap();
    service
        .create_story(
            ada,
            legacy.id,
            StoryDraft {
                title: StoryTitle::new("The garden").unwrap(),
                content: StoryContent::new("Roses and one stubborn fig tree.").unwrap(),
                visibility: Visibility::Private,
            },
        )
        .await
        .unwrap();
    let id = legacy.id.to_string();
    let shown = site.json(&["legacy", "show", &id]);
    assert_eq!(shown["contents"]["stories"], 1);
    assert_eq!(shown["contents"]["members"], 2);
    let listed = site.json(&["legacy", "list"]);
    assert_eq!(listed["legacies"][0]["id"], id.as_str());

    let transferred = site.json(&["legacy", "transfer", &id, "--to", "ruth@example.org"]);
    assert_eq!(transferred["created_by"], ruth.to_string());

    let declined = site.run_with_input(&["legacy", "delete", &id], "no\n");
    assert_eq!(declined.status.code(), Some(1));
    let prompt = String::from_utf8_lossy(&declined.stderr);
    assert!(prompt.contains("1 stories"), "{prompt}");
    assert!(prompt.contains("2 memberships"), "{prompt}");
    assert!(prompt.contains("aborted"), "{prompt}");
    let still_there = site.json(&["legacy", "show", &id]);
    assert_eq!(still_there["contents"]["stories"], 1);

    let deleted = site.json(&["legacy", "delete", &id, "--yes"]);
    assert_eq!(deleted["deleted"], true);
    let gone = site.run(&["legacy", "show", &id]);
    assert_eq!(gone.status.code(), Some(1));
    assert!(one_line_error(&gone).contains("legacy not found"));

    // stats, media gc, storage check
    let stats = site.json(&["stats"]);
    assert_eq!(stats["users"], 2);
    assert_eq!(stats["legacies"], 0);
    assert_eq!(stats["stories"]["private"], 0);
    let gc = site.json(&["media", "gc", "--dry-run"]);
    assert_eq!(gc["dry_run"], true);
    let storage = site.json(&["storage", "check"]);
    assert_eq!(storage["ok"], true);
    assert_eq!(storage["kind"], "local");
    runtime.database.close().await;
}

#[tokio::test]
async fn invite_commands_on_sqlite() {
    invite_commands(Backend::Sqlite).await;
}

#[tokio::test]
async fn invite_commands_on_postgres() {
    invite_commands(Backend::Postgres).await;
}

/// `invite create` prints a link that lets one person in; `list` shows it
/// used; `revoke` stops another; bad terms are a one-line error.
async fn invite_commands(backend: Backend) {
    let site = Site::new(backend).await;
    let runtime = site.runtime().await;
    let service = &runtime.service;
    let creator = service
        .create_user(
            mosaic_domain::Email::new("rita@example.org").unwrap(),
            mosaic_domain::PersonName::new("Rita").unwrap(),
        )
        .await
        .unwrap();
    let legacy = service
        .create_legacy(
            creator.id,
            LegacyDetails {
                name: LegacyName::new("Grandpa Joe").unwrap(),
                dates: LifeDates::default(),
                biography: None,
            },
        )
        .await
        .unwrap();
    let id = legacy.id.to_string();

    let made = site.json(&["invite", "create", &id, "--role", "editor", "--uses", "1"]);
    assert_eq!(made["role"], "editor");
    let url = made["url"].as_str().unwrap();
    let token = url
        .strip_prefix("https://family.example/invites/")
        .unwrap_or_else(|| panic!("unexpected link {url}"));
    let lou = service
        .create_user(
            mosaic_domain::Email::new("lou@example.org").unwrap(),
            mosaic_domain::PersonName::new("Lou").unwrap(),
        )
        .await
        .unwrap();
    let accepted = service
        .accept_invite(lou.id, token)
        .await
        .expect("the link works");
    assert_eq!(accepted.role, mosaic_domain::Role::Editor);

    let second = site.ok(&["invite", "create", &id]);
    assert!(
        second.trim().starts_with("https://family.example/invites/"),
        "{second}"
    );
    let listed = site.json(&["invite", "list", &id]);
    let states: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["role"].clone(), i["state"].clone()))
        .collect();
    assert_eq!(
        states,
        [
            (serde_json::json!("member"), serde_json::json!("open")),
            (serde_json::json!("editor"), serde_json::json!("used_up"))
        ]
    );
    let open_id = listed[0]["id"].as_str().unwrap();
    let revoked = site.json(&["invite", "revoke", &id, open_id]);
    assert!(revoked["revoked_at"].is_string());
    assert_eq!(site.json(&["invite", "list", &id])[0]["state"], "revoked");

    let refused = site.run(&["invite", "create", &id, "--days", "365"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(one_line_error(&refused).contains("1 to 90 days"));
}

#[tokio::test]
async fn a_schema_newer_than_the_binary_is_refused() {
    let site = Site::new(Backend::Sqlite).await;
    site.ok(&["migrate", "run"]);
    {
        use sqlx::Connection;
        let mut db = sqlx::SqliteConnection::connect(&site.database_url)
            .await
            .expect("open the SQLite file");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', 1, x'00', 0)",
        )
        .execute(&mut db)
        .await
        .expect("record a future migration");
        db.close().await.unwrap();
    }
    for args in [
        vec!["migrate", "status"],
        vec!["migrate", "run"],
        vec!["stats"],
    ] {
        let output = site.run(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let error = one_line_error(&output);
        assert!(
            error.contains("9999") && error.contains("newer"),
            "{args:?}: {error}"
        );
    }
}

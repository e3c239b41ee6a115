//! The adapter against the scripted OpenAI-compatible server, started for
//! real on 127.0.0.1 and speaking the exact streaming wire format.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use mosaic_domain::{PromptMessage, PromptRole};
use mosaic_openai::{ApiKey, OpenAiConfig, OpenAiModel};
use mosaic_openai_test_server::{Script, ScriptedModel};
use mosaic_ports::{CompletionEvent, LanguageModel, ModelError};

fn config(base_url: &str, model: &str) -> OpenAiConfig {
    OpenAiConfig {
        base_url: base_url.to_owned(),
        model: model.to_owned(),
        api_key: None,
        embedding_model: None,
        connect_timeout: Duration::from_secs(2),
        first_token_timeout: Duration::from_secs(5),
        idle_timeout: Duration::from_secs(5),
    }
}

fn prompt() -> Vec<PromptMessage> {
    vec![
        PromptMessage {
            role: PromptRole::System,
            content: "Answer only from the passages.".into(),
        },
        PromptMessage {
            role: PromptRole::User,
            content: "What did she cook?".into(),
        },
    ]
}

/// Reads a whole answer: its text and the last event (or error).
async fn answer(model: &OpenAiModel) -> (String, Result<CompletionEvent, ModelError>) {
    let mut stream = model
        .stream_completion(&prompt())
        .await
        .expect("stream starts");
    let mut text = String::new();
    while let Some(event) = stream.next().await {
        match event {
            Ok(CompletionEvent::Delta(delta)) => text.push_str(&delta),
            last => return (text, last),
        }
    }
    panic!("the stream ended without Done or an error");
}

async fn until(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn streams_the_answer_with_usage_and_passes_a_model_name_with_a_colon() {
    let server = ScriptedModel::start().await;
    server.set_script(Script::Reply("She cooked pierogi on Sundays [1].".into()));
    let model = OpenAiModel::new(config(server.base_url(), "qwen2.5:7b")).unwrap();
    assert_eq!(model.model_name(), "qwen2.5:7b");

    let (text, last) = answer(&model).await;
    assert_eq!(text, "She cooked pierogi on Sundays [1].");
    match last {
        Ok(CompletionEvent::Done {
            finish_reason,
            usage,
        }) => {
            assert_eq!(finish_reason.as_deref(), Some("stop"));
            let usage = usage.expect("usage chunk read");
            assert_eq!(usage.completion_tokens, 6);
            assert!(usage.prompt_tokens > 0);
        }
        other => panic!("expected Done, got {other:?}"),
    }
    let chats = server.chats();
    assert_eq!(chats.len(), 1);
    assert_eq!(chats[0].body["model"], "qwen2.5:7b");
    assert_eq!(chats[0].body["stream"], true);
    assert_eq!(chats[0].body["stream_options"]["include_usage"], true);
    assert_eq!(chats[0].body["messages"][0]["role"], "system");
    assert_eq!(
        chats[0].body["messages"][1]["content"],
        "What did she cook?"
    );
}

#[tokio::test]
async fn the_api_key_is_sent_as_a_bearer_token_and_never_shown() {
    let server = ScriptedModel::start().await;
    let secret = "sk-test-0123456789-secret";
    let mut settings = config(server.base_url(), "gpt-4o-mini");
    settings.api_key = Some(ApiKey::new(secret));
    let model = OpenAiModel::new(settings.clone()).unwrap();

    // Everything the adapter logs goes through tracing; capture it all.
    let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::<u8>::new()));
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || CaptureWriter(writer.clone()))
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let (_, last) = answer(&model).await;
    assert!(last.is_ok());
    server.set_script(Script::Fail(500));
    assert!(model.stream_completion(&prompt()).await.is_err());
    model.check().await.unwrap();
    drop(_guard);

    let sent: Vec<_> = server
        .recorded()
        .into_iter()
        .map(|r| r.authorization)
        .collect();
    assert!(!sent.is_empty());
    for authorization in sent {
        assert_eq!(authorization.as_deref(), Some(&*format!("Bearer {secret}")));
    }
    let logged = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(!logged.contains(secret), "the key was logged: {logged}");
    assert!(!format!("{settings:?}").contains(secret));
    assert!(!format!("{model:?}").contains(secret));
}

struct CaptureWriter(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn an_error_status_from_the_provider_is_an_upstream_error() {
    let server = ScriptedModel::start().await;
    let model = OpenAiModel::new(config(server.base_url(), "m")).unwrap();
    for status in [500u16, 401, 429] {
        server.set_script(Script::Fail(status));
        match model.stream_completion(&prompt()).await {
            Err(ModelError::Upstream { status: got, .. }) => assert_eq!(got, status),
            Err(other) => panic!("expected Upstream {status}, got {other:?}"),
            Ok(_) => panic!("expected Upstream {status}, got a stream"),
        }
    }
}

#[tokio::test]
async fn a_provider_that_is_down_is_unavailable() {
    // A port nobody listens on: bind, note it, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let model = OpenAiModel::new(config(&format!("http://127.0.0.1:{port}/v1"), "m")).unwrap();
    assert!(matches!(
        model.stream_completion(&prompt()).await,
        Err(ModelError::Unavailable(_))
    ));
    assert!(matches!(
        model.check().await,
        Err(ModelError::Unavailable(_))
    ));
}

#[tokio::test]
async fn no_first_token_in_time_is_a_timeout() {
    let server = ScriptedModel::start().await;
    server.set_script(Script::SlowStart(5_000, "late".into()));
    let mut settings = config(server.base_url(), "m");
    settings.first_token_timeout = Duration::from_millis(300);
    let model = OpenAiModel::new(settings).unwrap();
    assert!(matches!(
        model.stream_completion(&prompt()).await,
        Err(ModelError::Timeout(t)) if t == Duration::from_millis(300)
    ));
}

#[tokio::test]
async fn a_silence_in_the_middle_of_an_answer_is_a_timeout_not_a_hang() {
    let server = ScriptedModel::start().await;
    server.set_script(Script::Stall);
    let mut settings = config(server.base_url(), "m");
    settings.first_token_timeout = Duration::from_millis(300);
    settings.idle_timeout = Duration::from_millis(300);
    let model = OpenAiModel::new(settings).unwrap();
    let (text, last) = answer(&model).await;
    assert_eq!(text, "");
    assert!(matches!(last, Err(ModelError::Timeout(_))), "{last:?}");
}

#[tokio::test]
async fn dropping_the_stream_cancels_the_request_upstream() {
    let server = ScriptedModel::start().await;
    server.set_script(Script::Forever);
    let model = OpenAiModel::new(config(server.base_url(), "m")).unwrap();
    let mut stream = model.stream_completion(&prompt()).await.unwrap();
    for _ in 0..3 {
        assert!(matches!(
            stream.next().await,
            Some(Ok(CompletionEvent::Delta(_)))
        ));
    }
    assert_eq!(server.open_streams(), 1);
    drop(stream);
    until("the server sees the client go away", || {
        server.cancelled_streams() == 1 && server.open_streams() == 0
    })
    .await;
}

#[tokio::test]
async fn embeddings_come_back_in_order_when_a_model_is_configured() {
    let server = ScriptedModel::start().await;
    let model = OpenAiModel::new(config(server.base_url(), "m")).unwrap();
    assert!(!model.embeds());
    assert!(matches!(
        model.embed(&["x".into()]).await,
        Err(ModelError::NotConfigured)
    ));
    let mut settings = config(server.base_url(), "m");
    settings.embedding_model = Some("nomic-embed-text:latest".into());
    let model = OpenAiModel::new(settings).unwrap();
    assert!(model.embeds());
    let vectors = model
        .embed(&["roses in the garden".into(), "pierogi".into()])
        .await
        .unwrap();
    assert_eq!(vectors.len(), 2);
    assert_eq!(
        vectors[0].len(),
        mosaic_openai_test_server::EMBEDDING_DIMENSIONS
    );
    assert_ne!(vectors[0], vectors[1]);
    let sent = server.recorded();
    let last = sent.last().unwrap();
    assert_eq!(last.path, "/v1/embeddings");
    assert_eq!(last.body["model"], "nomic-embed-text:latest");
}

#[test]
fn settings_are_read_and_checked() {
    let vars = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    assert_eq!(OpenAiConfig::from_vars(vars(&[])), Ok(None));
    let ollama = OpenAiConfig::from_vars(vars(&[
        ("MOSAIC_AI_BASE_URL", "http://127.0.0.1:11434/v1/"),
        ("MOSAIC_AI_MODEL", "qwen2.5:7b"),
    ]))
    .unwrap()
    .unwrap();
    assert_eq!(ollama.base_url, "http://127.0.0.1:11434/v1");
    assert_eq!(ollama.model, "qwen2.5:7b");
    assert_eq!(ollama.api_key, None);
    assert_eq!(ollama.first_token_timeout, Duration::from_secs(60));
    let missing_model = OpenAiConfig::from_vars(vars(&[("MOSAIC_AI_BASE_URL", "http://x/v1")]));
    assert_eq!(missing_model.unwrap_err().name, "MOSAIC_AI_MODEL");
    let bad_url = OpenAiConfig::from_vars(vars(&[
        ("MOSAIC_AI_BASE_URL", "localhost:11434"),
        ("MOSAIC_AI_MODEL", "m"),
    ]));
    assert_eq!(bad_url.unwrap_err().name, "MOSAIC_AI_BASE_URL");
    let bad_timeout = OpenAiConfig::from_vars(vars(&[
        ("MOSAIC_AI_BASE_URL", "http://x/v1"),
        ("MOSAIC_AI_MODEL", "m"),
        ("MOSAIC_AI_IDLE_TIMEOUT_SECONDS", "0"),
    ]));
    assert_eq!(
        bad_timeout.unwrap_err().name,
        "MOSAIC_AI_IDLE_TIMEOUT_SECONDS"
    );
    let bad_key = OpenAiConfig::from_vars(vars(&[
        ("MOSAIC_AI_BASE_URL", "http://x/v1"),
        ("MOSAIC_AI_MODEL", "m"),
        ("MOSAIC_AI_API_KEY", "two words"),
    ]));
    assert_eq!(bad_key.unwrap_err().name, "MOSAIC_AI_API_KEY");
}

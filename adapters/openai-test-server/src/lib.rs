//! # mosaic-openai-test-server
//!
//! A scripted OpenAI-compatible server for tests, started for real on
//! `127.0.0.1`. It speaks the exact wire format of `/v1/chat/completions`
//! with `stream: true` — `data: {chat.completion.chunk}` lines, the role
//! first, then content deltas, a last chunk with `finish_reason`, a usage
//! chunk with `choices: []` when `stream_options.include_usage` is set, then
//! `data: [DONE]` — plus `/v1/models` and `/v1/embeddings`. It records every
//! request (body and `Authorization` header) and can be told to answer
//! with a script, echo the prompt, be slow, fail, hang, or stream forever.
//!
//! ```no_run
//! # async fn example() {
//! use mosaic_openai_test_server::{Script, ScriptedModel};
//! let model = ScriptedModel::start().await;
//! model.set_script(Script::Reply("She cooked pierogi [1].".into()));
//! // point the adapter at model.base_url() (".../v1")
//! # }
//! ```

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use poem::http::StatusCode;
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::web::{Data, Json};
use poem::{Body, EndpointExt, IntoResponse, Response, Route, Server, handler, post};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// How the server answers the next chat completions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Script {
    /// Answer with this text, a few characters per chunk.
    Reply(String),
    /// Answer with the content of the last user message (the prompt's
    /// data): whatever reached the model comes back, nothing else.
    Echo,
    /// Wait this many milliseconds before answering at all, then `Reply`.
    SlowStart(u64, String),
    /// Send the role chunk, then nothing, holding the connection open.
    Stall,
    /// Answer with this HTTP status and an OpenAI error body.
    Fail(u16),
    /// Stream chunks forever (every 20 ms) until the client goes away.
    Forever,
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The path (`/v1/chat/completions`, …).
    pub path: String,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The JSON body.
    pub body: Value,
}

impl Recorded {
    /// Every message content of a chat request, joined by newlines.
    pub fn prompt_text(&self) -> String {
        self.body["messages"]
            .as_array()
            .map(|messages| {
                messages
                    .iter()
                    .filter_map(|m| m["content"].as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default()
    }
}

#[derive(Debug, Default)]
struct State {
    script: Mutex<Option<Script>>,
    recorded: Mutex<Vec<Recorded>>,
    open_streams: Mutex<usize>,
    cancelled_streams: Mutex<usize>,
    /// While true, embedding requests are held unanswered.
    embeddings_stalled: Option<tokio::sync::watch::Sender<bool>>,
}

/// A running scripted model server. It stops when dropped.
#[derive(Debug)]
pub struct ScriptedModel {
    base_url: String,
    state: Arc<State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl ScriptedModel {
    /// Starts on a free port of 127.0.0.1.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0").await
    }

    /// Starts on the given address (`127.0.0.1:PORT`).
    pub async fn start_on(address: &str) -> Self {
        let state = Arc::new(State {
            embeddings_stalled: Some(tokio::sync::watch::channel(false).0),
            ..State::default()
        });
        let acceptor = TcpListener::bind(address.to_owned())
            .into_acceptor()
            .await
            .expect("bind the scripted model server");
        let port = acceptor
            .local_addr()
            .first()
            .and_then(|a| a.as_socket_addr().map(|s| s.port()))
            .expect("a TCP port");
        let app = Route::new()
            .at("/v1/chat/completions", post(chat))
            .at("/v1/embeddings", post(embeddings))
            .at("/v1/models", poem::get(models))
            .at("/control/script", post(set_script))
            .data(state.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = Server::new_with_acceptor(acceptor)
                .run_with_graceful_shutdown(
                    app,
                    async {
                        let _ = stopped.await;
                    },
                    Some(Duration::from_millis(100)),
                )
                .await;
        });
        Self {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            state,
            stop: Some(stop),
        }
    }

    /// The OpenAI base URL (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How the next chat completions are answered (default: a short reply
    /// citing passage 1).
    pub fn set_script(&self, script: Script) {
        *self.state.script.lock().unwrap_or_else(|e| e.into_inner()) = Some(script);
    }

    /// While `stalled`, embedding requests get no answer (the connection
    /// stays open); when it turns false, the held ones are answered.
    pub fn stall_embeddings(&self, stalled: bool) {
        if let Some(flag) = &self.state.embeddings_stalled {
            flag.send_replace(stalled);
        }
    }

    /// The embedding requests received so far.
    pub fn embedding_requests(&self) -> Vec<Recorded> {
        self.recorded()
            .into_iter()
            .filter(|r| r.path.ends_with("/embeddings"))
            .collect()
    }

    /// Every request received so far.
    pub fn recorded(&self) -> Vec<Recorded> {
        self.state
            .recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The chat completion requests received so far.
    pub fn chats(&self) -> Vec<Recorded> {
        self.recorded()
            .into_iter()
            .filter(|r| r.path.ends_with("/chat/completions"))
            .collect()
    }

    /// Streams still being sent.
    pub fn open_streams(&self) -> usize {
        *self
            .state
            .open_streams
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }

    /// Streams whose client went away before the answer ended.
    pub fn cancelled_streams(&self) -> usize {
        *self
            .state
            .cancelled_streams
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for ScriptedModel {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn record(state: &State, path: &str, req: &poem::Request, body: &Value) {
    state
        .recorded
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Recorded {
            path: path.to_owned(),
            authorization: req
                .headers()
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            body: body.clone(),
        });
}

#[handler]
async fn set_script(state: Data<&Arc<State>>, Json(script): Json<Script>) -> StatusCode {
    *state.script.lock().unwrap_or_else(|e| e.into_inner()) = Some(script);
    StatusCode::NO_CONTENT
}

#[handler]
async fn models(state: Data<&Arc<State>>, req: &poem::Request) -> Json<Value> {
    record(&state, "/v1/models", req, &Value::Null);
    Json(json!({
        "object": "list",
        "data": [{ "id": "scripted", "object": "model", "created": 0, "owned_by": "tests" }]
    }))
}

#[handler]
async fn embeddings(
    state: Data<&Arc<State>>,
    req: &poem::Request,
    Json(body): Json<Value>,
) -> Json<Value> {
    record(&state, "/v1/embeddings", req, &body);
    if let Some(flag) = &state.embeddings_stalled {
        let mut stalled = flag.subscribe();
        let _ = stalled.wait_for(|stalled| !*stalled).await;
    }
    let inputs: Vec<String> = match &body["input"] {
        Value::String(one) => vec![one.clone()],
        Value::Array(many) => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, text)| json!({ "object": "embedding", "index": index, "embedding": embed(text) }))
        .collect();
    let tokens: usize = inputs.iter().map(|t| t.split_whitespace().count()).sum();
    Json(json!({
        "object": "list",
        "data": data,
        "model": body["model"],
        "usage": { "prompt_tokens": tokens, "total_tokens": tokens }
    }))
}

/// Dimensions of the scripted embeddings.
pub const EMBEDDING_DIMENSIONS: usize = 64;

/// Word groups the scripted embedding treats as one word: a stand-in for
/// what a real embedding model knows (that "granny" and "nana", or "bake"
/// and "kitchen", are about the same thing), so tests can show a story
/// found by meaning though it shares no word with the question.
pub const CONCEPTS: &[&[&str]] = &[
    &[
        "grandmother",
        "grandma",
        "granny",
        "nana",
        "oma",
        "grandmothers",
    ],
    &[
        "cook",
        "cooked",
        "cooking",
        "bake",
        "baked",
        "baking",
        "kitchen",
        "recipe",
        "recipes",
        "dumplings",
        "pierogi",
        "meal",
        "meals",
        "dinner",
        "oven",
    ],
    &["sea", "ocean", "beach", "shore", "coast", "waves"],
    &["boat", "sail", "sailed", "sailing", "ship", "yacht"],
    &["garden", "gardening", "roses", "flowers", "tulips"],
    &["music", "sang", "sing", "song", "songs", "piano", "violin"],
];

/// A deterministic hashed bag-of-concepts vector, normalised: each word
/// (lower-cased; a word of a [`CONCEPTS`] group counts as its group's first
/// word) adds one to the dimension its FNV-1a hash picks. Texts about the
/// same concepts are close; unrelated texts are nearly orthogonal.
pub fn embed(text: &str) -> Vec<f32> {
    let mut v = [0f32; EMBEDDING_DIMENSIONS];
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_lowercase();
        let word = CONCEPTS
            .iter()
            .find(|group| group.contains(&word.as_str()))
            .map_or(word.as_str(), |group| group[0]);
        let hash = word.bytes().fold(2166136261u32, |h, b| {
            (h ^ u32::from(b)).wrapping_mul(16777619)
        });
        v[hash as usize % EMBEDDING_DIMENSIONS] += 1.0;
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-6);
    v.iter().map(|x| x / norm).collect()
}

fn chunk(model: &str, delta: Value, finish_reason: Option<&str>) -> String {
    let chunk = json!({
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000u32,
        "model": model,
        "choices": [{ "index": 0, "delta": delta, "finish_reason": finish_reason }]
    });
    format!("data: {chunk}\n\n")
}

fn usage_chunk(model: &str, prompt_tokens: usize, completion_tokens: usize) -> String {
    let chunk = json!({
        "id": "chatcmpl-scripted",
        "object": "chat.completion.chunk",
        "created": 1_700_000_000u32,
        "model": model,
        "choices": [],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        }
    });
    format!("data: {chunk}\n\n")
}

/// Counts a stream open while it lives, and as cancelled if it is dropped
/// before its end.
struct StreamGuard {
    state: Arc<State>,
    finished: bool,
}

impl StreamGuard {
    fn new(state: Arc<State>) -> Self {
        *state.open_streams.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        Self {
            state,
            finished: false,
        }
    }
}

impl Drop for StreamGuard {
    fn drop(&mut self) {
        *self
            .state
            .open_streams
            .lock()
            .unwrap_or_else(|e| e.into_inner()) -= 1;
        if !self.finished {
            *self
                .state
                .cancelled_streams
                .lock()
                .unwrap_or_else(|e| e.into_inner()) += 1;
        }
    }
}

fn sse(body: Body) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .content_type("text/event-stream")
        .header("cache-control", "no-cache")
        .body(body)
}

fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(7).map(|c| c.iter().collect()).collect()
}

#[handler]
async fn chat(state: Data<&Arc<State>>, req: &poem::Request, Json(body): Json<Value>) -> Response {
    let state: Arc<State> = state.0.clone();
    record(&state, "/v1/chat/completions", req, &body);
    let model = body["model"].as_str().unwrap_or("scripted").to_owned();
    let include_usage = body["stream_options"]["include_usage"].as_bool() == Some(true);
    let script = state
        .script
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .unwrap_or_else(|| Script::Reply("From the stories: [1].".into()));
    let prompt_words = Recorded {
        path: String::new(),
        authorization: None,
        body: body.clone(),
    }
    .prompt_text()
    .split_whitespace()
    .count();

    let reply = match script {
        Script::Fail(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return (
                status,
                Json(json!({ "error": {
                    "message": "the scripted model was told to fail",
                    "type": "server_error", "param": null, "code": null
                }})),
            )
                .into_response();
        }
        Script::Stall => {
            let guard = StreamGuard::new(state);
            let first = chunk(&model, json!({ "role": "assistant", "content": "" }), None);
            let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) })
                .chain(futures_util::stream::once(async move {
                    let _guard = guard;
                    std::future::pending::<()>().await;
                    Ok(String::new())
                }));
            return sse(Body::from_bytes_stream(
                stream.map(|r| r.map(bytes::Bytes::from)),
            ));
        }
        Script::Forever => {
            let guard = StreamGuard::new(state);
            let first = chunk(&model, json!({ "role": "assistant", "content": "" }), None);
            let model_name = model.clone();
            let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(first) })
                .chain(futures_util::stream::unfold(guard, move |guard| {
                    let model_name = model_name.clone();
                    async move {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Some((
                            Ok(chunk(&model_name, json!({ "content": "more " }), None)),
                            guard,
                        ))
                    }
                }));
            return sse(Body::from_bytes_stream(
                stream.map(|r| r.map(bytes::Bytes::from)),
            ));
        }
        Script::SlowStart(millis, text) => {
            tokio::time::sleep(Duration::from_millis(millis)).await;
            text
        }
        Script::Reply(text) => text,
        Script::Echo => body["messages"]
            .as_array()
            .and_then(|m| m.iter().rev().find(|m| m["role"] == "user"))
            .and_then(|m| m["content"].as_str())
            .unwrap_or("")
            .to_owned(),
    };

    let guard = StreamGuard::new(state);
    let mut events = vec![chunk(
        &model,
        json!({ "role": "assistant", "content": "" }),
        None,
    )];
    let completion_tokens = reply.split_whitespace().count();
    for part in pieces(&reply) {
        events.push(chunk(&model, json!({ "content": part }), None));
    }
    events.push(chunk(&model, json!({}), Some("stop")));
    if include_usage {
        events.push(usage_chunk(&model, prompt_words, completion_tokens));
    }
    events.push("data: [DONE]\n\n".to_owned());
    // The guard lives in the stream's state: dropped early (the client went
    // away) it counts a cancellation; marked finished with the last event.
    let stream = futures_util::stream::unfold(
        (events.into_iter(), guard),
        |(mut events, mut guard)| async move {
            let event = events.next()?;
            if events.len() == 0 {
                guard.finished = true;
            }
            Some((
                Ok::<_, std::io::Error>(bytes::Bytes::from(event)),
                (events, guard),
            ))
        },
    );
    sse(Body::from_bytes_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cosine(a: &[f32], b: &[f32]) -> f32 {
        a.iter().zip(b).map(|(x, y)| x * y).sum()
    }

    #[test]
    fn embeddings_are_deterministic_and_close_by_concept() {
        let question = embed("What did granny bake?");
        assert_eq!(question, embed("What did granny bake?"));
        assert_eq!(question.len(), EMBEDDING_DIMENSIONS);
        let same_concepts = embed("Nana and her kitchen: dumplings every Sunday");
        let unrelated = embed("The boat left the coast at dawn");
        assert!(cosine(&question, &same_concepts) > 0.45);
        assert!(cosine(&question, &same_concepts) > cosine(&question, &unrelated) + 0.3);
    }
}

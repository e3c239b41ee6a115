//! The OpenAPI document as served at `/openapi.json` and committed as
//! `bin/api/openapi.json`: poem-openapi's document, with its event streams
//! described the way OpenAPI 3.0/3.1 readers understand them.
//!
//! poem-openapi describes an `EventStream` response as `type: array,
//! format: event-stream` of the event payloads, a convention of its own.
//! Before OpenAPI 3.2 the `schema` of `text/event-stream` describes *one
//! event*: an object whose `event` is its name and whose `data` is a
//! string, here JSON (`contentMediaType` + `contentSchema`). That is what
//! the server sends and what generic clients and Schemathesis check, so
//! the document says so.

use serde_json::{Value, json};

use crate::api::openapi_service;

/// The document, pretty-printed.
pub fn openapi_json() -> String {
    let mut doc: Value =
        serde_json::from_str(&openapi_service().spec()).expect("poem-openapi writes valid JSON");
    describe_event_streams(&mut doc);
    serde_json::to_string_pretty(&doc).expect("a JSON value serializes")
}

/// Rewrites every `text/event-stream` response schema of poem-openapi's
/// shape into a schema of one event.
fn describe_event_streams(doc: &mut Value) {
    let components = doc["components"]["schemas"].clone();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|p| p.values_mut())
    {
        let Some(responses) = operation
            .get_mut("responses")
            .and_then(Value::as_object_mut)
        else {
            continue;
        };
        for response in responses.values_mut() {
            let Some(content) = response.get_mut("content").and_then(Value::as_object_mut) else {
                continue;
            };
            for (media_type, body) in content.iter_mut() {
                if !media_type.starts_with("text/event-stream") {
                    continue;
                }
                let schema = &body["schema"];
                if schema["format"] != "event-stream" {
                    continue;
                }
                let payload = schema["items"].clone();
                body["schema"] = one_event(payload, &components);
            }
        }
    }
}

/// The schema of one event carrying `payload` as JSON in its `data`; the
/// `event` names are those of the payload's discriminator, when it has one.
fn one_event(payload: Value, components: &Value) -> Value {
    let mut event = json!({ "type": "string" });
    let referenced = payload["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(|name| &components[name]);
    if let Some(mapping) = referenced
        .and_then(|schema| schema["discriminator"]["mapping"].as_object())
        .filter(|mapping| !mapping.is_empty())
    {
        event["enum"] = Value::Array(mapping.keys().cloned().map(Value::String).collect());
    }
    json!({
        "type": "object",
        "description": "One Server-Sent Event: `event` is its name, `data` its JSON payload.",
        "required": ["event", "data"],
        "properties": {
            "event": event,
            "data": {
                "type": "string",
                "contentMediaType": "application/json",
                "contentSchema": payload,
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chat_stream_is_described_event_by_event() {
        let doc: Value = serde_json::from_str(&openapi_json()).unwrap();
        let schema = &doc["paths"]["/chat/stream"]["post"]["responses"]["200"]["content"]["text/event-stream"]
            ["schema"];
        assert_eq!(schema["type"], "object");
        assert_eq!(
            schema["properties"]["data"]["contentSchema"]["$ref"],
            "#/components/schemas/ChatEvent"
        );
        let mut names: Vec<&str> = schema["properties"]["event"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap())
            .collect();
        names.sort_unstable();
        assert_eq!(names, ["citation", "delta", "done", "error", "start"]);
    }
}

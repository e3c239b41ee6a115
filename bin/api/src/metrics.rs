//! Request counters and latency histograms in Prometheus text format.
//!
//! Routes are labelled by operation id (or a fixed name for non-API paths),
//! so the number of series stays bounded whatever URLs clients send.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default, Clone)]
struct Series {
    count: u64,
    sum_seconds: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The AI companion's answers for one `(model, outcome)`.
#[derive(Debug, Default, Clone)]
struct AnswerSeries {
    answers: u64,
    prompt_tokens: u64,
    completion_tokens: u64,
    /// Until the first answer text, over the answers that had one.
    first_delta: Series,
}

/// What became of one answer of the AI companion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    /// The chat model's name.
    pub model: String,
    /// `completed`, `cancelled` (the client went away) or the `error`
    /// event's code (`AI_TIMEOUT`, …).
    pub outcome: String,
    /// Tokens the model reported, when it did.
    pub prompt_tokens: u64,
    /// Tokens the model reported, when it did.
    pub completion_tokens: u64,
    /// From the request to the first answer text, when there was one.
    pub first_delta: Option<Duration>,
}

/// Counters for every `(route, method, status)`, archive operations and
/// the AI companion's answers.
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
    archives: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    answers: Mutex<BTreeMap<(String, String), AnswerSeries>>,
}

impl Series {
    fn observe(&mut self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        self.count += 1;
        self.sum_seconds += seconds;
        for (bucket, bound) in self.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
    }
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.series
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default()
            .observe(elapsed);
    }

    /// Records one answer of the AI companion, when its stream ends.
    pub fn record_answer(&self, answer: AnswerRecord) {
        let mut answers = self
            .answers
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = answers.entry((answer.model, answer.outcome)).or_default();
        entry.answers += 1;
        entry.prompt_tokens += answer.prompt_tokens;
        entry.completion_tokens += answer.completion_tokens;
        if let Some(first) = answer.first_delta {
            entry.first_delta.observe(first);
        }
    }

    /// Counts an archive operation: `kind` is `legacy_export`,
    /// `person_export` or `import`; `outcome` is `started`, `completed` or
    /// `failed`.
    pub fn count_archive(&self, kind: &'static str, outcome: &'static str) {
        *self
            .archives
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry((kind, outcome))
            .or_default() += 1;
    }

    /// The Prometheus text exposition, with extra gauges appended.
    pub fn render(&self, gauges: &[(&'static str, u64)]) -> String {
        let series = self
            .series
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        let mut out = String::new();
        out.push_str(
            "# HELP mosaic_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE mosaic_http_requests_total counter\n");
        for ((route, method, status), s) in &series {
            let _ = writeln!(
                out,
                "mosaic_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP mosaic_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE mosaic_http_request_duration_seconds histogram\n");
        for ((route, method, status), s) in &series {
            let labels = format!("route=\"{route}\",method=\"{method}\",status=\"{status}\"");
            for (bound, count) in BUCKETS.iter().zip(s.buckets) {
                let _ = writeln!(
                    out,
                    "mosaic_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                out,
                "mosaic_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                s.count
            );
            let _ = writeln!(
                out,
                "mosaic_http_request_duration_seconds_sum{{{labels}}} {}",
                s.sum_seconds
            );
            let _ = writeln!(
                out,
                "mosaic_http_request_duration_seconds_count{{{labels}}} {}",
                s.count
            );
        }
        let archives = self
            .archives
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        out.push_str("# HELP mosaic_archive_operations_total Archive exports and imports by kind and outcome.\n");
        out.push_str("# TYPE mosaic_archive_operations_total counter\n");
        for ((kind, outcome), count) in &archives {
            let _ = writeln!(
                out,
                "mosaic_archive_operations_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {count}"
            );
        }
        render_answers(
            &mut out,
            &self
                .answers
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clone(),
        );
        for (name, value) in gauges {
            let _ = writeln!(out, "# TYPE {name} gauge\n{name} {value}");
        }
        out
    }
}

/// The companion's series: answers, tokens and time to first text, by model and outcome.
fn render_answers(out: &mut String, answers: &BTreeMap<(String, String), AnswerSeries>) {
    out.push_str("# HELP mosaic_ai_answers_total AI companion answers by model and outcome.\n");
    out.push_str("# TYPE mosaic_ai_answers_total counter\n");
    for ((model, outcome), a) in answers {
        let _ = writeln!(
            out,
            "mosaic_ai_answers_total{{model=\"{}\",outcome=\"{outcome}\"}} {}",
            label(model),
            a.answers
        );
    }
    out.push_str("# HELP mosaic_ai_tokens_total Tokens the model reported, by model and kind.\n");
    out.push_str("# TYPE mosaic_ai_tokens_total counter\n");
    let mut tokens: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    for ((model, _), a) in answers {
        *tokens.entry((model, "prompt")).or_default() += a.prompt_tokens;
        *tokens.entry((model, "completion")).or_default() += a.completion_tokens;
    }
    for ((model, kind), count) in tokens {
        let _ = writeln!(
            out,
            "mosaic_ai_tokens_total{{model=\"{}\",kind=\"{kind}\"}} {count}",
            label(model)
        );
    }
    out.push_str(
        "# HELP mosaic_ai_first_delta_seconds From the question to the first answer text.\n",
    );
    out.push_str("# TYPE mosaic_ai_first_delta_seconds histogram\n");
    let mut first: BTreeMap<&str, Series> = BTreeMap::new();
    for ((model, _), a) in answers {
        let merged = first.entry(model).or_default();
        merged.count += a.first_delta.count;
        merged.sum_seconds += a.first_delta.sum_seconds;
        for (m, b) in merged.buckets.iter_mut().zip(a.first_delta.buckets) {
            *m += b;
        }
    }
    for (model, s) in first {
        let labels = format!("model=\"{}\"", label(model));
        for (bound, count) in BUCKETS.iter().zip(s.buckets) {
            let _ = writeln!(
                out,
                "mosaic_ai_first_delta_seconds_bucket{{{labels},le=\"{bound}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "mosaic_ai_first_delta_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
            s.count
        );
        let _ = writeln!(
            out,
            "mosaic_ai_first_delta_seconds_sum{{{labels}}} {}",
            s.sum_seconds
        );
        let _ = writeln!(
            out,
            "mosaic_ai_first_delta_seconds_count{{{labels}}} {}",
            s.count
        );
    }
}

/// A label value with `\\`, `"` and new lines escaped (model names are settings).
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_counted_in_its_series_and_every_larger_bucket() {
        let metrics = Metrics::default();
        metrics.record("get_story", "GET", 200, Duration::from_millis(3));
        let text = metrics.render(&[("mosaic_db_pool_size", 5)]);
        assert!(text.contains(
            "mosaic_http_requests_total{route=\"get_story\",method=\"GET\",status=\"200\"} 1"
        ));
        assert!(text.contains("le=\"0.0025\"} 0"));
        assert!(text.contains("le=\"0.005\"} 1"));
        assert!(text.contains("mosaic_db_pool_size 5"));
    }

    #[test]
    fn answers_are_counted_by_model_and_outcome_with_tokens_and_first_delta() {
        let metrics = Metrics::default();
        for (outcome, first) in [
            ("completed", Some(3)),
            ("completed", Some(30)),
            ("AI_TIMEOUT", None),
        ] {
            metrics.record_answer(AnswerRecord {
                model: "qwen2.5:7b".into(),
                outcome: outcome.into(),
                prompt_tokens: 100,
                completion_tokens: 10,
                first_delta: first.map(Duration::from_millis),
            });
        }
        let text = metrics.render(&[]);
        assert!(
            text.contains("mosaic_ai_answers_total{model=\"qwen2.5:7b\",outcome=\"completed\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("mosaic_ai_answers_total{model=\"qwen2.5:7b\",outcome=\"AI_TIMEOUT\"} 1")
        );
        assert!(text.contains("mosaic_ai_tokens_total{model=\"qwen2.5:7b\",kind=\"prompt\"} 300"));
        assert!(
            text.contains(
                "mosaic_ai_first_delta_seconds_bucket{model=\"qwen2.5:7b\",le=\"0.005\"} 1"
            )
        );
        assert!(text.contains("mosaic_ai_first_delta_seconds_count{model=\"qwen2.5:7b\"} 2"));
    }
}

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

/// Counters for every `(route, method, status)`.
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
    archives: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let mut series = self
            .series
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = series
            .entry((route.to_owned(), method.to_owned(), status))
            .or_default();
        entry.count += 1;
        entry.sum_seconds += seconds;
        for (bucket, bound) in entry.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
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
        for (name, value) in gauges {
            let _ = writeln!(out, "# TYPE {name} gauge\n{name} {value}");
        }
        out
    }
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
}

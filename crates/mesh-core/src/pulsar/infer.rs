//! Pulsar's defaults and inference, applied only when asked for (`inferMissingArguments`).

use super::{FunctionConfig, Runtime, SinkConfig, SourceConfig, WindowConfig};

/// Pulsar's default tenant.
pub const DEFAULT_TENANT: &str = "public";
/// Pulsar's default namespace.
pub const DEFAULT_NAMESPACE: &str = "default";
/// Pulsar's default parallelism.
pub const DEFAULT_PARALLELISM: i32 = 1;
/// Pulsar's default `maxPendingAsyncRequests`.
pub const DEFAULT_MAX_PENDING_ASYNC_REQUESTS: i32 = 1000;
/// Prefix of built-in packages.
pub const BUILTIN_PREFIX: &str = "builtin://";

fn blank(s: Option<&String>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

impl FunctionConfig {
    /// `FunctionConfigUtils.inferMissingArguments`: name from the class, `public`/`default`,
    /// parallelism 1, `maxPendingAsyncRequests` 1000, `forwardSourceMessageProperty` per the
    /// worker setting (forced off when the worker disables it), runtime from `jar`/`py`/`go`,
    /// window defaults and `autoAck: false` for window functions. The CLI's `functionType`
    /// becomes `jar: builtin://<type>` when no `jar` is given.
    #[must_use]
    pub fn infer_missing(&self, worker_forwards_source_message_property: bool) -> FunctionConfig {
        self.clone()
            .into_inferred(worker_forwards_source_message_property)
    }

    /// [`Self::infer_missing`], consuming the config instead of copying it.
    #[must_use]
    pub fn into_inferred(self, worker_forwards_source_message_property: bool) -> FunctionConfig {
        let mut c = self;
        if blank(c.name.as_ref())
            && let Some(class) = &c.class_name
            && let Some(last) = class.rsplit('.').next().filter(|s| !s.is_empty())
        {
            c.name = Some(last.to_owned());
        }
        if blank(c.tenant.as_ref()) {
            c.tenant = Some(super::infer::DEFAULT_TENANT.to_owned());
        }
        if blank(c.namespace.as_ref()) {
            c.namespace = Some(DEFAULT_NAMESPACE.to_owned());
        }
        c.parallelism.get_or_insert(DEFAULT_PARALLELISM);
        c.max_pending_async_requests
            .get_or_insert(DEFAULT_MAX_PENDING_ASYNC_REQUESTS);
        if worker_forwards_source_message_property {
            c.forward_source_message_property.get_or_insert(true);
        } else {
            c.forward_source_message_property = None;
        }
        if c.jar.is_none()
            && let Some(t) = c.function_type.as_ref().filter(|t| !t.trim().is_empty())
        {
            c.jar = Some(format!("{BUILTIN_PREFIX}{}", t.trim()));
        }
        if c.jar.is_some() {
            c.runtime = Some(Runtime::Java);
        } else if c.py.is_some() {
            c.runtime = Some(Runtime::Python);
        } else if c.go.is_some() {
            c.runtime = Some(Runtime::Go);
        }
        if let Some(w) = c.window_config.take() {
            c.window_config = Some(w.into_inferred());
            c.auto_ack = Some(false);
        }
        c
    }
}

impl WindowConfig {
    /// `WindowConfigUtils.inferMissingArguments`: the sliding interval defaults to the window
    /// length; with a timestamp extractor, `maxLagMs` 0 and `watermarkEmitIntervalMs` 1000.
    #[must_use]
    pub fn infer_missing(&self) -> WindowConfig {
        self.clone().into_inferred()
    }

    /// [`Self::infer_missing`], consuming the config instead of copying it.
    #[must_use]
    pub fn into_inferred(self) -> WindowConfig {
        let mut w = self;
        if w.window_length_count.is_some() && w.sliding_interval_count.is_none() {
            w.sliding_interval_count = w.window_length_count;
        }
        if w.window_length_duration_ms.is_some() && w.sliding_interval_duration_ms.is_none() {
            w.sliding_interval_duration_ms = w.window_length_duration_ms;
        }
        if w.timestamp_extractor_class_name.is_some() {
            w.max_lag_ms.get_or_insert(0);
            w.watermark_emit_interval_ms.get_or_insert(1000);
        }
        w
    }
}

impl SourceConfig {
    /// `Utils.inferMissingArguments(SourceConfig)`: `public`/`default`, parallelism 1; the CLI's
    /// `sourceType` becomes `archive: builtin://<type>` when no archive is given.
    #[must_use]
    pub fn infer_missing(&self) -> SourceConfig {
        self.clone().into_inferred()
    }

    /// [`Self::infer_missing`], consuming the config instead of copying it.
    #[must_use]
    pub fn into_inferred(self) -> SourceConfig {
        let mut c = self;
        c.tenant.get_or_insert_with(|| DEFAULT_TENANT.to_owned());
        c.namespace.get_or_insert_with(|| DEFAULT_NAMESPACE.to_owned());
        c.parallelism.get_or_insert(DEFAULT_PARALLELISM);
        if c.archive.is_none()
            && let Some(t) = c.source_type.as_ref().filter(|t| !t.trim().is_empty())
        {
            c.archive = Some(format!("{BUILTIN_PREFIX}{}", t.trim()));
        }
        c
    }
}

impl SinkConfig {
    /// `Utils.inferMissingArguments(SinkConfig)`: `public`/`default`, parallelism 1; the CLI's
    /// `sinkType` becomes `archive: builtin://<type>` when no archive is given.
    #[must_use]
    pub fn infer_missing(&self) -> SinkConfig {
        self.clone().into_inferred()
    }

    /// [`Self::infer_missing`], consuming the config instead of copying it.
    #[must_use]
    pub fn into_inferred(self) -> SinkConfig {
        let mut c = self;
        c.tenant.get_or_insert_with(|| DEFAULT_TENANT.to_owned());
        c.namespace.get_or_insert_with(|| DEFAULT_NAMESPACE.to_owned());
        c.parallelism.get_or_insert(DEFAULT_PARALLELISM);
        if c.archive.is_none()
            && let Some(t) = c.sink_type.as_ref().filter(|t| !t.trim().is_empty())
        {
            c.archive = Some(format!("{BUILTIN_PREFIX}{}", t.trim()));
        }
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_inference_follows_pulsar() {
        let c = FunctionConfig {
            class_name: Some("org.example.WordCount".into()),
            py: Some("wc.py".into()),
            window_config: Some(WindowConfig {
                window_length_count: Some(10),
                timestamp_extractor_class_name: Some("x.Ts".into()),
                ..WindowConfig::default()
            }),
            auto_ack: Some(true),
            ..FunctionConfig::default()
        };
        let i = c.infer_missing(true);
        assert_eq!(i.name.as_deref(), Some("WordCount"));
        assert_eq!(
            (i.tenant.as_deref(), i.namespace.as_deref()),
            (Some("public"), Some("default"))
        );
        assert_eq!(
            (i.parallelism, i.max_pending_async_requests),
            (Some(1), Some(1000))
        );
        assert_eq!(i.forward_source_message_property, Some(true));
        assert_eq!(i.runtime, Some(Runtime::Python));
        assert_eq!(i.auto_ack, Some(false));
        let w = i.window_config.unwrap();
        assert_eq!(
            (
                w.sliding_interval_count,
                w.max_lag_ms,
                w.watermark_emit_interval_ms
            ),
            (Some(10), Some(0), Some(1000))
        );
    }

    #[test]
    fn worker_switch_forces_forwarding_off() {
        let c = FunctionConfig {
            forward_source_message_property: Some(true),
            ..FunctionConfig::default()
        };
        assert_eq!(c.infer_missing(false).forward_source_message_property, None);
    }

    #[test]
    fn jar_wins_over_py_and_function_type_fills_jar() {
        let c = FunctionConfig {
            jar: Some(String::new()),
            py: Some("a.py".into()),
            ..FunctionConfig::default()
        };
        assert_eq!(c.infer_missing(true).runtime, Some(Runtime::Java));
        let t = FunctionConfig {
            function_type: Some("exclamation".into()),
            ..FunctionConfig::default()
        };
        assert_eq!(
            t.infer_missing(true).jar.as_deref(),
            Some("builtin://exclamation")
        );
    }

    #[test]
    fn connector_inference_uses_type_shortcuts() {
        let s = SinkConfig {
            sink_type: Some("jdbc-postgres".into()),
            ..SinkConfig::default()
        }
        .infer_missing();
        assert_eq!(s.archive.as_deref(), Some("builtin://jdbc-postgres"));
        assert_eq!(s.parallelism, Some(1));
        let s = SourceConfig {
            source_type: Some("kafka".into()),
            ..SourceConfig::default()
        }
        .infer_missing();
        assert_eq!(s.archive.as_deref(), Some("builtin://kafka"));
    }
}

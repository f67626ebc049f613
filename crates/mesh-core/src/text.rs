//! Text helpers the rules share.

/// The string, unless it is absent or blank (only whitespace), as Pulsar's `isNotBlank` checks.
pub(crate) fn non_empty(s: Option<&String>) -> Option<&str> {
    s.map(String::as_str).filter(|s| !s.trim().is_empty())
}

/// The value of `options` named by `value`, in any case; an unknown name is an error at `path`
/// that lists the names.
pub(crate) fn pick<T: Copy>(
    path: &str,
    value: Option<&String>,
    options: &[(&str, T)],
    d: &mut crate::diag::Diagnostics,
) -> Option<T> {
    let v = value?;
    let found = options
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(v))
        .map(|(_, t)| *t);
    if found.is_none() {
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        d.error(
            path,
            format!(
                "unknown value `{v}`: must be one of {} (any case)",
                names.join(", ")
            ),
        );
    }
    found
}

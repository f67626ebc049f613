//! Who may operate on a namespace's functions, sources and sinks, as Pulsar's
//! `AuthorizationService` with `PulsarAuthorizationProvider` decides: a superuser; else an admin
//! of the tenant; else a role whose namespace permissions hold the component's action
//! (`functions`, `sources` or `sinks`), with `*` wildcards when allowed. A proxy role acts for the
//! principal it names in `X-Original-Principal`, and then both must pass.

use std::sync::Arc;

use mesh_core::Kind;
use mesh_core::worker::security::AuthorizationConfig;

use super::Caller;
use super::broker::{Broker, BrokerError, Permissions};

/// Why a caller is refused before any role is looked up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalProblem {
    /// A proxy role named no original principal.
    Missing,
    /// A proxy role named another proxy role.
    IsProxy,
}

impl PrincipalProblem {
    /// Pulsar's words.
    pub fn message(self) -> &'static str {
        match self {
            Self::Missing => "originalPrincipal must be provided when connecting with a proxy role.",
            Self::IsProxy => "originalPrincipal cannot be a proxy role.",
        }
    }
}

/// The action a namespace permission must hold for a kind.
pub fn action(kind: Kind) -> &'static str {
    match kind {
        Kind::Function => "functions",
        Kind::Source => "sources",
        Kind::Sink => "sinks",
    }
}

/// Whether `permissions` give `role` the `action`: an exact entry, or with `wildcards` an entry
/// ending in `*` (a prefix of the role) or starting with `*` (a suffix).
pub fn permits(permissions: &Permissions, role: &str, action: &str, wildcards: bool) -> bool {
    if permissions.get(role).is_some_and(|a| a.contains(action)) {
        return true;
    }
    wildcards
        && permissions.iter().any(|(permitted, actions)| {
            actions.contains(action)
                && (permitted
                    .strip_suffix('*')
                    .is_some_and(|prefix| role.starts_with(prefix))
                    || permitted
                        .strip_prefix('*')
                        .is_some_and(|suffix| role.ends_with(suffix)))
        })
}

/// The configured authorization.
pub struct Authorizer {
    config: AuthorizationConfig,
    broker: Arc<Broker>,
}

impl Authorizer {
    /// Authorization by `config`, reading tenants and permissions from `broker`.
    pub fn new(config: AuthorizationConfig, broker: Arc<Broker>) -> Self {
        Self { config, broker }
    }

    /// The roles that must all be authorized: the caller's, and the original principal's when
    /// the caller is a proxy (Pulsar's `isValidOriginalPrincipal`). A non-proxy role's
    /// `X-Original-Principal` is ignored.
    pub fn roles<'c>(&self, caller: &'c Caller) -> Result<Vec<Option<&'c str>>, PrincipalProblem> {
        let role = caller.role.as_deref();
        let is_proxy = role.is_some_and(|r| self.config.proxy_roles.contains(r));
        if !is_proxy {
            return Ok(vec![role]);
        }
        match caller.original_principal.as_deref() {
            None => Err(PrincipalProblem::Missing),
            Some(p) if self.config.proxy_roles.contains(p) => Err(PrincipalProblem::IsProxy),
            Some(p) => Ok(vec![role, Some(p)]),
        }
    }

    fn is_super(&self, role: Option<&str>) -> bool {
        role.is_some_and(|r| self.config.super_users.contains(r))
    }

    /// Whether the caller (and the principal a proxy acts for) are superusers.
    pub fn is_super_user(&self, caller: &Caller) -> Result<bool, PrincipalProblem> {
        Ok(self.roles(caller)?.into_iter().all(|r| self.is_super(r)))
    }

    /// Whether one role may operate on `kind` in `tenant/namespace`.
    async fn role_allowed(
        &self,
        role: Option<&str>,
        tenant: &str,
        namespace: &str,
        kind: Kind,
    ) -> Result<bool, BrokerError> {
        let Some(role) = role else {
            return Ok(false);
        };
        if self.is_super(Some(role)) {
            return Ok(true);
        }
        match &*self.broker.tenant(tenant).await? {
            // No tenant: nobody but a superuser has rights in it.
            None => return Ok(false),
            Some(info) if info.admin_roles.contains(role) => return Ok(true),
            Some(_) => {}
        }
        Ok(match &*self.broker.permissions(tenant, namespace).await? {
            None => false,
            Some(p) => permits(p, role, action(kind), self.config.wildcards),
        })
    }

    /// Whether the caller may operate on `kind` in `tenant/namespace`. `Ok(false)` for a refusal,
    /// an error when the broker cannot tell (which the caller must answer as a refusal).
    pub async fn allowed(
        &self,
        caller: &Caller,
        tenant: &str,
        namespace: &str,
        kind: Kind,
    ) -> Result<Result<bool, PrincipalProblem>, BrokerError> {
        let roles = match self.roles(caller) {
            Ok(r) => r,
            Err(p) => return Ok(Err(p)),
        };
        for role in roles {
            if !self.role_allowed(role, tenant, namespace, kind).await? {
                return Ok(Ok(false));
            }
        }
        Ok(Ok(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn perms(entries: &[(&str, &[&str])]) -> Permissions {
        entries
            .iter()
            .map(|(r, a)| ((*r).to_owned(), a.iter().map(|s| (*s).to_owned()).collect()))
            .collect()
    }

    #[test]
    fn exact_roles_need_the_component_action() {
        let p = perms(&[("alice", &["functions", "produce"]), ("bob", &["consume"])]);
        assert!(permits(&p, "alice", "functions", false));
        assert!(!permits(&p, "alice", "sinks", false));
        assert!(!permits(&p, "bob", "functions", false));
        assert!(!permits(&p, "carol", "functions", true));
    }

    #[test]
    fn wildcards_match_prefixes_and_suffixes_only_when_allowed() {
        let p = perms(&[("team-*", &["functions"]), ("*.ops", &["sinks"])]);
        assert!(!permits(&p, "team-a", "functions", false));
        assert!(permits(&p, "team-a", "functions", true));
        assert!(!permits(&p, "other-a", "functions", true));
        assert!(permits(&p, "night.ops", "sinks", true));
        assert!(!permits(&p, "night.ops", "functions", true));
        assert!(!permits(&p, "ops.night", "sinks", true));
    }
}

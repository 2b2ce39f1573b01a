//! [`KeystoneOptions`]: who to authenticate as, from the configuration, the
//! standard `OS_*` variables, or an entry of `clouds.yaml`.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use drydock_core::{Env, Secret};
use serde::{Deserialize, Serialize};

/// Keystone v3 settings (a driver's `keystone` table). Every field left out
/// is taken from the matching `OS_*` variable, then from the `clouds.yaml`
/// entry named by `cloud` / `OS_CLOUD`. `Debug` and `Serialize` never show
/// the password or the token.
///
/// ```
/// use drydock_core::Env;
/// use drydock_driver_http::keystone::KeystoneOptions;
/// let env = Env::fixed([
///     ("OS_AUTH_URL", "https://keystone.example:5000/v3"),
///     ("OS_USERNAME", "drydock"),
///     ("OS_PASSWORD", "pw"),
///     ("OS_PROJECT_NAME", "service"),
/// ]);
/// let o = KeystoneOptions::default().completed(&env).unwrap();
/// assert_eq!(o.username.as_deref(), Some("drydock"));
/// assert!(!format!("{o:?}").contains("pw"));
/// ```
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct KeystoneOptions {
    /// Keystone's URL, usually ending `/v3` (`OS_AUTH_URL`).
    pub auth_url: Option<String>,
    /// `password` (default) or `token` (`OS_AUTH_TYPE`; `v3password`, `v3token` too).
    pub auth_type: Option<String>,
    /// The user's name (`OS_USERNAME`).
    pub username: Option<String>,
    /// The user's id (`OS_USER_ID`), instead of name and domain.
    pub user_id: Option<String>,
    /// The password (`OS_PASSWORD`).
    pub password: Option<Secret>,
    /// The user's domain by name (`OS_USER_DOMAIN_NAME`).
    pub user_domain_name: Option<String>,
    /// The user's domain by id (`OS_USER_DOMAIN_ID`); `default` when no domain is given.
    pub user_domain_id: Option<String>,
    /// The project to scope to, by name (`OS_PROJECT_NAME`, `OS_TENANT_NAME`).
    pub project_name: Option<String>,
    /// The project by id (`OS_PROJECT_ID`, `OS_TENANT_ID`).
    pub project_id: Option<String>,
    /// The project's domain by name (`OS_PROJECT_DOMAIN_NAME`).
    pub project_domain_name: Option<String>,
    /// The project's domain by id (`OS_PROJECT_DOMAIN_ID`).
    pub project_domain_id: Option<String>,
    /// A pre-issued token sent as is (`OS_TOKEN`), for the `token` type.
    pub token: Option<Secret>,
    /// The catalog interface: `public` (default), `internal` or `admin` (`OS_INTERFACE`).
    pub interface: Option<String>,
    /// The catalog region (`OS_REGION_NAME`).
    pub region_name: Option<String>,
    /// An entry of `clouds.yaml` to read what is not set (`OS_CLOUD`).
    pub cloud: Option<String>,
    /// Renew a token this long before it expires (default 120 s, as
    /// keystoneauth; at most half the token's lifetime).
    #[serde(with = "drydock_core::config::duration")]
    pub refresh_before: Duration,
}

impl Default for KeystoneOptions {
    fn default() -> Self {
        KeystoneOptions {
            auth_url: None,
            auth_type: None,
            username: None,
            user_id: None,
            password: None,
            user_domain_name: None,
            user_domain_id: None,
            project_name: None,
            project_id: None,
            project_domain_name: None,
            project_domain_id: None,
            token: None,
            interface: None,
            region_name: None,
            cloud: None,
            refresh_before: Duration::from_secs(120),
        }
    }
}

impl fmt::Debug for KeystoneOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeystoneOptions")
            .field("auth_url", &self.auth_url)
            .field("auth_type", &self.auth_type)
            .field("username", &self.username)
            .field("user_id", &self.user_id)
            .field("password", &self.password)
            .field(
                "user_domain",
                &self
                    .user_domain_name
                    .as_ref()
                    .or(self.user_domain_id.as_ref()),
            )
            .field(
                "project",
                &self.project_name.as_ref().or(self.project_id.as_ref()),
            )
            .field("token", &self.token)
            .field("interface", &self.interface)
            .field("region_name", &self.region_name)
            .field("cloud", &self.cloud)
            .finish()
    }
}

/// How a [`KeystoneOptions`] authenticates, once completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    /// Password authentication; the token is renewed before it expires.
    Password,
    /// A pre-issued token sent as is; it cannot be renewed.
    Token,
}

fn fill(slot: &mut Option<String>, env: &Env, names: &[&str]) {
    if slot.is_none() {
        *slot = names.iter().find_map(|n| env.get(n));
    }
}

impl KeystoneOptions {
    /// These options with every field left out taken from the `OS_*`
    /// variables of `env`, then from `clouds.yaml` (`cloud` / `OS_CLOUD`).
    /// A `clouds.yaml` that names a missing cloud, or cannot be read, is an error.
    pub fn completed(mut self, env: &Env) -> Result<Self, String> {
        fill(&mut self.auth_url, env, &["OS_AUTH_URL"]);
        fill(&mut self.auth_type, env, &["OS_AUTH_TYPE"]);
        fill(&mut self.username, env, &["OS_USERNAME"]);
        fill(&mut self.user_id, env, &["OS_USER_ID"]);
        fill(&mut self.user_domain_name, env, &["OS_USER_DOMAIN_NAME"]);
        fill(&mut self.user_domain_id, env, &["OS_USER_DOMAIN_ID"]);
        fill(
            &mut self.project_name,
            env,
            &["OS_PROJECT_NAME", "OS_TENANT_NAME"],
        );
        fill(
            &mut self.project_id,
            env,
            &["OS_PROJECT_ID", "OS_TENANT_ID"],
        );
        fill(
            &mut self.project_domain_name,
            env,
            &["OS_PROJECT_DOMAIN_NAME"],
        );
        fill(&mut self.project_domain_id, env, &["OS_PROJECT_DOMAIN_ID"]);
        fill(&mut self.interface, env, &["OS_INTERFACE"]);
        fill(&mut self.region_name, env, &["OS_REGION_NAME"]);
        fill(&mut self.cloud, env, &["OS_CLOUD"]);
        if self.password.is_none() {
            self.password = env.get("OS_PASSWORD").map(Secret::new);
        }
        if self.token.is_none() {
            self.token = env.get("OS_TOKEN").map(Secret::new);
        }
        if let Some(cloud) = self.cloud.clone() {
            super::clouds::complete_from_clouds_yaml(&mut self, &cloud, env)?;
        }
        let default_domain = env.get("OS_DEFAULT_DOMAIN");
        if self.user_domain_name.is_none() && self.user_domain_id.is_none() {
            self.user_domain_id = Some(default_domain.clone().unwrap_or_else(|| "default".into()));
        }
        if self.project_domain_name.is_none() && self.project_domain_id.is_none() {
            self.project_domain_id = Some(default_domain.unwrap_or_else(|| "default".into()));
        }
        Ok(self)
    }

    /// The method these (completed) options use: `token` when asked for, or
    /// when a token is set and no password is; else `password`, if a
    /// password is set; `None` when nothing is configured.
    pub fn method(&self) -> Option<AuthMethod> {
        let asked = self.auth_type.as_deref().map(str::to_ascii_lowercase);
        match asked.as_deref() {
            Some("token" | "v3token") if self.token.is_some() => Some(AuthMethod::Token),
            _ if self.password.is_some() && self.auth_url.is_some() => Some(AuthMethod::Password),
            _ if self.token.is_some() => Some(AuthMethod::Token),
            _ => None,
        }
    }

    /// Where `clouds.yaml` is looked for: `OS_CLIENT_CONFIG_FILE`, then
    /// `./clouds.yaml`, `~/.config/openstack/clouds.yaml`, `/etc/openstack/clouds.yaml`.
    pub fn clouds_yaml_paths(env: &Env) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        if let Some(file) = env.get("OS_CLIENT_CONFIG_FILE") {
            paths.push(PathBuf::from(file));
        }
        paths.push(PathBuf::from("clouds.yaml"));
        if let Some(home) = env.get("HOME") {
            paths.push(PathBuf::from(home).join(".config/openstack/clouds.yaml"));
        }
        paths.push(PathBuf::from("/etc/openstack/clouds.yaml"));
        paths
    }
}

//! `clouds.yaml` (and its `secure.yaml`), as the OpenStack clients read them.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use drydock_core::{Env, Secret};
use serde::Deserialize;

use super::options::KeystoneOptions;

/// The largest `clouds.yaml` read.
const MAX_CLOUDS_YAML: u64 = 1 << 20;

#[derive(Debug, Default, Deserialize)]
struct File {
    #[serde(default)]
    clouds: BTreeMap<String, Cloud>,
}

#[derive(Debug, Default, Deserialize)]
struct Cloud {
    #[serde(default)]
    auth: Auth,
    auth_type: Option<String>,
    region_name: Option<String>,
    interface: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Auth {
    auth_url: Option<String>,
    username: Option<String>,
    user_id: Option<String>,
    password: Option<String>,
    token: Option<String>,
    user_domain_name: Option<String>,
    user_domain_id: Option<String>,
    project_name: Option<String>,
    project_id: Option<String>,
    project_domain_name: Option<String>,
    project_domain_id: Option<String>,
}

fn read(path: &Path) -> Result<Option<File>, String> {
    let shown = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    if !meta.is_file() || meta.len() > MAX_CLOUDS_YAML {
        return Err(format!(
            "{shown} is not a regular file of at most {MAX_CLOUDS_YAML} bytes"
        ));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CLOUDS_YAML).read_to_string(&mut text))
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    serde_saphyr::from_str::<File>(&text)
        .map(Some)
        .map_err(|e| format!("{shown} is not a valid clouds.yaml: {e}"))
}

fn take(slot: &mut Option<String>, value: Option<String>) {
    if slot.is_none() {
        *slot = value;
    }
}

fn take_secret(slot: &mut Option<Secret>, value: Option<String>) {
    if slot.is_none() {
        *slot = value.map(Secret::new);
    }
}

fn apply(options: &mut KeystoneOptions, cloud: Cloud) {
    let a = cloud.auth;
    take(&mut options.auth_url, a.auth_url);
    take(&mut options.username, a.username);
    take(&mut options.user_id, a.user_id);
    take_secret(&mut options.password, a.password);
    take_secret(&mut options.token, a.token);
    take(&mut options.user_domain_name, a.user_domain_name);
    take(&mut options.user_domain_id, a.user_domain_id);
    take(&mut options.project_name, a.project_name);
    take(&mut options.project_id, a.project_id);
    take(&mut options.project_domain_name, a.project_domain_name);
    take(&mut options.project_domain_id, a.project_domain_id);
    take(&mut options.auth_type, cloud.auth_type);
    take(&mut options.region_name, cloud.region_name);
    take(&mut options.interface, cloud.interface);
}

/// Fills what `options` leaves out from the `cloud` entry of the first
/// `clouds.yaml` found, then from the same entry of the `secure.yaml` beside it.
pub(crate) fn complete_from_clouds_yaml(
    options: &mut KeystoneOptions,
    cloud: &str,
    env: &Env,
) -> Result<(), String> {
    for path in KeystoneOptions::clouds_yaml_paths(env) {
        let Some(mut file) = read(&path)? else {
            continue;
        };
        let Some(entry) = file.clouds.remove(cloud) else {
            let known: Vec<&String> = file.clouds.keys().collect();
            return Err(format!(
                "{} has no cloud `{cloud}` (clouds: {known:?})",
                path.display()
            ));
        };
        apply(options, entry);
        let secure = path.with_file_name("secure.yaml");
        if let Some(mut secrets) = read(&secure)?
            && let Some(entry) = secrets.clouds.remove(cloud)
        {
            apply(options, entry);
        }
        return Ok(());
    }
    Err(format!(
        "OS_CLOUD names `{cloud}`, but no clouds.yaml was found"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_and_its_secure_file_complete_the_options() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("clouds.yaml"),
            "clouds:\n  site:\n    auth:\n      auth_url: http://ks/v3\n      username: drydock\n      project_name: service\n    region_name: RegionOne\n    interface: internal\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("secure.yaml"),
            "clouds:\n  site:\n    auth:\n      password: from-secure\n",
        )
        .unwrap();
        let file = dir.path().join("clouds.yaml").display().to_string();
        let env = Env::fixed([
            ("OS_CLIENT_CONFIG_FILE", file.as_str()),
            ("OS_CLOUD", "site"),
        ]);
        let o = KeystoneOptions::default().completed(&env).unwrap();
        assert_eq!(o.auth_url.as_deref(), Some("http://ks/v3"));
        assert_eq!(o.interface.as_deref(), Some("internal"));
        assert_eq!(o.password.as_ref().map(Secret::expose), Some("from-secure"));
        let env = Env::fixed([
            ("OS_CLIENT_CONFIG_FILE", file.as_str()),
            ("OS_CLOUD", "other"),
        ]);
        let err = KeystoneOptions::default().completed(&env).unwrap_err();
        assert!(
            err.contains("no cloud `other`") && err.contains("site"),
            "{err}"
        );
    }
}

//! The configuration: unknown keys, overrides, redaction.
use super::tree::redact;
use super::*;

#[test]
fn unknown_keys_are_named_with_the_file() {
    let err = Config::from_toml_str("[fetch]\ntimeot = \"1s\"\n", "/etc/d.toml").unwrap_err();
    let shown = err.to_string();
    assert!(
        shown.contains("timeot") && shown.contains("/etc/d.toml") && shown.contains("[fetch]"),
        "{shown}"
    );
    let err = Config::from_toml_str("[fetchh]\n", "/etc/d.toml").unwrap_err();
    assert!(err.to_string().contains("fetchh"), "{err}");
}

#[test]
fn a_bad_value_is_named_with_the_flag_that_set_it() {
    let env = Env::fixed([("HOME", "/nonexistent")]);
    let c = Config::builder(&env)
        .set("fetch.max_size", Value::String("2MiB".into()), "--max-size")
        .build()
        .unwrap();
    assert_eq!(c.fetch_options().max_size, 2 << 20);
    assert_eq!(
        c.origin(),
        "the built-in defaults (overridden by --max-size)"
    );
    let err = Config::builder(&env)
        .set("fetch.max_size", Value::String("lots".into()), "--max-size")
        .build()
        .unwrap_err();
    assert!(
        err.to_string().contains("--max-size") && err.to_string().contains("lots"),
        "{err}"
    );
}

#[test]
fn each_error_names_the_source_that_made_it() {
    let file = "[fetch]\ntimeout = \"5s\"\n";
    let env = Env::fixed([
        ("DRYDOCK__FETCH__TIMEOUT", "soon"),
        ("DRYDOCK__RETRY__ATTEMPTS", "2"),
    ]);
    let load = |file: &str, env: &Env| {
        Config::builder(env)
            .toml(file, "/etc/d.toml")
            .and_then(|b| b.env_overrides().build())
    };
    // The file is fine, a variable is not: the variable is named.
    let err = load(file, &env).unwrap_err().to_string();
    assert_eq!(
        err,
        "configuration [fetch] in the environment variable DRYDOCK__FETCH__TIMEOUT: \
         fetch.timeout: `soon` is not a duration such as 30s or 2m: expected number at 0"
    );
    // The file is wrong: the file is named, whatever the variables.
    let err = load("[fetch]\ntimeot = 1\n", &env).unwrap_err().to_string();
    assert!(
        err.starts_with("configuration [fetch] in /etc/d.toml: "),
        "{err}"
    );
    // A flag given after the variable wins: merged once, nothing to refuse.
    let c = Config::builder(&env)
        .toml(file, "/etc/d.toml")
        .unwrap()
        .env_overrides()
        .set("fetch.timeout", Value::String("7s".into()), "--timeout")
        .build()
        .unwrap();
    assert_eq!(c.fetch_options().deadline.as_secs(), 7);
    assert_eq!(c.retry().max_attempts, 2);
}

#[test]
fn validation_and_driver_sections_are_checked_at_load() {
    let env = Env::fixed([("HOME", "/nonexistent")]);
    let load = |text: &str| {
        Config::builder(&env)
            .toml(text, "/etc/d.toml")
            .and_then(ConfigBuilder::build)
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        load("[validation]\nplatfrom = 1\n"),
        "configuration [validation] in /etc/d.toml: platfrom: unknown field `platfrom`, expected `platform`"
    );
    let err = load("[drivers.nosuch]\nx = 1\n");
    assert!(
        err.starts_with("configuration [drivers.nosuch] in /etc/d.toml: no driver named `nosuch`"),
        "{err}"
    );
    let err = load("[drivers.http]\nmax_redirect = 3\n");
    assert!(
        err.contains("[drivers.http]") && err.contains("max_redirect"),
        "{err}"
    );
}

#[test]
fn the_registry_is_the_one_configured() {
    let c = Config::from_toml_str("[drivers.http]\nmax_redirects = 3\n", "d.toml").unwrap();
    // Every resolver built from the configuration shares its one registry.
    assert!(Arc::ptr_eq(c.resolver().registry(), c.registry()));
    assert!(Arc::ptr_eq(
        c.resolver_builder().build().registry(),
        c.registry()
    ));
    assert_eq!(
        c.effective().unwrap()["drivers"]["http"]["max_redirects"],
        3
    );
}

#[test]
fn redaction_hides_secret_keys_and_url_passwords() {
    let mut v = serde_json::json!({"store": {"url": "postgres://u:pw@h/db"}, "x": {"password": "pw", "client_key": "/k.pem"}});
    redact(&mut v);
    let shown = v.to_string();
    assert!(
        !shown.contains("pw@") && !shown.contains("\"pw\""),
        "{shown}"
    );
    assert!(shown.contains("/k.pem"), "{shown}");
}

#[test]
fn a_flag_reaches_every_linked_driver_that_has_the_option() {
    let c = Config::from_toml_str("", "d.toml").unwrap();
    // What the builder reads to place a flag is what the registry holds.
    assert_eq!(Registry::linked_drivers(), c.registry().drivers());
    let env = Env::fixed([("HOME", "/nonexistent")]);
    let c = Config::builder(&env)
        .set_for_drivers(
            "tls.ca_bundle",
            Value::String("/ca.pem".into()),
            "--ca-bundle",
        )
        .set_for_drivers("no_such_option", Value::Bool(true), "--nothing")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        c.contains("ca.pem") && c.contains("(overridden by --ca-bundle, --nothing)"),
        "{c}"
    );
}

/// Every duration and number of the configuration, given any value by a
/// variable: loading never panics, and what loads is usable (backoffs,
/// deadlines, the resolver) without overflow.
mod loader_properties {
    use super::*;
    use proptest::prelude::*;

    const KEYS: &[&str] = &[
        "DRYDOCK__FETCH__TIMEOUT",
        "DRYDOCK__FETCH__CONNECT_TIMEOUT",
        "DRYDOCK__FETCH__READ_TIMEOUT",
        "DRYDOCK__FETCH__MAX_SIZE",
        "DRYDOCK__RETRY__ATTEMPTS",
        "DRYDOCK__RETRY__INITIAL_BACKOFF",
        "DRYDOCK__RETRY__MAX_BACKOFF",
        "DRYDOCK__RETRY__MULTIPLIER",
        "DRYDOCK__RETRY__MAX_RETRY_AFTER",
        "DRYDOCK__CACHE__TTL",
        "DRYDOCK__CACHE__MAX_ENTRIES",
        "DRYDOCK__DRIVERS__HTTP__MAX_REDIRECTS",
        "DRYDOCK__DRIVERS__HTTP__KEYSTONE__REFRESH_BEFORE",
    ];

    fn value() -> impl Strategy<Value = String> {
        let number = prop_oneof![
            2 => any::<u64>(),
            3 => Just(u64::MAX),
            1 => Just(u64::MAX / 1000),
            2 => 0u64..1000
        ];
        let unit = prop_oneof![
            2 => Just(""),
            3 => Just("s"),
            1 => Just("ms"),
            1 => Just("ns"),
            1 => Just("d"),
            1 => Just("y"),
            1 => Just("MiB"),
            1 => Just("GiB")
        ];
        prop_oneof![
            4 => (number, unit).prop_map(|(n, u)| format!("{n}{u}")),
            1 => any::<f64>().prop_map(|f| f.to_string()),
            1 => Just("-1".to_owned()),
            1 => Just("NaN".to_owned()),
            1 => Just("inf".to_owned()),
            1 => "[ -~]{0,12}",
        ]
    }

    #[test]
    fn the_largest_backoff_is_refused_not_a_panic() {
        let env = Env::fixed([
            ("HOME", "/nonexistent"),
            ("DRYDOCK__RETRY__INITIAL_BACKOFF", "18446744073709551615s"),
        ]);
        let err = Config::builder(&env).env_overrides().build().unwrap_err();
        assert!(err.to_string().contains("365 days"), "{err}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        #[test]
        fn any_value_loads_or_is_refused_with_a_message(
            picks in proptest::collection::vec((0..KEYS.len(), value()), 1..3)
        ) {
            let vars: Vec<(&str, String)> =
                picks.iter().map(|(k, v)| (KEYS[*k], v.clone())).collect();
            let mut all: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            all.push(("HOME", "/nonexistent"));
            let env = Env::fixed(all);
            match Config::builder(&env).env_overrides().build() {
                Ok(config) => {
                    let policy = config.retry().clone();
                    for attempt in 1..12 {
                        prop_assert!(policy.backoff(attempt) <= policy.max_backoff);
                    }
                    let fetch = config.fetch_options();
                    let _ = std::time::Instant::now().checked_add(fetch.deadline);
                    let _ = config.resolver();
                    let _ = config.effective();
                }
                Err(e) => {
                    let shown = e.to_string();
                    prop_assert!(shown.contains("configuration"), "{}", shown);
                }
            }
        }
    }
}

#[test]
fn each_value_knows_its_source() {
    let env = Env::fixed([("HOME", "/nonexistent"), ("DRYDOCK__RETRY__ATTEMPTS", "2")]);
    let c = Config::builder(&env)
        .toml("[fetch]\ntimeout = \"5s\"\nmax_size = 10\n", "/etc/d.toml")
        .unwrap()
        .env_overrides()
        .set("fetch.max_size", Value::String("2MiB".into()), "--max-size")
        .build()
        .unwrap();
    let file = Source::File {
        path: "/etc/d.toml".into(),
    };
    assert_eq!(c.source_of("fetch.timeout"), file);
    assert_eq!(
        c.source_of("fetch.max_size"),
        Source::Flag {
            flag: "--max-size".into()
        }
    );
    assert_eq!(
        c.source_of("retry.attempts").to_string(),
        "environment variable DRYDOCK__RETRY__ATTEMPTS"
    );
    assert_eq!(c.source_of("fetch.read_timeout"), Source::Default);
    let shown = c.effective().unwrap();
    let sources = c.sources_of(&shown);
    assert_eq!(sources["fetch.timeout"], file);
    assert_eq!(sources["fetch.connect_timeout"], Source::Default);
    assert!(sources.contains_key("drivers.http.max_redirects"));
}

#[test]
fn the_worker_design_cache_has_documented_defaults_and_named_errors() {
    let c = Config::from_toml_str("", "/etc/d.toml").unwrap();
    let bounds = c.worker().design_cache.options();
    assert_eq!((bounds.max_entries, bounds.max_bytes), (8, 256 << 20));
    let shown = c.effective().unwrap();
    assert_eq!(shown["worker"]["design_cache"]["max_size"], "256.0 MiB");
    let c = Config::from_toml_str(
        "[worker.design_cache]\nmax_entries = 2\nmax_size = \"1GiB\"\n",
        "/etc/d.toml",
    )
    .unwrap();
    let bounds = c.worker().design_cache.options();
    assert_eq!((bounds.max_entries, bounds.max_bytes), (2, 1 << 30));
    for (text, named) in [
        ("[worker.design_cache]\nmax_size = \"lots\"\n", "lots"),
        ("[worker.design_cache]\nmax_entries = -1\n", "max_entries"),
        ("[worker]\ndesign_cach = {}\n", "design_cach"),
    ] {
        let err = Config::from_toml_str(text, "/etc/d.toml").unwrap_err();
        assert!(err.to_string().contains(named), "{text}: {err}");
    }
}

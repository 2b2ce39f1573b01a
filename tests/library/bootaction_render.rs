//! Boot-action rendering in-process: the original's `helloworld` sample,
//! every pipeline segment and its failures, locations over loopback HTTP
//! and `file://`, and the template bound.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use drydock::bootaction::pipeline::{self, Value};
use drydock::bootaction::{
    ActionInfo, Locations, TemplateContext, public_design_ref, render_node, ulid,
};
use drydock::design::{AssetType, DataPipelineStep as S};
use drydock::store::Uuid;
use drydock::{FetchOptions, ResolveOptions, Resolver, SiteDesign};
use drydock_fixtures::{HttpFixture, Route};

const KEY: &str = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
const ID: &str = "01BX5ZZKBKACTAV9WEVGEMMVRZ";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/designs")
        .join(name)
}

async fn fullsite() -> SiteDesign {
    let url = format!("file://{}", fixture("deckhand_fullsite.yaml").display());
    Resolver::new()
        .resolve(&url, &ResolveOptions::default().schema_only())
        .await
        .expect("the sample resolves")
        .into_ingested()
        .design
}

fn locations() -> Locations {
    Locations::new(Arc::new(Resolver::new()), FetchOptions::default())
}

fn info(design_ref: &str) -> ActionInfo {
    ActionInfo {
        action_id: Uuid::nil(),
        action_key: KEY.into(),
        report_url: "http://localhost:9000/api/v1.0/bootactions/".into(),
        design_ref: public_design_ref(design_ref),
    }
}

fn ctx() -> TemplateContext {
    TemplateContext::from_json(&serde_json::json!({
        "node": {"hostname": "compute01", "labels": {}},
        "action": {"action_id": ID}
    }))
}

#[tokio::test]
async fn the_originals_helloworld_renders_byte_for_byte() {
    let design = fullsite().await;
    let id = ulid::parse(ID).unwrap();
    let reference =
        "deckhand+http://admin:secret@deckhand:9000/api/v1.0/revisions/1/rendered-documents";
    let actions = render_node(
        &design,
        "compute01",
        &info(reference),
        |_| Some(id),
        &locations(),
        |_| true,
    )
    .await
    .expect("renders");
    let hello = actions
        .iter()
        .find(|a| a.name == "helloworld")
        .expect("targets compute01");
    assert!(hello.signaling, "absent signaling is true");
    let by_path = |p: &str| {
        hello
            .assets
            .iter()
            .find(|a| a.path.as_deref() == Some(p))
            .unwrap()
    };
    // base64_decode + utf8_decode + template: the trailing newline goes.
    let script = by_path("/var/tmp/hello.sh");
    assert_eq!(
        script.bytes,
        b"#!/bin/bash\n\necho 'Hello World! -from compute01'"
    );
    assert_eq!(script.mode(), 0o555);
    // base64_decode + utf8_decode only: as decoded.
    let unit = by_path("/lib/systemd/system/hello.service");
    assert_eq!(unit.asset_type, AssetType::Unit);
    assert_eq!(
        String::from_utf8(unit.bytes.clone()).unwrap(),
        "[Unit]\nDescription=Hello World\n\n[Service]\nType=oneshot\nExecStart=/var/tmp/hello.sh\n\n[Install]\nWantedBy=multi-user.target\n"
    );
    assert_eq!(unit.mode(), 0o600);
    // The design reference without credentials, the id as a ULID, the key as hex.
    let designref = by_path("/var/tmp/designref.sh");
    assert_eq!(
        String::from_utf8(designref.bytes.clone()).unwrap(),
        format!(
            "deckhand+http://deckhand:9000/api/v1.0/revisions/1/rendered-documents\n{ID}\n{KEY}"
        )
    );
    let pkg = hello
        .assets
        .iter()
        .find(|a| a.asset_type == AssetType::PkgList)
        .unwrap();
    let packages = pkg.packages.as_ref().unwrap();
    assert_eq!(packages["2ping"].as_deref(), Some("3.2.1-1"));
    assert_eq!(packages["0xffff"], None);
    // A node no filter of hw_filtered2 names does not get it.
    assert!(!actions.iter().any(|a| a.name == "hw_filtered2"));
    let err = render_node(
        &design,
        "nosuchnode",
        &info(reference),
        |_| Some(id),
        &locations(),
        |_| true,
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("nosuchnode"), "{err}");
}

#[tokio::test]
async fn the_template_context_is_the_originals() {
    let design = fullsite().await;
    let id = ulid::parse(ID).unwrap();
    let site = drydock::rules::EffectiveSite::compile(&design).expect("compiles");
    let node = site.nodes.iter().find(|n| n.name == "compute01").unwrap();
    let node = drydock::bootaction::node_context(&site, node);
    let info = ActionInfo {
        action_id: id,
        ..info("https://u:p@h/site?token=t")
    };
    let ctx = drydock::bootaction::template_context(&node, &info);
    let render = |s: &str| pipeline::render_template(s, &ctx).unwrap();
    assert_eq!(
        render("{{ node.hostname }}.{{ node.domain }} {{ node.tags | join(',') }}"),
        "compute01.mgmt.sitename.example.com test"
    );
    assert_eq!(
        render(
            "{{ node.network.default.ip }} {{ node.network.mgmt.cidr }} {{ node.network.private.dns_suffix }} {{ node.network.pxe.ip }}"
        ),
        "172.16.1.21 172.16.1.0/24 priv.sitename.example.com dhcp"
    );
    // Lists print as Python's repr.
    assert_eq!(render("{{ node.tags }}"), "['test']");
    // Booleans and none print as Python's.
    assert_eq!(
        render(
            "{{ node.interfaces.bond0.sriov }} {{ node.interfaces.bond0.vf_count }} {{ node.interfaces.bond0.trustedmode }} {{ node.interfaces.pxe.sriov }} {{ none }}"
        ),
        "True 2 False False None"
    );
    assert_eq!(
        render("{{ action.action_id }} {{ action.report_url }} {{ action.design_ref }}"),
        format!("{ID} http://localhost:9000/api/v1.0/bootactions/ https://h/site")
    );
}

#[test]
fn base64_decode_is_pythons_lenient_one() {
    // Newlines (and anything outside the alphabet) are discarded.
    assert_eq!(pipeline::b64decode(b"aGVs\nbG8=\n").unwrap(), b"hello");
    assert_eq!(pipeline::b64decode(b"aGVs*bG8=").unwrap(), b"hello");
    // A complete padding ends the data.
    assert_eq!(pipeline::b64decode(b"YQ==YWJj").unwrap(), b"a");
    assert_eq!(pipeline::b64decode(b"").unwrap(), b"");
    assert_eq!(
        pipeline::b64decode(b"YWJ").unwrap_err(),
        "Incorrect padding"
    );
    assert_eq!(
        pipeline::b64decode(b"YQ=").unwrap_err(),
        "Incorrect padding"
    );
    assert!(
        pipeline::b64decode(b"YWJjZ")
            .unwrap_err()
            .contains("cannot be 1 more than a multiple of 4")
    );
}

#[test]
fn every_segment_and_its_failures() {
    let c = ctx();
    let run = |v: Value, steps: &[S]| pipeline::run_data(v, steps, &c);
    let bytes = |b: &[u8]| Value::Bytes(b.to_vec());
    assert_eq!(run(bytes(b"hi"), &[S::Base64Encode]), Ok(bytes(b"aGk=")));
    assert_eq!(run(bytes(b"aGk="), &[S::Base64Decode]), Ok(bytes(b"hi")));
    assert_eq!(
        run(Value::Text("aGk=".into()), &[S::Base64Decode]),
        Ok(bytes(b"hi"))
    );
    assert_eq!(
        run(bytes(b"hi"), &[S::Utf8Decode]),
        Ok(Value::Text("hi".into()))
    );
    assert_eq!(
        run(Value::Text("hi".into()), &[S::Utf8Encode]),
        Ok(bytes(b"hi"))
    );
    assert_eq!(
        run(bytes(b"{{ node.hostname }}"), &[S::Utf8Decode, S::Template]),
        Ok(Value::Text("compute01".into()))
    );
    assert_eq!(run(bytes(b""), &[]), Ok(bytes(b"")));
    // Each failure names its segment.
    let failed = |v: Value, steps: &[S]| run(v, steps).unwrap_err().0;
    assert_eq!(failed(bytes(b"{{ x }}"), &[S::Template]), "template");
    assert_eq!(
        failed(Value::Text("x".into()), &[S::Base64Encode]),
        "base64_encode"
    );
    assert_eq!(
        failed(Value::Text("x".into()), &[S::Utf8Decode]),
        "utf8_decode"
    );
    assert_eq!(failed(bytes(b"x"), &[S::Utf8Encode]), "utf8_encode");
    assert_eq!(failed(bytes(b"\xff\xfe"), &[S::Utf8Decode]), "utf8_decode");
    assert_eq!(failed(bytes(b"YWJ"), &[S::Base64Decode]), "base64_decode");
    assert_eq!(
        failed(Value::Text("é===".into()), &[S::Base64Decode]),
        "base64_decode"
    );
    assert_eq!(
        failed(bytes(b"{% if %}"), &[S::Utf8Decode, S::Template]),
        "template"
    );
}

#[test]
fn templates_follow_jinja2s_defaults() {
    let c = ctx();
    let render = |s: &str| pipeline::render_template(s, &c);
    // One trailing newline dropped, not two.
    assert_eq!(render("a\n").unwrap(), "a");
    assert_eq!(render("a\n\n").unwrap(), "a\n");
    // Undefined values print empty; an attribute of one is an error, as Jinja2's.
    assert_eq!(
        render("[{{ nothing }}][{{ node.nothing }}]").unwrap(),
        "[][]"
    );
    assert!(render("{{ nothing.deeper }}").is_err());
    // No escaping; urlencode as Jinja2's.
    assert_eq!(render("{{ '<a&b>' }}").unwrap(), "<a&b>");
    assert_eq!(
        render("{{ 'a b&c/d' | urlencode }}").unwrap(),
        "a%20b%26c/d"
    );
    assert_eq!(render("{{ action.action_id | length }}").unwrap(), "26");
    // Python's repr of lists and mappings, strings quoted as Python quotes them.
    assert_eq!(
        render(r#"{{ [1, 'a', "it's", none, true, [2.5]] }}"#).unwrap(),
        r#"[1, 'a', "it's", None, True, [2.5]]"#
    );
    assert_eq!(
        render(r#"{{ {'k': 'a\\b\n'} }}"#).unwrap(),
        r#"{'k': 'a\\b\n'}"#
    );
    // A list nested deeper than the repr prints ends in `...`, no crash.
    let deep = pipeline::render_template(
        "{% set ns = namespace(x=[]) %}{% for i in range(5000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}",
        &c,
    )
    .unwrap();
    assert!(
        deep.starts_with("[[[[") && deep.contains("..."),
        "{}",
        &deep[..80]
    );
}

#[test]
fn a_hostile_template_is_stopped_by_the_bound() {
    let c = ctx();
    let looping =
        "{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}";
    let err = pipeline::render_template(looping, &c).unwrap_err();
    assert!(err.contains("too long"), "{err}");
    let huge = "{% for i in range(1000) %}{{ 'x' * 100000 }}{% endfor %}";
    let err = pipeline::render_template(huge, &c).unwrap_err();
    assert!(err.contains("output passes"), "{err}");
    let deep = "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}";
    assert!(pipeline::render_template(deep, &c).is_err());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_location_is_fetched_over_http_with_status_checked_and_remembered() {
    let server = HttpFixture::start().await.expect("fixture server");
    server.put("/hello.b64", "aGVsbG8g\ne3sgbm9kZS5ob3N0bmFtZSB9fQ==\n");
    server.route("/missing", Route::status_with_body(404, "not here"));
    let locations = locations();
    let url = server.url("/hello.b64");
    assert_eq!(
        locations.fetch(url.as_str()).await.unwrap(),
        b"aGVsbG8g\ne3sgbm9kZS5ob3N0bmFtZSB9fQ==\n"
    );
    assert_eq!(locations.fetch(url.as_str()).await.unwrap().len(), 38);
    assert_eq!(server.hits("/hello.b64"), 1, "one fetch per URL");
    let err = locations
        .fetch(server.url("/missing").as_str())
        .await
        .unwrap_err();
    assert!(err.contains("404"), "a 404 page is never an asset: {err}");
    // The whole asset: location templated, fetched, decoded, templated.
    let design = design_with_asset(&format!(
        "location: '{}/{{{{ node.hostname }}}}.b64'\n      location_pipeline: [template]\n      data_pipeline: [base64_decode, utf8_decode, template]",
        server.base_url().as_str().trim_end_matches('/')
    ))
    .await;
    server.put("/compute01.b64", "aGVsbG8g\ne3sgbm9kZS5ob3N0bmFtZSB9fQ==\n");
    let actions = render_node(
        &design,
        "compute01",
        &info("file:///x"),
        |_| Some(Uuid::nil()),
        &locations,
        |_| true,
    )
    .await
    .expect("renders");
    let ba = actions.iter().find(|a| a.name == "ba").unwrap();
    assert_eq!(ba.assets[0].bytes, b"hello compute01");
}

#[tokio::test]
async fn file_locations_only_under_allowed_roots() {
    let root = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("a.txt"), "inside").unwrap();
    std::fs::write(outside.path().join("b.txt"), "outside").unwrap();
    std::os::unix::fs::symlink(outside.path().join("b.txt"), root.path().join("link.txt")).unwrap();
    let url = |p: &Path| format!("file://{}", p.display());
    let none = locations();
    let err = none
        .fetch(&url(&root.path().join("a.txt")))
        .await
        .unwrap_err();
    assert!(err.contains("allowed roots"), "{err}");
    let allowed = locations().with_file_roots(vec![root.path().to_owned()]);
    assert_eq!(
        allowed
            .fetch(&url(&root.path().join("a.txt")))
            .await
            .unwrap(),
        b"inside"
    );
    for refused in [outside.path().join("b.txt"), root.path().join("link.txt")] {
        let err = allowed.fetch(&url(&refused)).await.unwrap_err();
        assert!(err.contains("not under an allowed root"), "{err}");
    }
    let err = allowed.fetch("ftp://127.0.0.1/x").await.unwrap_err();
    assert!(err.contains("not allowed"), "{err}");
}

#[tokio::test]
async fn a_failing_asset_names_the_action_the_asset_and_the_step() {
    let design = design_with_asset("data: 'YWJ'\n      data_pipeline: [base64_decode]").await;
    let err = render_node(
        &design,
        "compute01",
        &info("file:///x"),
        |_| Some(Uuid::nil()),
        &locations(),
        |_| true,
    )
    .await
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "boot action ba, asset /etc/x, step base64_decode: Incorrect padding"
    );
}

/// The sample site plus a boot action `ba` for `compute01` whose one asset
/// (`/etc/x`, a file) has the YAML `fields`.
async fn design_with_asset(fields: &str) -> SiteDesign {
    let yaml = format!(
        "{}\n---\nschema: 'drydock/BootAction/v1'\nmetadata:\n  schema: 'metadata/Document/v1'\n  name: ba\n  storagePolicy: 'cleartext'\n  labels:\n    application: 'drydock'\ndata:\n  node_filter:\n    filter_set_type: union\n    filter_set:\n      - filter_type: union\n        node_names: [compute01]\n  assets:\n    - path: /etc/x\n      type: file\n      {fields}\n",
        std::fs::read_to_string(fixture("deckhand_fullsite.yaml")).unwrap()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("site.yaml");
    std::fs::write(&path, yaml).unwrap();
    Resolver::new()
        .resolve(
            &format!("file://{}", path.display()),
            &ResolveOptions::default().schema_only(),
        )
        .await
        .expect("resolves")
        .into_ingested()
        .design
}

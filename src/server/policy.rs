//! The original's policy (`policy.py`, oslo.policy): one rule per action,
//! each `role:admin` by default, overridable from a YAML (or JSON) file in
//! the oslo.policy forms: `role:X`, `rule:NAME`, `is_admin:True`, `@`
//! (always), `!` (never), `and`, `or`, `not`, parentheses.

use std::collections::BTreeMap;
use std::path::Path;

use drydock_ingester_yaml::Limits;
use drydock_ingester_yaml::model::value::Value as Yaml;

/// Who a request is for policy: its roles, and whether its project is the
/// admin project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Credentials {
    /// Role names.
    pub roles: Vec<String>,
    /// Keystone's `is_admin_project`.
    pub is_admin: bool,
}

/// The rules the original checks (`physical_provisioner:*`), plus
/// `admin_required`.
pub const RULES: &[&str] = &[
    "admin_required",
    "physical_provisioner:read_task",
    "physical_provisioner:create_task",
    "physical_provisioner:validate_design",
    "physical_provisioner:verify_site",
    "physical_provisioner:prepare_site",
    "physical_provisioner:verify_nodes",
    "physical_provisioner:prepare_nodes",
    "physical_provisioner:deploy_nodes",
    "physical_provisioner:destroy_nodes",
    "physical_provisioner:relabel_nodes",
    "physical_provisioner:delete_tasks",
    "physical_provisioner:read_data",
    "physical_provisioner:ingest_data",
    "physical_provisioner:read_build_data",
    "physical_provisioner:validate_site_design",
    "physical_provisioner:health_data",
];

/// A parsed rule.
#[derive(Clone, Debug, PartialEq)]
enum Check {
    Always,
    Never,
    Role(String),
    Rule(String),
    IsAdmin(bool),
    /// A check this server cannot evaluate (e.g. `project_id:%(project_id)s`): fails.
    Other(String),
    And(Vec<Check>),
    Or(Vec<Check>),
    Not(Box<Check>),
}

/// The rules in force.
#[derive(Clone, Debug)]
pub struct Policy {
    rules: BTreeMap<String, Check>,
}

impl Default for Policy {
    /// Every rule `role:admin`; `admin_required` is `role:admin or is_admin:1`.
    fn default() -> Self {
        let mut rules: BTreeMap<String, Check> = RULES
            .iter()
            .map(|r| ((*r).to_owned(), Check::Role("admin".into())))
            .collect();
        rules.insert(
            "admin_required".into(),
            Check::Or(vec![Check::Role("admin".into()), Check::IsAdmin(true)]),
        );
        Policy { rules }
    }
}

impl Policy {
    /// The defaults overridden by the rules of the file at `path` (a mapping
    /// of rule names to rule strings); an error says what is wrong where.
    pub fn from_file(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let bytes = std::fs::read(path).map_err(|e| format!("{shown}: {e}"))?;
        Policy::from_text(&bytes).map_err(|e| format!("{shown}: {e}"))
    }

    /// The defaults overridden by the rules in `text` (YAML or JSON).
    pub fn from_text(text: &[u8]) -> Result<Self, String> {
        let docs = drydock_ingester_yaml::parse::load_stream(text, &Limits::default(), |d| d)
            .map_err(|e| e.to_string())?;
        let mut policy = Policy::default();
        let Some(doc) = docs.into_iter().next() else {
            return Ok(policy);
        };
        let doc = doc.map_err(|e| e.to_string())?;
        let entries = match doc.root.map(|n| n.value) {
            None | Some(Yaml::Null) => return Ok(policy),
            Some(Yaml::Map(entries)) => entries,
            Some(_) => return Err("a policy file is a mapping of rule names to rules".into()),
        };
        for (key, node) in entries {
            let text = match &node.value {
                Yaml::Str(s) => s.to_string(),
                Yaml::Null => String::new(),
                _ => {
                    return Err(format!(
                        "line {}: the rule {} must be a string",
                        node.mark.line, key.text
                    ));
                }
            };
            let check =
                parse(&text).map_err(|e| format!("line {}: {}: {e}", node.mark.line, key.text))?;
            policy.rules.insert(key.text.to_string(), check);
        }
        Ok(policy)
    }

    /// Whether `who` passes the rule `name` (an unknown rule fails).
    pub fn allows(&self, name: &str, who: &Credentials) -> bool {
        self.rules.get(name).is_some_and(|c| self.check(c, who, 0))
    }

    fn check(&self, check: &Check, who: &Credentials, depth: usize) -> bool {
        // A rule that refers to itself, directly or not, fails.
        if depth > 32 {
            return false;
        }
        match check {
            Check::Always => true,
            Check::Never | Check::Other(_) => false,
            Check::Role(role) => who.roles.iter().any(|r| r.eq_ignore_ascii_case(role)),
            Check::Rule(name) => self
                .rules
                .get(name)
                .is_some_and(|c| self.check(c, who, depth + 1)),
            Check::IsAdmin(value) => who.is_admin == *value,
            Check::And(all) => all.iter().all(|c| self.check(c, who, depth + 1)),
            Check::Or(any) => any.iter().any(|c| self.check(c, who, depth + 1)),
            Check::Not(inner) => !self.check(inner, who, depth + 1),
        }
    }
}

/// Parses a rule string; the empty rule always passes (as in oslo.policy).
fn parse(text: &str) -> Result<Check, String> {
    let tokens = tokenize(text);
    if tokens.is_empty() {
        return Ok(Check::Always);
    }
    let mut at = 0;
    let check = or(&tokens, &mut at)?;
    match tokens.get(at) {
        None => Ok(check),
        Some(extra) => Err(format!("unexpected {extra:?}")),
    }
}

/// Splits on whitespace, then peels parentheses off the ends of each word,
/// as oslo.policy does (so `project_id:%(project_id)s` stays one check).
fn tokenize(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in text.split_whitespace() {
        let inner = word.trim_start_matches('(');
        out.extend(std::iter::repeat_n(
            "(".to_owned(),
            word.len() - inner.len(),
        ));
        let middle = inner.trim_end_matches(')');
        if !middle.is_empty() {
            out.push(middle.to_owned());
        }
        out.extend(std::iter::repeat_n(
            ")".to_owned(),
            inner.len() - middle.len(),
        ));
    }
    out
}

fn or(tokens: &[String], at: &mut usize) -> Result<Check, String> {
    let mut parts = vec![and(tokens, at)?];
    while tokens.get(*at).is_some_and(|t| t == "or") {
        *at += 1;
        parts.push(and(tokens, at)?);
    }
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Check::Or(parts)
    })
}

fn and(tokens: &[String], at: &mut usize) -> Result<Check, String> {
    let mut parts = vec![not(tokens, at)?];
    while tokens.get(*at).is_some_and(|t| t == "and") {
        *at += 1;
        parts.push(not(tokens, at)?);
    }
    Ok(if parts.len() == 1 {
        parts.remove(0)
    } else {
        Check::And(parts)
    })
}

fn not(tokens: &[String], at: &mut usize) -> Result<Check, String> {
    if tokens.get(*at).is_some_and(|t| t == "not") {
        *at += 1;
        return Ok(Check::Not(Box::new(not(tokens, at)?)));
    }
    atom(tokens, at)
}

fn atom(tokens: &[String], at: &mut usize) -> Result<Check, String> {
    let Some(token) = tokens.get(*at) else {
        return Err("the rule ends too early".into());
    };
    *at += 1;
    match token.as_str() {
        "(" => {
            let inner = or(tokens, at)?;
            if tokens.get(*at).is_none_or(|t| t != ")") {
                return Err("a parenthesis is not closed".into());
            }
            *at += 1;
            Ok(inner)
        }
        "@" => Ok(Check::Always),
        "!" => Ok(Check::Never),
        ")" | "and" | "or" => Err(format!("unexpected {token:?}")),
        _ => match token.split_once(':') {
            Some(("role", role)) => Ok(Check::Role(role.to_owned())),
            Some(("rule", rule)) => Ok(Check::Rule(rule.to_owned())),
            Some(("is_admin", value)) => Ok(Check::IsAdmin(matches!(
                value.to_ascii_lowercase().as_str(),
                "1" | "true"
            ))),
            Some(_) => Ok(Check::Other(token.clone())),
            None => Err(format!("{token:?} is not a check (kind:value)")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(roles: &[&str]) -> Credentials {
        Credentials {
            roles: roles.iter().map(|r| (*r).to_owned()).collect(),
            is_admin: false,
        }
    }

    #[test]
    fn every_rule_defaults_to_role_admin() {
        let policy = Policy::default();
        for rule in RULES {
            assert!(policy.allows(rule, &who(&["admin"])), "{rule}");
            assert!(!policy.allows(rule, &who(&["member"])), "{rule}");
        }
        assert!(!policy.allows("physical_provisioner:unknown", &who(&["admin"])));
    }

    #[test]
    fn a_file_overrides_rules_in_the_oslo_forms() {
        let text = br#"
# comments as in the sample
"physical_provisioner:read_task": "role:admin or role:reader"
"physical_provisioner:health_data": "@"
"physical_provisioner:delete_tasks": "!"
"physical_provisioner:create_task": "rule:admin_required and not role:banned"
"physical_provisioner:read_data": "(role:a or role:b) and (role:c)"
"physical_provisioner:read_build_data": "project_id:%(project_id)s"
"#;
        let p = Policy::from_text(text).unwrap();
        assert!(p.allows("physical_provisioner:read_task", &who(&["reader"])));
        assert!(!p.allows("physical_provisioner:read_task", &who(&["member"])));
        assert!(p.allows("physical_provisioner:health_data", &who(&[])));
        assert!(!p.allows("physical_provisioner:delete_tasks", &who(&["admin"])));
        assert!(p.allows("physical_provisioner:create_task", &who(&["admin"])));
        assert!(!p.allows(
            "physical_provisioner:create_task",
            &who(&["admin", "banned"])
        ));
        let admin_project = Credentials {
            roles: vec![],
            is_admin: true,
        };
        assert!(p.allows("physical_provisioner:create_task", &admin_project));
        assert!(p.allows("physical_provisioner:read_data", &who(&["b", "c"])));
        assert!(!p.allows("physical_provisioner:read_data", &who(&["a"])));
        assert!(!p.allows("physical_provisioner:read_build_data", &who(&["admin"])));
        // Not overridden: the default.
        assert!(p.allows("physical_provisioner:deploy_nodes", &who(&["admin"])));
    }

    #[test]
    fn bad_rules_and_loops_are_refused_or_fail() {
        assert!(Policy::from_text(b"\"a\": \"(role:x\"").is_err());
        assert!(Policy::from_text(b"\"a\": \"role:x and\"").is_err());
        assert!(Policy::from_text(b"\"a\": \"justaword\"").is_err());
        assert!(Policy::from_text(b"- a list").is_err());
        let p = Policy::from_text(b"\"a\": \"rule:b\"\n\"b\": \"rule:a\"").unwrap();
        assert!(!p.allows("a", &who(&["admin"])));
    }
}

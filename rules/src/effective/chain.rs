//! Compiling nodes: host-profile chains first (each profile compiled at most
//! once, iteratively, so neither a long chain nor a cycle can overflow the
//! stack), then every node over its compiled profile, with its hardware
//! profile (VALIDATION.md 2.2, 2.6, 2.7). One thread: measured on the
//! 10,000-node site, splitting the nodes over threads was slower (the
//! allocator's arenas), while the rules, which allocate little, run in parallel.

use std::sync::Arc;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::host::{Declared, EffectiveHost};
use super::{CompileProblem, CompileProblemKind, EffectiveNode, in_document_order};
use crate::findings::document_ref;
use crate::paths::field_path;
use drydock_core::design::{BaremetalNode, DocumentSource, HostSettings, Item, SiteDesign};

enum Profile<'a> {
    Compiled(Arc<EffectiveHost<'a>>),
    Failed,
}

fn problem(kind: CompileProblemKind, doc: &DocumentSource, path: String) -> CompileProblem {
    CompileProblem {
        kind,
        document: document_ref(doc),
        path,
    }
}

/// Compiled host profiles by name.
struct Profiles<'a> {
    design: &'a SiteDesign,
    compiled: HashMap<&'a str, Profile<'a>>,
    problems: Vec<CompileProblem>,
}

type Link<'a> = (&'a str, &'a DocumentSource, &'a HostSettings);

impl<'a> Profiles<'a> {
    /// Compiles profile `name`, which `referrer` names as its parent, and its chain.
    fn compile(&mut self, name: &'a str, referrer: &'a DocumentSource) {
        let mut chain: Vec<Link<'a>> = Vec::new();
        let mut on_chain: HashSet<&'a str> = HashSet::new();
        let (mut current, mut referrer) = (name, referrer);
        let mut base = loop {
            match self.compiled.get(current) {
                Some(Profile::Compiled(p)) => break Some(p.clone()),
                Some(Profile::Failed) => return self.fail(&chain),
                None => {}
            }
            if on_chain.contains(current) {
                let start = chain
                    .iter()
                    .position(|(n, _, _)| *n == current)
                    .unwrap_or(0);
                let mut cycle: Vec<String> = chain[start..]
                    .iter()
                    .map(|(n, _, _)| n.to_string())
                    .collect();
                cycle.push(current.to_owned());
                let doc = chain[start].1;
                let path = field_path!(doc, "host_profile");
                self.problems
                    .push(problem(CompileProblemKind::ProfileCycle(cycle), doc, path));
                return self.fail(&chain);
            }
            let Some(item) = self.design.host_profiles.get(current) else {
                let kind = CompileProblemKind::ProfileNotFound(current.to_owned());
                let path = field_path!(referrer, "host_profile");
                self.problems.push(problem(kind, referrer, path));
                return self.fail(&chain);
            };
            let settings = &item.data.settings;
            chain.push((current, &item.source, settings));
            on_chain.insert(current);
            match settings.host_profile.as_deref() {
                None => break None,
                Some(parent) => (current, referrer) = (parent, &item.source),
            }
        };
        for (profile, doc, settings) in chain.into_iter().rev() {
            let declared = Declared::of(settings, doc);
            let compiled = Arc::new(EffectiveHost::inherit(declared, base.as_deref()));
            self.compiled
                .insert(profile, Profile::Compiled(compiled.clone()));
            base = Some(compiled);
        }
    }

    fn fail(&mut self, chain: &[Link<'a>]) {
        for (name, _, _) in chain {
            self.compiled.insert(name, Profile::Failed);
        }
    }
}

/// Compiles nodes over the compiled profiles.
struct Nodes<'p, 'a> {
    design: &'a SiteDesign,
    profiles: &'p HashMap<&'a str, Profile<'a>>,
    problems: Vec<CompileProblem>,
}

impl<'a> Nodes<'_, 'a> {
    fn node(&mut self, item: &'a Item<BaremetalNode>) -> Option<EffectiveNode<'a>> {
        let doc = &item.source;
        let settings = &item.data.settings;
        let declared = Declared::of(settings, doc);
        let mut host = match settings.host_profile.as_deref() {
            None => EffectiveHost::inherit(declared, None),
            Some(parent) => match self.profiles.get(parent)? {
                Profile::Compiled(p) => EffectiveHost::inherit(declared, Some(p)),
                Profile::Failed => return None,
            },
        };
        let Some(hw) = host.hardware_profile else {
            let path = field_path!(doc, "hardware_profile");
            self.problems.push(problem(
                CompileProblemKind::HardwareProfileNotSet,
                doc,
                path,
            ));
            return None;
        };
        let Some(profile) = self.design.hardware_profiles.get(hw.value) else {
            let kind = CompileProblemKind::HardwareProfileNotFound(hw.value.to_owned());
            let path = field_path!(hw.doc, "hardware_profile");
            self.problems.push(problem(kind, hw.doc, path));
            return None;
        };
        super::hardware::apply(&mut host, &profile.data);
        Some(EffectiveNode {
            name: &item.name,
            doc,
            host,
            hardware: &profile.data,
            addressing: item.data.addressing.as_deref().unwrap_or_default(),
            boot_mac: settings
                .metadata
                .as_ref()
                .and_then(|m| m.boot_mac.as_deref()),
        })
    }

    fn all(
        mut self,
        items: &[&'a Item<BaremetalNode>],
    ) -> (Vec<EffectiveNode<'a>>, Vec<CompileProblem>) {
        let mut nodes = Vec::with_capacity(items.len());
        nodes.extend(items.iter().filter_map(|item| self.node(item)));
        (nodes, self.problems)
    }
}

/// Compiles every node in document order, or gives every problem met (each once).
pub(super) fn compile_nodes<'a>(
    design: &'a SiteDesign,
) -> Result<Vec<EffectiveNode<'a>>, Vec<CompileProblem>> {
    let items = in_document_order(&design.baremetal_nodes);
    let mut profiles = Profiles {
        design,
        compiled: HashMap::new(),
        problems: Vec::new(),
    };
    for item in &items {
        if let Some(parent) = item.data.settings.host_profile.as_deref() {
            profiles.compile(parent, &item.source);
        }
    }
    let (compiled, found) = Nodes {
        design,
        profiles: &profiles.compiled,
        problems: Vec::new(),
    }
    .all(&items);
    let mut problems = profiles.problems;
    problems.extend(found);
    if problems.is_empty() {
        return Ok(compiled);
    }
    // A missing hardware profile written by a profile is one problem, not one per node.
    let mut seen = HashSet::new();
    problems.retain(|p| {
        seen.insert(format!(
            "{}\n{}\n{}\n{}",
            p.document.schema, p.document.name, p.path, p.kind
        ))
    });
    Err(problems)
}

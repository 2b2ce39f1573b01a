//! Compiling nodes: host-profile chains (each profile compiled at most once,
//! iteratively, so neither a long chain nor a cycle can overflow the stack),
//! then the hardware profile (VALIDATION.md 2.2, 2.6, 2.7).

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use super::host::EffectiveHost;
use super::{Address, CompileProblem, CompileProblemKind, EffectiveNode, in_document_order};
use crate::design::{BaremetalNode, DocumentSource, Item, SiteDesign};
use crate::validation::findings::document_ref;
use crate::validation::paths::field_path;

enum Profile<'a> {
    Compiled(Rc<EffectiveHost<'a>>),
    Failed,
}

struct Compiler<'a> {
    design: &'a SiteDesign,
    profiles: HashMap<&'a str, Profile<'a>>,
    problems: Vec<CompileProblem>,
    /// Missing hardware profiles already reported, by name and writing document.
    missing_hardware: HashSet<(&'a str, *const DocumentSource)>,
}

fn host_profile_path(doc: &DocumentSource) -> String {
    field_path!(doc, "host_profile")
}

impl<'a> Compiler<'a> {
    fn problem(&mut self, kind: CompileProblemKind, doc: &DocumentSource, path: String) {
        self.problems.push(CompileProblem {
            kind,
            document: document_ref(doc),
            path,
        });
    }

    /// The compiled profile `name`, which `referrer` names as its parent.
    fn profile(
        &mut self,
        name: &'a str,
        referrer: &'a DocumentSource,
    ) -> Option<Rc<EffectiveHost<'a>>> {
        let mut chain: Vec<(&'a str, &'a DocumentSource, &'a crate::design::HostSettings)> =
            Vec::new();
        let mut on_chain: HashSet<&'a str> = HashSet::new();
        let (mut current, mut referrer) = (name, referrer);
        let mut base = loop {
            match self.profiles.get(current) {
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
                self.problem(
                    CompileProblemKind::ProfileCycle(cycle),
                    doc,
                    host_profile_path(doc),
                );
                return self.fail(&chain);
            }
            let Some(item) = self.design.host_profiles.get(current) else {
                let kind = CompileProblemKind::ProfileNotFound(current.to_owned());
                self.problem(kind, referrer, host_profile_path(referrer));
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
            let own = EffectiveHost::own(settings, doc);
            let compiled = Rc::new(match &base {
                Some(parent) => own.over(parent),
                None => own,
            });
            self.profiles
                .insert(profile, Profile::Compiled(compiled.clone()));
            base = Some(compiled);
        }
        base
    }

    fn fail<T>(
        &mut self,
        chain: &[(&'a str, &'a DocumentSource, &'a crate::design::HostSettings)],
    ) -> Option<T> {
        for (name, _, _) in chain {
            self.profiles.insert(name, Profile::Failed);
        }
        None
    }

    fn node(&mut self, item: &'a Item<BaremetalNode>) -> Option<EffectiveNode<'a>> {
        let doc = &item.source;
        let settings = &item.data.settings;
        let own = EffectiveHost::own(settings, doc);
        let mut host = match settings.host_profile.as_deref() {
            None => own,
            Some(parent) => own.over(&*self.profile(parent, doc)?),
        };
        let Some(hw) = host.hardware_profile else {
            let path = field_path!(doc, "hardware_profile");
            self.problem(CompileProblemKind::HardwareProfileNotSet, doc, path);
            return None;
        };
        let Some(profile) = self.design.hardware_profiles.get(hw.value) else {
            if self.missing_hardware.insert((hw.value, hw.doc as *const _)) {
                let kind = CompileProblemKind::HardwareProfileNotFound(hw.value.to_owned());
                self.problem(kind, hw.doc, field_path!(hw.doc, "hardware_profile"));
            }
            return None;
        };
        super::hardware::apply(&mut host, &profile.data);
        let addressing = item
            .data
            .addressing
            .iter()
            .flatten()
            .enumerate()
            .filter(|(_, a)| a.address.as_deref() != Some("") && a.address.is_some())
            .map(|(index, a)| {
                let dhcp = a.address.as_deref() == Some("dhcp");
                Address {
                    index,
                    network: a.network.as_deref(),
                    address: if dhcp { None } else { a.address.as_deref() },
                    dhcp,
                }
            })
            .collect();
        Some(EffectiveNode {
            name: &item.name,
            doc,
            host,
            addressing,
            boot_mac: settings
                .metadata
                .as_ref()
                .and_then(|m| m.boot_mac.as_deref()),
        })
    }
}

/// Compiles every node in document order, or gives every problem met.
pub(super) fn compile_nodes(
    design: &SiteDesign,
) -> Result<Vec<EffectiveNode<'_>>, Vec<CompileProblem>> {
    let mut compiler = Compiler {
        design,
        profiles: HashMap::new(),
        problems: Vec::new(),
        missing_hardware: HashSet::new(),
    };
    let nodes: Vec<Option<EffectiveNode<'_>>> = in_document_order(&design.baremetal_nodes)
        .into_iter()
        .map(|item| compiler.node(item))
        .collect();
    match compiler.problems.is_empty() {
        true => Ok(nodes.into_iter().flatten().collect()),
        false => Err(compiler.problems),
    }
}

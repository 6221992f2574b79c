//! What changed between two versions of a schema, and whom each change breaks.
//!
//! [`diff`] compares two checked models and lists every change with its place
//! (`.Functions[DomainAdd].Params[1]`, `.Structs[Domain].Fields[ASCII]`), what it is,
//! and whether it breaks each of the two pairings a deployment goes through:
//!
//! - **old clients** (built from the old schema) calling a server built from the new
//!   one: what an upgraded server does to the frontends in browsers' caches and the
//!   tools already installed;
//! - **old servers** (built from the old schema) called by clients built from the new
//!   one: what happens when clients are upgraded first.
//!
//! The rules are those of sherpa's wire format, written down with their reasons in
//! `docs/schema-evolution.md`: parameters are positional and their count is checked,
//! servers reject unknown fields and read absent ones as zero, clients drop unknown
//! fields and reject absent ones, a `null` or an unlisted enum value is rejected by the
//! TypeScript clients, integers are range-checked. Each named type's own changes are
//! listed once, at its definition, classified by where the type is used (parameters,
//! results, or both); a type renamed without a change of shape is one compatible change.

mod flow;
mod render;

use std::collections::{BTreeSet, HashMap};

use flow::{Flow, Reader, Renames, fold_eq, show_type, show_value};

use crate::ir::{Api, Enum, EnumValue, Field, NamedType, TypeKind, TypeRef, ValueKind};

pub use render::TextOptions;

/// Every change between two versions of a schema, in a stable order: the document's
/// own changes, then functions by name, then types by name, each followed by the
/// changes of its members in their order.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// The old schema's `Name`.
    pub old_name: String,
    /// The new schema's `Name`.
    pub new_name: String,
    /// The changes.
    pub changes: Vec<Change>,
}

/// One change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Where it is, by name: `.Functions[Name].Params[1]`, `.Structs[Name].Fields[Key]`,
    /// `.Strings[Name].Values[Const]`, `.Sections[Name]`, `.Docs`.
    pub path: String,
    /// What kind of change it is.
    pub kind: ChangeKind,
    /// What changed, in words: `parameter added: localpart string`.
    pub summary: String,
    /// Why old clients calling new servers fail because of it; `None` when they do not.
    pub breaks_clients: Option<String>,
    /// Why new clients calling old servers fail because of it; `None` when they do not.
    pub breaks_servers: Option<String>,
}

/// The kinds of change. Swapping the old and the new schema turns each kind into its
/// [`ChangeKind::reversed`] one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// The document's `Name` changed.
    ApiRenamed,
    /// Only documentation changed (of the document, a section, a function, a type, a
    /// field or a value).
    Docs,
    /// A section was added.
    SectionAdded,
    /// A section was removed.
    SectionRemoved,
    /// A function or type moved to another section.
    Moved,
    /// A function was added.
    FunctionAdded,
    /// A function was removed.
    FunctionRemoved,
    /// A parameter was added at the end.
    ParamAdded,
    /// The last parameter was removed.
    ParamRemoved,
    /// A parameter's type changed.
    ParamRetyped,
    /// A parameter's name changed (parameters are positional: the wire is unchanged).
    ParamRenamed,
    /// A return value was added.
    ReturnAdded,
    /// A return value was removed.
    ReturnRemoved,
    /// A return value's type changed.
    ReturnRetyped,
    /// A return value's name changed (the wire is unchanged).
    ReturnRenamed,
    /// A named type was added.
    TypeAdded,
    /// A named type was removed.
    TypeRemoved,
    /// A named type got another name, with the same shape.
    TypeRenamed,
    /// A named type changed between struct, ints and strings.
    TypeKindChanged,
    /// A struct field was added.
    FieldAdded,
    /// A struct field was removed.
    FieldRemoved,
    /// A struct field's type changed.
    FieldRetyped,
    /// A struct field's key changed in letter case only.
    FieldRenamed,
    /// An enum value was added.
    ValueAdded,
    /// An enum value was removed.
    ValueRemoved,
    /// An enum value's constant name changed (the wire value is the same).
    ValueRenamed,
    /// An enum that allowed any value now lists its values.
    ValuesRestricted,
    /// An enum that listed its values now allows any value of its kind.
    ValuesUnrestricted,
}

impl ChangeKind {
    /// The identifier used in `--json` output, e.g. `param-added`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::ApiRenamed => "api-renamed",
            ChangeKind::Docs => "docs",
            ChangeKind::SectionAdded => "section-added",
            ChangeKind::SectionRemoved => "section-removed",
            ChangeKind::Moved => "moved",
            ChangeKind::FunctionAdded => "function-added",
            ChangeKind::FunctionRemoved => "function-removed",
            ChangeKind::ParamAdded => "param-added",
            ChangeKind::ParamRemoved => "param-removed",
            ChangeKind::ParamRetyped => "param-retyped",
            ChangeKind::ParamRenamed => "param-renamed",
            ChangeKind::ReturnAdded => "return-added",
            ChangeKind::ReturnRemoved => "return-removed",
            ChangeKind::ReturnRetyped => "return-retyped",
            ChangeKind::ReturnRenamed => "return-renamed",
            ChangeKind::TypeAdded => "type-added",
            ChangeKind::TypeRemoved => "type-removed",
            ChangeKind::TypeRenamed => "type-renamed",
            ChangeKind::TypeKindChanged => "type-kind-changed",
            ChangeKind::FieldAdded => "field-added",
            ChangeKind::FieldRemoved => "field-removed",
            ChangeKind::FieldRetyped => "field-retyped",
            ChangeKind::FieldRenamed => "field-renamed",
            ChangeKind::ValueAdded => "value-added",
            ChangeKind::ValueRemoved => "value-removed",
            ChangeKind::ValueRenamed => "value-renamed",
            ChangeKind::ValuesRestricted => "values-restricted",
            ChangeKind::ValuesUnrestricted => "values-unrestricted",
        }
    }

    /// The kind the same change has when the old and the new schema are swapped:
    /// additions become removals, restrictions lift; the rest stay as they are.
    pub fn reversed(self) -> ChangeKind {
        use ChangeKind::*;
        match self {
            SectionAdded => SectionRemoved,
            SectionRemoved => SectionAdded,
            FunctionAdded => FunctionRemoved,
            FunctionRemoved => FunctionAdded,
            ParamAdded => ParamRemoved,
            ParamRemoved => ParamAdded,
            ReturnAdded => ReturnRemoved,
            ReturnRemoved => ReturnAdded,
            TypeAdded => TypeRemoved,
            TypeRemoved => TypeAdded,
            FieldAdded => FieldRemoved,
            FieldRemoved => FieldAdded,
            ValueAdded => ValueRemoved,
            ValueRemoved => ValueAdded,
            ValuesRestricted => ValuesUnrestricted,
            ValuesUnrestricted => ValuesRestricted,
            other => other,
        }
    }
}

/// Which pairings count as breaking (`--check-only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Old clients with new servers, and new clients with old servers.
    #[default]
    Both,
    /// Only old clients calling new servers.
    Clients,
    /// Only new clients calling old servers.
    Servers,
}

impl Change {
    /// Whether only documentation changed (docs text, sections, the section an item is
    /// in): listed only on request.
    pub fn is_docs_only(&self) -> bool {
        matches!(
            self.kind,
            ChangeKind::Docs
                | ChangeKind::SectionAdded
                | ChangeKind::SectionRemoved
                | ChangeKind::Moved
        )
    }

    /// Whether the change breaks a pairing `scope` counts.
    pub fn breaks(&self, scope: Scope) -> bool {
        match scope {
            Scope::Both => self.breaks_clients.is_some() || self.breaks_servers.is_some(),
            Scope::Clients => self.breaks_clients.is_some(),
            Scope::Servers => self.breaks_servers.is_some(),
        }
    }
}

impl Diff {
    /// Whether any change breaks a pairing `scope` counts.
    pub fn is_breaking(&self, scope: Scope) -> bool {
        self.changes.iter().any(|c| c.breaks(scope))
    }
}

/// Compares two checked schemas.
pub fn diff(old: &Api, new: &Api) -> Diff {
    let renames = find_renames(old, new);
    let uses = Uses::of(old, new, &renames);
    let mut walk = Walk {
        old,
        new,
        renames,
        uses,
        changes: Vec::new(),
    };
    walk.document();
    walk.functions();
    walk.types();
    Diff {
        old_name: old.name.clone(),
        new_name: new.name.clone(),
        changes: walk.changes,
    }
}

/// Where a type's values go: in parameters (client to server), in results (server to
/// client), or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Use {
    params: bool,
    results: bool,
}

/// The uses of every type by name, in either schema (a renamed type's two names share
/// theirs).
struct Uses(HashMap<String, Use>);

impl Uses {
    fn of(old: &Api, new: &Api, renames: &Renames) -> Uses {
        let mut by_name: HashMap<String, Use> = HashMap::new();
        for api in [old, new] {
            for (i, u) in reachable(api).into_iter().enumerate() {
                let e = by_name.entry(api.types[i].name.clone()).or_default();
                e.params |= u.params;
                e.results |= u.results;
            }
        }
        for (&o, &n) in renames {
            let (a, b) = (&old.types[o].name, &new.types[n].name);
            let u = by_name.get(a).copied().unwrap_or_default();
            let v = by_name.get(b).copied().unwrap_or_default();
            let both = Use {
                params: u.params || v.params,
                results: u.results || v.results,
            };
            by_name.insert(a.clone(), both);
            by_name.insert(b.clone(), both);
        }
        Uses(by_name)
    }

    fn get(&self, name: &str) -> Use {
        self.0.get(name).copied().unwrap_or_default()
    }
}

/// For every type of `api`, whether parameters and results reach it.
fn reachable(api: &Api) -> Vec<Use> {
    let mut uses = vec![Use::default(); api.types.len()];
    for f in &api.functions {
        for p in &f.params {
            mark(api, &p.ty, &mut uses, true);
        }
        for r in &f.returns {
            mark(api, &r.ty, &mut uses, false);
        }
    }
    uses
}

fn mark(api: &Api, ty: &TypeRef, uses: &mut [Use], params: bool) {
    match ty {
        TypeRef::Basic(_) => {}
        TypeRef::Nullable(t) | TypeRef::List(t) | TypeRef::Map(t) => mark(api, t, uses, params),
        TypeRef::Named(i) => {
            let u = &mut uses[*i];
            let seen = if params {
                &mut u.params
            } else {
                &mut u.results
            };
            if *seen {
                return;
            }
            *seen = true;
            if let TypeKind::Struct(s) = &api.types[*i].kind {
                for f in &s.fields {
                    mark(api, &f.ty, uses, params);
                }
            }
        }
    }
}

/// Pairs a type only the old schema has with one only the new schema has when their
/// shapes are the same (fields with the same keys and types in the same order, or the
/// same values): a rename, not a removal and an addition. Candidates are taken in name
/// order, so the pairing is the same every run.
fn find_renames(old: &Api, new: &Api) -> Renames {
    let mut gone: Vec<usize> = (0..old.types.len())
        .filter(|&i| new.type_index(&old.types[i].name).is_none())
        .collect();
    let mut added: Vec<usize> = (0..new.types.len())
        .filter(|&i| old.type_index(&new.types[i].name).is_none())
        .collect();
    gone.sort_by(|&a, &b| old.types[a].name.cmp(&old.types[b].name));
    added.sort_by(|&a, &b| new.types[a].name.cmp(&new.types[b].name));
    let mut renames = Renames::new();
    for o in gone {
        let found = added.iter().position(|&n| {
            let mut seen = BTreeSet::new();
            same_type(old, new, o, n, &mut seen)
        });
        if let Some(pos) = found {
            renames.insert(o, added.remove(pos));
        }
    }
    renames
}

/// Whether old type `o` and new type `n` have the same shape.
fn same_type(
    old: &Api,
    new: &Api,
    o: usize,
    n: usize,
    seen: &mut BTreeSet<(usize, usize)>,
) -> bool {
    if !seen.insert((o, n)) {
        return true;
    }
    match (&old.types[o].kind, &new.types[n].kind) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            a.fields.len() == b.fields.len()
                && a.fields
                    .iter()
                    .zip(&b.fields)
                    .all(|(x, y)| x.name == y.name && same_shape(old, new, &x.ty, &y.ty, seen))
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            a.kind == b.kind
                && a.listed().len() == b.listed().len()
                && a.listed()
                    .iter()
                    .zip(b.listed())
                    .all(|(x, y)| x.name == y.name && x.value == y.value)
        }
        _ => false,
    }
}

fn same_shape(
    old: &Api,
    new: &Api,
    a: &TypeRef,
    b: &TypeRef,
    seen: &mut BTreeSet<(usize, usize)>,
) -> bool {
    match (a, b) {
        (TypeRef::Basic(x), TypeRef::Basic(y)) => x == y,
        (TypeRef::Nullable(x), TypeRef::Nullable(y))
        | (TypeRef::List(x), TypeRef::List(y))
        | (TypeRef::Map(x), TypeRef::Map(y)) => same_shape(old, new, x, y, seen),
        (TypeRef::Named(x), TypeRef::Named(y)) => {
            old.types[*x].name == new.types[*y].name || same_type(old, new, *x, *y, seen)
        }
        _ => false,
    }
}

/// The comparison in progress.
struct Walk<'a> {
    old: &'a Api,
    new: &'a Api,
    renames: Renames,
    uses: Uses,
    changes: Vec<Change>,
}

/// Which pairing a flow belongs to.
#[derive(Clone, Copy)]
enum Pairing {
    /// Old clients, new servers.
    OldClients,
    /// New clients, old servers.
    OldServers,
}

impl<'a> Walk<'a> {
    fn push(&mut self, path: String, kind: ChangeKind, summary: String) {
        self.push_classified(path, kind, summary, (None, None));
    }

    fn push_classified(
        &mut self,
        path: String,
        kind: ChangeKind,
        summary: String,
        (breaks_clients, breaks_servers): (Option<String>, Option<String>),
    ) {
        self.changes.push(Change {
            path,
            kind,
            summary,
            breaks_clients,
            breaks_servers,
        });
    }

    /// The flow of parameters (`params`) or results in one pairing.
    fn flow(&self, pairing: Pairing, params: bool) -> Flow<'_> {
        let (old, new) = (self.old, self.new);
        let r = &self.renames;
        match (pairing, params) {
            (Pairing::OldClients, true) => Flow::new(
                old,
                new,
                Reader::Server,
                ("old clients", "new servers"),
                true,
                r,
            ),
            (Pairing::OldClients, false) => Flow::new(
                new,
                old,
                Reader::Client,
                ("new servers", "old clients"),
                false,
                r,
            ),
            (Pairing::OldServers, true) => Flow::new(
                new,
                old,
                Reader::Server,
                ("new clients", "old servers"),
                false,
                r,
            ),
            (Pairing::OldServers, false) => Flow::new(
                old,
                new,
                Reader::Client,
                ("old servers", "new clients"),
                true,
                r,
            ),
        }
    }

    /// Classifies a change of a member of a type used as `u`: the first reason of
    /// each pairing, over the flows the type takes part in.
    fn classify(
        &self,
        u: Use,
        check: impl Fn(&mut Flow<'_>) -> Option<String>,
    ) -> (Option<String>, Option<String>) {
        let mut out = [None, None];
        for (slot, pairing) in [Pairing::OldClients, Pairing::OldServers]
            .into_iter()
            .enumerate()
        {
            for (used, params) in [(u.params, true), (u.results, false)] {
                if used && out[slot].is_none() {
                    out[slot] = check(&mut self.flow(pairing, params));
                }
            }
        }
        let [c, s] = out;
        (c, s)
    }

    fn document(&mut self) {
        let (old, new) = (self.old, self.new);
        if old.name != new.name {
            self.push(
                ".Name".into(),
                ChangeKind::ApiRenamed,
                format!(
                    "API renamed from {} to {} (the wire is unchanged)",
                    old.name, new.name
                ),
            );
        }
        if old.docs != new.docs {
            self.push(
                ".Docs".into(),
                ChangeKind::Docs,
                "documentation changed".into(),
            );
        }
        let names = |api: &Api| -> BTreeSet<String> {
            api.sections
                .iter()
                .skip(1)
                .map(|s| s.name.clone())
                .collect()
        };
        for name in names(old).union(&names(new)) {
            let find = |api: &'a Api| api.sections.iter().skip(1).find(|s| &s.name == name);
            let path = format!(".Sections[{name}]");
            match (find(old), find(new)) {
                (Some(a), Some(b)) if a.docs != b.docs => {
                    self.push(path, ChangeKind::Docs, "documentation changed".into())
                }
                (Some(_), None) => {
                    self.push(path, ChangeKind::SectionRemoved, "section removed".into())
                }
                (None, Some(_)) => {
                    self.push(path, ChangeKind::SectionAdded, "section added".into())
                }
                _ => {}
            }
        }
    }

    fn functions(&mut self) {
        let (old, new) = (self.old, self.new);
        let names: BTreeSet<&str> = old
            .functions
            .iter()
            .chain(&new.functions)
            .map(|f| f.name.as_str())
            .collect();
        for name in names {
            let path = format!(".Functions[{name}]");
            let o = old.functions.iter().position(|f| f.name == name);
            let n = new.functions.iter().position(|f| f.name == name);
            match (o, n) {
                (Some(_), None) => self.push_classified(
                    path,
                    ChangeKind::FunctionRemoved,
                    "function removed".into(),
                    (
                        Some(format!(
                            "old clients calling {name} get sherpa:badFunction from new servers"
                        )),
                        None,
                    ),
                ),
                (None, Some(_)) => self.push_classified(
                    path,
                    ChangeKind::FunctionAdded,
                    "function added".into(),
                    (
                        None,
                        Some(format!(
                            "new clients calling {name} get sherpa:badFunction from old servers"
                        )),
                    ),
                ),
                (Some(o), Some(n)) => self.function(&path, o, n),
                (None, None) => {}
            }
        }
    }

    fn function(&mut self, path: &str, o: usize, n: usize) {
        let (old, new) = (self.old, self.new);
        let (of, nf) = (&old.functions[o], &new.functions[n]);
        if of.docs != nf.docs {
            self.push(
                path.into(),
                ChangeKind::Docs,
                "documentation changed".into(),
            );
        }
        let (os, ns) = (
            section_of(old, |s| s.functions.contains(&o)),
            section_of(new, |s| s.functions.contains(&n)),
        );
        if os != ns {
            self.push(path.into(), ChangeKind::Moved, moved(os, ns));
        }

        let (no, nn) = (of.params.len(), nf.params.len());
        for i in 0..no.max(nn) {
            let path = format!("{path}.Params[{i}]");
            match (of.params.get(i), nf.params.get(i)) {
                (Some(a), Some(b)) => {
                    if a.name != b.name {
                        self.push(
                            path.clone(),
                            ChangeKind::ParamRenamed,
                            format!(
                                "parameter renamed from {} to {}",
                                shown(&a.name),
                                shown(&b.name)
                            ),
                        );
                    }
                    if !self.same_ref(&a.ty, &b.ty) {
                        let classes = (
                            self.flow(Pairing::OldClients, true).value(&a.ty, &b.ty),
                            self.flow(Pairing::OldServers, true).value(&b.ty, &a.ty),
                        );
                        let summary = format!(
                            "parameter {}: type changed from {} to {}",
                            shown(&b.name),
                            show_type(old, &a.ty),
                            show_type(new, &b.ty)
                        );
                        self.push_classified(path, ChangeKind::ParamRetyped, summary, classes);
                    }
                }
                (a, b) => {
                    let (kind, p) = match (a, b) {
                        (Some(p), _) => (ChangeKind::ParamRemoved, p),
                        (_, Some(p)) => (ChangeKind::ParamAdded, p),
                        _ => continue,
                    };
                    let api = if a.is_some() { old } else { new };
                    let what = if a.is_some() { "removed" } else { "added" };
                    let summary = format!(
                        "parameter {what}: {} {}",
                        shown(&p.name),
                        show_type(api, &p.ty)
                    );
                    let classes = (
                        Some(format!(
                            "old clients send {} where new servers require {nn}",
                            count(no, "parameter")
                        )),
                        Some(format!(
                            "new clients send {} where old servers require {no}",
                            count(nn, "parameter")
                        )),
                    );
                    self.push_classified(path, kind, summary, classes);
                }
            }
        }

        let (ro, rn) = (of.returns.len(), nf.returns.len());
        for i in 0..ro.max(rn) {
            let path = format!("{path}.Returns[{i}]");
            match (of.returns.get(i), nf.returns.get(i)) {
                (Some(a), Some(b)) => {
                    if a.name != b.name {
                        self.push(
                            path.clone(),
                            ChangeKind::ReturnRenamed,
                            format!(
                                "result renamed from {} to {}",
                                shown(&a.name),
                                shown(&b.name)
                            ),
                        );
                    }
                    if !self.same_ref(&a.ty, &b.ty) {
                        let classes = (
                            self.flow(Pairing::OldClients, false).value(&b.ty, &a.ty),
                            self.flow(Pairing::OldServers, false).value(&a.ty, &b.ty),
                        );
                        let summary = format!(
                            "result {}: type changed from {} to {}",
                            shown(&b.name),
                            show_type(old, &a.ty),
                            show_type(new, &b.ty)
                        );
                        self.push_classified(path, ChangeKind::ReturnRetyped, summary, classes);
                    }
                }
                (a, b) => {
                    let (kind, r) = match (a, b) {
                        (Some(r), _) => (ChangeKind::ReturnRemoved, r),
                        (_, Some(r)) => (ChangeKind::ReturnAdded, r),
                        _ => continue,
                    };
                    let api = if a.is_some() { old } else { new };
                    let what = if a.is_some() { "removed" } else { "added" };
                    let summary = format!(
                        "result {what}: {} {}",
                        shown(&r.name),
                        show_type(api, &r.ty)
                    );
                    let classes = (
                        Some(format!(
                            "new servers send {} where old clients expect {}",
                            results(rn),
                            results(ro)
                        )),
                        Some(format!(
                            "old servers send {} where new clients expect {}",
                            results(ro),
                            results(rn)
                        )),
                    );
                    self.push_classified(path, kind, summary, classes);
                }
            }
        }
    }

    /// Whether an old and a new type reference are the same type: same shape, named
    /// types by the same name or renamed.
    fn same_ref(&self, a: &TypeRef, b: &TypeRef) -> bool {
        match (a, b) {
            (TypeRef::Basic(x), TypeRef::Basic(y)) => x == y,
            (TypeRef::Nullable(x), TypeRef::Nullable(y))
            | (TypeRef::List(x), TypeRef::List(y))
            | (TypeRef::Map(x), TypeRef::Map(y)) => self.same_ref(x, y),
            (TypeRef::Named(x), TypeRef::Named(y)) => {
                self.old.types[*x].name == self.new.types[*y].name || self.renames.get(x) == Some(y)
            }
            _ => false,
        }
    }

    fn types(&mut self) {
        let (old, new) = (self.old, self.new);
        let names: BTreeSet<&str> = old
            .types
            .iter()
            .chain(&new.types)
            .map(|t| t.name.as_str())
            .collect();
        let renamed_to: BTreeSet<usize> = self.renames.values().copied().collect();
        for name in names {
            match (old.type_index(name), new.type_index(name)) {
                (Some(o), Some(n)) => self.named_type(o, n),
                (Some(o), None) => {
                    let path = type_path(&old.types[o]);
                    match self.renames.get(&o) {
                        Some(&n) => {
                            let to = &new.types[n].name;
                            self.push(
                                path,
                                ChangeKind::TypeRenamed,
                                format!(
                                    "renamed to {to}, with the same shape (the wire is unchanged; code naming the generated type changes)"
                                ),
                            );
                        }
                        None => self.push(path, ChangeKind::TypeRemoved, "type removed".into()),
                    }
                }
                (None, Some(n)) if !renamed_to.contains(&n) => self.push(
                    type_path(&new.types[n]),
                    ChangeKind::TypeAdded,
                    "type added".into(),
                ),
                _ => {}
            }
        }
    }

    fn named_type(&mut self, o: usize, n: usize) {
        let (old, new) = (self.old, self.new);
        let (ot, nt) = (&old.types[o], &new.types[n]);
        let path = type_path(nt);
        let u = self.uses.get(&nt.name);
        let unused = if u == Use::default() {
            " (no function uses it)"
        } else {
            ""
        };
        if ot.docs != nt.docs {
            self.push(
                path.clone(),
                ChangeKind::Docs,
                "documentation changed".into(),
            );
        }
        let (os, ns) = (
            section_of(old, |s| s.types.contains(&o)),
            section_of(new, |s| s.types.contains(&n)),
        );
        if os != ns {
            self.push(path.clone(), ChangeKind::Moved, moved(os, ns));
        }
        match (&ot.kind, &nt.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                self.fields(&path, &nt.name, &a.fields, &b.fields, u, unused)
            }
            (TypeKind::Enum(a), TypeKind::Enum(b)) if a.kind == b.kind => {
                self.values(&path, &nt.name, a, b, u, unused)
            }
            (a, b) => {
                let classes = self.classify(u, |f| {
                    let (w, r) = f.pick(o, n);
                    f.named(w, r)
                });
                let summary = format!("changed from {} to {}{unused}", kind_name(a), kind_name(b));
                self.push_classified(path, ChangeKind::TypeKindChanged, summary, classes);
            }
        }
    }

    fn fields(
        &mut self,
        path: &str,
        owner: &str,
        old: &[Field],
        new: &[Field],
        u: Use,
        unused: &str,
    ) {
        for of in old {
            let fpath = format!("{path}.Fields[{}]", of.name);
            let nf = find(new, &of.name);
            let case = nf.is_none().then(|| renamed(of, new, old)).flatten();
            match nf.or(case) {
                Some(nf) => {
                    if of.docs != nf.docs {
                        self.push(
                            fpath.clone(),
                            ChangeKind::Docs,
                            "documentation changed".into(),
                        );
                    }
                    let classes = self.classify(u, |f| {
                        let (w, r) = f.pick(of, nf);
                        f.field(owner, Some(w), Some(r))
                    });
                    if of.name != nf.name {
                        let summary =
                            format!("field renamed from {} to {}{unused}", of.name, nf.name);
                        self.push_classified(fpath, ChangeKind::FieldRenamed, summary, classes);
                    } else if !self.same_ref(&of.ty, &nf.ty) {
                        let summary = format!(
                            "field {}: type changed from {} to {}{unused}",
                            nf.name,
                            show_type(self.old, &of.ty),
                            show_type(self.new, &nf.ty)
                        );
                        self.push_classified(fpath, ChangeKind::FieldRetyped, summary, classes);
                    }
                }
                None => {
                    let classes = self.classify(u, |f| {
                        let (w, r) = f.pick(Some(of), None);
                        f.field(owner, w, r)
                    });
                    let summary = format!(
                        "field removed: {} {}{unused}",
                        of.name,
                        show_type(self.old, &of.ty)
                    );
                    self.push_classified(fpath, ChangeKind::FieldRemoved, summary, classes);
                }
            }
        }
        for nf in new {
            if find(old, &nf.name).is_some() || renamed(nf, old, new).is_some() {
                continue;
            }
            let classes = self.classify(u, |f| {
                let (w, r) = f.pick(None, Some(nf));
                f.field(owner, w, r)
            });
            let summary = format!(
                "field added: {} {}{unused}",
                nf.name,
                show_type(self.new, &nf.ty)
            );
            self.push_classified(
                format!("{path}.Fields[{}]", nf.name),
                ChangeKind::FieldAdded,
                summary,
                classes,
            );
        }
    }

    fn values(&mut self, path: &str, owner: &str, old: &Enum, new: &Enum, u: Use, unused: &str) {
        let (ol, nl) = (old.listed(), new.listed());
        if ol.is_empty() != nl.is_empty() {
            let classes = self.classify(u, |f| {
                let (w, r) = f.pick(old, new);
                f.values(owner, w, r)
            });
            let (kind, summary) = if nl.is_empty() {
                (
                    ChangeKind::ValuesUnrestricted,
                    format!("now allows any value, not only {}{unused}", list(ol)),
                )
            } else {
                (
                    ChangeKind::ValuesRestricted,
                    format!("now allows only {}{unused}", list(nl)),
                )
            };
            self.push_classified(path.into(), kind, summary, classes);
            return;
        }
        for (o, n) in pair_values(ol, nl) {
            match (o, n) {
                (Some(ov), Some(nv)) => {
                    if ov.name != nv.name {
                        self.push(
                            format!("{path}.Values[{}]", ov.name),
                            ChangeKind::ValueRenamed,
                            format!(
                                "value {} renamed from {} to {} (the wire is unchanged; code naming the constant changes)",
                                show_value(&ov.value),
                                ov.name,
                                nv.name
                            ),
                        );
                    }
                    if ov.docs != nv.docs {
                        self.push(
                            format!("{path}.Values[{}]", nv.name),
                            ChangeKind::Docs,
                            "documentation changed".into(),
                        );
                    }
                }
                (Some(v), None) | (None, Some(v)) => {
                    // Whether each side lists the wire value (by any constant).
                    let listed = |vs: &[EnumValue]| by_value(vs, v).is_some();
                    let (old_has, new_has) = (listed(ol), listed(nl));
                    let classes = self.classify(u, |f| {
                        let (w, r) = f.pick(old_has, new_has);
                        f.enum_value(owner, v, w, r)
                    });
                    let (kind, what) = if o.is_some() {
                        (ChangeKind::ValueRemoved, "removed")
                    } else {
                        (ChangeKind::ValueAdded, "added")
                    };
                    let summary = format!(
                        "value {what}: {} = {}{unused}",
                        v.name,
                        show_value(&v.value)
                    );
                    self.push_classified(
                        format!("{path}.Values[{}]", v.name),
                        kind,
                        summary,
                        classes,
                    );
                }
                (None, None) => {}
            }
        }
    }
}

/// Pairs old and new enum values: the same constant with the same value first, then
/// the same value under another name (a rename). Old values in their order, then the
/// new ones left over.
fn pair_values<'v>(
    old: &'v [EnumValue],
    new: &'v [EnumValue],
) -> Vec<(Option<&'v EnumValue>, Option<&'v EnumValue>)> {
    let mut used = vec![false; new.len()];
    let mut take = |pred: &dyn Fn(&EnumValue) -> bool| {
        let j = (0..new.len()).find(|&j| !used[j] && pred(&new[j]))?;
        used[j] = true;
        Some(j)
    };
    let exact: Vec<Option<usize>> = old
        .iter()
        .map(|o| take(&|n: &EnumValue| n.name == o.name && n.value == o.value))
        .collect();
    let mut pairs = Vec::new();
    for (o, j) in old.iter().zip(exact) {
        let j = j.or_else(|| take(&|n: &EnumValue| n.value == o.value));
        pairs.push((Some(o), j.map(|j| &new[j])));
    }
    for (j, n) in new.iter().enumerate() {
        if !used[j] {
            pairs.push((None, Some(n)));
        }
    }
    pairs
}

fn find<'f>(fields: &'f [Field], name: &str) -> Option<&'f Field> {
    fields.iter().find(|f| f.name == name)
}

/// A key only the other side has that matches `f`'s key but for letter case (Go reads
/// both as the same field, clients do not).
fn renamed<'f>(f: &Field, others: &'f [Field], mine: &[Field]) -> Option<&'f Field> {
    others
        .iter()
        .find(|g| g.name != f.name && fold_eq(&g.name, &f.name) && find(mine, &g.name).is_none())
}

fn by_value<'v>(values: &'v [EnumValue], v: &EnumValue) -> Option<&'v EnumValue> {
    values.iter().find(|x| x.value == v.value)
}

fn list(vs: &[EnumValue]) -> String {
    vs.iter()
        .map(|v| show_value(&v.value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn count(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn results(n: usize) -> String {
    match n {
        0 => "no result".into(),
        1 => "one result".into(),
        n => format!("{n} results (as an array)"),
    }
}

/// A parameter or result name for messages; Go allows empty ones.
fn shown(name: &str) -> String {
    if name.is_empty() {
        "(unnamed)".into()
    } else {
        name.into()
    }
}

fn type_path(t: &NamedType) -> String {
    let group = match &t.kind {
        TypeKind::Struct(_) => "Structs",
        TypeKind::Enum(e) => match e.kind {
            ValueKind::Int => "Ints",
            ValueKind::String => "Strings",
        },
    };
    format!(".{group}[{}]", t.name)
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "a struct",
        TypeKind::Enum(e) => match e.kind {
            ValueKind::Int => "named ints",
            ValueKind::String => "named strings",
        },
    }
}

/// The name of the section holding an item (`None` for the document itself).
fn section_of(api: &Api, holds: impl Fn(&crate::ir::Section) -> bool) -> Option<&str> {
    api.sections
        .iter()
        .enumerate()
        .find(|(_, s)| holds(s))
        .and_then(|(i, s)| (i > 0).then_some(s.name.as_str()))
}

fn moved(from: Option<&str>, to: Option<&str>) -> String {
    let name = |s: Option<&str>| s.map_or("the top level".to_string(), |s| format!("section {s}"));
    format!("moved from {} to {}", name(from), name(to))
}

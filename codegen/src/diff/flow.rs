//! Whether values written by one version of a schema are read by another: the rules
//! the diff classifies every change with.
//!
//! A value always goes one way: parameters from a client to a server, results from a
//! server to a client. The two kinds of reader accept different things, and the rules
//! follow what the deployed readers do:
//!
//! - **Servers** read as Go's sherpa handler does (and so does the Rust runtime): an
//!   unknown struct field is rejected, an absent field or a `null` is read as the zero
//!   value, keys match case-insensitively, integers are range-checked, `int64s` must be
//!   a string. A value an enum does not list is read (Go and the Rust runtime keep it),
//!   but counts as breaking: the server's code was written for the values it lists.
//! - **Clients** are as strict as the strictest deployed one: the TypeScript clients
//!   (ours and sherpats) reject an absent field, a `null` where no `nullable` allows it
//!   and a value an enum does not list, and drop unknown fields; the Rust and Go clients
//!   range-check integers. `int64s` may arrive as a number.

use std::collections::{HashMap, HashSet};

use crate::ir::{Api, Basic, Enum, EnumValue, Field, Struct, TypeKind, TypeRef, Value, ValueKind};

/// Who reads the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reader {
    /// A server reading parameters.
    Server,
    /// A client reading results.
    Client,
}

/// Old type index → new type index, for types renamed without changing shape.
pub(super) type Renames = HashMap<usize, usize>;

/// One way values go between two versions of a schema, with the labels the reasons use.
pub(super) struct Flow<'a> {
    pub writer: &'a Api,
    pub reader: &'a Api,
    pub reader_kind: Reader,
    /// Who writes, e.g. "old clients".
    pub writer_label: &'static str,
    /// Who reads, e.g. "new servers".
    pub reader_label: &'static str,
    /// Whether the writer is the old schema (so old members are the writer's).
    pub writer_is_old: bool,
    renames: &'a Renames,
    /// Pairs of differently named types being compared, so that cycles end.
    seen: HashSet<(usize, usize)>,
}

/// The set of values a basic type (or an enum) stands for on the wire.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Domain {
    Any,
    Bool,
    /// An integer in `lo..=hi`, written as a JSON string when `string`.
    Int {
        lo: i128,
        hi: i128,
        string: bool,
    },
    Float {
        f32: bool,
    },
    String,
    Timestamp,
}

fn domain(b: Basic) -> Domain {
    let int = |lo: i128, hi: i128| Domain::Int {
        lo,
        hi,
        string: false,
    };
    match b {
        Basic::Any => Domain::Any,
        Basic::Bool => Domain::Bool,
        Basic::Int8 => int(i8::MIN.into(), i8::MAX.into()),
        Basic::Uint8 => int(0, u8::MAX.into()),
        Basic::Int16 => int(i16::MIN.into(), i16::MAX.into()),
        Basic::Uint16 => int(0, u16::MAX.into()),
        Basic::Int32 => int(i32::MIN.into(), i32::MAX.into()),
        Basic::Uint32 => int(0, u32::MAX.into()),
        Basic::Int64 => int(i64::MIN.into(), i64::MAX.into()),
        Basic::Uint64 => int(0, u64::MAX.into()),
        Basic::Int64s => Domain::Int {
            lo: i64::MIN.into(),
            hi: i64::MAX.into(),
            string: true,
        },
        Basic::Uint64s => Domain::Int {
            lo: 0,
            hi: u64::MAX.into(),
            string: true,
        },
        Basic::Float32 => Domain::Float { f32: true },
        Basic::Float64 => Domain::Float { f32: false },
        Basic::String => Domain::String,
        Basic::Timestamp => Domain::Timestamp,
    }
}

/// The wire domain of an enum: its kind's, narrowed to the listed integers for `Ints`
/// (Go's `int`, a JSON number).
fn enum_domain(e: &Enum) -> Domain {
    match e.kind {
        ValueKind::String => Domain::String,
        ValueKind::Int => {
            let ints = e.listed().iter().filter_map(|v| match v.value {
                Value::Int(i) => Some(i128::from(i)),
                Value::String(_) => None,
            });
            let (lo, hi) = ints
                .fold(None, |acc: Option<(i128, i128)>, i| match acc {
                    None => Some((i, i)),
                    Some((lo, hi)) => Some((lo.min(i), hi.max(i))),
                })
                .unwrap_or((i64::MIN.into(), i64::MAX.into()));
            Domain::Int {
                lo,
                hi,
                string: false,
            }
        }
    }
}

/// A value as the wire shows it, for messages.
pub(super) fn show_value(v: &Value) -> String {
    match v {
        Value::Int(i) => i.to_string(),
        Value::String(s) => serde_json::Value::String(s.clone()).to_string(),
    }
}

/// A type as sherpadoc typewords read, e.g. `nullable []string`.
pub(super) fn show_type(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Basic(b) => b.word().to_string(),
        TypeRef::Nullable(t) => format!("nullable {}", show_type(api, t)),
        TypeRef::List(t) => format!("[]{}", show_type(api, t)),
        TypeRef::Map(t) => format!("{{}}{}", show_type(api, t)),
        TypeRef::Named(i) => api.types[*i].name.clone(),
    }
}

impl<'a> Flow<'a> {
    pub(super) fn new(
        writer: &'a Api,
        reader: &'a Api,
        reader_kind: Reader,
        labels: (&'static str, &'static str),
        writer_is_old: bool,
        renames: &'a Renames,
    ) -> Self {
        Flow {
            writer,
            reader,
            reader_kind,
            writer_label: labels.0,
            reader_label: labels.1,
            writer_is_old,
            renames,
            seen: HashSet::new(),
        }
    }

    /// Picks the writer's and the reader's version out of an (old, new) pair.
    pub(super) fn pick<T>(&self, old: T, new: T) -> (T, T) {
        if self.writer_is_old {
            (old, new)
        } else {
            (new, old)
        }
    }

    /// Why a value the writer types as `w` is not read as the reader's `r`, if it is
    /// not. Named types of the same name (or renamed without a change of shape) are
    /// taken to agree here: their own differences are changes of their own.
    pub(super) fn value(&mut self, w: &TypeRef, r: &TypeRef) -> Option<String> {
        let (wl, rl) = (self.writer_label, self.reader_label);
        match (w, r) {
            (_, TypeRef::Basic(Basic::Any)) => None,
            (TypeRef::Nullable(w), TypeRef::Nullable(r)) => self.value(w, r),
            (TypeRef::Nullable(w), r) => match self.reader_kind {
                // Go reads null as the zero value.
                Reader::Server => self.value(w, r),
                Reader::Client => Some(format!(
                    "{wl} may send null where {rl} require {}",
                    show_type(self.reader, r)
                )),
            },
            (w, TypeRef::Nullable(r)) => self.value(w, r),
            (TypeRef::List(wi), TypeRef::List(ri)) => {
                if w.is_bytes() != r.is_bytes() {
                    // []uint8 is base64 text, any other list an array.
                    Some(self.mismatch(w, r))
                } else {
                    self.value(wi, ri)
                }
            }
            (TypeRef::Map(w), TypeRef::Map(r)) => self.value(w, r),
            (TypeRef::Named(a), TypeRef::Named(b)) => {
                let (wn, rn) = (&self.writer.types[*a].name, &self.reader.types[*b].name);
                if wn == rn || self.is_rename(*a, *b) {
                    None
                } else {
                    self.named(*a, *b)
                }
            }
            (TypeRef::Basic(a), TypeRef::Basic(b)) => self.domains(domain(*a), domain(*b), w, r),
            (TypeRef::Named(a), TypeRef::Basic(b)) => match &self.writer.types[*a].kind {
                TypeKind::Enum(e) => self.domains(enum_domain(e), domain(*b), w, r),
                TypeKind::Struct(_) => Some(self.mismatch(w, r)),
            },
            (TypeRef::Basic(a), TypeRef::Named(b)) => match &self.reader.types[*b].kind {
                TypeKind::Enum(e) => {
                    let listed = !e.listed().is_empty();
                    let r_dom = match e.kind {
                        ValueKind::String => Domain::String,
                        ValueKind::Int => domain(Basic::Int64),
                    };
                    let why = self.domains(domain(*a), r_dom, w, r);
                    if why.is_none() && listed {
                        return Some(format!(
                            "{wl} may send any {} as {}, {}",
                            show_type(self.writer, w),
                            self.reader.types[*b].name,
                            self.unlisted()
                        ));
                    }
                    why
                }
                TypeKind::Struct(_) => Some(self.mismatch(w, r)),
            },
            _ => Some(self.mismatch(w, r)),
        }
    }

    fn is_rename(&self, w: usize, r: usize) -> bool {
        let (old, new) = self.pick(w, r);
        self.renames.get(&old) == Some(&new)
    }

    fn mismatch(&self, w: &TypeRef, r: &TypeRef) -> String {
        format!(
            "{} send {} where {} expect {}",
            self.writer_label,
            show_type(self.writer, w),
            self.reader_label,
            show_type(self.reader, r)
        )
    }

    /// Whether every value of the writer's domain is read in the reader's.
    fn domains(&self, w: Domain, r: Domain, wt: &TypeRef, rt: &TypeRef) -> Option<String> {
        let (wl, rl) = (self.writer_label, self.reader_label);
        let (ws, rs) = (show_type(self.writer, wt), show_type(self.reader, rt));
        match (w, r) {
            (_, Domain::Any) => None,
            (Domain::Bool, Domain::Bool)
            | (Domain::String | Domain::Timestamp, Domain::String)
            | (Domain::Timestamp, Domain::Timestamp) => None,
            (Domain::String, Domain::Timestamp) => Some(format!(
                "{wl} may send any string where {rl} require an RFC 3339 timestamp"
            )),
            (
                Domain::Int {
                    lo: wlo,
                    hi: whi,
                    string: wstr,
                },
                Domain::Int {
                    lo: rlo,
                    hi: rhi,
                    string: rstr,
                },
            ) => {
                if wstr && !rstr {
                    return Some(format!(
                        "{wl} send {ws} as a JSON string where {rl} require a number ({rs})"
                    ));
                }
                if !wstr && rstr && self.reader_kind == Reader::Server {
                    return Some(format!(
                        "{wl} send {ws} as a number where {rl} require a JSON string ({rs})"
                    ));
                }
                if wlo < rlo || whi > rhi {
                    let who = match self.reader_kind {
                        Reader::Server => "",
                        Reader::Client => " (Rust and Go clients check the range)",
                    };
                    return Some(format!(
                        "{wl} may send {ws} values outside the range of {rs}, which {rl} reject{who}"
                    ));
                }
                None
            }
            (Domain::Int { string: false, .. }, Domain::Float { .. }) => None,
            (Domain::Float { f32: false }, Domain::Float { f32: true }) => Some(format!(
                "{wl} may send float64 values beyond the range of float32, which {rl} reject"
            )),
            (Domain::Float { .. }, Domain::Float { .. }) => None,
            (Domain::Float { .. }, Domain::Int { .. }) => Some(format!(
                "{wl} may send fractions ({ws}) where {rl} require integers ({rs})"
            )),
            _ => Some(format!("{wl} send {ws} where {rl} expect {rs}")),
        }
    }

    /// Why the writer's named type `a` is not read as the reader's `b`, comparing their
    /// definitions.
    pub(super) fn named(&mut self, a: usize, b: usize) -> Option<String> {
        if !self.seen.insert((a, b)) {
            return None;
        }
        let (wt, rt) = (&self.writer.types[a], &self.reader.types[b]);
        let (wl, rl) = (self.writer_label, self.reader_label);
        match (&wt.kind, &rt.kind) {
            (TypeKind::Struct(ws), TypeKind::Struct(rs)) => self.fields(&rt.name, ws, rs),
            (TypeKind::Enum(we), TypeKind::Enum(re)) if we.kind == re.kind => {
                self.values(&rt.name, we, re)
            }
            _ => Some(format!(
                "{wl} send {} {} where {rl} expect {} {}",
                kind_word(&wt.kind),
                wt.name,
                kind_word(&rt.kind),
                rt.name
            )),
        }
    }

    fn fields(&mut self, owner: &str, w: &Struct, r: &Struct) -> Option<String> {
        for wf in &w.fields {
            let rf = r.fields.iter().find(|f| f.name == wf.name).or_else(|| {
                (self.reader_kind == Reader::Server)
                    .then(|| r.fields.iter().find(|f| fold_eq(&f.name, &wf.name)))
                    .flatten()
            });
            if let Some(why) = self.field(owner, Some(wf), rf) {
                return Some(why);
            }
        }
        r.fields
            .iter()
            .filter(|rf| !w.fields.iter().any(|f| f.name == rf.name))
            .find_map(|rf| self.field(owner, None, Some(rf)))
    }

    /// Why a struct field as the writer has it (or not) is not read as the reader
    /// has it (or not).
    pub(super) fn field(
        &mut self,
        owner: &str,
        w: Option<&Field>,
        r: Option<&Field>,
    ) -> Option<String> {
        let (wl, rl) = (self.writer_label, self.reader_label);
        match (w, r, self.reader_kind) {
            (None, None, _) => None,
            (Some(f), None, Reader::Server) => Some(format!(
                "{wl} send field {owner}.{}, which {rl} reject as unknown",
                f.name
            )),
            // Clients drop keys they do not know.
            (Some(_), None, Reader::Client) => None,
            // Servers read an absent field as its zero value.
            (None, Some(_), Reader::Server) => None,
            (None, Some(f), Reader::Client) => Some(format!(
                "{wl} do not send field {owner}.{}, which {rl} require",
                f.name
            )),
            (Some(wf), Some(rf), _) => {
                if wf.name != rf.name && self.reader_kind == Reader::Client {
                    return Some(format!(
                        "{wl} send field {owner}.{} where {rl} read the key {} (clients match keys exactly)",
                        wf.name, rf.name
                    ));
                }
                self.value(&wf.ty, &rf.ty)
                    .map(|why| format!("field {owner}.{}: {why}", rf.name))
            }
        }
    }

    /// Why values of the writer's enum are not all accepted by the reader's.
    pub(super) fn values(&self, owner: &str, w: &Enum, r: &Enum) -> Option<String> {
        if r.listed().is_empty() {
            return None;
        }
        if w.listed().is_empty() {
            return Some(format!(
                "{} may send any value as {owner}, {}",
                self.writer_label,
                self.unlisted()
            ));
        }
        w.listed()
            .iter()
            .find(|wv| !r.listed().iter().any(|rv| rv.value == wv.value))
            .and_then(|wv| self.enum_value(owner, wv, true, false))
    }

    /// What the reader does with an enum value it does not list: clients reject it;
    /// servers read it (Go and the Rust runtime keep unknown values), but the code
    /// behind them was written for the values they list.
    fn unlisted(&self) -> String {
        let rl = self.reader_label;
        match self.reader_kind {
            Reader::Client => format!("which {rl} reject as unknown"),
            Reader::Server => {
                format!("which {rl} read but do not list (their code does not expect it)")
            }
        }
    }

    /// Why one listed value, which the writer's enum has (or not) and the reader's
    /// has (or not), is a problem, if it is.
    pub(super) fn enum_value(
        &self,
        owner: &str,
        v: &EnumValue,
        writer_has: bool,
        reader_has: bool,
    ) -> Option<String> {
        if !writer_has || reader_has {
            return None;
        }
        Some(format!(
            "{} may send {} ({}) as {owner}, {}",
            self.writer_label,
            show_value(&v.value),
            v.name,
            self.unlisted()
        ))
    }
}

fn kind_word(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(e) => match e.kind {
            ValueKind::Int => "ints",
            ValueKind::String => "strings",
        },
    }
}

/// Go's case-insensitive key match.
pub(super) fn fold_eq(a: &str, b: &str) -> bool {
    sherpa_runtime::fold_eq(a, b)
}

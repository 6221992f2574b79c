//! Stage 4 (Rust): a pure function from the [`Model`] to formatted Rust source.
//!
//! The output follows the generated-code contract in `notes/contract.md`: one item per
//! named type, the `Api` trait, `Dispatcher` with its `Dispatch` impl, the `SCHEMA` table
//! and `FUNCTIONS`. It has no inner attributes so it can be `include!`d anywhere, refers
//! to std, serde and the runtime only through absolute paths (schemas define types called
//! `Result` or `Option`), and carries item-level `allow`s for the lints that Go names
//! trip, so that including it under `#![deny(warnings)]` and clippy stays clean.
//!
//! Items are written straight into the layout engine of [`crate::pretty`], as the words,
//! breaks and boxes prettyplease produces for the same syntax, so the text is what
//! prettyplease prints, without building tokens and parsing them back (which took most
//! of the generator's time). The helpers name the prettyplease function they follow;
//! `codegen/tests/layout.rs` checks the result against prettyplease itself.

use std::collections::BTreeSet;
use std::fmt;

use crate::model::{
    Basic, Field, Function, IntValue, Model, NamedType, StringValue, TypeKind, TypeRef,
};
use crate::names;
use crate::pretty::{Doc, INDENT, string_literal};

/// Options for the Rust output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustOptions {
    /// Path through which generated code reaches the runtime crate, like prost's
    /// configurable paths: `::sherpa_runtime` by default, or e.g. `::my_crate::runtime`
    /// when the runtime is re-exported.
    pub runtime_path: String,
}

impl Default for RustOptions {
    fn default() -> Self {
        RustOptions {
            runtime_path: "::sherpa_runtime".to_string(),
        }
    }
}

/// Invalid [`RustOptions`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError(pub String);

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionsError {}

/// The runtime path in its canonical form (`::a::b`, `crate::rt`), or why it is not a
/// path. It is written into code, and into serde's `deserialize_with` strings, which
/// cannot carry generic arguments, so only plain segments are allowed.
fn runtime_path(path: &str) -> Result<String, OptionsError> {
    let bad = |why: String| {
        OptionsError(format!(
            "runtime path {path:?} is not a Rust path to a crate or module: {why}"
        ))
    };
    let trimmed = path.trim();
    let (leading, rest) = match trimmed.strip_prefix("::") {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut out = String::from(if leading { "::" } else { "" });
    let mut after_super = false;
    for (i, segment) in rest.split("::").enumerate() {
        let segment = segment.trim();
        let plain = segment.strip_prefix("r#").unwrap_or(segment);
        let ok = if matches!(segment, "crate" | "self" | "super") {
            // `crate` and `self` only start a path (and not after `::`); `super` may repeat.
            !leading && (i == 0 || (segment == "super" && after_super))
        } else {
            names::is_identifier(plain)
                && !matches!(plain, "crate" | "self" | "super" | "Self" | "_")
                && (segment.starts_with("r#") || names::escape_keyword(plain) == plain)
        };
        if !ok {
            return Err(bad(format!("{segment:?} is not a path segment")));
        }
        if i > 0 {
            out.push_str("::");
        }
        out.push_str(segment);
        after_super = segment == "super";
    }
    Ok(out)
}

/// Emits the Rust bindings for `model`: every item, each preceded by a blank line (the
/// caller puts the `@generated` header in front).
pub fn emit(model: &Model, opts: &RustOptions) -> Result<String, OptionsError> {
    let rt = runtime_path(&opts.runtime_path)?;
    let cx = Cx {
        model,
        error: format!("{rt}::Error"),
        int64s: format!("{rt}::Int64s"),
        uint64s: format!("{rt}::Uint64s"),
        timestamp: format!("{rt}::Timestamp"),
        bytes: format!("{rt}::Bytes"),
        null_as_zero: format!("{rt}::de::NullAsZero"),
        null_as_zero_attr: {
            let mut s = String::from("deserialize_with = ");
            string_literal(&format!("{rt}::de::null_as_zero"), &mut s);
            s
        },
        rt,
        out: String::with_capacity(4096 + model.docs_json.len() * 5),
    };
    Ok(cx.run())
}

/// What every emitting function needs.
struct Cx<'a> {
    model: &'a Model,
    /// The runtime path, e.g. `::sherpa_runtime`, and paths into it.
    rt: String,
    error: String,
    int64s: String,
    uint64s: String,
    timestamp: String,
    bytes: String,
    null_as_zero: String,
    /// `deserialize_with = "RT::de::null_as_zero"`.
    null_as_zero_attr: String,
    out: String,
}

/// A type in generated code.
enum Ty<'a> {
    /// A path or other text without generic arguments.
    Word(&'a str),
    /// `path<args>`.
    Generic(&'a str, Vec<Ty<'a>>),
    /// `Name = ty`, inside `<>`.
    Binding(&'a str, Box<Ty<'a>>),
    /// `(a, b)`.
    Tuple(Vec<Ty<'a>>),
    /// `before ty after`, e.g. `&mut ty` or `impl ty + Send`.
    Wrap(&'a str, Box<Ty<'a>>, &'a str),
    /// A schema type; `true` boxes the named type at the end of `nullable`s.
    Schema(&'a TypeRef, bool),
}

fn generic<'a>(path: &'a str, args: Vec<Ty<'a>>) -> Ty<'a> {
    Ty::Generic(path, args)
}

fn result_of<'a>(ok: Ty<'a>, err: Ty<'a>) -> Ty<'a> {
    generic("::core::result::Result", vec![ok, err])
}

/// A generic parameter: `'a`, or `S` with an optional bound.
struct Param<'a>(&'a str, Option<Ty<'a>>);

/// An expression, for the few shapes generated code has. Method chains, calls and
/// arm bodies break differently depending on what they are made of, which is why
/// these are not written as plain text.
enum E<'a> {
    /// A path, literal or other text that never breaks.
    Word(&'a str),
    Call(&'a str, Vec<E<'a>>),
    Method(Box<E<'a>>, &'a str, Vec<E<'a>>),
    Field(Box<E<'a>>, &'a str),
    Await(Box<E<'a>>),
    Try(Box<E<'a>>),
    Ref(Box<E<'a>>),
    Deref(Box<E<'a>>),
    /// `async move { <expr> }`.
    AsyncMove(Box<E<'a>>),
    Match(Box<E<'a>>, Vec<Arm<'a>>),
}

/// A match arm.
struct Arm<'a> {
    pat: Pat<'a>,
    body: Body<'a>,
}

enum Pat<'a> {
    Word(&'a str),
    /// `path(inner)`.
    TupleStruct(&'a str, &'a str),
}

enum Body<'a> {
    Expr(E<'a>),
    Block(Vec<S<'a>>),
}

/// A statement.
enum S<'a> {
    /// `let name: ty = init;` (type optional).
    Let(&'a str, Option<Ty<'a>>, E<'a>),
    /// An expression statement with `;`.
    Semi(E<'a>),
    /// The block's value.
    Value(E<'a>),
}

fn method<'a>(receiver: E<'a>, name: &'a str, args: Vec<E<'a>>) -> E<'a> {
    E::Method(Box::new(receiver), name, args)
}

fn arm<'a>(pat: Pat<'a>, body: E<'a>) -> Arm<'a> {
    Arm {
        pat,
        body: Body::Expr(body),
    }
}

impl E<'_> {
    /// prettyplease's `is_short_ident`: an identifier no longer than the indentation,
    /// after which a method chain does not break.
    fn is_short_ident(&self) -> bool {
        match self {
            E::Word(s) => {
                s.len() as isize <= INDENT
                    && names::is_identifier(s.strip_prefix("r#").unwrap_or(s))
            }
            _ => false,
        }
    }

    /// prettyplease's `needs_newline_if_wrap` for a match scrutinee.
    fn needs_newline_if_wrap(&self) -> bool {
        match self {
            E::Word(_) | E::Call(..) | E::AsyncMove(_) | E::Match(..) => false,
            E::Method(..) | E::Field(..) | E::Await(_) => true,
            E::Try(e) | E::Ref(e) | E::Deref(e) => e.needs_newline_if_wrap(),
        }
    }
}

impl Cx<'_> {
    /// Writes every item, each after a blank line.
    fn run(mut self) -> String {
        let model = self.model;
        for t in &model.types {
            self.named_type(t);
        }
        self.item(|cx, d| cx.api_trait(d));
        self.item(|cx, d| cx.dispatcher_struct(d));
        self.item(|cx, d| cx.dispatch_impl(d));
        self.item(|cx, d| cx.schema(d));
        self.item(|cx, d| cx.function_list(d));
        self.out
    }

    /// Lays out one item and appends it after a blank line.
    fn item(&mut self, build: impl FnOnce(&Self, &mut Doc)) {
        let mut d = Doc::new();
        build(self, &mut d);
        self.out.push('\n');
        d.print_to(&mut self.out);
    }

    /// Writes a type (prettyplease's `ty`; generic arguments are a consistent box).
    fn ty(&self, d: &mut Doc, ty: &Ty) {
        match ty {
            Ty::Word(s) => d.word(s),
            Ty::Generic(path, args) => {
                d.word(path);
                d.word("<");
                d.cbox(INDENT);
                d.zerobreak();
                for (i, arg) in args.iter().enumerate() {
                    self.ty(d, arg);
                    d.trailing_comma(i + 1 == args.len());
                }
                d.offset(-INDENT);
                d.end();
                d.word(">");
            }
            Ty::Binding(name, ty) => {
                d.word(name);
                d.word(" = ");
                self.ty(d, ty);
            }
            Ty::Tuple(elems) => {
                d.word("(");
                d.cbox(INDENT);
                d.zerobreak();
                for (i, elem) in elems.iter().enumerate() {
                    self.ty(d, elem);
                    d.trailing_comma(i + 1 == elems.len());
                }
                d.offset(-INDENT);
                d.end();
                d.word(")");
            }
            Ty::Wrap(before, ty, after) => {
                d.word(before);
                self.ty(d, ty);
                d.word(after);
            }
            Ty::Schema(ty, boxed) => self.schema_ty(d, ty, *boxed),
        }
    }

    /// The Rust type for a resolved schema type. With `boxed`, the named type at the
    /// end of a chain of `nullable`s is put in a `Box` (struct fields on a reference
    /// cycle).
    fn schema_ty(&self, d: &mut Doc, ty: &TypeRef, boxed: bool) {
        let (path, second) = match ty {
            TypeRef::Basic(b) => {
                d.word(match b {
                    Basic::Any => "::serde_json::Value",
                    Basic::Bool => "bool",
                    Basic::Int8 => "i8",
                    Basic::Uint8 => "u8",
                    Basic::Int16 => "i16",
                    Basic::Uint16 => "u16",
                    Basic::Int32 => "i32",
                    Basic::Uint32 => "u32",
                    Basic::Int64 => "i64",
                    Basic::Uint64 => "u64",
                    Basic::Int64s => &self.int64s,
                    Basic::Uint64s => &self.uint64s,
                    Basic::Float32 => "f32",
                    Basic::Float64 => "f64",
                    Basic::String => "::std::string::String",
                    Basic::Timestamp => &self.timestamp,
                });
                return;
            }
            TypeRef::List(_) if ty.is_bytes() => {
                d.word(&self.bytes);
                return;
            }
            TypeRef::Named(index) => {
                // The model only creates indexes into its own type list.
                let name = self
                    .model
                    .types
                    .get(*index)
                    .map_or("__sherpa_missing_type", |t| t.rust_name.as_str());
                if boxed {
                    self.ty(d, &generic("::std::boxed::Box", vec![Ty::Word(name)]));
                } else {
                    d.word(name);
                }
                return;
            }
            TypeRef::Nullable(inner) => ("::core::option::Option", Ty::Schema(inner, boxed)),
            TypeRef::List(inner) => ("::std::vec::Vec", Ty::Schema(inner, false)),
            TypeRef::Map(inner) => ("::std::collections::BTreeMap", Ty::Schema(inner, false)),
        };
        let args = if matches!(ty, TypeRef::Map(_)) {
            vec![Ty::Word("::std::string::String"), second]
        } else {
            vec![second]
        };
        self.ty(d, &generic(path, args))
    }

    /// `<P>`, `<'a>` or `<S: Bound>` (prettyplease's `generics`; a type parameter's
    /// bounds sit in an `ibox`).
    fn generics(&self, d: &mut Doc, param: &Param) {
        d.word("<");
        d.cbox(0);
        d.zerobreak();
        d.word(param.0);
        if !param.0.starts_with('\'') {
            d.ibox(INDENT);
            if let Some(bound) = &param.1 {
                d.word(": ");
                self.ty(d, bound);
            }
            d.end();
        }
        d.trailing_comma(true);
        d.offset(-INDENT);
        d.end();
        d.word(">");
    }

    /// A function signature (prettyplease's `signature`). Each parameter is text
    /// followed by an optional type (`("value: ", Some(ty))`, `("&self", None)`).
    fn signature(
        &self,
        d: &mut Doc,
        name: &str,
        generics: Option<Param>,
        params: &[(&str, Option<Ty>)],
        ret: Option<Ty>,
    ) {
        d.word("fn ");
        d.word(name);
        if let Some(g) = &generics {
            self.generics(d, g);
        }
        d.word("(");
        d.neverbreak();
        d.cbox(0);
        d.zerobreak();
        for (i, (text, ty)) in params.iter().enumerate() {
            d.word(text);
            if let Some(ty) = ty {
                self.ty(d, ty);
            }
            d.trailing_comma(i + 1 == params.len());
        }
        d.offset(-INDENT);
        d.end();
        d.word(")");
        d.cbox(-INDENT);
        if let Some(ret) = &ret {
            d.word(" -> ");
            self.ty(d, ret);
        }
        d.end();
    }

    /// An `impl` item (prettyplease's `item_impl`) around `items`.
    fn item_impl(
        &self,
        d: &mut Doc,
        generics: Option<Param>,
        trait_ty: Option<Ty>,
        self_ty: Ty,
        items: impl FnOnce(&mut Doc),
    ) {
        d.cbox(INDENT);
        d.ibox(-INDENT);
        d.cbox(INDENT);
        d.word("impl");
        if let Some(g) = &generics {
            self.generics(d, g);
        }
        d.end();
        d.nbsp();
        if let Some(t) = &trait_ty {
            self.ty(d, t);
            d.space();
            d.word("for ");
        }
        self.ty(d, &self_ty);
        d.end();
        d.nbsp();
        d.word("{");
        d.hardbreak_if_nonempty();
        items(d);
        d.offset(-INDENT);
        d.end();
        d.word("}");
        d.hardbreak();
    }

    /// `impl Trait for Name { fn ... }` with one method (`docs` lines first).
    #[allow(clippy::too_many_arguments)]
    fn impl_one_fn(
        &self,
        d: &mut Doc,
        impl_generics: Option<Param>,
        trait_ty: Option<Ty>,
        self_name: &str,
        docs: &[&str],
        public: bool,
        sig: impl FnOnce(&mut Doc),
        body: &[S],
    ) {
        self.item_impl(d, impl_generics, trait_ty, Ty::Word(self_name), |d| {
            self.impl_fn(d, docs, public, sig, body)
        });
    }

    /// A method in an `impl` (prettyplease's `impl_item_fn`), with `docs` lines.
    fn impl_fn(
        &self,
        d: &mut Doc,
        docs: &[&str],
        public: bool,
        sig: impl FnOnce(&mut Doc),
        body: &[S],
    ) {
        for line in docs {
            doc_line(d, line);
        }
        d.cbox(INDENT);
        if public {
            d.word("pub ");
        }
        sig(d);
        d.nbsp();
        d.word("{");
        d.hardbreak_if_nonempty();
        for s in body {
            self.stmt(d, s);
        }
        d.offset(-INDENT);
        d.end();
        d.word("}");
        d.hardbreak();
    }

    /// prettyplease's `stmt`.
    fn stmt(&self, d: &mut Doc, s: &S) {
        match s {
            S::Let(name, ty, init) => {
                d.ibox(0);
                d.word("let ");
                d.word(name);
                if let Some(ty) = ty {
                    d.word(": ");
                    self.ty(d, ty);
                }
                d.word(" = ");
                d.neverbreak();
                self.expr(d, init);
                d.end();
                d.word(";");
                d.hardbreak();
            }
            S::Semi(e) => {
                d.ibox(0);
                self.expr_bol(d, e, true);
                d.word(";");
                d.end();
                d.hardbreak();
            }
            S::Value(e) => {
                d.ibox(0);
                self.expr_bol(d, e, true);
                d.end();
                d.hardbreak();
            }
        }
    }

    /// prettyplease's `expr`, for an expression not at the beginning of a line.
    fn expr(&self, d: &mut Doc, e: &E) {
        match e {
            E::Word(s) => d.word(s),
            E::Call(f, args) => {
                d.word(f);
                self.call_args(d, args);
            }
            E::Method(..) | E::Field(..) | E::Await(_) | E::Try(_) => self.expr_bol(d, e, false),
            E::Ref(inner) => {
                d.word("&");
                self.expr(d, inner);
            }
            E::Deref(inner) => {
                d.word("*");
                self.expr(d, inner);
            }
            E::AsyncMove(body) => {
                // `expr_async` with `small_block` around one expression.
                d.word("async move ");
                d.cbox(INDENT);
                d.word("{");
                d.space();
                d.ibox(0);
                self.expr_bol(d, body, true);
                d.end();
                d.space();
                d.offset(-INDENT);
                d.word("}");
                d.end();
            }
            E::Match(scrutinee, arms) => self.expr_match(d, scrutinee, arms),
        }
    }

    /// prettyplease's `expr_beginning_of_line`: method chains starting with a short name
    /// at the beginning of a line do not break after it.
    fn expr_bol(&self, d: &mut Doc, e: &E, bol: bool) {
        match e {
            E::Await(_) | E::Field(..) => {
                d.cbox(INDENT);
                self.prefix(d, e, bol);
                d.end();
            }
            E::Method(receiver, name, args) => {
                d.cbox(INDENT);
                let unindent = bol && receiver.is_short_ident();
                self.prefix_method(d, receiver, name, args, bol, unindent);
                d.end();
            }
            E::Try(inner) => {
                self.expr_bol(d, inner, bol);
                d.word("?");
            }
            _ => self.expr(d, e),
        }
    }

    /// prettyplease's `prefix_subexpr`: the start of a method chain.
    fn prefix(&self, d: &mut Doc, e: &E, bol: bool) {
        match e {
            E::Await(base) => {
                self.prefix(d, base, bol);
                if !(bol && base.is_short_ident()) {
                    d.dot_break();
                }
                d.word(".await");
            }
            E::Field(base, member) => {
                self.prefix(d, base, bol);
                if !(bol && base.is_short_ident()) {
                    d.dot_break();
                }
                d.word(".");
                d.word(member);
            }
            E::Method(receiver, name, args) => {
                self.prefix_method(d, receiver, name, args, bol, false)
            }
            E::Try(inner) => {
                self.prefix(d, inner, bol);
                d.word("?");
            }
            E::Call(f, args) => {
                d.cbox(-INDENT);
                d.word(f);
                d.end();
                self.call_args(d, args);
            }
            _ => {
                d.cbox(-INDENT);
                self.expr(d, e);
                d.end();
            }
        }
    }

    fn prefix_method(
        &self,
        d: &mut Doc,
        receiver: &E,
        name: &str,
        args: &[E],
        bol: bool,
        unindent: bool,
    ) {
        self.prefix(d, receiver, bol);
        if !(bol && receiver.is_short_ident()) {
            d.dot_break();
        }
        d.word(".");
        d.word(name);
        d.cbox(if unindent { -INDENT } else { 0 });
        self.call_args(d, args);
        d.end();
    }

    /// `(args)`, prettyplease's `call_args` (a single block-like argument is not boxed).
    fn call_args(&self, d: &mut Doc, args: &[E]) {
        d.word("(");
        if let [single @ E::AsyncMove(_)] = args {
            self.expr(d, single);
        } else {
            d.cbox(INDENT);
            d.zerobreak();
            for (i, arg) in args.iter().enumerate() {
                self.expr(d, arg);
                d.trailing_comma(i + 1 == args.len());
            }
            d.offset(-INDENT);
            d.end();
        }
        d.word(")");
    }

    /// prettyplease's `expr_match` (with `expr_condition` for the scrutinee).
    fn expr_match(&self, d: &mut Doc, scrutinee: &E, arms: &[Arm]) {
        d.ibox(0);
        d.word("match ");
        d.cbox(0);
        self.expr(d, scrutinee);
        if scrutinee.needs_newline_if_wrap() {
            d.space();
        } else {
            d.nbsp();
        }
        d.end();
        d.word("{");
        d.neverbreak();
        d.cbox(INDENT);
        d.hardbreak_if_nonempty();
        for arm in arms {
            self.match_arm(d, arm);
            d.hardbreak();
        }
        d.offset(-INDENT);
        d.end();
        d.word("}");
        d.end();
    }

    /// prettyplease's `arm`. Every expression body here can stand as a statement, needs a
    /// comma after it and no semicolon, so a body that does not fit goes into braces.
    fn match_arm(&self, d: &mut Doc, arm: &Arm) {
        d.ibox(0);
        match &arm.pat {
            Pat::Word(s) => d.word(s),
            Pat::TupleStruct(path, inner) => {
                d.word(path);
                d.word("(");
                d.cbox(INDENT);
                d.zerobreak();
                d.word(inner);
                d.trailing_comma(true);
                d.offset(-INDENT);
                d.end();
                d.word(")");
            }
        }
        d.word(" => ");
        match &arm.body {
            Body::Block(stmts) => {
                d.word("{");
                d.neverbreak();
                d.cbox(INDENT);
                d.hardbreak_if_nonempty();
                for s in stmts {
                    self.stmt(d, s);
                }
                d.offset(-INDENT);
                d.end();
                d.word("}");
            }
            Body::Expr(e) => {
                d.neverbreak();
                d.cbox(INDENT);
                d.arm_open('{');
                self.expr_bol(d, e, true);
                d.arm_close("}", Some(','));
                d.end();
            }
        }
        d.end();
    }
}

/// `///` lines (prettyplease prints one-line `#[doc]` attributes this way).
fn doc_comments(d: &mut Doc, docs: &str) {
    for line in doc_lines(docs) {
        doc_line(d, &line);
    }
}

fn doc_line(d: &mut Doc, line: &str) {
    d.word("///");
    d.word(line.trim_end_matches(' '));
    d.hardbreak();
}

/// `#[name(item, item)]` (prettyplease's `attr_tokens` for a parenthesized list). With
/// `trailing_comma`, the list was written with one, which shows when it breaks.
fn attr_list<S: AsRef<str>>(d: &mut Doc, name: &str, items: &[S], trailing_comma: bool) {
    d.word("#[");
    d.word(name);
    d.word("(");
    d.cbox(INDENT);
    d.zerobreak();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            d.word(",");
            d.space();
        }
        d.word(item.as_ref());
    }
    if trailing_comma {
        d.trailing_comma(true);
    } else {
        d.zerobreak();
    }
    d.offset(-INDENT);
    d.end();
    d.word(")]");
    d.space();
}

/// The start of a struct literal (prettyplease's `expr_struct`).
fn struct_lit_begin(d: &mut Doc, path: &str) {
    d.cbox(INDENT);
    d.ibox(-INDENT);
    d.word(path);
    d.end();
    d.word(" {");
    d.space_if_nonempty();
}

/// One `name: value` of a struct literal.
fn struct_lit_field(d: &mut Doc, name: &str, last: bool, value: impl FnOnce(&mut Doc)) {
    d.word(name);
    d.word(": ");
    d.ibox(0);
    value(d);
    d.end();
    d.trailing_comma_or_space(last);
}

/// The end of a struct literal: prettyplease keeps it on one line only up to 34 columns.
fn struct_lit_end(d: &mut Doc) {
    d.offset(-INDENT);
    d.end_with_max_width(34);
    d.word("}");
}

/// `&[a, b]` of expressions that are not all integer literals: one per line when it
/// breaks (prettyplease's `expr_array`).
fn ref_array<T>(d: &mut Doc, items: &[T], mut each: impl FnMut(&mut Doc, &T)) {
    d.word("&");
    if items.is_empty() {
        d.word("[]");
        return;
    }
    d.word("[");
    d.cbox(INDENT);
    d.zerobreak();
    for (i, item) in items.iter().enumerate() {
        each(d, item);
        d.trailing_comma(i + 1 == items.len());
    }
    d.offset(-INDENT);
    d.end();
    d.word("]");
}

/// `&[1, 2]` of integer literals: filled line by line when it breaks.
fn ref_int_array<T: fmt::Display>(d: &mut Doc, items: &[T]) {
    d.word("&");
    if items.is_empty() {
        d.word("[]");
        return;
    }
    d.cbox(INDENT);
    d.word("[");
    d.zerobreak();
    d.ibox(0);
    let mut text = String::new();
    for (i, item) in items.iter().enumerate() {
        text.clear();
        fmt::Write::write_fmt(&mut text, format_args!("{item}")).unwrap_or_default();
        d.word(&text);
        if i + 1 < items.len() {
            d.word(",");
            d.space();
        }
    }
    d.end();
    d.trailing_comma(true);
    d.offset(-INDENT);
    d.word("]");
    d.end();
}

/// A Rust string literal.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    string_literal(s, &mut out);
    out
}

/// Nesting of `nullable`/`[]`/`{}` from which a field type may exceed clippy's
/// `type_complexity` threshold (the fully qualified paths count against it).
const COMPLEX_DEPTH: usize = 3;

/// How many `nullable`, `[]` and `{}` are nested in `ty`.
fn wrapper_depth(ty: &TypeRef) -> usize {
    let mut depth = 0;
    let mut ty = ty;
    while let TypeRef::Nullable(inner) | TypeRef::List(inner) | TypeRef::Map(inner) = ty {
        depth += 1;
        ty = inner;
    }
    depth
}

/// The `allow` attribute for a type with these names (and the `lints` it needs anyway):
/// value names usually repeat the type name (`ModeEnforce` in `Mode`), and Go names
/// trip the casing lints.
fn name_allows(d: &mut Doc, type_name: &str, variants: &[&str], mut lints: Vec<&str>) {
    let all = || std::iter::once(type_name).chain(variants.iter().copied());
    if all().any(names::needs_upper_case_acronyms_allow) {
        lints.push("clippy::upper_case_acronyms");
    }
    if all().any(names::needs_non_camel_case_allow) {
        lints.push("non_camel_case_types");
    }
    if !lints.is_empty() {
        attr_list(d, "allow", &lints, false);
    }
}

/// A `schema::Type` expression; nested types are constant-promoted references.
fn schema_type(d: &mut Doc, ty: &TypeRef) {
    let (wrapper, inner) = match ty {
        TypeRef::Basic(b) => {
            d.word(match b {
                Basic::Any => "Type::Any",
                Basic::Bool => "Type::Bool",
                Basic::Int8 => "Type::Int8",
                Basic::Uint8 => "Type::Uint8",
                Basic::Int16 => "Type::Int16",
                Basic::Uint16 => "Type::Uint16",
                Basic::Int32 => "Type::Int32",
                Basic::Uint32 => "Type::Uint32",
                Basic::Int64 => "Type::Int64",
                Basic::Uint64 => "Type::Uint64",
                Basic::Int64s => "Type::Int64s",
                Basic::Uint64s => "Type::Uint64s",
                Basic::Float32 => "Type::Float32",
                Basic::Float64 => "Type::Float64",
                Basic::String => "Type::String",
                Basic::Timestamp => "Type::Timestamp",
            });
            return;
        }
        TypeRef::Nullable(inner) => ("Type::Nullable(", inner),
        TypeRef::List(inner) => ("Type::List(", inner),
        TypeRef::Map(inner) => ("Type::Map(", inner),
        TypeRef::Named(index) => {
            // A call with one argument (prettyplease's `call_args`).
            d.word("Type::Named(");
            d.cbox(INDENT);
            d.zerobreak();
            d.word(&index.to_string());
            d.trailing_comma(true);
            d.offset(-INDENT);
            d.end();
            d.word(")");
            return;
        }
    };
    d.word(wrapper);
    d.cbox(INDENT);
    d.zerobreak();
    d.word("&");
    schema_type(d, inner);
    d.trailing_comma(true);
    d.offset(-INDENT);
    d.end();
    d.word(")");
}

/// The doc line of every enum's `Other` variant.
const OTHER_DOC: &str = " A value the schema does not list, kept as is so that it round-trips.";

impl Cx<'_> {
    fn named_type(&mut self, t: &NamedType) {
        match &t.kind {
            TypeKind::Struct { fields } => self.item(|cx, d| cx.struct_type(d, t, fields)),
            TypeKind::Strings {
                values: Some(values),
            } if !values.is_empty() => self.string_enum(t, values),
            TypeKind::Strings { .. } => self.string_newtype(t),
            TypeKind::Ints {
                values: Some(values),
            } if !values.is_empty() => self.int_enum(t, values),
            TypeKind::Ints { .. } => {
                self.item(|_, d| newtype_struct(d, t, true, "i64"));
            }
        }
        // Struct fields read through `null_as_zero`, so every type a field can have
        // needs this (Go writes `null` for nil slices and maps at any depth and reads
        // `null` as the zero value).
        self.item(|cx, d| {
            cx.item_impl(
                d,
                None,
                Some(Ty::Word(&cx.null_as_zero)),
                Ty::Word(&t.rust_name),
                |_| {},
            )
        });
    }

    fn struct_type(&self, d: &mut Doc, t: &NamedType, fields: &[Field]) {
        doc_comments(d, &t.docs);
        let complex = fields.iter().any(|f| wrapper_depth(&f.ty) >= COMPLEX_DEPTH);
        let lints = if complex {
            vec!["clippy::type_complexity"]
        } else {
            Vec::new()
        };
        name_allows(d, &t.rust_name, &[], lints);
        attr_list(
            d,
            "derive",
            &[
                "Debug",
                "Clone",
                "PartialEq",
                "Default",
                "::serde::Serialize",
                "::serde::Deserialize",
            ],
            false,
        );
        attr_list(d, "serde", &["default"], false);
        // prettyplease's `item_struct` with named fields.
        d.cbox(INDENT);
        d.word("pub struct ");
        d.word(&t.rust_name);
        d.nbsp();
        d.word("{");
        d.hardbreak_if_nonempty();
        let mut rename = String::new();
        for f in fields {
            doc_comments(d, &f.docs);
            rename.clear();
            rename.push_str("rename = ");
            string_literal(&f.name, &mut rename);
            attr_list(d, "serde", &[&rename], false);
            attr_list(d, "serde", &[&self.null_as_zero_attr], false);
            d.word("pub ");
            d.word(&f.rust_name);
            d.word(": ");
            self.schema_ty(d, &f.ty, f.rust_boxed);
            d.word(",");
            d.hardbreak();
        }
        d.offset(-INDENT);
        d.end();
        d.word("}");
        d.hardbreak();
    }

    /// `pub enum Name { variants, Other(other_ty) }` (prettyplease's `item_enum`):
    /// `variants` are (name, docs, whether it is the default).
    fn enum_item(
        &self,
        d: &mut Doc,
        t: &NamedType,
        variants: &[(&str, &str, bool)],
        copy: bool,
        other_ty: &str,
    ) {
        doc_comments(d, &t.docs);
        let names: Vec<&str> = variants.iter().map(|v| v.0).collect();
        name_allows(d, &t.rust_name, &names, vec!["clippy::enum_variant_names"]);
        let mut derives = vec!["Debug", "Clone"];
        if copy {
            derives.push("Copy");
        }
        derives.extend(["PartialEq", "Eq", "Hash"]);
        if variants.iter().any(|v| v.2) {
            derives.push("Default");
        }
        attr_list(d, "derive", &derives, true);
        d.cbox(INDENT);
        d.word("pub enum ");
        d.word(&t.rust_name);
        d.nbsp();
        d.word("{");
        d.hardbreak_if_nonempty();
        for (name, docs, default) in variants {
            doc_comments(d, docs);
            if *default {
                d.word("#[default]");
                d.space();
            }
            d.word(name);
            d.word(",");
            d.hardbreak();
        }
        doc_line(d, OTHER_DOC);
        d.word(names::OTHER_VARIANT);
        // prettyplease's `variant` with unnamed fields.
        d.cbox(INDENT);
        d.word("(");
        d.zerobreak();
        d.word(other_ty);
        d.trailing_comma(true);
        d.offset(-INDENT);
        d.word(")");
        d.end();
        d.word(",");
        d.hardbreak();
        d.offset(-INDENT);
        d.end();
        d.word("}");
        d.hardbreak();
    }

    /// The enum of a string type with values and its impls: `as_str`, `From<&str>`,
    /// `From<String>`, `Default` (if no value is `""`), `Display`, serde.
    fn string_enum(&mut self, t: &NamedType, values: &[StringValue]) {
        let name = t.rust_name.as_str();
        let default_index = values.iter().position(|v| v.value.is_empty());
        let variants: Vec<(&str, &str, bool)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    v.rust_name.as_str(),
                    v.docs.as_str(),
                    Some(i) == default_index,
                )
            })
            .collect();
        self.item(|cx, d| cx.enum_item(d, t, &variants, false, "::std::string::String"));
        let paths: Vec<String> = values
            .iter()
            .map(|v| format!("Self::{}", v.rust_name))
            .collect();
        let lits: Vec<String> = values.iter().map(|v| lit(&v.value)).collect();
        let other = format!("Self::{}", names::OTHER_VARIANT);

        let mut arms: Vec<Arm> = paths
            .iter()
            .zip(&lits)
            .map(|(path, value)| arm(Pat::Word(path), E::Word(value)))
            .collect();
        arms.push(arm(Pat::TupleStruct(&other, "value"), E::Word("value")));
        let body = [S::Value(E::Match(Box::new(E::Word("self")), arms))];
        self.item(|cx, d| {
            cx.item_impl(d, None, None, Ty::Word(name), |d| {
                cx.impl_fn(
                    d,
                    &[" The value as written on the wire."],
                    true,
                    |d| {
                        cx.signature(
                            d,
                            "as_str",
                            None,
                            &[("&self", None)],
                            Some(Ty::Word("&str")),
                        )
                    },
                    &body,
                )
            })
        });

        // With duplicate values (not checked by sherpadoc) the first name wins when
        // reading, and later arms would be unreachable.
        let mut seen = BTreeSet::new();
        let mut arms: Vec<Arm> = values
            .iter()
            .zip(paths.iter().zip(&lits))
            .filter(|(v, _)| seen.insert(v.value.as_str()))
            .map(|(_, (path, value))| arm(Pat::Word(value), E::Word(path)))
            .collect();
        arms.push(arm(
            Pat::Word("_"),
            E::Call(
                &other,
                vec![E::Call(
                    "::std::borrow::ToOwned::to_owned",
                    vec![E::Word("value")],
                )],
            ),
        ));
        self.convert_impl(
            name,
            Ty::Word("&str"),
            "value: &str",
            E::Match(Box::new(E::Word("value")), arms),
        );

        let arms = vec![
            arm(
                Pat::TupleStruct(&other, "_"),
                E::Call(&other, vec![E::Word("value")]),
            ),
            arm(Pat::Word("known"), E::Word("known")),
        ];
        let scrutinee = E::Call(
            "Self::from",
            vec![method(E::Word("value"), "as_str", Vec::new())],
        );
        self.convert_impl(
            name,
            Ty::Word("::std::string::String"),
            "value: ::std::string::String",
            E::Match(Box::new(scrutinee), arms),
        );

        if default_index.is_none() {
            self.default_impl(
                name,
                " Go's zero value, the empty string, which is not one of the listed values.",
                E::Call(
                    &other,
                    vec![E::Call("::std::string::String::new", Vec::new())],
                ),
            );
        }
        self.display_impl(
            name,
            method(
                E::Word("f"),
                "write_str",
                vec![method(E::Word("self"), "as_str", Vec::new())],
            ),
        );
        self.serialize_impl(
            name,
            E::Call(
                "::serde::Serializer::serialize_str",
                vec![
                    E::Word("serializer"),
                    method(E::Word("self"), "as_str", Vec::new()),
                ],
            ),
        );
        self.deserialize_impl(name, "::std::string::String");
    }

    /// A string type without values: a newtype with `Display`, `From` and `Deref`.
    fn string_newtype(&mut self, t: &NamedType) {
        let name = t.rust_name.as_str();
        self.item(|_, d| newtype_struct(d, t, false, "::std::string::String"));
        let self_0 = || E::Ref(Box::new(E::Field(Box::new(E::Word("self")), "0")));
        self.display_impl(name, method(E::Word("f"), "write_str", vec![self_0()]));
        self.convert_impl(
            name,
            Ty::Word("::std::string::String"),
            "value: ::std::string::String",
            E::Call("Self", vec![E::Word("value")]),
        );
        self.convert_impl(
            name,
            Ty::Word("&str"),
            "value: &str",
            E::Call(
                "Self",
                vec![E::Call(
                    "::std::borrow::ToOwned::to_owned",
                    vec![E::Word("value")],
                )],
            ),
        );
        let body = [S::Value(self_0())];
        self.item(|cx, d| {
            cx.item_impl(
                d,
                None,
                Some(Ty::Word("::core::ops::Deref")),
                Ty::Word(name),
                |d| {
                    // prettyplease's `impl_item_type`.
                    d.cbox(INDENT);
                    d.word("type Target = ");
                    d.neverbreak();
                    d.ibox(-INDENT);
                    d.word("str");
                    d.end();
                    d.word(";");
                    d.end();
                    d.hardbreak();
                    cx.impl_fn(
                        d,
                        &[],
                        false,
                        |d| {
                            cx.signature(
                                d,
                                "deref",
                                None,
                                &[("&self", None)],
                                Some(Ty::Word("&str")),
                            )
                        },
                        &body,
                    );
                },
            )
        });
    }

    /// The enum of an int type with values and its impls: `value`, `From<i64>`,
    /// `Default` (if no value is 0), serde.
    fn int_enum(&mut self, t: &NamedType, values: &[IntValue]) {
        let name = t.rust_name.as_str();
        let default_index = values.iter().position(|v| v.value == 0);
        let variants: Vec<(&str, &str, bool)> = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    v.rust_name.as_str(),
                    v.docs.as_str(),
                    Some(i) == default_index,
                )
            })
            .collect();
        self.item(|cx, d| cx.enum_item(d, t, &variants, true, "i64"));
        let paths: Vec<String> = values
            .iter()
            .map(|v| format!("Self::{}", v.rust_name))
            .collect();
        let ints: Vec<String> = values.iter().map(|v| v.value.to_string()).collect();
        let other = format!("Self::{}", names::OTHER_VARIANT);

        let mut arms: Vec<Arm> = paths
            .iter()
            .zip(&ints)
            .map(|(path, value)| arm(Pat::Word(path), E::Word(value)))
            .collect();
        arms.push(arm(
            Pat::TupleStruct(&other, "value"),
            E::Deref(Box::new(E::Word("value"))),
        ));
        let body = [S::Value(E::Match(Box::new(E::Word("self")), arms))];
        self.item(|cx, d| {
            cx.item_impl(d, None, None, Ty::Word(name), |d| {
                cx.impl_fn(
                    d,
                    &[" The value as written on the wire."],
                    true,
                    |d| cx.signature(d, "value", None, &[("&self", None)], Some(Ty::Word("i64"))),
                    &body,
                )
            })
        });

        let mut seen = BTreeSet::new();
        let mut arms: Vec<Arm> = values
            .iter()
            .zip(paths.iter().zip(&ints))
            .filter(|(v, _)| seen.insert(v.value))
            .map(|(_, (path, value))| arm(Pat::Word(value), E::Word(path)))
            .collect();
        arms.push(arm(Pat::Word("_"), E::Call(&other, vec![E::Word("value")])));
        self.convert_impl(
            name,
            Ty::Word("i64"),
            "value: i64",
            E::Match(Box::new(E::Word("value")), arms),
        );

        if default_index.is_none() {
            self.default_impl(
                name,
                " Go's zero value, 0, which is not one of the listed values.",
                E::Call(&other, vec![E::Word("0")]),
            );
        }
        self.serialize_impl(
            name,
            E::Call(
                "::serde::Serializer::serialize_i64",
                vec![
                    E::Word("serializer"),
                    method(E::Word("self"), "value", Vec::new()),
                ],
            ),
        );
        self.deserialize_impl(name, "i64");
    }

    /// `impl ::core::convert::From<arg> for Name { fn from(param) -> Self { body } }`.
    fn convert_impl(&mut self, name: &str, arg: Ty, param: &str, body: E) {
        let body = [S::Value(body)];
        self.item(|cx, d| {
            cx.impl_one_fn(
                d,
                None,
                Some(generic("::core::convert::From", vec![arg])),
                name,
                &[],
                false,
                |d| cx.signature(d, "from", None, &[(param, None)], Some(Ty::Word("Self"))),
                &body,
            )
        });
    }

    /// `impl ::core::default::Default for Name`, with a doc line on `default`.
    fn default_impl(&mut self, name: &str, doc: &str, body: E) {
        let body = [S::Value(body)];
        self.item(|cx, d| {
            cx.impl_one_fn(
                d,
                None,
                Some(Ty::Word("::core::default::Default")),
                name,
                &[doc],
                false,
                |d| cx.signature(d, "default", None, &[], Some(Ty::Word("Self"))),
                &body,
            )
        });
    }

    /// `impl ::core::fmt::Display for Name`.
    fn display_impl(&mut self, name: &str, body: E) {
        let body = [S::Value(body)];
        self.item(|cx, d| {
            cx.impl_one_fn(
                d,
                None,
                Some(Ty::Word("::core::fmt::Display")),
                name,
                &[],
                false,
                |d| {
                    let formatter = generic("::core::fmt::Formatter", vec![Ty::Word("'_")]);
                    cx.signature(
                        d,
                        "fmt",
                        None,
                        &[
                            ("&self", None),
                            ("f: ", Some(Ty::Wrap("&mut ", Box::new(formatter), ""))),
                        ],
                        Some(Ty::Word("::core::fmt::Result")),
                    )
                },
                &body,
            )
        });
    }

    /// `impl ::serde::Serialize for Name`.
    fn serialize_impl(&mut self, name: &str, body: E) {
        let body = [S::Value(body)];
        self.item(|cx, d| {
            cx.impl_one_fn(
                d,
                None,
                Some(Ty::Word("::serde::Serialize")),
                name,
                &[],
                false,
                |d| {
                    cx.signature(
                        d,
                        "serialize",
                        Some(Param("S", Some(Ty::Word("::serde::Serializer")))),
                        &[("&self", None), ("serializer: S", None)],
                        Some(result_of(Ty::Word("S::Ok"), Ty::Word("S::Error"))),
                    )
                },
                &body,
            )
        });
    }

    /// `impl<'de> ::serde::Deserialize<'de> for Name`, reading a `wire` value and
    /// converting it with `Self::from`.
    fn deserialize_impl(&mut self, name: &str, wire: &str) {
        let read = format!("<{wire} as ::serde::Deserialize>::deserialize");
        let body = [
            S::Let(
                "value",
                None,
                E::Try(Box::new(E::Call(&read, vec![E::Word("deserializer")]))),
            ),
            S::Value(E::Call(
                "::core::result::Result::Ok",
                vec![E::Call("Self::from", vec![E::Word("value")])],
            )),
        ];
        self.item(|cx, d| {
            cx.impl_one_fn(
                d,
                Some(Param("'de", None)),
                Some(generic("::serde::Deserialize", vec![Ty::Word("'de")])),
                name,
                &[],
                false,
                |d| {
                    cx.signature(
                        d,
                        "deserialize",
                        Some(Param(
                            "D",
                            Some(generic("::serde::Deserializer", vec![Ty::Word("'de")])),
                        )),
                        &[("deserializer: D", None)],
                        Some(result_of(Ty::Word("Self"), Ty::Word("D::Error"))),
                    )
                },
                &body,
            )
        });
    }

    fn api_trait(&self, d: &mut Doc) {
        if self.model.docs.trim().is_empty() {
            doc_comments(
                d,
                &format!(
                    "The functions of the {} API, for a server to implement.",
                    self.model.name
                ),
            );
        } else {
            doc_comments(d, &self.model.docs);
        }
        doc_line(d, "");
        doc_line(
            d,
            " Implementors write `async fn`; the [`Dispatcher`] turns an implementation into",
        );
        doc_line(d, " something the runtime can serve.");
        attr_list(
            d,
            "allow",
            &[
                "clippy::too_many_arguments",
                "clippy::type_complexity",
                "clippy::wrong_self_convention",
            ],
            false,
        );
        // prettyplease's `item_trait`.
        d.cbox(INDENT);
        d.word("pub trait ");
        d.word(names::API_TRAIT);
        d.word(": ::core::marker::Send + ::core::marker::Sync + 'static {");
        d.hardbreak_if_nonempty();
        // `type Context: ...;` (prettyplease's `trait_item_type`).
        doc_line(
            d,
            " What the server passes to every call, e.g. the authenticated session.",
        );
        d.cbox(INDENT);
        d.word("type Context: ::core::marker::Send");
        d.space();
        d.word("+ ::core::marker::Sync");
        d.space();
        d.word("+ 'static;");
        d.end();
        d.hardbreak();
        for f in &self.model.functions {
            doc_comments(d, &f.docs);
            // prettyplease's `trait_item_fn` without a body.
            d.cbox(INDENT);
            let ctx = format!("{}: &Self::Context", f.rust_ctx_name);
            let param_texts: Vec<String> = f
                .params
                .iter()
                .map(|p| format!("{}: ", p.rust_name))
                .collect();
            let mut params: Vec<(&str, Option<Ty>)> = vec![("&self", None), (&ctx, None)];
            params.extend(
                f.params
                    .iter()
                    .zip(&param_texts)
                    .map(|(p, text)| (text.as_str(), Some(Ty::Schema(&p.ty, false)))),
            );
            let ok = match f.returns.as_slice() {
                [single] => Ty::Schema(&single.ty, false),
                [] => Ty::Word("()"),
                several => Ty::Tuple(several.iter().map(|r| Ty::Schema(&r.ty, false)).collect()),
            };
            let output = Ty::Binding("Output", Box::new(result_of(ok, Ty::Word(&self.error))));
            let future = generic("::core::future::Future", vec![output]);
            self.signature(
                d,
                &f.rust_name,
                None,
                &params,
                Some(Ty::Wrap(
                    "impl ",
                    Box::new(future),
                    " + ::core::marker::Send",
                )),
            );
            d.word(";");
            d.end();
            d.hardbreak();
        }
        d.offset(-INDENT);
        d.end();
        d.word("}");
        d.hardbreak();
    }

    fn dispatcher_struct(&self, d: &mut Doc) {
        let generic = self.model.rust_dispatcher_generic.as_str();
        doc_line(
            d,
            " Serves an [`Api`] implementation: decodes the parameters of a call, calls the",
        );
        doc_line(d, " method and encodes its result.");
        attr_list(d, "derive", &["Debug", "Clone"], false);
        // prettyplease's `item_struct` with unnamed fields.
        d.cbox(INDENT);
        d.word("pub struct ");
        d.word(names::DISPATCHER);
        self.generics(d, &Param(generic, None));
        d.word("(");
        d.zerobreak();
        d.word("pub ");
        d.word(generic);
        d.trailing_comma(true);
        d.offset(-INDENT);
        d.word(");");
        d.end();
        d.hardbreak();
    }

    fn dispatch_impl(&self, d: &mut Doc) {
        let rt = &self.rt;
        let generic = self.model.rust_dispatcher_generic.as_str();
        let functions = &self.model.functions;
        let any_params = functions.iter().any(|f| !f.params.is_empty());
        let ctx = format!(
            "{}: &'a {generic}::Context",
            if functions.is_empty() { "_ctx" } else { "ctx" }
        );
        let call = format!(
            "{}: {rt}::Call",
            if any_params { "mut call" } else { "call" }
        );
        let bad_function = format!("{rt}::Error::bad_function");
        let max_params = functions.iter().map(|f| f.params.len()).max().unwrap_or(0);
        let indexes: Vec<String> = (0..max_params).map(|i| i.to_string()).collect();
        let body = if functions.is_empty() {
            E::Call(
                "::core::result::Result::Err",
                vec![E::Call(
                    &bad_function,
                    vec![method(E::Word("call"), "function", Vec::new())],
                )],
            )
        } else {
            let names: Vec<String> = functions.iter().map(|f| lit(&f.name)).collect();
            let mut arms: Vec<Arm> = functions
                .iter()
                .zip(&names)
                .map(|(f, name)| Arm {
                    pat: Pat::Word(name),
                    body: Body::Block(dispatch_arm(f, &indexes)),
                })
                .collect();
            arms.push(arm(
                Pat::Word("other"),
                E::Call(
                    "::core::result::Result::Err",
                    vec![E::Call(&bad_function, vec![E::Word("other")])],
                ),
            ));
            // The arms borrow `names`, which must outlive them: lay out here.
            let body = E::Match(
                Box::new(method(E::Word("call"), "function", Vec::new())),
                arms,
            );
            return self.dispatch_impl_with(d, &ctx, &call, body);
        };
        self.dispatch_impl_with(d, &ctx, &call, body);
    }

    /// The `Dispatch` impl around `call`'s body.
    fn dispatch_impl_with(&self, d: &mut Doc, ctx: &str, call: &str, body: E) {
        let rt = &self.rt;
        let param = self.model.rust_dispatcher_generic.as_str();
        let body = [S::Value(E::Call(
            "::std::boxed::Box::pin",
            vec![E::AsyncMove(Box::new(body))],
        ))];
        let schema_ty = format!("&'static {rt}::schema::Schema");
        let schema_ref = format!("&{}", names::SCHEMA);
        let schema_body = [S::Value(E::Word(&schema_ref))];
        let dispatch = format!("{rt}::Dispatch");
        let box_future = format!("{rt}::BoxFuture");
        let encoded = format!("{rt}::Encoded");
        let context = format!("{param}::Context");
        attr_list(d, "allow", &["clippy::type_complexity"], false);
        self.item_impl(
            d,
            Some(Param(param, Some(Ty::Word(names::API_TRAIT)))),
            Some(Ty::Word(&dispatch)),
            generic(names::DISPATCHER, vec![Ty::Word(param)]),
            |d| {
                // prettyplease's `impl_item_type`.
                d.cbox(INDENT);
                d.word("type Context = ");
                d.neverbreak();
                d.ibox(-INDENT);
                d.word(&context);
                d.end();
                d.word(";");
                d.end();
                d.hardbreak();
                self.impl_fn(
                    d,
                    &[],
                    false,
                    |d| {
                        self.signature(
                            d,
                            "schema",
                            None,
                            &[("&self", None)],
                            Some(Ty::Word(&schema_ty)),
                        )
                    },
                    &schema_body,
                );
                self.impl_fn(
                    d,
                    &[],
                    false,
                    |d| {
                        let ret = generic(
                            &box_future,
                            vec![
                                Ty::Word("'a"),
                                result_of(Ty::Word(&encoded), Ty::Word(&self.error)),
                            ],
                        );
                        self.signature(
                            d,
                            "call",
                            Some(Param("'a", None)),
                            &[("&'a self", None), (ctx, None), (call, None)],
                            Some(ret),
                        )
                    },
                    &body,
                );
            },
        );
    }

    fn schema(&self, d: &mut Doc) {
        let m = self.model;
        doc_line(
            d,
            " The API's functions and types as data: what the runtime needs to decode",
        );
        doc_line(d, " parameters with Go's rules and to serve `_docs`.");
        // prettyplease's `item_static`, with a block expression (`small_block`).
        d.cbox(0);
        d.word("pub static ");
        d.word(names::SCHEMA);
        d.word(": ");
        d.word(&self.rt);
        d.word("::schema::Schema = ");
        d.neverbreak();
        d.cbox(INDENT);
        d.word("{");
        d.space();
        // `use RT::schema::{...};` (prettyplease's `item_use` and `use_group`).
        let imports = self.schema_imports();
        d.word("use ");
        d.word(&self.rt);
        d.word("::schema::");
        if let [single] = imports.as_slice() {
            d.word(single);
        } else {
            d.cbox(INDENT);
            d.word("{");
            d.zerobreak();
            d.ibox(0);
            for (i, name) in imports.iter().enumerate() {
                d.word(name);
                if i + 1 < imports.len() {
                    d.word(",");
                    d.space();
                }
            }
            d.end();
            d.trailing_comma(true);
            d.offset(-INDENT);
            d.word("}");
            d.end();
        }
        d.word(";");
        d.hardbreak();

        let mut by_name: Vec<usize> = (0..m.functions.len()).collect();
        by_name.sort_by(|&a, &b| m.functions[a].name.cmp(&m.functions[b].name));
        // The struct literal as a statement.
        d.ibox(0);
        struct_lit_begin(d, "Schema");
        struct_lit_field(d, "name", false, |d| d.word(&lit(&m.name)));
        struct_lit_field(d, "functions", false, |d| {
            ref_array(d, &m.functions, function_def)
        });
        struct_lit_field(d, "functions_by_name", false, |d| {
            ref_int_array(d, &by_name)
        });
        struct_lit_field(d, "types", false, |d| {
            ref_array(d, &m.types, named_type_def)
        });
        struct_lit_field(d, "docs_json", true, |d| d.word(&lit(&m.docs_json)));
        struct_lit_end(d);
        d.end();
        d.hardbreak();
        d.offset(-INDENT);
        d.word("}");
        d.end();
        d.word(";");
        d.end();
        d.hardbreak();
    }

    /// The `schema` items the `SCHEMA` initializer names (importing unused ones would
    /// warn).
    fn schema_imports(&self) -> Vec<&'static str> {
        let m = self.model;
        let any_args = m
            .functions
            .iter()
            .any(|f| !f.params.is_empty() || !f.returns.is_empty());
        let any_fields = m
            .types
            .iter()
            .any(|t| matches!(&t.kind, TypeKind::Struct { fields } if !fields.is_empty()));
        let used = [
            ("ArgDef", any_args),
            ("FieldDef", any_fields),
            ("FunctionDef", !m.functions.is_empty()),
            ("NamedType", !m.types.is_empty()),
            ("Schema", true),
            ("Type", any_args || any_fields),
        ];
        used.into_iter()
            .filter(|(_, used)| *used)
            .map(|(name, _)| name)
            .collect()
    }

    fn function_list(&self, d: &mut Doc) {
        doc_line(d, " The wire names of all functions, in document order.");
        // prettyplease's `item_const`.
        d.cbox(0);
        d.word("pub const ");
        d.word(names::FUNCTIONS);
        d.word(": &[&str] = ");
        d.neverbreak();
        ref_array(d, &self.model.functions, |d, f| d.word(&lit(&f.name)));
        d.word(";");
        d.end();
        d.hardbreak();
    }
}

/// The statements of one function's arm in `Dispatcher::call`; `indexes` are the
/// parameter positions as text.
fn dispatch_arm<'a>(f: &'a Function, indexes: &'a [String]) -> Vec<S<'a>> {
    let mut stmts: Vec<S> = f
        .params
        .iter()
        .zip(indexes)
        .map(|(p, index)| {
            S::Let(
                &p.rust_local_name,
                Some(Ty::Schema(&p.ty, false)),
                E::Try(Box::new(method(
                    E::Word("call"),
                    "param",
                    vec![E::Word(index)],
                ))),
            )
        })
        .collect();
    let mut args = vec![E::Word("ctx")];
    args.extend(f.params.iter().map(|p| E::Word(&p.rust_local_name)));
    let invoke = E::Try(Box::new(E::Await(Box::new(method(
        E::Field(Box::new(E::Word("self")), "0"),
        &f.rust_name,
        args,
    )))));
    // `let result = ()` would trip clippy's `let_unit_value`.
    if f.returns.is_empty() {
        stmts.push(S::Semi(invoke));
        stmts.push(S::Value(method(
            E::Word("call"),
            "result",
            vec![E::Word("&()")],
        )));
    } else {
        stmts.push(S::Let("result", None, invoke));
        stmts.push(S::Value(method(
            E::Word("call"),
            "result",
            vec![E::Word("&result")],
        )));
    }
    stmts
}

/// `pub struct Name(pub inner);` with the newtype derives.
fn newtype_struct(d: &mut Doc, t: &NamedType, copy: bool, inner: &str) {
    doc_comments(d, &t.docs);
    name_allows(d, &t.rust_name, &[], Vec::new());
    let mut derives = vec!["Debug", "Clone"];
    if copy {
        derives.push("Copy");
    }
    derives.extend([
        "PartialEq",
        "Eq",
        "PartialOrd",
        "Ord",
        "Hash",
        "Default",
        "::serde::Serialize",
        "::serde::Deserialize",
    ]);
    attr_list(d, "derive", &derives, false);
    attr_list(d, "serde", &["transparent"], false);
    // prettyplease's `item_struct` with unnamed fields.
    d.cbox(INDENT);
    d.word("pub struct ");
    d.word(&t.rust_name);
    d.word("(");
    d.zerobreak();
    d.word("pub ");
    d.word(inner);
    d.trailing_comma(true);
    d.offset(-INDENT);
    d.word(");");
    d.end();
    d.hardbreak();
}

/// A `FunctionDef` literal (inside the `SCHEMA` block, where the schema types are
/// imported).
fn function_def(d: &mut Doc, f: &Function) {
    struct_lit_begin(d, "FunctionDef");
    struct_lit_field(d, "name", false, |d| d.word(&lit(&f.name)));
    struct_lit_field(d, "params", false, |d| {
        ref_array(d, &f.params, |d, p| arg_def(d, &p.name, &p.ty))
    });
    struct_lit_field(d, "returns", true, |d| {
        ref_array(d, &f.returns, |d, r| arg_def(d, &r.name, &r.ty))
    });
    struct_lit_end(d);
}

/// An `ArgDef` (or `FieldDef`) literal.
fn arg_def(d: &mut Doc, name: &str, ty: &TypeRef) {
    def(d, "ArgDef", name, ty);
}

fn def(d: &mut Doc, path: &str, name: &str, ty: &TypeRef) {
    struct_lit_begin(d, path);
    struct_lit_field(d, "name", false, |d| d.word(&lit(name)));
    struct_lit_field(d, "ty", true, |d| schema_type(d, ty));
    struct_lit_end(d);
}

/// A `NamedType` literal.
fn named_type_def(d: &mut Doc, t: &NamedType) {
    let path = match &t.kind {
        TypeKind::Struct { .. } => "NamedType::Struct",
        TypeKind::Strings { .. } => "NamedType::Strings",
        TypeKind::Ints { .. } => "NamedType::Ints",
    };
    struct_lit_begin(d, path);
    struct_lit_field(d, "name", false, |d| d.word(&lit(&t.name)));
    match &t.kind {
        TypeKind::Struct { fields } => struct_lit_field(d, "fields", true, |d| {
            ref_array(d, fields, |d, f| def(d, "FieldDef", &f.name, &f.ty))
        }),
        TypeKind::Strings { values } => {
            let values = values.as_deref().unwrap_or_default();
            struct_lit_field(d, "values", true, |d| {
                ref_array(d, values, |d, v| d.word(&lit(&v.value)))
            })
        }
        TypeKind::Ints { values } => {
            let values: Vec<i64> = values.iter().flatten().map(|v| v.value).collect();
            struct_lit_field(d, "values", true, |d| {
                // prettyplease fills arrays of integer literals; a negative number is
                // an expression, and then every element gets its own line.
                if values.iter().all(|&v| v >= 0) {
                    ref_int_array(d, &values)
                } else {
                    ref_array(d, &values, |d, v| d.word(&v.to_string()))
                }
            })
        }
    }
    struct_lit_end(d);
}

/// Turns schema docs (Go comment text) into rustdoc lines, each with a leading space as
/// `///` comments have.
///
/// Go docs mark code and preformatted text by indenting it, which rustdoc would take as a
/// Rust doctest and try to compile, so indented runs (tab or four spaces) become fenced
/// ```` ```text ```` blocks, and fences without a language get `text`. Outside code,
/// `[`, `]`, `<` and `>` are escaped (they are not links or HTML in Go docs), and bare
/// URLs are wrapped in `<...>` so rustdoc links them instead of warning.
pub fn doc_lines(docs: &str) -> Vec<String> {
    let normalized = docs.replace("\r\n", "\n").replace('\r', "\n");
    let lines: Vec<&str> = normalized.lines().map(str::trim_end).collect();
    let Some(last) = lines.iter().rposition(|l| !l.is_empty()) else {
        return Vec::new();
    };
    let first = lines.iter().position(|l| !l.is_empty()).unwrap_or(0);
    let lines = &lines[first..=last];

    let mut out = Vec::with_capacity(lines.len() + 2);
    // The closing marker of an open fence written in the docs themselves.
    let mut user_fence: Option<String> = None;
    let mut in_indented = false;
    // Inside a list item: the indentation its continuation lines need, which Go docs
    // leave out and markdown (and clippy's `doc_lazy_continuation`) wants.
    let mut list_indent: Option<usize> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(marker) = &user_fence {
            if line.trim_start().starts_with(marker.as_str()) {
                user_fence = None;
            }
            out.push(with_space(&detab(line)));
            continue;
        }
        if let Some(stripped) = strip_indent(line) {
            if !in_indented {
                out.push(" ```text".to_string());
                in_indented = true;
                list_indent = None;
            }
            out.push(with_space(&detab(stripped)));
            continue;
        }
        if line.is_empty() && in_indented {
            // A blank line inside an indented run stays in the block if the run goes on.
            let continues = lines[i + 1..]
                .iter()
                .find(|l| !l.is_empty())
                .is_some_and(|l| strip_indent(l).is_some());
            if continues {
                out.push(String::new());
                continue;
            }
        }
        if in_indented {
            out.push(" ```".to_string());
            in_indented = false;
        }
        if line.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        let trimmed = line.trim_start();
        if let Some(marker) = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m)) {
            list_indent = None;
            let run = trimmed
                .chars()
                .take_while(|&c| marker.starts_with(c))
                .count();
            let fence: String = trimmed.chars().take(run).collect();
            let info = trimmed[fence.len()..].trim();
            user_fence = Some(fence.clone());
            if info.is_empty() {
                out.push(format!(" {fence}text"));
            } else {
                out.push(with_space(line));
            }
            continue;
        }
        let line = detab(line);
        let text = escape_markdown(&line);
        if let Some(width) = list_marker_width(&line) {
            list_indent = Some(width);
            out.push(with_space(&text));
        } else if let (Some(width), false) = (list_indent, line.starts_with(' ')) {
            out.push(with_space(&format!("{:width$}{text}", "")));
        } else {
            out.push(with_space(&text));
        }
    }
    if in_indented {
        out.push(" ```".to_string());
    }
    if let Some(marker) = user_fence {
        out.push(format!(" {marker}"));
    }
    out
}

/// The width of the list marker starting `line` (`- `, `* `, `+ `, `1. `, `1) `), if any.
fn list_marker_width(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let rest = &line[digits..];
    (digits > 0 && digits < 10 && (rest.starts_with(". ") || rest.starts_with(") ")))
        .then_some(digits + 2)
}

/// Tabs as four spaces: clippy's `tabs_in_doc_comments` rejects tabs.
fn detab(line: &str) -> String {
    line.replace('\t', "    ")
}

/// The line without one level of indentation, if it is indented.
fn strip_indent(line: &str) -> Option<&str> {
    line.strip_prefix('\t')
        .or_else(|| line.strip_prefix("    "))
}

fn with_space(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// Escapes markdown link and HTML syntax outside inline code, and wraps bare URLs.
fn escape_markdown(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while !rest.is_empty() {
        // Inline code spans are copied as they are.
        if rest.starts_with('`') {
            let ticks = rest.chars().take_while(|&c| c == '`').count();
            let delimiter = &rest[..ticks];
            if let Some(end) = rest[ticks..].find(delimiter) {
                let span = ticks + end + ticks;
                out.push_str(&rest[..span]);
                rest = &rest[span..];
                continue;
            }
            out.push_str(delimiter);
            rest = &rest[ticks..];
            continue;
        }
        if rest.starts_with("http://") || rest.starts_with("https://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':', ')', ']', '\'']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let mut chars = rest.chars();
        if let Some(c) = chars.next() {
            if matches!(c, '[' | ']' | '<' | '>') {
                out.push('\\');
            }
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_fence_indented_runs() {
        let docs = "Intro line.\n\n\tcode one\n\n\tcode two\nAfter [x] <y> http://example.org/a.\n    four spaces";
        assert_eq!(
            doc_lines(docs),
            [
                " Intro line.",
                "",
                " ```text",
                " code one",
                "",
                " code two",
                " ```",
                r" After \[x\] \<y\> <http://example.org/a>.",
                " ```text",
                " four spaces",
                " ```",
            ]
        );
    }

    #[test]
    fn docs_user_fences_and_code_spans() {
        let docs = "```\nfn main() {}\n```\nuse `a[0] <b>` here\n~~~go\nx := 1\n~~~";
        assert_eq!(
            doc_lines(docs),
            [
                " ```text",
                " fn main() {}",
                " ```",
                " use `a[0] <b>` here",
                " ~~~go",
                " x := 1",
                " ~~~",
            ]
        );
        assert!(doc_lines("  \n\n").is_empty());
        assert_eq!(doc_lines("unclosed ``` tick"), [" unclosed ``` tick"]);
    }

    #[test]
    fn runtime_paths() {
        for (input, want) in [
            ("::sherpa_runtime", "::sherpa_runtime"),
            (" :: a :: r#type ", "::a::r#type"),
            ("crate::rt", "crate::rt"),
            ("super::super::rt", "super::super::rt"),
            ("self::rt", "self::rt"),
        ] {
            assert_eq!(runtime_path(input).unwrap(), want, "{input}");
        }
        for input in [
            "",
            "::",
            "a::",
            "not a path",
            "a::<b>",
            "rt<u8>",
            "::crate::rt",
            "a::crate",
            "a::super",
            "type::x",
            "r#crate",
            "a::b;c",
        ] {
            assert!(runtime_path(input).is_err(), "{input}");
        }
    }
}

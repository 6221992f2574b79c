//! The API reference page: one self-contained HTML document (styles and script inline,
//! nothing fetched) with every section, function, struct and enum of an API.
//!
//! Every item has an anchor (`fn-NAME`, `type-NAME`, `type-NAME.FIELD`,
//! `section-INDEX`), every type in a signature or field links to its definition, and
//! each type lists what uses it. The docs are rendered from the schema's text (see
//! `text`). Without script the page is complete; the script adds the search box, which
//! filters the items and the table of contents as one types.

mod text;

use std::fmt::Write as _;

use crate::ir::{Api, Function, TypeKind, TypeRef, Value, ValueKind};

/// The page's styles: light and dark, a sidebar on wide screens, one column on phones.
const STYLE: &str = include_str!("page.css");
/// The page's script: the search box.
const SCRIPT: &str = include_str!("page.js");

/// Options for [`crate::generate_html`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlOptions {
    /// The URL path (or full URL) the API is served at, e.g. `/admin/api/`: each function
    /// then shows the request that calls it (`POST /admin/api/Name`). `None` shows the
    /// function name alone.
    pub base_url: Option<String>,
}

/// Ids of the page's elements: one place, so links and anchors agree.
fn function_id(name: &str) -> String {
    format!("fn-{name}")
}

fn type_id(name: &str) -> String {
    format!("type-{name}")
}

fn field_id(type_name: &str, field: &str) -> String {
    format!("type-{type_name}.{field}")
}

fn section_id(index: usize) -> String {
    format!("section-{index}")
}

/// What refers to a type directly: functions (by parameters or results) and struct
/// fields.
#[derive(Default)]
struct Uses {
    functions: Vec<usize>,
    fields: Vec<(usize, usize)>,
}

fn named_in(ty: &TypeRef, out: &mut Vec<usize>) {
    match ty {
        TypeRef::Basic(_) => {}
        TypeRef::Nullable(inner) | TypeRef::List(inner) | TypeRef::Map(inner) => {
            named_in(inner, out)
        }
        TypeRef::Named(i) => out.push(*i),
    }
}

fn uses(api: &Api) -> Vec<Uses> {
    let mut uses: Vec<Uses> = api.types.iter().map(|_| Uses::default()).collect();
    let mut named = Vec::new();
    for (fi, f) in api.functions.iter().enumerate() {
        named.clear();
        for ty in f
            .params
            .iter()
            .map(|p| &p.ty)
            .chain(f.returns.iter().map(|r| &r.ty))
        {
            named_in(ty, &mut named);
        }
        named.sort_unstable();
        named.dedup();
        for &t in &named {
            uses[t].functions.push(fi);
        }
    }
    for (ti, t) in api.types.iter().enumerate() {
        if let TypeKind::Struct(s) = &t.kind {
            for (fi, field) in s.fields.iter().enumerate() {
                named.clear();
                named_in(&field.ty, &mut named);
                named.sort_unstable();
                named.dedup();
                for &u in &named {
                    uses[u].fields.push((ti, fi));
                }
            }
        }
    }
    uses
}

/// Writes the page. Pure: the same model and options give the same bytes.
pub(crate) fn page(api: &Api, opts: &HtmlOptions) -> String {
    let mut p = Page {
        api,
        opts,
        out: String::with_capacity(64 * 1024 + api.functions.len() * 1024),
        uses: uses(api),
    };
    p.document();
    p.out
}

struct Page<'a> {
    api: &'a Api,
    opts: &'a HtmlOptions,
    out: String,
    uses: Vec<Uses>,
}

impl Page<'_> {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn text(&mut self, s: &str) {
        text::escape_into(&mut self.out, s);
    }

    /// The id a `[Name]` in docs refers to: a function or a type of the page.
    fn docs(&mut self, docs: &str) {
        let api = self.api;
        let link = |name: &str| {
            if api.type_index(name).is_some() {
                Some(type_id(name))
            } else if api.functions.iter().any(|f| f.name == name) {
                Some(function_id(name))
            } else {
                None
            }
        };
        let html = text::render(docs, &link);
        if !html.is_empty() {
            self.push("<div class=\"docs\">\n");
            self.push(&html);
            self.push("</div>\n");
        }
    }

    fn link(&mut self, id: &str, label: &str) {
        let _ = write!(self.out, "<a href=\"#{}\">", text::fragment(id));
        self.text(label);
        self.push("</a>");
    }

    fn anchor_heading(&mut self, level: u8, id: &str, label: &str, kind: &str) {
        let _ = write!(
            self.out,
            "<h{level}><a class=\"self\" href=\"#{}\">",
            text::fragment(id)
        );
        self.text(label);
        self.push("</a>");
        if !kind.is_empty() {
            let _ = write!(self.out, " <span class=\"kind\">{kind}</span>");
        }
        let _ = writeln!(self.out, "</h{level}>");
    }

    /// A type as sherpadoc writes it (`nullable`, `[]`, `{}`, then the name), with named
    /// types linked.
    fn type_ref(&mut self, ty: &TypeRef) {
        match ty {
            TypeRef::Basic(b) => {
                let _ = write!(self.out, "<span class=\"basic\">{}</span>", b.word());
            }
            TypeRef::Nullable(inner) => {
                self.push("<span class=\"op\">nullable</span> ");
                self.type_ref(inner);
            }
            TypeRef::List(inner) => {
                self.push("<span class=\"op\">[]</span>");
                self.type_ref(inner);
            }
            TypeRef::Map(inner) => {
                self.push("<span class=\"op\">{}</span>");
                self.type_ref(inner);
            }
            TypeRef::Named(i) => {
                let name = &self.api.types[*i].name;
                self.link(&type_id(name), name);
            }
        }
    }

    fn document(&mut self) {
        let api = self.api;
        let title = format!("{} API reference", api.name);
        self.push("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.push("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        self.push("<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
        self.text(&title);
        self.push("</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>\n");
        self.push(STYLE);
        self.push("</style>\n</head>\n<body>\n<header>\n<h1>");
        self.text(&title);
        self.push("</h1>\n");
        let _ = writeln!(
            self.out,
            "<p class=\"counts\">{} functions, {} types</p>",
            api.functions.len(),
            api.types.len()
        );
        self.push(
            "<div class=\"search\" hidden>\n<input id=\"filter\" type=\"search\" \
             placeholder=\"Search functions, types, fields\" aria-label=\"Search functions, types and fields\" \
             aria-controls=\"items\" autocomplete=\"off\">\n\
             <output id=\"matches\" for=\"filter\" aria-live=\"polite\"></output>\n</div>\n</header>\n",
        );
        self.push("<div class=\"layout\">\n");
        self.contents();
        self.push("<main id=\"items\">\n");
        for si in 0..api.sections.len() {
            self.section(si);
        }
        self.push("<p id=\"nothing\" hidden>Nothing matches the search.</p>\n");
        self.push("</main>\n</div>\n<script>\n");
        self.push(SCRIPT);
        self.push("</script>\n</body>\n</html>\n");
    }

    /// The table of contents: per section its functions and types.
    fn contents(&mut self) {
        let api = self.api;
        self.push("<nav aria-label=\"Contents\">\n<details id=\"toc\" open>\n<summary>Contents</summary>\n<ul>\n");
        for (si, s) in api.sections.iter().enumerate() {
            let _ = write!(self.out, "<li data-section=\"{si}\">");
            self.link(&section_id(si), &s.name);
            for (label, ids) in [
                (
                    "Functions",
                    s.functions
                        .clone()
                        .map(|i| (function_id(&api.functions[i].name), &api.functions[i].name))
                        .collect::<Vec<_>>(),
                ),
                (
                    "Types",
                    s.types
                        .clone()
                        .map(|i| (type_id(&api.types[i].name), &api.types[i].name))
                        .collect(),
                ),
            ] {
                if ids.is_empty() {
                    continue;
                }
                let _ = write!(self.out, "\n<p class=\"group\">{label}</p>\n<ul>\n");
                for (id, name) in ids {
                    let _ = write!(self.out, "<li data-for=\"{}\">", text::escape(&id));
                    self.link(&id, name);
                    self.push("</li>\n");
                }
                self.push("</ul>");
            }
            self.push("</li>\n");
        }
        self.push("</ul>\n</details>\n</nav>\n");
    }

    fn section(&mut self, si: usize) {
        let api = self.api;
        let s = &api.sections[si];
        let _ = writeln!(
            self.out,
            "<section id=\"{}\" data-section=\"{si}\">",
            section_id(si)
        );
        let kind = if si == 0 { "API" } else { "section" };
        self.anchor_heading(2, &section_id(si), &s.name, kind);
        if let Some(parent) = s.parent.filter(|&p| p != 0) {
            self.push("<p class=\"meta\">In ");
            self.link(&section_id(parent), &api.sections[parent].name);
            self.push("</p>\n");
        }
        self.docs(&s.docs);
        for fi in s.functions.clone() {
            self.function(&api.functions[fi]);
        }
        for ti in s.types.clone() {
            self.named_type(ti);
        }
        self.push("</section>\n");
    }

    fn function(&mut self, f: &Function) {
        let id = function_id(&f.name);
        let _ = writeln!(
            self.out,
            "<article class=\"item\" id=\"{}\" data-item>",
            text::escape(&id)
        );
        self.anchor_heading(3, &id, &f.name, "function");
        self.push("<pre class=\"sig\"><code>");
        self.text(&f.name);
        self.push("(");
        self.name_type_list(f.params.iter().map(|p| (p.name.as_str(), &p.ty)));
        self.push(")");
        match f.returns.as_slice() {
            [] => {}
            [r] if r.name.is_empty() => {
                self.push(" ");
                self.type_ref(&r.ty);
            }
            returns => {
                self.push(" (");
                self.name_type_list(returns.iter().map(|r| (r.name.as_str(), &r.ty)));
                self.push(")");
            }
        }
        self.push("</code></pre>\n");
        self.docs(&f.docs);
        self.wire(f);
        self.push("</article>\n");
    }

    /// Writes `name type, name type, …` for parameters or named results; an unnamed
    /// item shows only its type.
    fn name_type_list<'t>(&mut self, items: impl Iterator<Item = (&'t str, &'t TypeRef)>) {
        for (i, (name, ty)) in items.enumerate() {
            if i > 0 {
                self.push(", ");
            }
            if !name.is_empty() {
                let _ = write!(
                    self.out,
                    "<span class=\"name\">{}</span> ",
                    text::escape(name)
                );
            }
            self.type_ref(ty);
        }
    }

    /// How the function is called on the wire: the request and its answer.
    fn wire(&mut self, f: &Function) {
        let name_of = |name: &str, i: usize, what: &str| {
            if name.is_empty() {
                format!("{what}{i}")
            } else {
                name.to_string()
            }
        };
        let params: Vec<String> = f
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| name_of(&p.name, i, "param"))
            .collect();
        let result = match f.returns.as_slice() {
            [] => "null".to_string(),
            [r] => name_of(&r.name, 0, "result"),
            rs => format!(
                "[{}]",
                rs.iter()
                    .enumerate()
                    .map(|(i, r)| name_of(&r.name, i, "result"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        self.push("<p class=\"wire\">Call: <code>POST ");
        if let Some(base) = &self.opts.base_url {
            self.text(base);
        }
        self.text(&f.name);
        self.push("</code> with <code>");
        self.text(&format!("{{\"params\": [{}]}}", params.join(", ")));
        self.push("</code>, answered with <code>");
        self.text(&format!("{{\"result\": {result}}}"));
        self.push("</code>.</p>\n");
    }

    fn named_type(&mut self, ti: usize) {
        let api = self.api;
        let t = &api.types[ti];
        let id = type_id(&t.name);
        let kind = match &t.kind {
            TypeKind::Struct(_) => "struct",
            TypeKind::Enum(e) if e.kind == ValueKind::Int => "int enum",
            TypeKind::Enum(_) => "string enum",
        };
        let _ = writeln!(
            self.out,
            "<article class=\"item\" id=\"{}\" data-item>",
            text::escape(&id)
        );
        self.anchor_heading(3, &id, &t.name, kind);
        self.docs(&t.docs);
        match &t.kind {
            TypeKind::Struct(s) if s.fields.is_empty() => {
                self.push("<p class=\"meta\">An object without fields.</p>\n");
            }
            TypeKind::Struct(s) => {
                self.push("<dl class=\"members\">\n");
                for field in &s.fields {
                    let fid = field_id(&t.name, &field.name);
                    let _ = write!(
                        self.out,
                        "<dt id=\"{}\"><a class=\"self\" href=\"#{}\"><code>",
                        text::escape(&fid),
                        text::fragment(&fid)
                    );
                    self.text(&field.name);
                    self.push("</code></a> <code class=\"ty\">");
                    self.type_ref(&field.ty);
                    self.push("</code></dt>\n<dd>");
                    self.docs(&field.docs);
                    self.push("</dd>\n");
                }
                self.push("</dl>\n");
            }
            TypeKind::Enum(e) => match e.listed() {
                [] => {
                    let what = if e.kind == ValueKind::Int {
                        "integer"
                    } else {
                        "string"
                    };
                    let _ = writeln!(
                        self.out,
                        "<p class=\"meta\">Any {what}: no values are listed.</p>"
                    );
                }
                values => {
                    self.push("<dl class=\"members\">\n");
                    for v in values {
                        let shown = match &v.value {
                            Value::Int(i) => i.to_string(),
                            Value::String(s) => {
                                serde_json::to_string(s).unwrap_or_else(|_| s.clone())
                            }
                        };
                        self.push("<dt><code>");
                        self.text(&v.name);
                        self.push("</code> = <code class=\"value\">");
                        self.text(&shown);
                        self.push("</code></dt>\n<dd>");
                        self.docs(&v.docs);
                        self.push("</dd>\n");
                    }
                    self.push("</dl>\n");
                }
            },
        }
        self.used_by(ti);
        self.push("</article>\n");
    }

    fn used_by(&mut self, ti: usize) {
        let api = self.api;
        let uses = std::mem::take(&mut self.uses[ti]);
        if uses.functions.is_empty() && uses.fields.is_empty() {
            self.push("<p class=\"meta\">Not used by any function or field.</p>\n");
        } else {
            self.push("<p class=\"meta\">Used by ");
            let mut first = true;
            for &fi in &uses.functions {
                if !std::mem::take(&mut first) {
                    self.push(", ");
                }
                let name = &api.functions[fi].name;
                self.link(&function_id(name), name);
            }
            for &(owner, field) in &uses.fields {
                if !std::mem::take(&mut first) {
                    self.push(", ");
                }
                let owner = &api.types[owner];
                let TypeKind::Struct(s) = &owner.kind else {
                    continue;
                };
                let field = &s.fields[field].name;
                self.link(
                    &field_id(&owner.name, field),
                    &format!("{}.{field}", owner.name),
                );
            }
            self.push(".</p>\n");
        }
        self.uses[ti] = uses;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(json: &str) -> Api {
        crate::read(json).unwrap()
    }

    const SMALL: &str = r#"{"Name":"Shop","Docs":"The shop.\n\n- fast\n- cheap","Functions":[
        {"Name":"Buy","Docs":"Buy an [Item].","Params":[{"Name":"item","Typewords":["[]","nullable","Item"]},{"Name":"","Typewords":["int64"]}],
         "Returns":[{"Name":"","Typewords":["{}","Kind"]}]},
        {"Name":"Ping","Docs":"","Params":[],"Returns":[]},
        {"Name":"Two","Docs":"","Params":[],"Returns":[{"Name":"a","Typewords":["bool"]},{"Name":"b","Typewords":["Item"]}]}],
      "Sections":[{"Name":"Stock","Docs":"What is there.","Functions":[],"Sections":[],
        "Structs":[{"Name":"Shelf","Docs":"","Fields":[]}],"Ints":[{"Name":"Count","Docs":"","Values":null}],"Strings":[],
        "SherpaVersion":0,"SherpadocVersion":1}],
      "Structs":[{"Name":"Item","Docs":"A <thing>.","Fields":[{"Name":"Name","Docs":"Its name.","Typewords":["string"]},{"Name":"Kind","Docs":"","Typewords":["Kind"]}]}],
      "Ints":[],"Strings":[{"Name":"Kind","Docs":"","Values":[{"Name":"Big","Value":"big \"one\"","Docs":"Large."}]}],
      "SherpaVersion":0,"SherpadocVersion":1}"#;

    #[test]
    fn signatures_link_types_and_show_the_call() {
        let html = page(
            &api(SMALL),
            &HtmlOptions {
                base_url: Some("/shop/".into()),
            },
        );
        assert!(html.contains("<pre class=\"sig\"><code>Buy(<span class=\"name\">item</span> <span class=\"op\">[]</span><span class=\"op\">nullable</span> <a href=\"#type-Item\">Item</a>, <span class=\"basic\">int64</span>) <span class=\"op\">{}</span><a href=\"#type-Kind\">Kind</a></code></pre>"), "{html}");
        assert!(html.contains("Call: <code>POST /shop/Buy</code> with <code>{&quot;params&quot;: [item, param1]}</code>, answered with <code>{&quot;result&quot;: result0}</code>."), "{html}");
        assert!(html.contains("<code>POST /shop/Ping</code> with <code>{&quot;params&quot;: []}</code>, answered with <code>{&quot;result&quot;: null}</code>"));
        assert!(html.contains("Two() (<span class=\"name\">a</span> <span class=\"basic\">bool</span>, <span class=\"name\">b</span> <a href=\"#type-Item\">Item</a>)"));
        assert!(html.contains("{&quot;result&quot;: [a, b]}"));
        assert!(html.contains("<p>Buy an <a href=\"#type-Item\"><code>Item</code></a>.</p>"));
    }

    #[test]
    fn every_item_has_an_anchor_and_every_link_one_target() {
        let html = page(&api(SMALL), &HtmlOptions::default());
        for id in [
            "section-0",
            "section-1",
            "fn-Buy",
            "fn-Ping",
            "type-Item",
            "type-Item.Name",
            "type-Kind",
            "type-Shelf",
            "type-Count",
        ] {
            assert_eq!(html.matches(&format!(" id=\"{id}\"")).count(), 1, "{id}");
        }
        for href in html.split("href=\"#").skip(1) {
            let target = &href[..href.find('"').unwrap()];
            assert!(
                html.contains(&format!(" id=\"{target}\"")),
                "no anchor for #{target}"
            );
        }
        assert!(!html.contains("src="), "nothing is loaded from elsewhere");
    }

    #[test]
    fn types_show_members_uses_and_kinds() {
        let html = page(&api(SMALL), &HtmlOptions::default());
        assert!(html.contains("<span class=\"kind\">string enum</span>"));
        assert!(html.contains("<span class=\"kind\">int enum</span>"));
        assert!(html.contains("<dt><code>Big</code> = <code class=\"value\">&quot;big \\&quot;one\\&quot;&quot;</code></dt>"), "{html}");
        assert!(html.contains("<p>A &lt;thing&gt;.</p>"));
        assert!(html.contains("Used by <a href=\"#fn-Buy\">Buy</a>, <a href=\"#fn-Two\">Two</a>."));
        assert!(html.contains(
            "Used by <a href=\"#fn-Buy\">Buy</a>, <a href=\"#type-Item.Kind\">Item.Kind</a>."
        ));
        assert!(html.contains("An object without fields."));
        assert!(html.contains("Any integer: no values are listed."));
        assert!(html.contains("Not used by any function or field."));
        assert!(html.contains("<ul>\n<li>fast</li>\n<li>cheap</li>\n</ul>"));
        // The subsection is its own part of the page and of the contents.
        assert!(html.contains("<li data-section=\"1\"><a href=\"#section-1\">Stock</a>"));
        assert!(
            html.contains("<li data-for=\"type-Shelf\"><a href=\"#type-Shelf\">Shelf</a></li>")
        );
    }

    #[test]
    fn hostile_names_and_docs_stay_text() {
        let json = SMALL
            .replace("A <thing>.", "</script><script>alert(1)</script>")
            .replace(
                "\"Name\",\"Docs\":\"Its name.\"",
                "\"a b\\\"<i>\",\"Docs\":\"x\"",
            );
        let html = page(&api(&json), &HtmlOptions::default());
        assert_eq!(html.matches("<script>").count(), 1, "{html}");
        assert!(html.contains("id=\"type-Item.a b&quot;&lt;i&gt;\""));
        assert!(html.contains("href=\"#type-Item.a%20b%22%3Ci%3E\""));
    }

    #[test]
    fn the_admin_api_page_is_complete() {
        let json = include_str!("../../../api.json");
        let api = api(json);
        let html = page(&api, &HtmlOptions::default());
        assert_eq!(
            html.matches("<article class=\"item\"").count(),
            api.functions.len() + api.types.len()
        );
        assert!(html.contains("<title>Admin API reference</title>"));
    }
}

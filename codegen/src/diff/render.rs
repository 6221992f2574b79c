//! A [`Diff`] as text for people and as JSON for tools.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Change, Diff, Scope};

/// What the text and JSON forms include.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Which pairings count as breaking; reasons for the others are left out of the
    /// text.
    pub scope: Scope,
    /// Whether documentation-only changes are listed too.
    pub all: bool,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Both => "both",
            Scope::Clients => "clients",
            Scope::Servers => "servers",
        }
    }
}

impl Diff {
    fn shown<'a>(&'a self, opts: &TextOptions) -> impl Iterator<Item = &'a Change> {
        let all = opts.all;
        self.changes
            .iter()
            .filter(move |c| all || !c.is_docs_only())
    }

    /// The changes for people: one line per change (`breaking` or `compatible`, the
    /// path, what changed), a line per pairing it breaks with the reason, and a
    /// summary line.
    pub fn to_text(&self, opts: &TextOptions) -> String {
        let mut out = String::new();
        let (mut clients, mut servers, mut compatible, mut shown) = (0, 0, 0, 0);
        for c in self.shown(opts) {
            shown += 1;
            let class = if c.breaks(opts.scope) {
                "breaking"
            } else {
                "compatible"
            };
            let _ = writeln!(out, "{class:<10} {}: {}", c.path, c.summary);
            if opts.scope != Scope::Servers
                && let Some(why) = &c.breaks_clients
            {
                clients += 1;
                let _ = writeln!(out, "           breaks old clients: {why}");
            }
            if opts.scope != Scope::Clients
                && let Some(why) = &c.breaks_servers
            {
                servers += 1;
                let _ = writeln!(out, "           breaks old servers: {why}");
            }
            if !c.breaks(opts.scope) {
                compatible += 1;
            }
        }
        let hidden = self.changes.len() - shown;
        if self.changes.is_empty() {
            out.push_str("no changes\n");
            return out;
        }
        let mut parts = Vec::new();
        if opts.scope != Scope::Servers {
            parts.push(format!("{clients} {} old clients", breaks(clients)));
        }
        if opts.scope != Scope::Clients {
            parts.push(format!("{servers} {} old servers", breaks(servers)));
        }
        parts.push(format!("{compatible} compatible"));
        let _ = write!(
            out,
            "{shown} {}: {}",
            plural(shown, "change"),
            parts.join(", ")
        );
        if hidden > 0 {
            let _ = write!(
                out,
                "; {hidden} documentation {} not shown (--all lists them)",
                plural(hidden, "change")
            );
        }
        out.push('\n');
        out
    }

    /// The changes for tools, as one JSON object:
    /// `{"old", "new", "scope", "breaking", "changes": [{"path", "kind", "summary",
    /// "breaking", "breaks_clients", "breaks_servers"}]}`, where `breaking` follows the
    /// scope and each `breaks_*` is the reason or `null`.
    pub fn to_json(&self, opts: &TextOptions) -> String {
        let report = JsonReport {
            old: &self.old_name,
            new: &self.new_name,
            scope: opts.scope.as_str(),
            breaking: self.is_breaking(opts.scope),
            changes: self
                .shown(opts)
                .map(|c| JsonChange {
                    path: &c.path,
                    kind: c.kind.as_str(),
                    summary: &c.summary,
                    breaking: c.breaks(opts.scope),
                    breaks_clients: c.breaks_clients.as_deref(),
                    breaks_servers: c.breaks_servers.as_deref(),
                })
                .collect(),
        };
        // Plain strings, booleans and lists: serializing cannot fail.
        let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The `--json` form, with its keys in this order.
#[derive(Serialize)]
struct JsonReport<'a> {
    old: &'a str,
    new: &'a str,
    scope: &'static str,
    breaking: bool,
    changes: Vec<JsonChange<'a>>,
}

#[derive(Serialize)]
struct JsonChange<'a> {
    path: &'a str,
    kind: &'static str,
    summary: &'a str,
    breaking: bool,
    breaks_clients: Option<&'a str>,
    breaks_servers: Option<&'a str>,
}

fn breaks(n: usize) -> &'static str {
    if n == 1 { "breaks" } else { "break" }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

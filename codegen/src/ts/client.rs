//! The client part of the output: `defaultOptions`, `defaultBaseURL`, `verifyArg`,
//! `parse`, and the `Client` class with one async method per function. The fixed text
//! is in `templates/`, one file per output.

use crate::ir::Api;
use crate::ts::naming::TsNames;
use crate::ts::types::{expr, transform, typewords};
use crate::ts::{Out, TsError, TsOptions, jsdoc, names, ts_err};

/// `defaultOptions`, `defaultBaseURL`, `verifyArg` and `parse`.
pub(crate) fn helpers(out: &mut Out, opts: &TsOptions) {
    let b = |v: bool| if v { "true" } else { "false" };
    let default_options = format!(
        "{{ slicesNullable: {}, mapsNullable: {}, nullableOptional: {} }}",
        b(opts.slices_nullable),
        b(opts.maps_nullable),
        b(opts.nullable_optional)
    );
    out.ts.push_str(&format!(
        "let defaultOptions: ClientOptions = {default_options}\n\n"
    ));
    out.js
        .push_str(&format!("let defaultOptions = {default_options};\n\n"));

    let base = if opts.api.contains('/') {
        names::quote(&opts.api)
    } else {
        format!("sherpaDefaultBaseURL({})", names::quote(&opts.api))
    };
    let base_doc = "/** The base URL used when ClientOptions.baseURL is not set. */\n";
    out.ts.push_str(&format!(
        "{base_doc}export const defaultBaseURL: string = {base}\n\n"
    ));
    out.js
        .push_str(&format!("{}const defaultBaseURL = {base};\n\n", out.export));
    out.dts.push_str(&format!(
        "{base_doc}{}const defaultBaseURL: string;\n\n",
        out.decl
    ));
    out.js_exports.push("defaultBaseURL".to_string());

    out.template(
        include_str!("templates/verify_arg.doc"),
        include_str!("templates/verify_arg.ts"),
        include_str!("templates/verify_arg.js"),
        include_str!("templates/verify_arg.d.ts"),
    );
    out.template(
        include_str!("templates/parse.doc"),
        include_str!("templates/parse.ts"),
        include_str!("templates/parse.js"),
        include_str!("templates/parse.d.ts"),
    );
    out.js_exports.push("verifyArg".to_string());
    out.js_exports.push("parse".to_string());
}

/// The `Client` class.
pub(crate) fn class(
    out: &mut Out,
    api: &Api,
    names: &TsNames,
    opts: &TsOptions,
) -> Result<(), TsError> {
    out.template(
        include_str!("templates/client.doc"),
        include_str!("templates/client.ts"),
        include_str!("templates/client.js"),
        include_str!("templates/client.d.ts"),
    );
    out.js_exports.push("Client".to_string());
    for (i, f) in api.functions.iter().enumerate() {
        let method = names::method(&f.name);
        let params: Vec<_> = f.params.iter().map(|p| transform(&p.ty, opts)).collect();
        let returns: Vec<_> = f.returns.iter().map(|r| transform(&r.ty, opts)).collect();
        let ret = match returns.as_slice() {
            [] => "void".to_string(),
            [one] => expr(one, names),
            several => format!(
                "[{}]",
                several
                    .iter()
                    .map(|t| expr(t, names))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let words = |types: &[crate::ir::TypeRef]| {
            let tw: Vec<Vec<String>> = types.iter().map(|t| typewords(t, api)).collect();
            serde_json::to_string(&tw).map_err(|e| ts_err(&f.path, e.to_string()))
        };
        let (ptw, rtw) = (words(&params)?, words(&returns)?);
        let param_names = &names.params[i];
        let sig_ts = param_names
            .iter()
            .zip(&params)
            .map(|(n, t)| format!("{n}: {}", expr(t, names)))
            .collect::<Vec<_>>()
            .join(", ");
        let args = param_names.join(", ");
        let fname = names::quote(&f.name);
        let promise = names.promise;
        let call = format!(
            "sherpaCall(this.options.baseURL || defaultBaseURL, this.authState, {{ ...this.options }}, types, intsTypes, {ptw}, {rtw}, {fname}, [{args}])"
        );
        out.ts.push('\n');
        jsdoc(&mut out.ts, "\t", &f.docs);
        out.ts.push_str(&format!(
            "\tasync {method}({sig_ts}): {promise}<{ret}> {{\n\t\treturn await {call} as {ret}\n\t}}\n"
        ));
        out.js.push('\n');
        out.js.push_str(&format!(
            "\tasync {method}({args}) {{\n\t\treturn await {call};\n\t}}\n"
        ));
        jsdoc(&mut out.dts, "\t", &f.docs);
        out.dts
            .push_str(&format!("\t{method}({sig_ts}): {promise}<{ret}>;\n"));
    }
    out.all("}\n\n");
    Ok(())
}

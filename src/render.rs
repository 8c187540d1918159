//! Self-contained HTML made by the core: the filled form as the print view
//! (A4, the notice's table, blanks for signature and stamp) and the check
//! report. The app shows the same form HTML; the bundle carries both files.

use crate::Lang;
use crate::check::{Report, verdict_text};
use crate::form::FormValues;
use crate::profile::Profile;

/// Escape text for HTML.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            '\n' => o.push_str("<br>"),
            c => o.push(c),
        }
    }
    o
}

/// A field's value as shown: option labels, not ids.
pub fn shown_value(p: &Profile, id: &str, values: &FormValues) -> String {
    let Some(f) = p.fields.iter().find(|f| f.id == id) else {
        return String::new();
    };
    let Some(v) = values.get(id) else {
        return String::new();
    };
    let label = |x: &str| {
        f.options
            .iter()
            .find(|o| o.id == x)
            .map(|o| o.label.clone())
            .unwrap_or_else(|| x.to_string())
    };
    match v {
        crate::form::Value::Text(t) => label(t),
        crate::form::Value::List(l) => l.iter().map(|x| label(x)).collect::<Vec<_>>().join("、"),
    }
}

pub const PRINT_CSS: &str = "@page{size:A4;margin:18mm 16mm}body{font-family:\"SimSun\",\"Songti SC\",\"Noto Serif CJK SC\",serif;color:#000;margin:0}\
.pf-title{text-align:center;font-size:18pt;margin:0 0 12pt}.pf-table{width:100%;border-collapse:collapse;font-size:11pt}\
.pf-table th,.pf-table td{border:1px solid #000;padding:6pt 8pt;vertical-align:top;text-align:left}.pf-table th{width:28%;font-weight:normal}\
.pf-sign p{margin:14pt 0}.pf-doc{break-before:page;page-break-before:always}.pf-text{line-height:1.9;text-indent:2em;margin:14pt 0}.pf-lines{text-align:right;line-height:2.2}.pf-foot{font-size:9pt;color:#444;margin-top:18pt}";

/// The filled form's body (no `<html>`): a table of label and value, then
/// the signature and stamp lines of the slots that apply.
pub fn form_body(
    p: &Profile,
    values: &FormValues,
    category: Option<&str>,
    channel: Option<&str>,
) -> String {
    let values = &crate::form::effective(p, values, category, channel);
    let mut s = format!(
        "<h1 class=\"pf-title\">{}</h1><table class=\"pf-table\"><tbody>",
        esc(p.form_name(channel))
    );
    for f in p
        .fields
        .iter()
        .filter(|f| !f.document_only && Profile::applies(&f.when, category, channel))
    {
        s.push_str(&format!(
            "<tr><th>{}</th><td>{}</td></tr>",
            esc(&f.label),
            esc(&shown_value(p, &f.id, values))
        ));
    }
    for g in p
        .pledges
        .iter()
        .filter(|g| Profile::applies(&g.when, category, channel))
    {
        s.push_str(&format!(
            "<tr><th>{}</th><td><p>{}</p><p class=\"pf-lines\">{}</p></td></tr>",
            esc(&g.heading),
            esc(&fill_blanks(p, &g.text, &g.fills, values)),
            esc(&g.sign)
        ));
    }
    s.push_str("</tbody></table>");
    // Lines to sign and stamp only where the notice asks for a signature or
    // a stamp on something this channel hands in.
    let signed: Vec<_> = p
        .attachments
        .iter()
        .filter(|a| Profile::applies(&a.when, category, channel) && !a.signatures.is_empty())
        .collect();
    if !signed.is_empty() {
        s.push_str("<div class=\"pf-sign\">");
        for a in signed {
            s.push_str(&format!("<p>{}：{}</p>", esc(&a.label), esc(&a.signatures)));
        }
        s.push_str("<p>签字：________________　　盖章：　　　　　　　　年　　月　　日</p></div>");
    }
    s.push_str(&format!(
        "<p class=\"pf-foot\">{} · {}</p>",
        esc(&p.issuer),
        esc(&p.notice)
    ));
    for d in p
        .documents
        .iter()
        .filter(|d| Profile::applies(&d.when, category, channel))
    {
        s.push_str(&document_body(p, d, values));
    }
    s
}

/// The text with its 「_____」 blanks (three or more `_`) filled, in order,
/// by `fills` where the form holds a value; the others stay blanks.
fn fill_blanks(p: &Profile, text: &str, fills: &[String], values: &FormValues) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut i = 0;
    while let Some(at) = rest.find("___") {
        let run = rest[at..].chars().take_while(|c| *c == '_').count();
        out.push_str(&rest[..at]);
        let blank = &rest[at..at + run];
        let value = fills.get(i).and_then(|ids| {
            ids.split('|')
                .map(|id| shown_value(p, id, values))
                .find(|v| !v.trim().is_empty())
        });
        out.push_str(value.as_deref().unwrap_or(blank));
        rest = &rest[at + run..];
        i += 1;
    }
    out.push_str(rest);
    out
}

/// A document to sign (承诺书) on a page of its own: its title, the fields
/// it asks for filled in, its text verbatim, and the lines to sign.
fn document_body(p: &Profile, d: &crate::profile::Document, values: &FormValues) -> String {
    let mut s = format!(
        "<section class=\"pf-doc\" data-document=\"{}\"><h1 class=\"pf-title\">{}</h1>",
        esc(&d.id),
        esc(&d.title)
    );
    if !d.fields.is_empty() {
        s.push_str("<table class=\"pf-table\"><tbody>");
        for id in &d.fields {
            let label = p
                .fields
                .iter()
                .find(|f| &f.id == id)
                .map_or(id.as_str(), |f| f.label.as_str());
            s.push_str(&format!(
                "<tr><th>{}</th><td>{}</td></tr>",
                esc(label),
                esc(&shown_value(p, id, values))
            ));
        }
        s.push_str("</tbody></table>");
    }
    s.push_str(&format!(
        "<p class=\"pf-text\">{}</p>",
        esc(&fill_blanks(p, &d.text, &d.fills, values))
    ));
    if !d.sign.is_empty() {
        s.push_str(&format!("<p class=\"pf-lines\">{}</p>", esc(&d.sign)));
    }
    s.push_str("</section>");
    s
}

/// The filled form as a standalone, printable HTML page.
pub fn form_html(
    p: &Profile,
    values: &FormValues,
    category: Option<&str>,
    channel: Option<&str>,
) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>{PRINT_CSS}</style></head><body>{}</body></html>",
        esc(p.form_name(channel)),
        form_body(p, values, category, channel)
    )
}

/// The check report as a standalone, printable HTML page, in both languages.
pub fn report_html(p: &Profile, r: &Report, file: &str) -> String {
    let mut s = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>预检报告 {}</title><style>\
body{{font-family:sans-serif;max-width:900px;margin:1em auto;padding:0 1em;color:#1d2330}}table{{border-collapse:collapse;width:100%}}\
td,th{{border:1px solid #ccc;padding:4px 6px;vertical-align:top;font-size:10pt}}.pass{{color:#1a7f37}}.warn{{color:#9a6700}}.fail{{color:#c62828}}.manual,.unknown{{color:#3559a8}}\
</style></head><body><h1>视频投稿预检报告 / Preflight report</h1><p>{} — {}</p><p>{}：<strong class=\"{}\">{} / {}</strong></p>\
<table><thead><tr><th>规则 rule</th><th>结果 status</th><th>实测 measured</th><th>要求 expected</th><th>说明 message</th><th>通知原文 notice</th></tr></thead><tbody>",
        esc(file),
        esc(&p.name),
        esc(file),
        "结论 verdict",
        r.verdict.as_str(),
        verdict_text(r.verdict, Lang::Zh),
        verdict_text(r.verdict, Lang::En)
    );
    for rule in &r.rules {
        let st = rule.status.as_str();
        s.push_str(&format!(
            "<tr><td>{}</td><td class=\"{st}\">{st}</td><td>{}</td><td>{}</td><td>{}<br>{}{}</td><td>{}</td></tr>",
            esc(&rule.id),
            esc(&rule.measured),
            esc(&rule.expected),
            esc(&rule.message_zh),
            esc(&rule.message_en),
            if rule.fix_zh.is_empty() { String::new() } else { format!("<br>→ {}", esc(&rule.fix_zh)) },
            esc(&rule.source)
        ));
    }
    s.push_str("</tbody></table>");
    let notes: Vec<_> = p
        .notes
        .iter()
        .filter(|n| Profile::applies(&n.when, r.category.as_deref(), r.channel.as_deref()))
        .collect();
    if !notes.is_empty() {
        s.push_str("<h2>须知 / Notes</h2><ul>");
        for n in notes {
            s.push_str(&format!(
                "<li>{}<br>{} <small>「{}」</small></li>",
                esc(&n.text),
                esc(&n.text_en),
                esc(&n.quote)
            ));
        }
        s.push_str("</ul>");
    }
    s.push_str("</body></html>");
    s
}

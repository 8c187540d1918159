//! The printed forms as each notice titles them, per category and channel:
//! the form's title, its rows, the pledges and lines to sign only where the
//! notice asks, and the documents to sign on pages of their own. Snapshots
//! of the whole HTML, with every field filled by its own id.

use preflight::form::{FormValues, Value};
use preflight::profile;
use preflight::render;

fn choices(list: &[profile::Choice]) -> Vec<Option<&str>> {
    if list.is_empty() {
        vec![None]
    } else {
        list.iter().map(|c| Some(c.id.as_str())).collect()
    }
}

#[test]
fn every_printed_form_per_category_and_channel() {
    for p in profile::builtins() {
        let mut values = FormValues::new();
        for f in &p.fields {
            values.insert(f.id.clone(), Value::Text(format!("〔{}〕", f.id)));
        }
        for cat in choices(&p.categories) {
            for chan in choices(&p.channels) {
                let html = render::form_html(&p, &values, cat, chan);
                assert!(
                    html.contains(&format!(
                        "<h1 class=\"pf-title\">{}</h1>",
                        p.form_name(chan)
                    )),
                    "{}: the form's title for {chan:?}",
                    p.id
                );
                let name = format!(
                    "{}_{}_{}",
                    p.id,
                    cat.unwrap_or("all"),
                    chan.unwrap_or("all")
                );
                // One row or block a line, so a change reads as a diff.
                let readable = html
                    .replace("<tr>", "\n<tr>")
                    .replace("<section", "\n<section")
                    .replace("<p", "\n<p");
                insta::assert_snapshot!(name, readable);
            }
        }
    }
}

/// A field that only a document to sign asks for (四川 附件3/4's 承诺人,
/// 身份证号码, 统一社会信用代码) is printed on that document's page, not as a
/// row of 附件1/附件2; a field both ask for (作品名称) is printed on both.
#[test]
fn fields_of_a_document_print_only_on_it() {
    for p in profile::builtins() {
        let mut values = FormValues::new();
        for f in &p.fields {
            values.insert(f.id.clone(), Value::Text(format!("〔{}〕", f.id)));
        }
        for cat in choices(&p.categories) {
            for chan in choices(&p.channels) {
                let html = render::form_html(&p, &values, cat, chan);
                let (form, docs) = html.split_at(html.find("<section").unwrap_or(html.len()));
                for d in p
                    .documents
                    .iter()
                    .filter(|d| profile::Profile::applies(&d.when, cat, chan))
                {
                    for id in &d.fields {
                        let mark = format!("〔{id}〕");
                        assert!(docs.contains(&mark), "{}: {id} on {}", p.id, d.id);
                    }
                }
                for f in p.fields.iter().filter(|f| f.document_only) {
                    assert!(
                        !form.contains(&format!("〔{}〕", f.id)),
                        "{} {cat:?} {chan:?}: {} is document_only, yet printed as a row",
                        p.id,
                        f.id
                    );
                }
                if p.id == "sichuan-kepu-2024" {
                    for id in ["pledger", "pledger_kind", "pledger_id_card", "pledger_uscc"] {
                        assert!(
                            !form.contains(&format!("〔{id}〕")),
                            "{} {cat:?} {chan:?}: {id} is asked only by the 承诺书, yet printed as a row of {}",
                            p.id,
                            p.form_name(chan)
                        );
                    }
                }
            }
        }
    }
}

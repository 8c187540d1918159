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

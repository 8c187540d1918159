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

/// The blanks of a printed text that the form already answers are filled
/// in (四川's 推荐单位意见 「经审查，_____作者/单位的_____微视频…」, the
/// 承诺书's 「本人/单位_____（身份证号码/统一社会信用代码_____）…《_____》」);
/// a blank the form leaves empty stays a blank to write in by hand.
#[test]
fn blanks_the_form_answers_are_filled_in() {
    let p = profile::builtin("sichuan-kepu-2024").unwrap();
    let mut values = FormValues::new();
    for (k, v) in [
        ("authors", "张三、李四"),
        ("title", "水的旅行"),
        ("pledger", "张三"),
        ("pledger_kind", "person"),
        ("pledger_id_card", "11010519491231002X"),
    ] {
        values.insert(k.into(), Value::Text(v.into()));
    }
    let html = render::form_html(&p, &values, Some("kepu"), Some("recommend"));
    assert!(
        html.contains("经审查，张三、李四作者/单位的水的旅行微视频内容"),
        "推荐单位意见 not filled: {html}"
    );
    assert!(
        html.contains("本人/单位张三（身份证号码/统一社会信用代码11010519491231002X）"),
        "承诺书 not filled: {html}"
    );
    assert!(html.contains("名称为《水的旅行》"), "{html}");
    let empty = render::form_html(&p, &FormValues::new(), Some("kepu"), Some("recommend"));
    assert!(
        empty.contains("经审查，_____作者/单位的_____微视频"),
        "{empty}"
    );
    // What the user typed is escaped where it fills a blank too.
    values.insert("title".into(), Value::Text("<b>水</b>".into()));
    let html = render::form_html(&p, &values, Some("kepu"), Some("recommend"));
    assert!(
        !html.contains("<b>水</b>") && html.contains("&lt;b&gt;水"),
        "{html}"
    );
}

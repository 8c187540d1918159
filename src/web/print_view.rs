//! The print view: the form as an A4 table with the user's values in place,
//! the signature and stamp lines left blank, shown only when printing.

use std::rc::Rc;

use yew::prelude::*;

use super::state::Saved;
use crate::profile::Profile;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub profile: Rc<Profile>,
    pub saved: Saved,
}

#[function_component(PrintView)]
pub fn print_view(p: &Props) -> Html {
    let values = p.saved.form();
    let cat = p.saved.category.as_deref();
    let chan = p.saved.channel.as_deref();
    let prof = &p.profile;
    let signs: Vec<String> = prof
        .attachments
        .iter()
        .filter(|a| Profile::applies(&a.when, cat, chan) && !a.signatures.is_empty())
        .map(|a| format!("{}：{}", a.label, a.signatures))
        .collect();
    html! {
        <section class="print-only" id="print-view" aria-hidden="true">
            <h1 class="print-title">{prof.bundle.form_name.clone()}</h1>
            <table class="print-table">
                <tbody>
                    { for prof.fields.iter().filter(|f| Profile::applies(&f.when, cat, chan)).map(|f| {
                        let v = values.get(&f.id).map(|v| {
                            let t = v.text();
                            // Show option labels, not ids.
                            f.options.iter().fold(t, |acc, o| if acc == o.id { o.label.clone() } else { acc.replace(&o.id, &o.label) })
                        }).unwrap_or_default();
                        html! { <tr><th>{f.label.clone()}</th><td>{v}</td></tr> }
                    }) }
                </tbody>
            </table>
            <div class="sign">
                { for signs.iter().map(|s| html! { <p>{s.clone()}</p> }) }
                <p>{"签字：________________　　盖章：　　　　　　　　年　　月　　日"}</p>
            </div>
            <p class="print-foot">{format!("{} · {}", prof.issuer, prof.notice)}</p>
        </section>
    }
}

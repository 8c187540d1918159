//! The print view: the same filled-form HTML the bundle carries (made by the
//! core's `render::form_body`), shown only when printing.

use yew::prelude::*;

use super::state::Saved;
use crate::profile::Profile;
use crate::render;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub profile: super::Shared<Profile>,
    pub saved: Saved,
}

#[function_component(PrintView)]
pub fn print_view(p: &Props) -> Html {
    let body = render::form_body(
        &p.profile,
        &p.saved.form(),
        p.saved.category.as_deref(),
        p.saved.channel.as_deref(),
    );
    // `form_body` escapes every value the user typed.
    html! {
        <section class="print-only" id="print-view" aria-hidden="true">
            { Html::from_html_unchecked(AttrValue::from(body)) }
        </section>
    }
}

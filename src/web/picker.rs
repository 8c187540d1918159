//! Choose the contest, then its category and channel.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::state::{Action, Saved, State};
use super::tr;
use crate::profile::{self, Choice, Profile};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub profile: super::Shared<Profile>,
    pub saved: Saved,
    pub dispatch: UseReducerDispatcher<State>,
    /// The host fixed the contest: show it, offer no other.
    #[prop_or_default]
    pub locked: bool,
    /// Switch to a contest; false when the user declined (the list then
    /// shows the current contest again).
    pub on_profile: Callback<String, bool>,
}

fn choices(
    name: &str,
    list: &[Choice],
    chosen: &Option<String>,
    zh: bool,
    on: Callback<String>,
) -> Html {
    html! {
        <div class="choices" role="radiogroup" id={format!("{name}-choices")}>
            { for list.iter().map(|c| {
                let id = c.id.clone();
                let on = on.clone();
                html! {
                    <label class="choice" title={c.quote.clone()}>
                        <input type="radio" name={name.to_string()} value={c.id.clone()} checked={chosen.as_deref() == Some(c.id.as_str())}
                            onchange={Callback::from(move |_| on.emit(id.clone()))} />
                        <span>{ if zh { c.label.clone() } else { c.label_en.clone() } }</span>
                    </label>
                }
            }) }
        </div>
    }
}

#[function_component(Picker)]
pub fn picker(p: &Props) -> Html {
    let lang = p.saved.lang;
    let zh = lang == crate::Lang::Zh;
    let prof = &p.profile;
    let on_profile = {
        let (on, current) = (p.on_profile.clone(), prof.id.clone());
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if !on.emit(s.value()) {
                s.set_value(&current);
            }
        })
    };
    let all = &profile::BUILTIN_INDEX;
    html! {
        <>
            <h2>{tr(lang, "比赛", "Contest")}</h2>
            if p.locked {
                <p class="contest" id="profile-locked"><strong>{ if zh { prof.name.clone() } else { prof.name_en.clone() } }</strong></p>
            } else {
            <select id="profile" onchange={on_profile} aria-label={tr(lang, "选择比赛", "Choose the contest")}>
                { for all.iter().map(|x| html! {
                    <option value={x.id} selected={x.id == prof.id}>{ if zh { x.name } else { x.name_en } }</option>
                }) }
            </select>
            }
            <p class="hint">{format!("{} · {}", prof.issuer, prof.notice)}
                if let Some(d) = &prof.deadline {
                    {format!(" · {} {}", tr(lang, "截止", "deadline"), d.date)}
                }
            </p>
            if !prof.categories.is_empty() {
                <h3>{tr(lang, "类别", "Category")}</h3>
                { choices("category", &prof.categories, &p.saved.category, zh, {
                    let d = p.dispatch.clone();
                    Callback::from(move |c: String| d.dispatch(Action::Category(Some(c))))
                }) }
            }
            if !prof.channels.is_empty() {
                <h3>{tr(lang, "报送渠道", "Channel")}</h3>
                { choices("channel", &prof.channels, &p.saved.channel, zh, {
                    let d = p.dispatch.clone();
                    Callback::from(move |c: String| d.dispatch(Action::Channel(Some(c))))
                }) }
            }
        </>
    }
}

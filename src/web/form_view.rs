//! The contest's form: labels as the notice words them, live counters that
//! count as the notices do, and each field's problems beside it.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::state::{Action, Saved, State};
use super::tr;
use crate::Lang;
use crate::form::{self, Value};
use crate::profile::{Field, FieldType, Profile};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub profile: super::Shared<Profile>,
    pub saved: Saved,
    pub dispatch: UseReducerDispatcher<State>,
}

#[expect(
    clippy::too_many_lines,
    reason = "one widget per field type, each its markup and its event handler side by side"
)]
fn field_view(
    f: &Field,
    v: Option<&Value>,
    required: bool,
    lang: Lang,
    on: Callback<Value>,
) -> Html {
    let zh = lang == Lang::Zh;
    let id = format!("f-{}", f.id);
    let text = v.map(Value::text).unwrap_or_default();
    let issues = form::validate_field(f, v, false);
    let count = form::count_chars(&text);
    let input = match f.kind {
        FieldType::Textarea => {
            let on = on.clone();
            html! { <textarea id={id.clone()} rows="4" value={text.clone()}
            oninput={Callback::from(move |e: InputEvent| { let t: HtmlTextAreaElement = e.target_unchecked_into(); on.emit(Value::Text(t.value())); })} /> }
        }
        FieldType::Select => {
            let on = on.clone();
            html! {
                <select id={id.clone()} onchange={Callback::from(move |e: Event| { let s: HtmlSelectElement = e.target_unchecked_into(); on.emit(Value::Text(s.value())); })}>
                    <option value="" selected={text.is_empty()}>{tr(lang, "请选择", "Choose")}</option>
                    { for f.options.iter().map(|o| html! {
                        <option value={o.id.clone()} selected={text == o.id}>{ if zh { o.label.clone() } else { o.label_en.clone() } }</option>
                    }) }
                </select>
            }
        }
        FieldType::Multiselect => {
            let chosen: Vec<String> = match v {
                Some(Value::List(l)) => l.clone(),
                Some(Value::Text(s)) if !s.is_empty() => vec![s.clone()],
                _ => vec![],
            };
            html! {
                <div class="choices" id={id.clone()}>
                    { for f.options.iter().map(|o| {
                        let on = on.clone();
                        let chosen2 = chosen.clone();
                        let oid = o.id.clone();
                        html! {
                            <label class="choice">
                                <input type="checkbox" value={o.id.clone()} checked={chosen.contains(&o.id)}
                                    onchange={Callback::from(move |e: Event| {
                                        let i: HtmlInputElement = e.target_unchecked_into();
                                        let mut l = chosen2.clone();
                                        l.retain(|x| x != &oid);
                                        if i.checked() { l.push(oid.clone()); }
                                        on.emit(Value::List(l));
                                    })} />
                                <span>{ if zh { o.label.clone() } else { o.label_en.clone() } }</span>
                            </label>
                        }
                    }) }
                </div>
            }
        }
        _ => {
            let (ty, mode, ph) = match f.kind {
                FieldType::Mobile => ("tel", "tel", "13912345678"),
                FieldType::Phone => ("tel", "tel", "0451-51920576"),
                FieldType::Email => ("email", "email", "name@example.com"),
                FieldType::Url => ("text", "url", "https://"),
                FieldType::Date => ("date", "text", "2023-06-01"),
                FieldType::Duration => ("text", "text", "0:18"),
                FieldType::IdCard => (
                    "text",
                    "text",
                    tr(
                        lang,
                        "18 位，末位可为 X",
                        "18 characters; the last may be X",
                    ),
                ),
                FieldType::Uscc => (
                    "text",
                    "text",
                    tr(lang, "18 位，见营业执照", "18 characters, on the licence"),
                ),
                FieldType::Authors => ("text", "text", tr(lang, "张三、李四", "Zhang San, Li Si")),
                _ => ("text", "text", ""),
            };
            let on = on.clone();
            html! { <input id={id.clone()} type={ty} inputmode={mode} placeholder={ph} value={text.clone()}
            min={f.min_date.clone()} max={f.max_date.clone()}
            oninput={Callback::from(move |e: InputEvent| { let i: HtmlInputElement = e.target_unchecked_into(); on.emit(Value::Text(i.value())); })} /> }
        }
    };
    let over = f.max_chars.is_some_and(|m| count > m as usize);
    let hint = if zh || f.hint_en.is_empty() {
        &f.hint
    } else {
        &f.hint_en
    };
    html! {
        <div class={classes!("field", (!issues.is_empty()).then_some("bad"))} data-field={f.id.clone()}>
            <label for={id.clone()}>
                { if zh { f.label.clone() } else { f.label_en.clone() } }
                if required { <span class="req" aria-label={tr(lang, "必填", "required")}>{"*"}</span> }
            </label>
            {input}
            <div class="under">
                if !hint.is_empty() { <span class="hint">{hint.clone()}</span> }
                if let Some(m) = f.max_chars {
                    <span class={classes!("counter", over.then_some("over"))} id={format!("count-{}", f.id)}>{format!("{count} / {m} {}", tr(lang, "字", "chars"))}</span>
                }
                if f.kind == FieldType::Authors {
                    if let Some(m) = f.max_items {
                        <span class="counter">{format!("{} {m} {}", tr(lang, "最多", "at most"), tr(lang, "人", "people"))}</span>
                    }
                }
            </div>
            // One fragment, so that the number of the div's children stays the
            // same: Yew matches unkeyed children from the end, and an error
            // appended here would otherwise replace the focused input.
            <>{ for issues.iter().map(|i| html! { <p class="field-error" role="alert">{ if zh { i.message_zh.clone() } else { i.message_en.clone() } }</p> }) }</>
        </div>
    }
}

#[function_component(FormView)]
pub fn form_view(p: &Props) -> Html {
    let lang = p.saved.lang;
    let cat = p.saved.category.as_deref();
    let chan = p.saved.channel.as_deref();
    // Fields that repeat the category or channel show the choice made above.
    let values = form::effective(&p.profile, &p.saved.form(), cat, chan);
    html! {
        <form class="form" id="form" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <p class="hint">{tr(lang, "每个汉字、标点、字母或数字计 1 字，空格和换行不计。内容自动保存在本机浏览器中。",
                "Each Chinese character, punctuation mark, letter or digit counts as one; spaces and line breaks do not. Everything is saved in this browser as you type.")}</p>
            { for p.profile.fields.iter().filter(|f| Profile::applies(&f.when, cat, chan)).map(|f| {
                let d = p.dispatch.clone();
                let fid = f.id.clone();
                if f.mirrors.is_some() && f.kind != FieldType::Multiselect {
                    let shown = crate::render::shown_value(&p.profile, &f.id, &values);
                    return html! {
                        <div class="field mirrored" data-field={f.id.clone()}>
                            <label>{ if lang == Lang::Zh { f.label.clone() } else { f.label_en.clone() } }</label>
                            <p>{shown}<span class="hint">{tr(lang, "（与上方所选一致）", " (as chosen above)")}</span></p>
                        </div>
                    };
                }
                field_view(f, values.get(&f.id), form::is_required(f, &values), lang, Callback::from(move |v: Value| d.dispatch(Action::Field(fid.clone(), v))))
            }) }
        </form>
    }
}

//! The built-in profiles in the browser: the wasm carries only their index
//! ([`crate::profile::BUILTIN_INDEX`]); the chosen one is fetched from
//! `profiles/ID.json` beside the app's files (the service worker keeps them
//! for offline use), parsed with [`Profile::from_json`] and kept per id.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use yew::prelude::*;

use super::UiError;
use super::state::{Action, State};
use super::tr;
use crate::profile::{self, Profile};
use crate::{Error, Lang};

thread_local! {
    /// Where the app's files are, ending in "/" (the embed's folder on a host page).
    static BASE: RefCell<String> = RefCell::new("./".into());
    /// The profiles fetched so far.
    static CACHE: RefCell<Vec<Rc<Profile>>> = const { RefCell::new(Vec::new()) };
}

/// Fetch built-in profiles from `base` (the folder of app.js, ending in "/").
/// The embed script calls it once the module is loaded.
#[wasm_bindgen]
pub fn set_base(base: &str) {
    if !base.is_empty() {
        let mut b = base.to_string();
        if !b.ends_with('/') {
            b.push('/');
        }
        BASE.with(|x| *x.borrow_mut() = b);
    }
}

/// Where the app's files are, ending in "/".
pub fn base() -> String {
    BASE.with(|b| b.borrow().clone())
}

/// A fetched profile, if it was fetched already.
pub fn cached(id: &str) -> Option<Rc<Profile>> {
    CACHE.with(|c| c.borrow().iter().find(|p| p.id == id).cloned())
}

fn fetch_failed(id: &str, why: &str) -> Error {
    Error::new(
        "profile_fetch",
        format!("无法载入比赛配置「{id}」（{why}）。请检查网络连接后点「重试」。"),
        format!(
            "Could not load the contest profile \"{id}\" ({why}). Check the connection and press Retry."
        ),
    )
}

/// A built-in profile: from the cache, or fetched and parsed. An unknown id,
/// a failed fetch or a bad file is an error value, never a panic.
pub async fn load(id: &str) -> Result<Rc<Profile>, Error> {
    profile::builtin_entry(id)?;
    if let Some(p) = cached(id) {
        return Ok(p);
    }
    let base = BASE.with(|b| b.borrow().clone());
    let url = match super::update::build_id() {
        Some(b) => format!("{base}profiles/{id}.json?v={b}"),
        None => format!("{base}profiles/{id}.json"),
    };
    let text = fetch_text(&url)
        .await
        .map_err(|why| fetch_failed(id, &why))?;
    let p = Profile::from_json(&text)?;
    if p.id != id {
        return Err(fetch_failed(id, &format!("id {} ≠ {id}", p.id)));
    }
    let p = Rc::new(p);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if !c.iter().any(|x| x.id == id) {
            c.push(p.clone());
        }
    });
    Ok(p)
}

async fn fetch_text(url: &str) -> Result<String, String> {
    let why = |e: JsValue| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "network error".into())
    };
    let res = JsFuture::from(gloo::utils::window().fetch_with_str(url))
        .await
        .map_err(why)?;
    let res: web_sys::Response = res.dyn_into().map_err(why)?;
    if !res.ok() {
        return Err(format!("HTTP {}", res.status()));
    }
    let text = JsFuture::from(res.text().map_err(why)?)
        .await
        .map_err(why)?;
    text.as_string().ok_or_else(|| "not text".into())
}

/// Fetch the state's contest when it is not there yet and has not failed (重试
/// clears the failure, which fetches again); the reducer takes the answer
/// only if that contest is still the one shown.
#[hook]
pub fn use_profile_fetch(state: &UseReducerHandle<State>, on_error: Callback<UiError>) {
    let id = state.saved.profile.clone();
    let wanted = state.profile.is_none() && state.custom.is_none() && state.profile_error.is_none();
    let dispatch = state.dispatcher();
    use_effect_with((id, wanted), move |(id, wanted)| {
        if *wanted {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let result = load(&id).await.map_err(UiError::from);
                if let Err(e) = &result {
                    on_error.emit(e.clone());
                }
                dispatch.dispatch(Action::ProfileLoaded(id, result));
            });
        }
    });
}

/// What the app shows while its contest is being fetched, or why it could not
/// be, with 重试.
pub fn pending_view(state: &UseReducerHandle<State>, lang: Lang) -> Html {
    match &state.profile_error {
        Some((_, e)) => {
            let d = state.dispatcher();
            html! {
                <main class="app">
                    <div class="error" role="alert" id="profile-error" data-error={e.code.clone()}>
                        <p>{e.message_zh.clone()}</p>
                        <p>{e.message_en.clone()}</p>
                        <button id="profile-retry" onclick={Callback::from(move |_| d.dispatch(Action::ProfileRetry))}>
                            {tr(lang, "重试", "Retry")}
                        </button>
                    </div>
                </main>
            }
        }
        None => html! {
            <main class="app"><p class="loading" id="profile-loading">{"正在加载… / Loading…"}</p></main>
        },
    }
}

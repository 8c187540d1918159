//! Where what the user types is kept, and for how long.
//!
//! Drafts live in this browser's `localStorage` only, one entry per scope and
//! contest: `preflight.v2|<scope>|<contest>` holds `{t, d}` (the time of the
//! last edit, in ms since 1970, and the [`Draft`]); `preflight.v2|<scope>`
//! holds the language and the contest last chosen. The scope is where the
//! widget runs: `app` for the standalone page, `frame:<origin>` for the iframe
//! a host origin embeds, `page:<origin>` for the `<preflight-check>` element.
//! So a site that frames the app sees only what was typed inside its frame.
//!
//! An entry not edited for [`KEEP_DAYS`] days is deleted unread (every entry
//! of every scope is swept when the app starts). When the browser refuses
//! storage (third-party storage blocked, a sandbox without
//! `allow-same-origin`, cookies off), drafts live in memory while the page is
//! open, and the page says so. Another tab's edits arrive as `storage` events
//! and replace the draft shown here (with a notice), so neither tab overwrites
//! the other unseen.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::embed::Config;
use super::state::{Action, Saved, State};
use crate::Lang;
use crate::form::FormValues;

/// Days a draft is kept after its last edit.
pub const KEEP_DAYS: u32 = 30;
const DAY_MS: f64 = 86_400_000.0;
const PREFIX: &str = "preflight.v2|";
/// The single key of earlier versions (every contest's form in one entry).
pub const OLD_KEY: &str = "preflight.v1";

/// What the user typed and chose for one contest.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub category: Option<String>,
    pub channel: Option<String>,
    pub form: FormValues,
    pub ticks: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
struct Prefs {
    lang: Lang,
    profile: String,
}

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    t: f64,
    d: T,
}

thread_local! {
    /// Drafts when the browser keeps none: they last while the page is open.
    static MEMORY: RefCell<HashMap<String, String>> = RefCell::new(HashMap::new());
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// The browser's storage, when it lets this page use it (getting it, and
/// writing to it, can throw).
fn local() -> Option<web_sys::Storage> {
    let s = gloo::utils::window().local_storage().ok()??;
    let probe = "preflight.probe";
    s.set_item(probe, "1").ok()?;
    let _ = s.remove_item(probe);
    Some(s)
}

/// One scope's drafts.
pub struct Store {
    scope: String,
    local: Option<web_sys::Storage>,
    /// What was last written or read per key (the draft's JSON), so that an
    /// unchanged draft is not written again.
    last: RefCell<HashMap<String, String>>,
}

impl Store {
    /// Open `scope`, sweep expired entries, and move an earlier version's
    /// `old` entry into this scope (then delete it).
    pub fn open(scope: &str, old: Option<&str>) -> Store {
        let s = Store {
            scope: scope.to_string(),
            local: local(),
            last: RefCell::new(HashMap::new()),
        };
        s.sweep();
        if let Some(k) = old {
            s.migrate(k);
        }
        s
    }

    pub fn persistent(&self) -> bool {
        self.local.is_some()
    }

    fn get(&self, key: &str) -> Option<String> {
        match &self.local {
            Some(l) => l.get_item(key).ok()?,
            None => MEMORY.with(|m| m.borrow().get(key).cloned()),
        }
    }

    fn set(&self, key: &str, value: &str) -> bool {
        match &self.local {
            Some(l) => l.set_item(key, value).is_ok(),
            None => {
                MEMORY.with(|m| m.borrow_mut().insert(key.into(), value.into()));
                true
            }
        }
    }

    fn remove(&self, key: &str) {
        self.last.borrow_mut().remove(key);
        match &self.local {
            Some(l) => {
                let _ = l.remove_item(key);
            }
            None => {
                MEMORY.with(|m| m.borrow_mut().remove(key));
            }
        }
    }

    fn keys(&self) -> Vec<String> {
        match &self.local {
            Some(l) => {
                let n = l.length().unwrap_or(0);
                (0..n).filter_map(|i| l.key(i).ok().flatten()).collect()
            }
            None => MEMORY.with(|m| m.borrow().keys().cloned().collect()),
        }
    }

    fn prefs_key(&self) -> String {
        format!("{PREFIX}{}", self.scope)
    }

    pub fn key(&self, contest: &str) -> String {
        format!("{PREFIX}{}|{contest}", self.scope)
    }

    /// The contest named by `key`, when it is one of this scope's drafts.
    pub fn contest_of<'a>(&self, key: &'a str) -> Option<&'a str> {
        key.strip_prefix(PREFIX)?
            .strip_prefix(self.scope.as_str())?
            .strip_prefix('|')
    }

    /// An entry's value, unless it is unreadable or older than KEEP_DAYS.
    fn read<T: for<'a> Deserialize<'a>>(&self, key: &str) -> Option<T> {
        let e: Entry<T> = serde_json::from_str(&self.get(key)?).ok()?;
        (now() - e.t <= f64::from(KEEP_DAYS) * DAY_MS).then_some(e.d)
    }

    fn write<T: Serialize + Default + PartialEq>(&self, key: &str, d: &T) {
        let json = serde_json::to_string(d).unwrap_or_default();
        if self.last.borrow().get(key) == Some(&json) {
            return;
        }
        if *d == T::default() {
            self.remove(key);
        } else {
            let e = format!("{{\"t\":{},\"d\":{json}}}", now());
            if !self.set(key, &e) {
                return;
            }
        }
        self.last.borrow_mut().insert(key.into(), json);
    }

    /// Note `d` as what `key` holds (another tab wrote it).
    pub fn seen(&self, key: &str, d: &Draft) {
        let json = serde_json::to_string(d).unwrap_or_default();
        self.last.borrow_mut().insert(key.into(), json);
    }

    pub fn draft(&self, contest: &str) -> Draft {
        let key = self.key(contest);
        let d: Draft = self.read(&key).unwrap_or_default();
        self.seen(&key, &d);
        d
    }

    /// What the page starts with: the last contest and language, and that
    /// contest's draft (`contest` when the host fixed it).
    pub fn load(&self, contest: Option<&str>) -> Saved {
        let p: Prefs = self.read(&self.prefs_key()).unwrap_or_default();
        let json = serde_json::to_string(&p).unwrap_or_default();
        self.last.borrow_mut().insert(self.prefs_key(), json);
        let profile = match contest {
            Some(c) => c.to_string(),
            None if p.profile.is_empty() => crate::profile::builtin_ids()
                .next()
                .unwrap_or_default()
                .to_string(),
            None => p.profile,
        };
        let mut s = Saved {
            lang: p.lang,
            profile: profile.clone(),
            ..Default::default()
        };
        s.apply(self.draft(&profile));
        s
    }

    /// Save what changed of `s`.
    pub fn save(&self, s: &Saved) {
        // The first contest is the default: nothing to keep.
        let first = crate::profile::builtin_ids().next() == Some(s.profile.as_str());
        self.write(
            &self.prefs_key(),
            &Prefs {
                lang: s.lang,
                profile: if first {
                    String::new()
                } else {
                    s.profile.clone()
                },
            },
        );
        self.write(&self.key(&s.profile), &s.draft());
    }

    /// Delete everything this scope saved.
    pub fn clear(&self) {
        let mine = self.prefs_key();
        for k in self.keys() {
            if k == mine || self.contest_of(&k).is_some() {
                self.remove(&k);
            }
        }
    }

    /// Delete every scope's entries older than KEEP_DAYS (or unreadable).
    fn sweep(&self) {
        for k in self.keys() {
            if k.starts_with(PREFIX) && self.read::<serde_json::Value>(&k).is_none() {
                self.remove(&k);
            }
        }
    }

    /// Move an earlier version's single entry (all contests' forms, no
    /// date) into this scope's per-contest entries, then delete it. The
    /// 30 days start now.
    fn migrate(&self, old: &str) {
        let Some(text) = self.get(old) else { return };
        let Ok(o) = serde_json::from_str::<Saved>(&text) else {
            self.remove(old);
            return;
        };
        let mut ok = true;
        for (contest, form) in &o.forms {
            let key = self.key(contest);
            if self.get(&key).is_some() {
                continue;
            }
            let mut d = Draft {
                form: form.clone(),
                ..Default::default()
            };
            if *contest == o.profile {
                d.category = o.category.clone();
                d.channel = o.channel.clone();
                d.ticks = o.ticks.clone();
            }
            let e = Entry { t: now(), d };
            ok &= self.set(&key, &serde_json::to_string(&e).unwrap_or_default());
        }
        if self.get(&self.prefs_key()).is_none() {
            let e = Entry {
                t: now(),
                d: Prefs {
                    lang: o.lang,
                    profile: o.profile,
                },
            };
            ok &= self.set(
                &self.prefs_key(),
                &serde_json::to_string(&e).unwrap_or_default(),
            );
        }
        if ok {
            self.remove(old);
        }
    }
}

/// What the page shows about its drafts, and how to clear them.
#[derive(Clone)]
pub struct Drafts {
    pub store: Rc<Store>,
    /// Another tab changed this contest's draft; it is shown here now.
    pub synced: bool,
    pub clear: Callback<()>,
}

/// The app's state, restored from this scope's drafts and saved on every
/// change; another tab's edits replace this tab's draft of the same contest.
#[hook]
pub fn use_drafts(config: &Rc<Config>) -> (UseReducerHandle<State>, Drafts) {
    let store = {
        let config = config.clone();
        use_memo((), move |_| {
            let old = match &config.profile {
                None if config.drafts_scope == "app" => Some(OLD_KEY.to_string()),
                Some(p) if config.drafts_scope.starts_with("page:") => {
                    Some(format!("{OLD_KEY}.{}", p.id))
                }
                _ => None,
            };
            Store::open(&config.drafts_scope, old.as_deref())
        })
    };
    let state = {
        let (config, store) = (config.clone(), store.clone());
        use_reducer(move || {
            let mut saved = store.load(config.profile.as_ref().map(|p| p.id.as_str()));
            if let Some(l) = config.lang {
                saved.lang = l;
            }
            if config.category.is_some() {
                saved.category = config.category.clone();
            }
            if config.channel.is_some() {
                saved.channel = config.channel.clone();
            }
            State::new(saved, config.profile.clone())
        })
    };
    let synced = use_state(|| false);
    {
        let store = store.clone();
        use_effect_with(state.saved.clone(), move |s| store.save(s));
    }
    // The contest shown, for the listener below.
    let shown = use_mut_ref(String::new);
    *shown.borrow_mut() = state.saved.profile.clone();
    {
        let (store, dispatch, synced) = (store.clone(), state.dispatcher(), synced.setter());
        use_effect_with((), move |_| {
            let listener = store.persistent().then(|| {
                let window = gloo::utils::window();
                gloo::events::EventListener::new(&window, "storage", move |e| {
                    let get = |k: &str| js_sys::Reflect::get(e, &k.into()).unwrap_or(JsValue::NULL);
                    // `localStorage.clear()` elsewhere: key is null.
                    let key = get("key").as_string();
                    let contest = match &key {
                        Some(k) => match store.contest_of(k) {
                            Some(c) => c.to_string(),
                            None => return,
                        },
                        None => shown.borrow().clone(),
                    };
                    let d: Draft = get("newValue")
                        .as_string()
                        .and_then(|v| serde_json::from_str::<Entry<Draft>>(&v).ok())
                        .map(|e| e.d)
                        .unwrap_or_default();
                    store.seen(&store.key(&contest), &d);
                    if *shown.borrow() == contest {
                        synced.set(true);
                        dispatch.dispatch(Action::Draft(contest, d));
                    }
                })
            });
            move || drop(listener)
        });
    }
    let clear = {
        let (store, dispatch, synced) = (store.clone(), state.dispatcher(), synced.setter());
        Callback::from(move |_| {
            store.clear();
            synced.set(false);
            dispatch.dispatch(Action::Reset);
        })
    };
    (
        state,
        Drafts {
            store,
            synced: *synced,
            clear,
        },
    )
}

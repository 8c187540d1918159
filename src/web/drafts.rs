//! Where what the user types is kept, and for how long.
//!
//! Drafts live in this browser's `localStorage` only, one entry per scope and
//! contest: `preflight.v2|<scope>|<contest>` holds `<time>|<draft JSON>` (the
//! time of the last edit, in ms since 1970, and the [`Draft`] in the shape of
//! [`Saved`]);
//! `preflight.v2|<scope>` holds `<time>|<lang>|<contest>` (the language and
//! the contest last chosen). The scope is where the
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
use std::collections::BTreeSet;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::prelude::*;

use super::config::Config;
use super::state::{Action, Saved, State};
use crate::Lang;
use crate::form::FormValues;

/// Days a draft is kept after its last edit.
pub const KEEP_DAYS: u32 = 30;
const DAY_MS: u64 = 86_400_000;
const PREFIX: &str = "preflight.v2|";
/// The single key of earlier versions (every contest's form in one entry).
pub const OLD_KEY: &str = "preflight.v1";

/// What the user typed and chose for one contest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    pub category: Option<String>,
    pub channel: Option<String>,
    pub form: FormValues,
    pub ticks: BTreeSet<String>,
}

thread_local! {
    /// Drafts when the browser keeps none: they last while the page is open.
    static MEMORY: RefCell<Vec<(String, String)>> = const { RefCell::new(Vec::new()) };
}

fn now() -> u64 {
    js_sys::Date::now() as u64
}

/// An entry's text: `<ms since 1970 of the last edit>|<value>`; the value,
/// unless the entry is older than KEEP_DAYS (or unreadable).
fn fresh(entry: &str) -> Option<&str> {
    let (t, v) = entry.split_once('|')?;
    let t: u64 = t.parse().ok()?;
    (now().saturating_sub(t) <= u64::from(KEEP_DAYS) * DAY_MS).then_some(v)
}

/// A draft from its stored JSON, which has the shape of [`Saved`] (one
/// contest's form in `forms`), so that one (de)serializer serves both it and
/// the earlier single entry.
fn parse_draft(contest: &str, v: &str) -> Draft {
    let s: Saved = serde_json::from_str(v).unwrap_or_default();
    Draft {
        form: s.forms.get(contest).cloned().unwrap_or_default(),
        category: s.category,
        channel: s.channel,
        ticks: s.ticks,
    }
}

/// A draft as stored (see [`parse_draft`]); nothing when nothing was typed
/// or ticked (a category or channel alone is not kept: visiting a contest
/// leaves no entry).
fn draft_text(contest: &str, d: &Draft) -> String {
    if d.form.is_empty() && d.ticks.is_empty() {
        return String::new();
    }
    let mut s = Saved {
        profile: contest.into(),
        category: d.category.clone(),
        channel: d.channel.clone(),
        ticks: d.ticks.clone(),
        ..Default::default()
    };
    s.forms.insert(contest.into(), d.form.clone());
    serde_json::to_string(&s).unwrap_or_default()
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
    /// What was last written or read per key (the value without its time),
    /// so that an unchanged draft is not written again.
    last: RefCell<Vec<(String, String)>>,
}

impl Store {
    /// Open `scope`, sweep expired entries, and move an earlier version's
    /// `old` entry into this scope (then delete it).
    pub fn open(scope: &str, old: Option<&str>) -> Store {
        let s = Store {
            scope: scope.to_string(),
            local: local(),
            last: RefCell::new(Vec::new()),
        };
        // Every scope's entries older than KEEP_DAYS go.
        for k in s.keys() {
            if k.starts_with(PREFIX) && s.get(&k).as_deref().and_then(fresh).is_none() {
                s.remove(&k);
            }
        }
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
            None => MEMORY.with(|m| m.borrow().iter().find(|e| e.0 == key).map(|e| e.1.clone())),
        }
    }

    fn set(&self, key: &str, value: &str) -> bool {
        match &self.local {
            Some(l) => l.set_item(key, value).is_ok(),
            None => {
                MEMORY.with(|m| {
                    let mut m = m.borrow_mut();
                    m.retain(|e| e.0 != key);
                    m.push((key.into(), value.into()));
                });
                true
            }
        }
    }

    fn remove(&self, key: &str) {
        self.last.borrow_mut().retain(|e| e.0 != key);
        match &self.local {
            Some(l) => {
                let _ = l.remove_item(key);
            }
            None => MEMORY.with(|m| m.borrow_mut().retain(|e| e.0 != key)),
        }
    }

    fn keys(&self) -> Vec<String> {
        match &self.local {
            Some(l) => (0..l.length().unwrap_or(0))
                .filter_map(|i| l.key(i).ok().flatten())
                .collect(),
            None => MEMORY.with(|m| m.borrow().iter().map(|e| e.0.clone()).collect()),
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

    /// Note `value` as what `key` holds (read here, or written by another tab).
    fn seen(&self, key: &str, value: String) {
        let mut last = self.last.borrow_mut();
        last.retain(|e| e.0 != key);
        last.push((key.into(), value));
    }

    /// Write `value` under `key` (an empty value deletes it), unless it is
    /// what the key holds already: reading a draft does not renew it.
    fn write(&self, key: &str, value: String) {
        if self
            .last
            .borrow()
            .iter()
            .any(|e| e.0 == key && e.1 == value)
        {
            return;
        }
        if value.is_empty() {
            self.remove(key);
        } else if !self.set(key, &format!("{}|{value}", now())) {
            return;
        }
        self.seen(key, value);
    }

    /// A contest's draft (empty when none, or expired).
    pub fn draft(&self, contest: &str) -> Draft {
        let key = self.key(contest);
        let v = self.get(&key);
        let v = v.as_deref().and_then(fresh).unwrap_or_default();
        let d = parse_draft(contest, v);
        self.note(contest, &d);
        d
    }

    /// Note `d` as what the contest's entry holds.
    fn note(&self, contest: &str, d: &Draft) {
        self.seen(&self.key(contest), draft_text(contest, d));
    }

    /// What the page starts with: the last contest and language, and that
    /// contest's draft (`contest` when the host fixed it).
    pub fn load(&self, contest: Option<&str>) -> Saved {
        // `<lang>|<contest>`; none for Chinese and the first contest.
        let p = self.get(&self.prefs_key());
        let p = p.as_deref().and_then(fresh).unwrap_or_default();
        self.seen(&self.prefs_key(), p.to_string());
        let (lang, last) = p.split_once('|').unwrap_or_default();
        let first = crate::profile::builtin_ids().next().unwrap_or_default();
        let profile = match contest {
            Some(c) => c,
            None if last.is_empty() => first,
            None => last,
        };
        let mut s = Saved {
            lang: Lang::parse(lang).unwrap_or_default(),
            profile: profile.to_string(),
            ..Default::default()
        };
        s.apply(self.draft(profile));
        s
    }

    /// Save what changed of `s`.
    pub fn save(&self, s: &Saved) {
        let first = crate::profile::builtin_ids().next() == Some(s.profile.as_str());
        let prefs = match (s.lang, first) {
            (Lang::Zh, true) => String::new(),
            (Lang::Zh, false) => format!("zh|{}", s.profile),
            (Lang::En, _) => format!("en|{}", if first { "" } else { &s.profile }),
        };
        self.write(&self.prefs_key(), prefs);
        self.write(&self.key(&s.profile), draft_text(&s.profile, &s.draft()));
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

    /// Move an earlier version's single entry (all contests' forms, no
    /// date) into this scope's per-contest entries, then delete it. The
    /// 30 days start now.
    fn migrate(&self, old: &str) {
        let Some(text) = self.get(old) else { return };
        let o: Saved = serde_json::from_str(&text).unwrap_or_default();
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
            ok &= self.set(&key, &format!("{}|{}", now(), draft_text(contest, &d)));
        }
        if self.get(&self.prefs_key()).is_none() && !o.profile.is_empty() {
            let lang = if o.lang == Lang::En { "en" } else { "zh" };
            ok &= self.set(
                &self.prefs_key(),
                &format!("{}|{lang}|{}", now(), o.profile),
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
            let old = match config.contest() {
                None if config.drafts_scope == "app" => Some(OLD_KEY.to_string()),
                Some(id) if config.drafts_scope.starts_with("page:") => {
                    Some(format!("{OLD_KEY}.{id}"))
                }
                _ => None,
            };
            Store::open(&config.drafts_scope, old.as_deref())
        })
    };
    let state = {
        let (config, store) = (config.clone(), store.clone());
        use_reducer(move || {
            let mut saved = store.load(config.contest());
            if let Some(l) = config.lang {
                saved.lang = l;
            }
            if config.category.is_some() {
                saved.category = config.category.clone();
            }
            if config.channel.is_some() {
                saved.channel = config.channel.clone();
            }
            State::new(saved, config.profile.as_ref().map(|p| p.0.clone()))
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
                    let v = get("newValue").as_string().unwrap_or_default();
                    let d = parse_draft(&contest, v.split_once('|').map_or("", |x| x.1));
                    store.note(&contest, &d);
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

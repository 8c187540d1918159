//! Which build is running. Trunk's post_build hook (www/stamp-build.sh)
//! writes the build's id, a hash of its files, into app.js as
//! `self.PREFLIGHT_BUILD`, into sw.js (the name of its cache) and into
//! index.html (`boot.js?v=…`). The page and each worker read it from the
//! app.js they actually ran, so a worker that got another build than its
//! page (a deploy between the two loads) can be told apart.

use super::UiError;

/// This build's id; `None` in a build the hook did not stamp.
pub fn build_id() -> Option<String> {
    js_sys::Reflect::get(&js_sys::global(), &"PREFLIGHT_BUILD".into())
        .ok()?
        .as_string()
}

/// A worker said (in its `ready`, field `build`) that it runs build
/// `theirs`. Another build than the page's is an error the page recovers
/// from: it reloads once, which loads one whole build; if that reload was
/// already made for this pair, the error is for the page to show.
pub fn check_worker_build(theirs: Option<&str>) -> Result<(), UiError> {
    let (Some(mine), Some(theirs)) = (build_id(), theirs) else {
        return Ok(());
    };
    if mine == theirs {
        return Ok(());
    }
    let w = gloo::utils::window();
    let pair = format!("{mine}>{theirs}");
    let key = "preflight.reloaded";
    let session = w.session_storage().ok().flatten();
    let tried = session
        .as_ref()
        .and_then(|s| s.get_item(key).ok().flatten())
        .is_some_and(|v| v == pair);
    if !tried && session.is_some_and(|s| s.set_item(key, &pair).is_ok()) {
        let _ = w.location().reload();
    }
    Err(UiError {
        code: "version_mismatch".into(),
        message_zh: format!(
            "本页（版本 {mine}）与后台线程（版本 {theirs}）不是同一版本：网站刚刚更新。请刷新页面。"
        ),
        message_en: format!(
            "This page (build {mine}) and its worker (build {theirs}) differ: the site was just updated. Reload the page."
        ),
    })
}

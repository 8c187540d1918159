//! A host page's profile is untrusted: any text through the same
//! `Profile::from_json` the element and the JS API use, then every use a
//! loaded profile gets (its description, a check against empty facts).
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::check::{self, Input};
use preflight::profile::Profile;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(p) = Profile::from_json(text) {
        let _ = preflight::describe::profile_text(&p, preflight::Lang::Zh);
        let cat = p.categories.first().map(|c| c.id.clone());
        let chan = p.channels.first().map(|c| c.id.clone());
        let r = check::check(&p, &Input { category: cat.as_deref(), channel: chan.as_deref(), ..Default::default() });
        let _ = preflight::render::form_html(&p, &Default::default(), cat.as_deref(), chan.as_deref());
        let _ = preflight::render::report_html(&p, &r, "x.mp4");
    }
});

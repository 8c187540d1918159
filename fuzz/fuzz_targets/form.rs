//! Form validation on anything a user can type: the input is split into
//! values for every field of every built-in profile (and read as a
//! `form.json` too), then validated, checked against a video and rendered.
#![no_main]

use libfuzzer_sys::fuzz_target;
use preflight::check::{self, Input};
use preflight::form::{self, FormValues, Value};
use preflight::probe::MediaInfo;
use preflight::profile;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let parts: Vec<&str> = text.split('\u{1}').collect();
    let media = MediaInfo { duration_s: Some(200.0), size_bytes: 1, ..Default::default() };
    for p in profile::builtins() {
        let mut values = FormValues::new();
        for (i, f) in p.fields.iter().enumerate() {
            let v = parts.get(i % parts.len().max(1)).copied().unwrap_or("");
            let value = if i % 3 == 0 { Value::List(v.split(',').map(str::to_string).collect()) } else { Value::Text(v.to_string()) };
            values.insert(f.id.clone(), value);
        }
        let _ = form::validate(&p, &values, None, None);
        let _ = check::check(&p, &Input { media: Some(&media), form: Some(&values), file_name: Some(&text), ..Default::default() });
        let _ = preflight::render::form_html(&p, &values, None, None);
        let _ = preflight::bundle::fill_template(&p.bundle.zip_name, &p, &values, "x");
    }
    if let Ok(v) = serde_json::from_slice::<FormValues>(data) {
        if let Ok(p) = profile::builtin("nmg-kepu-2025") {
            let _ = form::validate(&p, &v, None, None);
        }
    }
    let _ = form::parse_duration(&text);
    let _ = form::is_phone(&text);
    let _ = form::find_url(&text);
    let _ = form::pdf_pages(data);
    let _ = preflight::bundle::sanitize(&text);
});

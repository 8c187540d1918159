//! The headless JS API for platforms that want only the verdict:
//! `probe(file)`, `check(file, profile, options)`, `bundle({...})`, each a
//! Promise; typed in `www/embed/preflight.d.ts`. It reads Blob slices
//! asynchronously on the calling thread (no UI, no worker needed).

use js_sys::{Reflect, Uint8Array};
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File};

use super::protocol::{file_id, still_readable};
use super::worker::{Byob, STALL_MS, crc_range_byob};
use crate::Error;
use crate::bundle::{self, Stamp, VideoIn};
use crate::check::{self, Input};
use crate::form::FormValues;
use crate::probe::{MediaInfo, Poll, Probe};
use crate::profile::{self, Profile};
use crate::submission::{READ_CHUNK, Submission};

fn reject(e: Error) -> JsValue {
    let s = serde_json::to_string(&e).unwrap_or_default();
    js_sys::JSON::parse(&s).unwrap_or_else(|_| JsValue::from_str(&e.message_en))
}

fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, JsValue> {
    let s = serde_json::to_string(v).map_err(|e| JsValue::from_str(&e.to_string()))?;
    js_sys::JSON::parse(&s)
}

async fn read(blob: &Blob, start: f64, end: f64) -> Result<Vec<u8>, Error> {
    let slice = blob
        .slice_with_f64_and_f64(start, end)
        .map_err(|_| Error::io("Blob.slice"))?;
    let ab = JsFuture::from(slice.array_buffer())
        .await
        .map_err(|_| Error::io("Blob.arrayBuffer"))?;
    Ok(Uint8Array::new(&ab).to_vec())
}

/// Probe a Blob/File, reading only the ranges the probe asks for.
pub async fn probe_blob(blob: &Blob) -> Result<MediaInfo, Error> {
    let mut p = Probe::new(blob.size() as u64);
    loop {
        match p.poll() {
            Poll::Done(r) => {
                return r.map(|mut m| {
                    m.file = blob.dyn_ref::<File>().map(|f| f.name()).unwrap_or_default();
                    m
                });
            }
            Poll::Need(n) => {
                let bytes = read(blob, n.offset as f64, (n.offset + n.len) as f64).await?;
                p.feed(&bytes);
            }
        }
    }
}

/// CRC-32 of a whole Blob on the calling thread: through a BYOB stream into
/// one reused buffer (as the app's workers read), and with `Blob.arrayBuffer`
/// slices from where it stopped if the stream is missing or stalls.
async fn crc_blob(blob: &Blob) -> Result<u32, Error> {
    let size = blob.size();
    let (mut h, done) = match crc_range_byob(blob, 0, size as u64, |_| {}, STALL_MS).await? {
        Byob::Done(crc) => return Ok(crc),
        Byob::Unsupported => (crate::crc::Hasher::new(), 0),
        Byob::Stalled { hasher, done } => (hasher, done),
    };
    let mut off = done as f64;
    while off < size {
        let end = (off + READ_CHUNK as f64).min(size);
        let b = read(blob, off, end).await?;
        if b.is_empty() {
            return Err(Error::truncated("file shrank while reading"));
        }
        h.update(&b);
        off += b.len() as f64;
    }
    Ok(h.finalize())
}

/// A profile given as a built-in id (fetched, see [`super::profiles`]), a
/// JSON string or an object.
async fn profile_of(v: &JsValue) -> Result<Profile, Error> {
    if let Some(s) = v.as_string() {
        if s.trim_start().starts_with('{') {
            return Profile::from_json(&s);
        }
        return super::profiles::load(&s).await.map(|p| (*p).clone());
    }
    let s = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            Error::new(
                "bad_profile",
                "比赛配置应为 id、JSON 文本或对象。",
                "The profile must be an id, JSON text or an object.",
            )
        })?;
    Profile::from_json(&s)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Options {
    category: Option<String>,
    channel: Option<String>,
    form: Option<FormValues>,
}

fn options_of(v: &JsValue) -> Result<Options, Error> {
    if v.is_undefined() || v.is_null() {
        return Ok(Options::default());
    }
    let s = js_sys::JSON::stringify(v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default();
    serde_json::from_str(&s).map_err(|e| {
        Error::new(
            "bad_options",
            format!("选项无效：{e}"),
            format!("Invalid options: {e}"),
        )
    })
}

/// The entry the options describe: the category and channel resolved
/// against the profile, as the CLI does (a missing one that changes what
/// applies is refused, naming the choices), the form's keys checked.
fn submission<'p>(p: &'p Profile, o: &Options) -> Result<Submission<'p>, Error> {
    Submission::new(
        p,
        o.category.as_deref(),
        o.channel.as_deref(),
        o.form.clone().unwrap_or_default(),
    )
}

/// The report on a probed video for an entry (its form's rules only when a
/// form was given).
fn check_media(p: &Profile, s: &Submission<'_>, m: &MediaInfo, with_form: bool) -> check::Report {
    check::check(
        p,
        &Input {
            category: s.category.as_deref(),
            channel: s.channel.as_deref(),
            media: Some(m),
            form: with_form.then_some(&s.form),
            attachments: None,
            file_name: Some(&m.file),
        },
    )
}

/// `probe(file)` → the probe's JSON (as `preflight probe --json`).
#[wasm_bindgen(js_name = probe)]
pub async fn probe_js(file: Blob) -> Result<JsValue, JsValue> {
    let m = probe_blob(&file).await.map_err(reject)?;
    to_js(&m)
}

/// `check(file, profile, {category, channel, form})` → the report (as
/// `preflight check --json`; the form's rules only when a form is given).
#[wasm_bindgen(js_name = check)]
pub async fn check_js(file: Blob, profile: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let p = profile_of(&profile).await.map_err(reject)?;
    let o = options_of(&options).map_err(reject)?;
    let s = submission(&p, &o).map_err(reject)?;
    let m = probe_blob(&file).await.map_err(reject)?;
    let report = check_media(&p, &s, &m, o.form.is_some());
    to_js(&report)
}

fn bad_options(zh: &str, en: &str) -> JsValue {
    reject(Error::new("bad_options", zh, en))
}

/// The scans `[{slot, file}]`, each judged by its size and first bytes
/// before it is read whole, added to `s`; their Files, in `s.scans`' order.
async fn add_scans(s: &mut Submission<'_>, list: &JsValue) -> Result<Vec<File>, JsValue> {
    let mut files = Vec::new();
    if !list.is_object() {
        return Ok(files);
    }
    for item in js_sys::Array::from(list).iter() {
        let slot_id = Reflect::get(&item, &"slot".into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_default();
        let file: File = Reflect::get(&item, &"file".into())
            .ok()
            .and_then(|v| v.dyn_into().ok())
            .ok_or_else(|| {
                bad_options(
                    "附件需要 {slot, file}。",
                    "Each attachment needs {slot, file}.",
                )
            })?;
        let head = read(&file, 0.0, file.size().min(64.0))
            .await
            .map_err(reject)?;
        s.before_reading(&slot_id, &file.name(), file.size() as u64, &head)
            .map_err(reject)?;
        let bytes = read(&file, 0.0, file.size()).await.map_err(reject)?;
        s.add_scan(&slot_id, &file.name(), &bytes).map_err(reject)?;
        files.push(file);
    }
    Ok(files)
}

/// The video's facts and identity: probed, then its CRC; `bundle::plan`
/// refuses it when the browser says it is another file by then.
async fn video_in(video: &File) -> Result<VideoIn, Error> {
    let probed = file_id(video);
    still_readable(video).await?;
    let info = probe_blob(video).await?;
    let crc32 = crc_blob(video).await?;
    let zipping = file_id(video);
    still_readable(video).await?;
    Ok(VideoIn {
        size: zipping.size,
        crc32,
        info,
        name: Some(zipping.name),
        modified_ms: zipping.modified_ms,
        probed_modified_ms: probed.modified_ms,
    })
}

/// `bundle({profile, category, channel, form, video, attachments: [{slot, file}], force})`
/// → `{blob, name, manifest, report}`. `video` may be left out where the
/// form says the video comes later (`video.later`).
#[wasm_bindgen(js_name = bundle)]
pub async fn bundle_js(opts: JsValue) -> Result<JsValue, JsValue> {
    let get = |k: &str| Reflect::get(&opts, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let p = profile_of(&get("profile")).await.map_err(reject)?;
    let o = options_of(&opts).map_err(reject)?;
    let mut s = submission(&p, &o).map_err(reject)?;
    let video = get("video");
    let video: Option<File> =
        if video.is_undefined() || video.is_null() {
            s.video_or_later().map_err(reject)?;
            None
        } else {
            Some(video.dyn_into().map_err(|_| {
                bad_options("video 应为视频文件（File）。", "`video` must be a File.")
            })?)
        };
    let files = add_scans(&mut s, &get("attachments")).await?;
    if let Some(v) = &video {
        s.video = Some(video_in(v).await.map_err(reject)?);
    }
    let report = s.check();
    let stamp = Stamp {
        unix_time: (js_sys::Date::now() / 1000.0) as i64,
        forced: get("force").as_bool().unwrap_or(false),
        tool: concat!("preflight-js ", env!("CARGO_PKG_VERSION")),
    };
    let plan = bundle::plan(&s, &report, &stamp).map_err(reject)?;
    let (parts, _) = plan.layout(stamp.unix_time).map_err(reject)?;
    let blob = super::zipblob::zip_blob(&plan, &parts, video.as_ref(), &files)?;
    let manifest = plan
        .manifest_json()
        .and_then(|t| js_sys::JSON::parse(t).ok())
        .unwrap_or(JsValue::NULL);
    let out = js_sys::Object::new();
    let _ = Reflect::set(&out, &"blob".into(), &blob);
    let _ = Reflect::set(&out, &"name".into(), &plan.zip_name.into());
    let _ = Reflect::set(&out, &"manifest".into(), &manifest);
    let _ = Reflect::set(&out, &"report".into(), &to_js(&report)?);
    Ok(out.into())
}

/// The built-in profiles' ids.
#[wasm_bindgen(js_name = profiles)]
pub fn profiles_js() -> Vec<JsValue> {
    profile::builtin_ids().map(JsValue::from).collect()
}

/// `fix(file, {faststart, mp4, stripLocation, stripDevice, profile, category,
/// channel})` → `{blob, name, changes, media, report}`: the remux (in the
/// tools worker, loaded on the first call: src/web/tools.rs) as a Blob of
/// the new header bytes and `file.slice()`s (never a copy of the media);
/// `blob` is `file` itself when nothing applies. Reads the top-level headers
/// and the `moov` only.
#[wasm_bindgen(js_name = fix)]
pub async fn fix_js(file: Blob, options: JsValue) -> Result<JsValue, JsValue> {
    let get = |k: &str| Reflect::get(&options, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let d = super::tools::FixOptions::default();
    let flag = |k: &str, d: bool| get(k).as_bool().unwrap_or(d);
    let opts = super::tools::FixOptions {
        faststart: flag("faststart", d.faststart),
        mp4: flag("mp4", d.mp4),
        strip_location: flag("stripLocation", d.strip_location),
        strip_device: flag("stripDevice", d.strip_device),
    };
    let fixed = super::tools::fix(&file, opts)
        .await
        .map_err(|e| to_js(&e).unwrap_or_else(|e| e))?;
    let (blob, out_name) = (fixed.blob, fixed.name);
    let mut media = probe_blob(&blob).await.map_err(reject)?;
    media.file = out_name.clone();
    let pv = get("profile");
    let report = if pv.is_undefined() || pv.is_null() {
        JsValue::NULL
    } else {
        let p = profile_of(&pv).await.map_err(reject)?;
        let o = Options {
            category: get("category").as_string(),
            channel: get("channel").as_string(),
            form: None,
        };
        let s = submission(&p, &o).map_err(reject)?;
        to_js(&check_media(&p, &s, &media, false))?
    };
    let out = js_sys::Object::new();
    let _ = Reflect::set(&out, &"blob".into(), &blob);
    let _ = Reflect::set(&out, &"name".into(), &out_name.into());
    let _ = Reflect::set(&out, &"changes".into(), &to_js(&fixed.changes)?);
    let _ = Reflect::set(&out, &"media".into(), &to_js(&media)?);
    let _ = Reflect::set(&out, &"report".into(), &report);
    let _ = Reflect::set(&out, &"bytesRead".into(), &(fixed.bytes_read as f64).into());
    Ok(out.into())
}

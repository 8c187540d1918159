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
use crate::bundle::{self, PlanInput, ScanIn, VideoIn};
use crate::check::{self, Input, Report};
use crate::form::{Attached, FormValues};
use crate::probe::{MediaInfo, Poll, Probe};
use crate::profile::{self, Profile};

const CHUNK: f64 = 4.0 * 1024.0 * 1024.0;

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
        let end = (off + CHUNK).min(size);
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

/// The category and channel resolved against the profile, as the CLI does:
/// a missing one that changes what applies is refused, naming the choices.
fn resolved(p: &Profile, mut o: Options) -> Result<Options, Error> {
    let s = p.resolve(o.category.as_deref(), o.channel.as_deref())?;
    o.category = s.category;
    o.channel = s.channel;
    Ok(o)
}

fn run_check(p: &Profile, o: &Options, m: &MediaInfo, attached: Option<&[Attached]>) -> Report {
    check::check(
        p,
        &Input {
            category: o.category.as_deref(),
            channel: o.channel.as_deref(),
            media: Some(m),
            form: o.form.as_ref(),
            attachments: attached,
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
/// `preflight check --json`).
#[wasm_bindgen(js_name = check)]
pub async fn check_js(file: Blob, profile: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let p = profile_of(&profile).await.map_err(reject)?;
    let o = options_of(&options)
        .and_then(|o| resolved(&p, o))
        .map_err(reject)?;
    let m = probe_blob(&file).await.map_err(reject)?;
    to_js(&run_check(&p, &o, &m, None))
}

/// `bundle({profile, category, channel, form, video, attachments: [{slot, file}], force})`
/// → `{blob, name, manifest, report}`.
#[wasm_bindgen(js_name = bundle)]
pub async fn bundle_js(opts: JsValue) -> Result<JsValue, JsValue> {
    let get = |k: &str| Reflect::get(&opts, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let p = profile_of(&get("profile")).await.map_err(reject)?;
    let o = options_of(&opts)
        .and_then(|o| resolved(&p, o))
        .map_err(reject)?;
    let video: File = get("video").dyn_into().map_err(|_| {
        reject(Error::new(
            "bad_options",
            "缺少视频文件 video。",
            "`video` (a File) is required.",
        ))
    })?;
    let force = get("force").as_bool().unwrap_or(false);
    // What the browser says of the video now: bundle::plan refuses it when it
    // says otherwise once the probe and the CRC pass are done.
    let probed = file_id(&video);
    still_readable(&video).await.map_err(reject)?;
    let info = probe_blob(&video).await.map_err(reject)?;
    let mut scans = Vec::new();
    let mut files = Vec::new();
    let mut attached = Vec::new();
    let list = get("attachments");
    if list.is_object() {
        for item in js_sys::Array::from(&list).iter() {
            let slot_id = Reflect::get(&item, &"slot".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let file: File = Reflect::get(&item, &"file".into())
                .ok()
                .and_then(|v| v.dyn_into().ok())
                .ok_or_else(|| {
                    reject(Error::new(
                        "bad_options",
                        "附件需要 {slot, file}。",
                        "Each attachment needs {slot, file}.",
                    ))
                })?;
            let slot = p
                .attachments
                .iter()
                .find(|a| a.id == slot_id)
                .ok_or_else(|| {
                    reject(Error::new(
                        "unknown_slot",
                        format!("附件位置「{slot_id}」不存在。"),
                        format!("Unknown attachment slot \"{slot_id}\"."),
                    ))
                })?;
            // Judged by its size and first bytes before it is read whole, so
            // a scan over a limit gets the scan's own advice.
            let head = read(&file, 0.0, file.size().min(64.0))
                .await
                .map_err(reject)?;
            crate::form::check_scan_before_reading(slot, &file.name(), file.size() as u64, &head)
                .map_err(reject)?;
            let bytes = read(&file, 0.0, file.size()).await.map_err(reject)?;
            let (scan, att) = ScanIn::from_bytes(slot, &file.name(), &bytes).map_err(reject)?;
            attached.push(att);
            scans.push(scan);
            files.push(file);
        }
    }
    let report = run_check(&p, &o, &info, Some(&attached));
    let crc = crc_blob(&video).await.map_err(reject)?;
    let zipping = file_id(&video);
    still_readable(&video).await.map_err(reject)?;
    let now = (js_sys::Date::now() / 1000.0) as i64;
    let form = o.form.clone().unwrap_or_default();
    let ticks = Default::default();
    let plan = bundle::plan(&PlanInput {
        profile: &p,
        category: o.category.as_deref(),
        channel: o.channel.as_deref(),
        form: &form,
        ticks: &ticks,
        video: &VideoIn {
            size: zipping.size,
            crc32: crc,
            info,
            name: Some(zipping.name),
            modified_ms: zipping.modified_ms,
            probed_modified_ms: probed.modified_ms,
        },
        scans: &scans,
        report: &report,
        unix_time: now,
        forced: force,
        tool: concat!("preflight-js ", env!("CARGO_PKG_VERSION")),
    })
    .map_err(reject)?;
    let (parts, _) = plan.layout(now).map_err(reject)?;
    let blob = super::bundle_view::zip_blob(&plan, &parts, &video, &files)?;
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
/// channel})` → `{blob, name, changes, media, report}`: the remux as a Blob of
/// the new header bytes and `file.slice()`s (never a copy of the media);
/// `blob` is `file` itself when nothing applies. Reads the top-level headers
/// and the `moov` only.
#[wasm_bindgen(js_name = fix)]
pub async fn fix_js(file: Blob, options: JsValue) -> Result<JsValue, JsValue> {
    use crate::fix;
    let get = |k: &str| Reflect::get(&options, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let d = fix::Options::default();
    let flag = |k: &str, d: bool| get(k).as_bool().unwrap_or(d);
    let opts = fix::Options {
        faststart: flag("faststart", d.faststart),
        mp4: flag("mp4", d.mp4),
        strip_location: flag("stripLocation", d.strip_location),
        strip_device: flag("stripDevice", d.strip_device),
    };
    let (plan, bytes_read) = plan_blob(&file, &opts).await.map_err(reject)?;
    let name = file.dyn_ref::<File>().map(|f| f.name()).unwrap_or_default();
    let (blob, out_name, changes) = match plan {
        None => (file.clone(), name.clone(), Vec::new()),
        Some(plan) => {
            let blob = super::protocol::fixed_blob(&file, &plan).map_err(reject)?;
            (blob, plan.file_name(&name), plan.changes)
        }
    };
    let mut media = probe_blob(&blob).await.map_err(reject)?;
    media.file = out_name.clone();
    let pv = get("profile");
    let report = if pv.is_undefined() || pv.is_null() {
        JsValue::NULL
    } else {
        let p = profile_of(&pv).await.map_err(reject)?;
        let co = resolved(
            &p,
            Options {
                category: get("category").as_string(),
                channel: get("channel").as_string(),
                form: None,
            },
        )
        .map_err(reject)?;
        to_js(&run_check(&p, &co, &media, None))?
    };
    let out = js_sys::Object::new();
    let _ = Reflect::set(&out, &"blob".into(), &blob);
    let _ = Reflect::set(&out, &"name".into(), &out_name.into());
    let _ = Reflect::set(&out, &"changes".into(), &to_js(&changes)?);
    let _ = Reflect::set(&out, &"media".into(), &to_js(&media)?);
    let _ = Reflect::set(&out, &"report".into(), &report);
    let _ = Reflect::set(&out, &"bytesRead".into(), &(bytes_read as f64).into());
    Ok(out.into())
}

/// The remux plan of a Blob on the calling thread (`crate::fix`): the
/// layout walk is synchronous, so it is answered from the ranges read so far
/// and walked again after reading the one it lacked (a handful of rounds,
/// headers and the `moov` only). Returns the plan and the bytes read.
pub async fn plan_blob(
    file: &Blob,
    opts: &crate::fix::Options,
) -> Result<(Option<crate::fix::Plan>, u64), Error> {
    use crate::fix;
    let size = file.size() as u64;
    let mut have: Vec<(u64, Vec<u8>)> = Vec::new();
    loop {
        let mut missing = None;
        let r = fix::read_layout(size, |at, len| {
            if let Some((_, b)) = have.iter().find(|(a, b)| *a == at && b.len() as u64 == len) {
                return Ok(b.clone());
            }
            missing = Some((at, len));
            Err(Error::io("pending"))
        });
        match (r, missing) {
            (Ok(src), _) => return Ok((fix::plan(&src, opts)?, src.bytes_read)),
            (Err(_), Some((at, len))) if have.len() < fix::MAX_TOP => {
                let b = read(file, at as f64, (at + len) as f64).await?;
                if b.len() as u64 != len {
                    return Err(Error::truncated("file shrank while reading"));
                }
                have.push((at, b));
            }
            (Err(e), _) => return Err(e),
        }
    }
}

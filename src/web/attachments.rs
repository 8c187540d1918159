//! Slots for the signed scans: type by magic bytes (HEIC refused with what to
//! do), size and count limits, a thumbnail for images, pages for PDFs; and
//! photographed pages combined into one PDF for a slot that takes PDFs.

use js_sys::Uint8Array;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, File, HtmlInputElement};
use yew::prelude::*;

use super::state::{Action, Att, State};
use super::{UiError, tr};
use crate::Lang;
use crate::form;
use crate::profile::{AttachmentSlot, FileKind, Profile};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub profile: super::Shared<Profile>,
    pub lang: Lang,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub attachments: Vec<Att>,
    pub errors: Vec<(String, UiError)>,
    pub dispatch: UseReducerDispatcher<State>,
}

async fn bytes(blob: &Blob) -> Option<Vec<u8>> {
    let ab = JsFuture::from(blob.array_buffer()).await.ok()?;
    Some(Uint8Array::new(&ab).to_vec())
}

fn unreadable(name: &str) -> UiError {
    UiError {
        code: "scan_unreadable".into(),
        message_zh: format!("无法读取「{name}」（文件过大或已被移动）。请重新选择。"),
        message_en: format!("Could not read \"{name}\" (too large, or moved). Choose it again."),
    }
}

/// Photos into one PDF, in the tools worker (see [`super::tools::pdf`]):
/// a `File` of the new bytes and slices of the photos (nothing copied),
/// taken by the slot like any PDF, named after the first photo.
async fn combine(slot: AttachmentSlot, photos: Vec<File>, d: UseReducerDispatcher<State>) {
    match super::tools::pdf(&photos).await {
        Ok(file) => take(slot, file, d).await,
        Err(e) => d.dispatch(Action::AttachError(slot.id.clone(), e)),
    }
}

async fn take(slot: AttachmentSlot, file: File, d: UseReducerDispatcher<State>) {
    let head = match file.slice_with_f64_and_f64(0.0, 64.0) {
        Ok(b) => bytes(&b).await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let size = file.size() as u64;
    // A quick look at the first bytes refuses a HEIC or an oversized file
    // before the whole file is read (the slot's limit, then the read cap),
    // each with the scan's own advice, as the CLI and the JS API do.
    match form::check_scan_before_reading(&slot, &file.name(), size, &head) {
        Err(e) => d.dispatch(Action::AttachError(slot.id.clone(), e.into())),
        Ok(_) => {
            // Scans are small (the slot's limit, at most 64 MB): read once for
            // the page count, the CRC-32 and the SHA-256 the bundle needs.
            let all = if size <= form::MAX_SCAN_READ {
                bytes(&file).await
            } else {
                None
            };
            let Some(all) = all else {
                d.dispatch(Action::AttachError(
                    slot.id.clone(),
                    unreadable(&file.name()),
                ));
                return;
            };
            // The same entry the CLI and the JS API make of a scan.
            let scan = match crate::bundle::ScanIn::from_bytes(&slot, &file.name(), &all) {
                Ok((scan, _)) => scan,
                Err(e) => {
                    d.dispatch(Action::AttachError(slot.id.clone(), e.into()));
                    return;
                }
            };
            let pages = (scan.kind == FileKind::Pdf)
                .then(|| form::pdf_pages(&all))
                .filter(|n| *n > 0);
            // A thumbnail for an image; for a PDF, a link to look at it.
            let thumb = web_sys::Url::create_object_url_with_blob(&file).ok();
            d.dispatch(Action::Attach(Att {
                slot: slot.id.clone(),
                name: file.name(),
                size: scan.size,
                kind: scan.kind,
                thumb,
                pages,
                file,
                crc32: scan.crc32,
                sha256: scan.sha256,
            }));
        }
    }
}

fn accept_attr(slot: &AttachmentSlot) -> String {
    let mut v = Vec::new();
    for k in &slot.accept {
        match k {
            FileKind::Pdf => v.extend(["application/pdf", ".pdf"]),
            FileKind::Jpeg => v.extend(["image/jpeg", ".jpg", ".jpeg"]),
            FileKind::Png => v.extend(["image/png", ".png"]),
        }
    }
    // HEIC is offered so that it can be refused with advice rather than hidden.
    v.extend(["image/heic", ".heic"]);
    v.join(",")
}

#[function_component(Attachments)]
pub fn attachments(p: &Props) -> Html {
    let lang = p.lang;
    let zh = lang == Lang::Zh;
    // Photos chosen to combine into one PDF: the slot's id and the photos
    // in page order (choosing again replaces them).
    let photos = use_state(|| (String::new(), Vec::<File>::new()));
    let slots: Vec<&AttachmentSlot> = p
        .profile
        .attachments
        .iter()
        .filter(|a| Profile::applies(&a.when, p.category.as_deref(), p.channel.as_deref()))
        .collect();
    if slots.is_empty() {
        return html! { <p class="hint">{tr(lang, "此比赛不需要上传签字扫描件。", "This contest needs no signed scans.")}</p> };
    }
    html! {
        <div class="slots">
            if let Some(t) = &p.profile.attachments_max_total {
                <p class="hint">{format!("{} {} {}", tr(lang, "平台最多接受", "The platform takes at most"), t.value, tr(lang, "个附件。", "attachments."))}</p>
            }
            { for slots.iter().map(|slot| {
                let mine: Vec<(usize, &Att)> = p.attachments.iter().enumerate().filter(|(_, a)| a.slot == slot.id).collect();
                let err = p.errors.iter().find(|(s, _)| s == &slot.id).map(|(_, e)| e.clone());
                let onchange = {
                    let d = p.dispatch.clone();
                    let slot = (*slot).clone();
                    Callback::from(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        if let Some(list) = input.files() {
                            for i in 0..list.length() {
                                if let Some(f) = list.get(i) {
                                    yew::platform::spawn_local(take(slot.clone(), f, d.clone()));
                                }
                            }
                        }
                        input.set_value("");
                    })
                };
                // The order is the order chosen, shown before combining (buttons
                // to reorder would cost ~1 KB brotli of the payload).
                let add_photos = {
                    let (photos, id) = (photos.clone(), slot.id.clone());
                    Callback::from(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        let files = input.files().map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect()).unwrap_or_default();
                        photos.set((id.clone(), files));
                        input.set_value("");
                    })
                };
                let chosen: &[File] = if photos.0 == slot.id { &photos.1 } else { &[] };
                let order: Vec<String> = chosen.iter().enumerate().map(|(k, f)| format!("{}. {}", k + 1, f.name())).collect();
                let go = {
                    let (photos, d, slot) = (photos.clone(), p.dispatch.clone(), (*slot).clone());
                    Callback::from(move |_| {
                        let files = photos.1.clone();
                        photos.set(Default::default());
                        yew::platform::spawn_local(combine(slot.clone(), files, d.clone()));
                    })
                };
                html! {
                    <div class="slot" data-slot={slot.id.clone()}>
                        <h3>{ if zh { slot.label.clone() } else { slot.label_en.clone() } }
                            if slot.required { <span class="req">{"*"}</span> }</h3>
                        if !slot.signatures.is_empty() {
                            <p class="hint">{ if zh { slot.signatures.clone() } else { slot.signatures_en.clone() } }</p>
                        }
                        <label class="pick small">
                            <input type="file" id={format!("att-{}", slot.id)} accept={accept_attr(slot)} multiple={slot.max_count > 1} onchange={onchange} />
                            <span>{tr(lang, "选择扫描件（PDF / JPG / PNG）", "Choose scans (PDF / JPG / PNG)")}</span>
                        </label>
                        if slot.accept.contains(&FileKind::Pdf) {
                            <label class="pick small">
                                <input type="file" id={format!("combine-{}", slot.id)} accept="image/jpeg,image/png,.jpg,.jpeg,.png,image/heic,.heic" multiple=true onchange={add_photos} />
                                <span>{tr(lang, "合成一个 PDF：按页序选择拍摄的各页照片", "Combine into one PDF: choose the photographed pages in order")}</span>
                            </label>
                        }
                        if !chosen.is_empty() {
                            <p class="hint" id={format!("combine-order-{}", slot.id)}>{order.join("　")}</p>
                            <button id={format!("combine-go-{}", slot.id)} onclick={go}>{tr(lang, "合成一个 PDF", "Combine into one PDF")}</button>
                        }
                        if let Some(e) = err {
                            <p class="field-error" role="alert" data-error={e.code.clone()}>{e.text(lang).to_string()}</p>
                        }
                        <ul class="files">
                            { for mine.iter().map(|(i, a)| {
                                let d = p.dispatch.clone();
                                let i = *i;
                                html! {
                                    <li class="file">
                                        if let Some(u) = &a.thumb {
                                            if a.kind == FileKind::Pdf {
                                                <a class="link" href={u.clone()} download={a.name.clone()}>{tr(lang, "下载", "Download")}</a>
                                            } else {
                                                <img src={u.clone()} alt="" class="thumb" />
                                            }
                                        }
                                        <span>{a.name.clone()}</span>
                                        <span class="hint">{format!(" {:.1} MB", a.size as f64 / 1e6)}</span>
                                        if let Some(n) = a.pages { <span class="hint">{format!(" · {n} {}", tr(lang, "页", "pages"))}</span> }
                                        <button class="link" onclick={Callback::from(move |_| d.dispatch(Action::Detach(i)))}>{tr(lang, "移除", "Remove")}</button>
                                    </li>
                                }
                            }) }
                        </ul>
                    </div>
                }
            }) }
        </div>
    }
}

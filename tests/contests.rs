//! Every contest as a new user meets it: for each built-in profile, category
//! and channel, a video made to pass (ffmpeg), the form filled with what the
//! profile requires, real scans (a JPEG drawn by ffmpeg, a PDF made from it
//! by Ghostscript), then `check` and `bundle` through the CLI. The bundle
//! must be made (exit 0), `preflight verify` and `unzip -t` must accept it,
//! everything the notice requires must be inside (each required field in the
//! manifest's form, each required slot's scan among its files), and the
//! printed form must carry the notice's own title for the channel. The
//! inverse: leaving out any one required field or scan fails the bundle,
//! naming it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::bundle::{TestDir, preflight, read_manifest, s, video};
use common::{CBR_9M_1080P_2S, fixture, fixture_with};
use preflight::form::{self, FormValues, Value};
use preflight::profile::{self, FieldType, Profile};

/// The notice each built-in profile comes from (../shared/seeds/README.md).
const NOTICES: [(&str, &str); 5] = [
    ("cujs-video-abstract-2026", "000_82c10b549a9c4de2.txt"),
    ("sichuan-kepu-2024", "001_8020320b3c901fd4.txt"),
    ("heilongjiang-kepu-2022", "002_f30e56f14bbba9c0.txt"),
    ("kepu-light-2026", "003_914fb801548a5fad.txt"),
    ("nmg-kepu-2025", "004_71eada7043170676.txt"),
];

/// The notice's text, whitespace dropped and full-width forms narrowed.
fn notice(id: &str) -> String {
    let file = NOTICES.iter().find(|(p, _)| *p == id).expect("a notice").1;
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/seeds")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the notices are missing: {} ({e})", path.display()));
    normalise(&text)
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '“' | '”' => '"',
            c => c,
        })
        .collect()
}

/// 125 s of 1920×1080 H.264 at a constant ~9.4 Mbps (filler units) and
/// AAC, moov first: 2–5 minutes, 100–300 MB (both readings of M), 16:9 —
/// 四川's, 黑龙江's and 内蒙古's numbers. Made once; then rewrapped
/// (`-c copy`) with a creation time inside each contest's window.
fn long_video(created: &'static str) -> PathBuf {
    let base = fixture(
        "contest-125s-1080p.mp4",
        &[
            "-f",
            "lavfi",
            "-i",
            "testsrc2=s=1920x1080:r=25:d=125",
            "-f",
            "lavfi",
            "-i",
            "sine=frequency=440:duration=125",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            "9400k",
            "-minrate",
            "9400k",
            "-maxrate",
            "9400k",
            "-bufsize",
            "2M",
            "-x264-params",
            "nal-hrd=cbr",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "128k",
            "-shortest",
            "-movflags",
            "+faststart",
        ],
    );
    let name: &'static str =
        Box::leak(format!("contest-125s-1080p-{}.mp4", &created[..10]).into_boxed_str());
    let base: &'static str = Box::leak(s(&base).to_string().into_boxed_str());
    let meta: &'static str = Box::leak(format!("creation_time={created}").into_boxed_str());
    fixture(
        name,
        &[
            "-i",
            base,
            "-c",
            "copy",
            "-metadata",
            meta,
            "-movflags",
            "+faststart",
        ],
    )
}

/// 2 s of 1920×1080 H.264 at a constant 9 Mbps and AAC, moov first:
/// 科普之光's picture, 「码流不低于5—8M/s」 and sound.
fn short_9m() -> PathBuf {
    fixture(
        "contest-2s-1080p-9m.mp4",
        &[CBR_9M_1080P_2S, &["-movflags", "+faststart"]].concat(),
    )
}

/// A video that passes every rule of the contest.
fn passing_video(p: &Profile) -> PathBuf {
    match p.id.as_str() {
        "cujs-video-abstract-2026" => video(),
        "kepu-light-2026" => short_9m(),
        "heilongjiang-kepu-2022" => long_video("2021-06-01T00:00:00Z"),
        "sichuan-kepu-2024" => long_video("2023-06-01T00:00:00Z"),
        "nmg-kepu-2025" => long_video("2024-06-01T00:00:00Z"),
        other => panic!("no passing video for {other}: add one"),
    }
}

/// A signed page photographed: an A4-proportioned JPEG with a stroke, drawn by ffmpeg.
fn scan_jpeg() -> PathBuf {
    fixture(
        "contest-scan.jpg",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=white:s=1240x1754,drawbox=x=200:y=1400:w=600:h=6:color=black:t=fill",
            "-frames:v",
            "1",
        ],
    )
}

/// The same page scanned to PDF: the JPEG embedded by Ghostscript's viewjpeg.
fn scan_pdf() -> PathBuf {
    let jpg = scan_jpeg();
    fixture_with("contest-scan.pdf", |out| {
        let lib = std::fs::read_dir("/usr/share/ghostscript")
            .expect("Ghostscript's lib (is ghostscript installed?)")
            .filter_map(Result::ok)
            .map(|e| e.path().join("lib/viewjpeg.ps"))
            .find(|p| p.exists())
            .expect("viewjpeg.ps");
        let o = Command::new("gs")
            .args(["-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pdfwrite"])
            .arg(format!("--permit-file-read={}", s(&jpg)))
            .arg("-o")
            .arg(out)
            .arg(&lib)
            .arg("-c")
            .arg(format!("({}) viewJPEG showpage", s(&jpg)))
            .output()
            .expect("run gs");
        assert!(
            o.status.success(),
            "gs: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    })
}

fn choices(list: &[profile::Choice]) -> Vec<Option<String>> {
    if list.is_empty() {
        vec![None]
    } else {
        list.iter().map(|c| Some(c.id.clone())).collect()
    }
}

/// A value a careful user would type for a field of this type.
fn value_for(p: &Profile, f: &profile::Field) -> Value {
    let later = p.video.later.as_ref().map(|l| &l.when);
    // A select whose answer would put the video off (科普之光's 视频待自行制作)
    // takes an answer that hands the video in now.
    let option = f
        .options
        .iter()
        .find(|o| !later.is_some_and(|w| w.field == f.id && w.any_of.contains(&o.id)))
        .map(|o| o.id.clone())
        .unwrap_or_default();
    let text = |t: &str| {
        let n = f.max_chars.map_or(usize::MAX, |m| m as usize);
        Value::Text(t.chars().take(n.max(1)).collect())
    };
    match f.kind {
        FieldType::Text => text(&format!("测试{}", f.label)),
        FieldType::Textarea => {
            text("本作品用动画讲解黑洞的形成，作品名称、时长信息、版权方信息见片尾。")
        }
        FieldType::Mobile => text("13912345678"),
        FieldType::Phone => text("0451-51920576"),
        FieldType::Email => text("zhang@example.com"),
        FieldType::Url => text("https://example.com/v/1"),
        FieldType::Date => text(
            f.min_date
                .as_deref()
                .or(f.max_date.as_deref())
                .unwrap_or("2024-06-01"),
        ),
        FieldType::Select => Value::Text(option),
        FieldType::Multiselect => Value::List(vec![option]),
        FieldType::Authors => Value::List(vec!["张三".into()]),
        FieldType::Duration => text("0:10"),
        FieldType::IdCard => text("11010519491231002X"),
        FieldType::Uscc => text("91350100M000100Y43"),
    }
}

/// The form as the profile requires it for this category and channel: every
/// field that applies and is required (or becomes required by another
/// answer), nothing else. A field that repeats the category is left to it.
fn required_form(p: &Profile, cat: Option<&str>, chan: Option<&str>) -> FormValues {
    let mut values = FormValues::new();
    loop {
        let before = values.len();
        // What the form holds once the category fills the fields that repeat it.
        let seen = form::effective(p, &values, cat, chan);
        for f in &p.fields {
            if f.mirrors.is_none()
                && Profile::applies(&f.when, cat, chan)
                && form::is_required(f, &seen)
                && !values.contains_key(&f.id)
            {
                values.insert(f.id.clone(), value_for(p, f));
            }
        }
        if values.len() == before {
            return values;
        }
    }
}

/// The slots the profile requires for this category, channel and form.
fn required_slots<'a>(
    p: &'a Profile,
    cat: Option<&str>,
    chan: Option<&str>,
    values: &FormValues,
) -> Vec<&'a profile::AttachmentSlot> {
    p.attachments
        .iter()
        .filter(|a| Profile::applies(&a.when, cat, chan))
        .filter(|a| {
            let seen = form::effective(p, values, cat, chan);
            a.required
                || a.required_when
                    .as_ref()
                    .is_some_and(|r| form::holds(r, &seen))
        })
        .collect()
}

struct Entry<'a> {
    p: &'a Profile,
    cat: Option<String>,
    chan: Option<String>,
    video: PathBuf,
    values: FormValues,
    slots: Vec<(String, PathBuf)>,
}

impl Entry<'_> {
    fn scope_args(&self) -> Vec<String> {
        let mut a = vec!["--profile".to_string(), self.p.id.clone()];
        if let Some(c) = &self.cat {
            a.extend(["--category".into(), c.clone()]);
        }
        if let Some(c) = &self.chan {
            a.extend(["--channel".into(), c.clone()]);
        }
        a
    }

    fn what(&self) -> String {
        format!("{} {:?} {:?}", self.p.id, self.cat, self.chan)
    }

    /// `preflight bundle` of this entry into `zip`: (exit code, stdout + stderr).
    fn bundle(&self, dir: &TestDir, zip: &Path) -> (i32, String) {
        let form = dir.join(format!("form-{}.json", common::bundle::unique_n()));
        std::fs::write(&form, serde_json::to_vec(&self.values).unwrap()).unwrap();
        let mut args = vec!["bundle".to_string()];
        args.extend(self.scope_args());
        args.extend(["--form".into(), s(&form).into()]);
        args.extend(["--video".into(), s(&self.video).into()]);
        for (slot, file) in &self.slots {
            args.extend(["--attach".into(), format!("{slot}={}", s(file))]);
        }
        args.extend(["-o".into(), s(zip).into()]);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = preflight(&argv);
        (r.code, format!("{}{}", r.stdout, r.stderr))
    }
}

/// Every contest × category × channel, as the notice asks.
fn entries(p: &Profile) -> Vec<Entry<'_>> {
    let (jpg, pdf) = (scan_jpeg(), scan_pdf());
    let mut out = Vec::new();
    for cat in choices(&p.categories) {
        for chan in choices(&p.channels) {
            let values = required_form(p, cat.as_deref(), chan.as_deref());
            let slots = required_slots(p, cat.as_deref(), chan.as_deref(), &values)
                .into_iter()
                .enumerate()
                // Scans both ways: photographed and scanned.
                .map(|(i, a)| {
                    let file = if i % 2 == 0 { &pdf } else { &jpg };
                    (a.id.clone(), file.clone())
                })
                .collect();
            out.push(Entry {
                p,
                video: passing_video(p),
                cat: cat.clone(),
                chan,
                values,
                slots,
            });
        }
    }
    out
}

#[test]
fn every_contest_category_and_channel_bundles_what_the_notice_asks() {
    let dir = TestDir::new("contests");
    let mut n = 0;
    for p in profile::builtins() {
        let hay = notice(&p.id);
        for e in entries(&p) {
            n += 1;
            let what = e.what();
            // `check` of the video alone passes.
            let mut args = vec!["check".to_string(), s(&e.video).to_string()];
            args.extend(e.scope_args());
            let argv: Vec<&str> = args.iter().map(String::as_str).collect();
            let r = preflight(&argv);
            assert_eq!(r.code, 0, "{what}: check\n{}{}", r.stdout, r.stderr);
            assert!(
                !r.stdout.contains("✗"),
                "{what}: a rule fails:\n{}",
                r.stdout
            );

            let zip = dir.join(format!("{n}.zip"));
            let (code, out) = e.bundle(&dir, &zip);
            assert_eq!(code, 0, "{what}: bundle\n{out}");
            let r = preflight(&["verify", s(&zip)]);
            assert_eq!(r.code, 0, "{what}: verify\n{}{}", r.stdout, r.stderr);
            let t = Command::new("unzip").arg("-t").arg(&zip).output().unwrap();
            assert!(
                t.status.success(),
                "{what}: unzip -t\n{}",
                String::from_utf8_lossy(&t.stdout)
            );

            // Everything the notice requires is inside.
            let m = read_manifest(&zip);
            for (id, v) in &e.values {
                assert_eq!(
                    m["form"][id],
                    serde_json::to_value(v).unwrap(),
                    "{what}: form.{id} in the manifest"
                );
            }
            let files = serde_json::to_string(&m["files"]).unwrap();
            let names = zip_names(&zip);
            for (slot, file) in &e.slots {
                let a = p.attachments.iter().find(|a| &a.id == slot).unwrap();
                let ext = file.extension().unwrap().to_string_lossy();
                let ext = if ext == "jpg" { "jpg" } else { "pdf" };
                let want = format!("{}.{ext}", a.file_name);
                assert!(
                    names
                        .iter()
                        .any(|n| n.starts_with(&a.file_name) && n.ends_with(ext)),
                    "{what}: the scan for {slot} ({want}) is not in the bundle: {names:?}"
                );
                assert!(
                    files.contains(&a.file_name),
                    "{what}: {slot} not in the manifest's files"
                );
            }
            assert!(
                names.iter().any(|n| n.ends_with(".mp4")),
                "{what}: no video in {names:?}"
            );

            // The printed form carries the notice's title for the channel,
            // and every document to sign its own.
            let title = p.form_name(e.chan.as_deref());
            let html_name = format!("{title}.html");
            assert!(
                names.contains(&html_name),
                "{what}: {html_name} not in {names:?}"
            );
            let html = read_entry(&zip, &html_name);
            assert!(
                html.contains(&format!("<h1 class=\"pf-title\">{title}</h1>")),
                "{what}: the printed form's title"
            );
            let has_form = p.id != "cujs-video-abstract-2026";
            if has_form {
                assert!(
                    hay.contains(&normalise(title)),
                    "{what}: 「{title}」 is not the notice's title"
                );
            }
            for d in p
                .documents
                .iter()
                .filter(|d| Profile::applies(&d.when, e.cat.as_deref(), e.chan.as_deref()))
            {
                assert!(html.contains(&d.title), "{what}: {} not printed", d.id);
                for piece in d.title.split('\u{3000}') {
                    assert!(hay.contains(&normalise(piece)), "{what}: 「{piece}」");
                }
            }
        }
    }
    assert!(n >= 14, "only {n} entries: is the walk right?");
}

/// Leaving out any one thing the notice requires — a field, a scan — fails
/// the bundle (exit 1, nothing written), naming it.
#[test]
fn leaving_out_any_one_required_item_fails_naming_it() {
    let dir = TestDir::new("contests-drop");
    let mut n = 0;
    for p in profile::builtins() {
        for e in entries(&p) {
            let what = e.what();
            let fields: Vec<String> = e.values.keys().cloned().collect();
            for id in fields {
                let mut less = Entry {
                    p: e.p,
                    cat: e.cat.clone(),
                    chan: e.chan.clone(),
                    video: e.video.clone(),
                    values: e.values.clone(),
                    slots: e.slots.clone(),
                };
                less.values.remove(&id);
                n += 1;
                let zip = dir.join(format!("drop-{n}.zip"));
                let (code, out) = less.bundle(&dir, &zip);
                assert_eq!(code, 1, "{what}: without form.{id}\n{out}");
                assert!(
                    out.contains(&format!("form.{id}")),
                    "{what}: the failure does not name form.{id}:\n{out}"
                );
                assert!(
                    !zip.exists(),
                    "{what}: a bundle was written without form.{id}"
                );
            }
            for i in 0..e.slots.len() {
                let mut slots = e.slots.clone();
                let (slot, _) = slots.remove(i);
                let less = Entry {
                    p: e.p,
                    cat: e.cat.clone(),
                    chan: e.chan.clone(),
                    video: e.video.clone(),
                    values: e.values.clone(),
                    slots,
                };
                n += 1;
                let zip = dir.join(format!("drop-{n}.zip"));
                let (code, out) = less.bundle(&dir, &zip);
                assert_eq!(code, 1, "{what}: without {slot}\n{out}");
                assert!(
                    out.contains(&format!("attachment.{slot}")),
                    "{what}: the failure does not name attachment.{slot}:\n{out}"
                );
                assert!(!zip.exists(), "{what}: a bundle was written without {slot}");
            }
        }
    }
    assert!(n > 40, "only {n} items dropped: is the walk right?");
}

/// The bundle's names as `unzip -Z1` lists them.
fn zip_names(zip: &Path) -> Vec<String> {
    let o = Command::new("unzip")
        .arg("-Z1")
        .arg(zip)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(o.status.success(), "unzip -Z1");
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// One entry's text as `unzip -p` reads it.
fn read_entry(zip: &Path, name: &str) -> String {
    let o = Command::new("unzip")
        .arg("-p")
        .arg(zip)
        .arg(name)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    assert!(o.status.success(), "unzip -p {name}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// 科普之光 takes 「MP4、MOV、AVI、WMV等」 and asks for the 原片: an MKV that
/// meets every other rule is bundled as it is (`.mkv`, exit 0, the
/// container rule warning), and `verify` and `unzip -t` accept it.
#[test]
fn kepu_light_bundles_an_mkv_original_as_it_is() {
    let mkv = fixture(
        "contest-2s-1080p-9m.mkv",
        &["-i", s(&short_9m()), "-c", "copy"],
    );
    let dir = TestDir::new("contests-mkv");
    let p = profile::builtin("kepu-light-2026").unwrap();
    let mut e = entries(&p).remove(0);
    e.video = mkv;
    let zip = dir.join("mkv.zip");
    let (code, out) = e.bundle(&dir, &zip);
    assert_eq!(code, 0, "{out}");
    let names = zip_names(&zip);
    let report = read_entry(&zip, "report.html");
    assert!(
        report.contains("<td class=\"warn\">warn</td>") && report.contains("WMV等"),
        "the container rule warns in report.html:\n{report}"
    );
    assert!(names.iter().any(|n| n.ends_with(".mkv")), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with(".mp4")), "{names:?}");
    let r = preflight(&["verify", s(&zip)]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let t = Command::new("unzip").arg("-t").arg(&zip).output().unwrap();
    assert!(t.status.success());
}

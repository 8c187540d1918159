//! Photographed pages into one PDF (`preflight scans-to-pdf`, `preflight::pdf`),
//! read back by real readers: poppler's `pdfinfo`, `pdfimages` and `pdftoppm`,
//! and Python's `pypdf`. Photos are made by ffmpeg; the EXIF orientation is
//! written into them as a phone does (an APP1 `Exif` segment after SOI).

mod cli_support;
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use cli_support::*;
use common::bundle::s;
use common::fixture;
use preflight::pdf::{self, Part};

/// A still made by ffmpeg from a lavfi source (`-frames:v 1`).
fn still(name: &str, src: &str, pix_fmt: &str) -> PathBuf {
    fixture(
        name,
        &[
            "-f",
            "lavfi",
            "-i",
            src,
            "-frames:v",
            "1",
            "-pix_fmt",
            pix_fmt,
        ],
    )
}

/// A JPEG from ffmpeg's still through `cjpeg FLAGS` (progressive, or one
/// gray component: forms ffmpeg's encoder does not write).
fn cjpeg(name: &str, src: &str, flags: &[&str]) -> PathBuf {
    common::fixture_with(name, |out| {
        let ppm = out.with_extension("ppm");
        common::ffmpeg(
            name,
            &[
                "-f",
                "lavfi",
                "-i",
                src,
                "-frames:v",
                "1",
                "-c:v",
                "ppm",
                "-f",
                "image2",
            ],
            &ppm,
        );
        let mut args: Vec<&str> = flags.to_vec();
        args.extend(["-outfile", s(out), s(&ppm)]);
        let (ok, _, err) = run("cjpeg", &args);
        assert!(ok, "cjpeg (libjpeg-turbo-progs): {err}");
        let _ = fs::remove_file(&ppm);
    })
}

/// 320×160 stored: top-left red, top-right blue, bottom-left green,
/// bottom-right white; a JPEG with these colours keeps them near enough.
fn quadrants() -> PathBuf {
    fixture(
        "pdf-quadrants.jpg",
        &[
            "-f",
            "lavfi",
            "-i",
            "color=c=red:s=320x160",
            "-vf",
            "drawbox=x=160:y=0:w=160:h=80:color=blue:t=fill,drawbox=x=0:y=80:w=160:h=80:color=lime:t=fill,drawbox=x=160:y=80:w=160:h=80:color=white:t=fill",
            "-frames:v",
            "1",
            "-q:v",
            "2",
        ],
    )
}

/// `jpeg` with an APP1 Exif segment right after SOI, as a phone writes it:
/// IFD0 with Make ("Test", stored after the IFD) and Orientation `o`, in
/// either byte order.
fn with_orientation(jpeg: &[u8], o: u16, big_endian: bool) -> Vec<u8> {
    let w16 = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let w32 = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let mut t = Vec::new();
    t.extend(if big_endian { b"MM\0*" } else { b"II*\0" });
    t.extend(w32(8));
    t.extend(w16(2)); // two entries
    // Make: ASCII, 5 bytes, at offset 8 + 2 + 2·12 + 4 = 38.
    t.extend(w16(0x010F));
    t.extend(w16(2));
    t.extend(w32(5));
    t.extend(w32(38));
    // Orientation: SHORT, 1, the value left-justified in the 4 bytes.
    t.extend(w16(0x0112));
    t.extend(w16(3));
    t.extend(w32(1));
    t.extend(w16(o));
    t.extend([0, 0]);
    t.extend(w32(0)); // no next IFD
    t.extend(b"Test\0");
    let mut seg = b"Exif\0\0".to_vec();
    seg.extend(t);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(seg.len() + 2).unwrap().to_be_bytes());
    out.extend(seg);
    out.extend(&jpeg[2..]);
    out
}

fn run(cmd: &str, args: &[&str]) -> (bool, Vec<u8>, String) {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {cmd} (poppler-utils, python3-pypdf installed?): {e}"));
    (
        o.status.success(),
        o.stdout,
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn text(cmd: &str, args: &[&str]) -> String {
    let (ok, out, err) = run(cmd, args);
    assert!(ok, "{cmd} {args:?} failed: {err}");
    String::from_utf8_lossy(&out).into_owned()
}

/// `pdfinfo -f 1 -l N`: the page count and each page's size in points.
fn pdfinfo(pdf: &Path) -> (usize, Vec<(f64, f64)>) {
    let t = text("pdfinfo", &["-f", "1", "-l", "9999", s(pdf)]);
    let pages = t
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no Pages: in {t}"));
    let sizes = t
        .lines()
        .filter(|l| l.starts_with("Page ") && l.contains(" size: "))
        .map(|l| {
            let v: Vec<&str> = l
                .split(" size: ")
                .nth(1)
                .unwrap()
                .split_whitespace()
                .collect();
            (v[0].parse().unwrap(), v[2].parse().unwrap())
        })
        .collect();
    (pages, sizes)
}

/// `pdfimages -list`: each image's page, width, height, colour and encoding.
fn pdfimages_list(pdf: &Path) -> Vec<(usize, u32, u32, String, String)> {
    text("pdfimages", &["-list", s(pdf)])
        .lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (
                c[0].parse().unwrap(),
                c[3].parse().unwrap(),
                c[4].parse().unwrap(),
                c[5].to_string(),
                c[8].to_string(),
            )
        })
        .collect()
}

/// The python that has `pypdf` (Debian's python3-pypdf is in /usr/bin).
fn python() -> &'static str {
    if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3"
    } else {
        "python3"
    }
}

/// What `pypdf` reads: for each page its media box, and its image's width,
/// height, filter and raw stream bytes' length and SHA-256.
fn pypdf(pdf: &Path) -> Vec<serde_json::Value> {
    let script = r#"
import sys, json, hashlib, pypdf
r = pypdf.PdfReader(sys.argv[1], strict=True)
out = []
for p in r.pages:
    x = p["/Resources"]["/XObject"]["/I"].get_object()
    raw = x._data
    out.append({"box": [float(v) for v in p.mediabox], "w": x["/Width"], "h": x["/Height"],
                "filter": x["/Filter"], "len": len(raw), "sha": hashlib.sha256(raw).hexdigest()})
print(json.dumps(out))
"#;
    let t = text(python(), &["-c", script, s(pdf)]);
    serde_json::from_str(&t).unwrap_or_else(|e| panic!("pypdf said {t}: {e}"))
}

fn sha256(b: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(b)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The decoded pixels of an image file as `pix_fmt` (ffmpeg as the oracle).
fn pixels(path: &Path, pix_fmt: &str) -> Vec<u8> {
    let (ok, out, err) = run(
        "ffmpeg",
        &[
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            s(path),
            "-f",
            "rawvideo",
            "-pix_fmt",
            pix_fmt,
            "-",
        ],
    );
    assert!(ok, "ffmpeg decode {}: {err}", path.display());
    out
}

/// Render page `n` with `pdftoppm` at `dpi`: width, height, RGB bytes.
fn render(pdf: &Path, n: usize, dpi: u32) -> (usize, usize, Vec<u8>) {
    let n = n.to_string();
    let (ok, out, err) = run(
        "pdftoppm",
        &["-r", &dpi.to_string(), "-f", &n, "-l", &n, s(pdf)],
    );
    assert!(ok, "pdftoppm: {err}");
    // P6 <w> <h> 255 <rgb…>
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while out[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !out[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&out[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    let data = out[i + 1..].to_vec();
    assert_eq!(data.len(), w * h * 3);
    (w, h, data)
}

/// `scans-to-pdf INPUTS -o out.pdf` in `dir`; the output's path.
fn combine(dir: &TestDir, inputs: &[&Path]) -> PathBuf {
    let out = dir.join("out.pdf");
    let mut args = vec!["scans-to-pdf"];
    args.extend(inputs.iter().map(|p| s(p)));
    args.extend(["-o", s(&out)]);
    let r = preflight(&dir.0, &args);
    assert_eq!(r.code, 0, "scans-to-pdf: {}{}", r.out(), r.err());
    assert!(
        r.out().contains(&format!("{} 页", inputs.len())),
        "{}",
        r.out()
    );
    out
}

#[test]
fn jpegs_and_pngs_become_one_pdf_that_poppler_and_pypdf_read() {
    let dir = TestDir::new("pdf-mixed");
    let land = still("pdf-land.jpg", "testsrc=s=640x480", "yuvj420p");
    let port = still("pdf-port.jpg", "testsrc=s=300x500", "yuvj420p");
    let full_chroma = still("pdf-444.jpg", "testsrc=s=240x320", "yuvj444p");
    let rgb = still("pdf-rgb.png", "testsrc=s=300x500", "rgb24");
    let gray = still("pdf-gray.png", "testsrc=s=200x100", "gray");
    let pal = still("pdf-pal.png", "testsrc=s=120x90", "pal8");
    let mono = still("pdf-mono.png", "testsrc=s=64x48", "monob");
    let gray_prog = cjpeg(
        "pdf-gray-progressive.jpg",
        "testsrc=s=480x360",
        &["-grayscale", "-progressive"],
    );
    let prog = cjpeg(
        "pdf-progressive.jpg",
        "testsrc=s=360x480",
        &["-progressive"],
    );
    // (file, width, height, pdfimages colour, encoding, pixel format to compare)
    let inputs = [
        (&land, 640, 480, "rgb", "jpeg", ""),
        (&rgb, 300, 500, "rgb", "image", "rgb24"),
        (&port, 300, 500, "rgb", "jpeg", ""),
        (&gray, 200, 100, "gray", "image", "gray"),
        (&pal, 120, 90, "index", "image", "rgb24"),
        (&full_chroma, 240, 320, "rgb", "jpeg", ""),
        (&mono, 64, 48, "gray", "image", "gray"),
        (&gray_prog, 480, 360, "gray", "jpeg", ""),
        (&prog, 360, 480, "rgb", "jpeg", ""),
    ];
    let paths: Vec<&Path> = inputs.iter().map(|i| i.0.as_path()).collect();
    let out = combine(&dir, &paths);

    // pdfinfo: one page each, A4, landscape where the photo is wider.
    let (pages, sizes) = pdfinfo(&out);
    assert_eq!(pages, inputs.len());
    for (k, (sz, i)) in sizes.iter().zip(&inputs).enumerate() {
        let want = if i.1 > i.2 {
            (842.0, 595.0)
        } else {
            (595.0, 842.0)
        };
        assert_eq!(*sz, want, "page {} size", k + 1);
    }

    // pdfimages: each image's size, colour and encoding, one a page.
    let list = pdfimages_list(&out);
    assert_eq!(list.len(), inputs.len());
    for (k, (l, i)) in list.iter().zip(&inputs).enumerate() {
        assert_eq!(
            (l.0, l.1, l.2, l.3.as_str(), l.4.as_str()),
            (k + 1, i.1, i.2, i.3, i.4),
            "pdfimages -list row {k}"
        );
    }

    // The JPEGs come out byte for byte; the PNGs' pixels are the input's.
    let x = dir.join("x");
    fs::create_dir_all(&x).unwrap();
    let prefix = x.join("i");
    text("pdfimages", &["-j", "-png", s(&out), s(&prefix)]);
    for (k, i) in inputs.iter().enumerate() {
        if i.4 == "jpeg" {
            let got = fs::read(x.join(format!("i-{k:03}.jpg"))).unwrap();
            assert!(
                got == fs::read(i.0).unwrap(),
                "page {}: JPEG bytes changed",
                k + 1
            );
        } else {
            let got = pixels(&x.join(format!("i-{k:03}.png")), i.5);
            assert!(got == pixels(i.0, i.5), "page {}: PNG pixels differ", k + 1);
        }
    }

    // pypdf: same pages and boxes; each image's stream is the JPEG file, or
    // the PNG's IDAT data.
    let py = pypdf(&out);
    assert_eq!(py.len(), inputs.len());
    for (k, (p, i)) in py.iter().zip(&inputs).enumerate() {
        let (pw, ph) = sizes[k];
        assert_eq!(p["box"], serde_json::json!([0.0, 0.0, pw, ph]), "page {k}");
        assert_eq!(
            (p["w"].as_u64(), p["h"].as_u64()),
            (Some(i.1.into()), Some(i.2.into()))
        );
        let data = fs::read(i.0).unwrap();
        if i.4 == "jpeg" {
            assert_eq!(p["filter"], "/DCTDecode");
            assert_eq!(p["sha"].as_str(), Some(sha256(&data).as_str()), "page {k}");
        } else {
            assert_eq!(p["filter"], "/FlateDecode");
            assert!(p["len"].as_u64().unwrap() < data.len() as u64);
        }
    }

    // pdftoppm draws every page; the photo fills the page one way.
    for (k, i) in inputs.iter().enumerate() {
        let (w, h, rgb) = render(&out, k + 1, 18);
        assert_eq!(w > h, i.1 > i.2, "page {} rendered {w}×{h}", k + 1);
        let (bw, bh) = ink_box(w, h, &rgb);
        let (a, b) = (bw as f64 / bh as f64, i.1 as f64 / i.2 as f64);
        assert!((a - b).abs() / b < 0.08, "page {}: drawn {bw}×{bh}", k + 1);
    }
}

/// The size of the part of a rendered page that is not white.
fn ink_box(w: usize, h: usize, rgb: &[u8]) -> (usize, usize) {
    let ink = |x: usize, y: usize| rgb[(y * w + x) * 3..][..3].iter().any(|c| *c < 200);
    let (mut x0, mut x1, mut y0, mut y1) = (w, 0, h, 0);
    for y in 0..h {
        for x in 0..w {
            if ink(x, y) {
                (x0, x1, y0, y1) = (x0.min(x), x1.max(x), y0.min(y), y1.max(y));
            }
        }
    }
    assert!(x0 <= x1, "a blank page");
    (x1 - x0 + 1, y1 - y0 + 1)
}

/// The colour names of the four stored quadrants.
const TL: &str = "red";
const TR: &str = "blue";
const BL: &str = "green";
const BR: &str = "white";

fn name(c: &[u8]) -> &'static str {
    match (c[0] > 128, c[1] > 128, c[2] > 128) {
        (true, false, false) => "red",
        (false, false, true) => "blue",
        (false, true, false) => "green",
        (true, true, true) => "white",
        _ => "other",
    }
}

#[test]
fn exif_orientation_is_applied_by_the_page_matrix() {
    let dir = TestDir::new("pdf-exif");
    let base = fs::read(quadrants()).unwrap();
    // What the EXIF specification says each orientation shows in the
    // displayed image's top-left, top-right, bottom-left, bottom-right:
    // 1 as stored; 2 mirrored left–right; 3 turned 180°; 4 mirrored top–bottom;
    // 5 "0th row = visual left, 0th column = visual top" (transposed);
    // 6 "0th row = right, 0th column = top" (turned 90° clockwise);
    // 7 "0th row = right, 0th column = bottom"; 8 "0th row = left, 0th column = bottom".
    let shown = [
        (1, [TL, TR, BL, BR]),
        (2, [TR, TL, BR, BL]),
        (3, [BR, BL, TR, TL]),
        (4, [BL, BR, TL, TR]),
        (5, [TL, BL, TR, BR]),
        (6, [BL, TL, BR, TR]),
        (7, [BR, TR, BL, TL]),
        (8, [TR, BR, TL, BL]),
    ];
    let mut paths = Vec::new();
    for (o, _) in &shown {
        let p = dir.join(format!("o{o}.jpg"));
        fs::write(&p, with_orientation(&base, *o as u16, o % 2 == 0)).unwrap();
        let im = pdf::read_image("o.jpg", &fs::read(&p).unwrap()).unwrap();
        assert_eq!(im.orientation, *o as u8, "orientation read back");
        paths.push(p);
    }
    let refs: Vec<&Path> = paths.iter().map(|p| p.as_path()).collect();
    let out = combine(&dir, &refs);
    let (pages, sizes) = pdfinfo(&out);
    assert_eq!(pages, 8);
    // The stored bytes, EXIF and all, are what the PDF holds.
    text("pdfimages", &["-j", s(&out), s(&dir.join("x"))]);
    let mut failures = Vec::new();
    for (k, (o, want)) in shown.iter().enumerate() {
        let extracted = fs::read(dir.join(format!("x-{k:03}.jpg"))).unwrap();
        assert!(
            extracted == fs::read(&paths[k]).unwrap(),
            "o{o}: bytes changed"
        );
        let turned = *o >= 5;
        // 320×160 stored: shown 160×320 (portrait page) when turned.
        let page = if turned {
            (595.0, 842.0)
        } else {
            (842.0, 595.0)
        };
        if sizes[k] != page {
            failures.push(format!("o{o}: page {:?}, want {page:?}", sizes[k]));
        }
        let (w, h, rgb) = render(&out, k + 1, 24);
        // The photo fills the page's width or height, centred.
        let (bw, bh) = if turned { (h / 2, h) } else { (w, w / 2) };
        let (x0, y0) = ((w - bw) / 2, (h - bh) / 2);
        let at = |fx: f64, fy: f64| {
            let x = x0 + (bw as f64 * fx) as usize;
            let y = y0 + (bh as f64 * fy) as usize;
            name(&rgb[(y * w + x) * 3..][..3])
        };
        let got = [
            at(0.25, 0.25),
            at(0.75, 0.25),
            at(0.25, 0.75),
            at(0.75, 0.75),
        ];
        if got != *want {
            failures.push(format!("o{o}: shows {got:?}, want {want:?}"));
        }
        let (iw, ih) = ink_box(w, h, &rgb);
        let ratio = iw as f64 / ih as f64;
        let want_ratio = if turned { 0.5 } else { 2.0 };
        if (ratio - want_ratio).abs() / want_ratio > 0.08 {
            failures.push(format!("o{o}: drawn {iw}×{ih}"));
        }
    }
    assert_no_failures(&failures);
}

/// A CMYK JPEG as Photoshop writes it (Adobe APP14, stored inverted), made
/// by Pillow: the left half cyan, the right half black.
fn cmyk() -> PathBuf {
    common::fixture_with("pdf-cmyk.jpg", |out| {
        let script = r#"
import sys
from PIL import Image
im = Image.new("CMYK", (200, 100), (255, 0, 0, 0))
im.paste((0, 0, 0, 255), (100, 0, 200, 100))
im.save(sys.argv[1], "JPEG", quality=95)
"#;
        text(python(), &["-c", script, s(out)]);
    })
}

#[test]
fn an_adobe_cmyk_jpeg_keeps_its_colours() {
    let dir = TestDir::new("pdf-cmyk");
    let jpeg = cmyk();
    let data = fs::read(&jpeg).unwrap();
    assert!(
        data.windows(9)
            .any(|w| w[..2] == [0xFF, 0xEE] && &w[4..] == b"Adobe"),
        "an APP14 Adobe segment"
    );
    let out = combine(&dir, &[&jpeg]);
    let list = pdfimages_list(&out);
    assert_eq!((list[0].3.as_str(), list[0].4.as_str()), ("cmyk", "jpeg"));
    let (w, h, rgb) = render(&out, 1, 24);
    let (bw, bh) = (w, w / 2);
    let (x0, y0) = (0, (h - bh) / 2);
    let px = |fx: f64| {
        let (x, y) = (x0 + (bw as f64 * fx) as usize, y0 + bh / 2);
        rgb[(y * w + x) * 3..][..3].to_vec()
    };
    let (left, right) = (px(0.25), px(0.75));
    assert!(
        left[0] < 60 && left[1] > 120 && left[2] > 180,
        "cyan drawn as {left:?}"
    );
    assert!(right.iter().all(|c| *c < 80), "black drawn as {right:?}");
}

#[test]
fn what_a_phone_appends_after_the_jpeg_stays_out_and_a_cut_jpeg_is_refused() {
    let dir = TestDir::new("pdf-trailer");
    let base = fs::read(quadrants()).unwrap();
    // A second JPEG (as an HDR gain map is stored) and a video (as a motion
    // photo's) after the first image's EOI.
    let mut motion = base.clone();
    motion.extend(&base);
    motion.extend(b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom");
    motion.extend(vec![0x5A; 100_000]);
    let p = dir.join("MVIMG_0001.jpg");
    fs::write(&p, &motion).unwrap();
    let out = combine(&dir, &[&p]);
    assert!(fs::metadata(&out).unwrap().len() < base.len() as u64 + 2000);
    text("pdfimages", &["-j", s(&out), s(&dir.join("x"))]);
    assert!(
        fs::read(dir.join("x-000.jpg")).unwrap() == base,
        "the first image, unchanged"
    );
    assert_eq!(pdfinfo(&out).0, 1);
    // Cut inside the entropy-coded data: incomplete, refused.
    for cut in [base.len() - 2, base.len() / 2] {
        let e = pdf::read_image("cut.jpg", &base[..cut]).unwrap_err();
        assert_eq!(e.code, "image_corrupt", "{e}");
        assert!(e.message_en.contains("incomplete"), "{e}");
    }
}

/// A JPEG made of its first segments only (SOI, APPs, SOF) is enough to
/// read; everything the reader looks at is bounded by the bytes present.
#[test]
fn hostile_jpeg_and_png_headers_are_refused_without_panicking() {
    let jpeg = with_orientation(&fs::read(quadrants()).unwrap(), 6, true);
    let png = fs::read(still("pdf-rgb.png", "testsrc=s=300x500", "rgb24")).unwrap();
    let codes = [
        "image_corrupt",
        "photo_unsupported",
        "not_photo",
        "heic_scan",
    ];
    let check = |what: &str, d: &[u8]| match pdf::read_image("x", d) {
        Ok(im) => {
            // Whatever is accepted lies within the bytes and lays out.
            for (start, len) in &im.ranges {
                assert!(start + len <= d.len() as u64, "{what}: range past the end");
            }
            assert!(im.width > 0 && im.height > 0, "{what}");
            let doc = pdf::build(std::slice::from_ref(&im)).unwrap();
            assert!(doc.len > 0);
        }
        Err(e) => {
            assert!(codes.contains(&e.code), "{what}: code {}", e.code);
            assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
        }
    };
    // Every truncation of the headers.
    for n in 0..jpeg.len().min(2000) {
        check(&format!("jpeg[..{n}]"), &jpeg[..n]);
    }
    for n in 0..png.len().min(2000) {
        check(&format!("png[..{n}]"), &png[..n]);
    }
    // Bytes of the headers replaced, one at a time, by values that make
    // lengths and offsets huge or zero.
    for (kind, base) in [("jpeg", &jpeg), ("png", &png)] {
        for i in 0..base.len().min(400) {
            for v in [0x00, 0x01, 0x7F, 0xFF] {
                let mut d = base.clone();
                d[i] = v;
                check(&format!("{kind}[{i}]={v:#x}"), &d);
            }
        }
    }
    // A pseudo-random walk of many byte changes at once.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..3000 {
        let mut d = if round % 2 == 0 {
            jpeg.clone()
        } else {
            png.clone()
        };
        for _ in 0..4 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let i = (seed as usize) % d.len().min(300);
            d[i] = (seed >> 32) as u8;
        }
        check(&format!("round {round}"), &d);
    }
}

/// Set the PNG IHDR byte at `at` (8 + 8 + field offset) to `v`.
fn ihdr(png: &[u8], at: usize, v: u8) -> Vec<u8> {
    let mut d = png.to_vec();
    d[16 + at] = v;
    d
}

#[test]
fn forms_that_cannot_go_in_unchanged_are_refused_saying_what_to_do() {
    let jpeg = fs::read(quadrants()).unwrap();
    let png = fs::read(still("pdf-rgb.png", "testsrc=s=300x500", "rgb24")).unwrap();
    let rgba = fs::read(still("pdf-rgba.png", "testsrc=s=64x48", "rgba")).unwrap();
    let ya = fs::read(still("pdf-ya.png", "testsrc=s=64x48", "ya8")).unwrap();
    let deep = fs::read(still("pdf-rgb48.png", "testsrc=s=64x48", "rgb48be")).unwrap();
    let sof = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline SOF");
    let with_sof = |m: u8| {
        let mut d = jpeg.clone();
        d[sof + 1] = m;
        d
    };
    let heic = b"\0\0\0\x18ftypheic\0\0\0\0mif1heic".to_vec();
    let cases: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        ("alpha PNG", rgba, "photo_unsupported", "transparency"),
        ("gray+alpha PNG", ya, "photo_unsupported", "transparency"),
        ("16-bit PNG", deep, "photo_unsupported", "16-bit"),
        (
            "interlaced PNG",
            ihdr(&png, 12, 1),
            "photo_unsupported",
            "interlaced",
        ),
        (
            "arithmetic JPEG",
            with_sof(0xC9),
            "photo_unsupported",
            "arithmetic",
        ),
        (
            "lossless JPEG",
            with_sof(0xC3),
            "photo_unsupported",
            "lossless",
        ),
        ("HEIC", heic, "heic_scan", "Most Compatible"),
        ("PDF", b"%PDF-1.4\n".to_vec(), "not_photo", "already a PDF"),
        (
            "PNG without IDAT",
            png[..33].to_vec(),
            "image_corrupt",
            "PNG",
        ),
    ];
    let mut failures = Vec::new();
    for (what, data, code, en) in cases {
        match pdf::read_image("p.x", &data) {
            Ok(_) => failures.push(format!("{what}: accepted")),
            Err(e) if e.code != code || !e.message_en.contains(en) => {
                failures.push(format!("{what}: {e}"))
            }
            Err(e) => assert!(e.message_zh.contains("p.x") && e.message_en.contains("p.x")),
        }
    }
    assert_no_failures(&failures);
    let e = pdf::build(&[]).unwrap_err();
    assert_eq!(e.code, "page_count");
}

/// The layout's parts add up to its length, and what the CLI writes is
/// exactly the parts with each slice taken from its photo.
#[test]
fn the_parts_are_the_file_the_cli_writes() {
    let dir = TestDir::new("pdf-parts");
    let a = quadrants();
    let b = still("pdf-pal.png", "testsrc=s=120x90", "pal8");
    let data = [fs::read(&a).unwrap(), fs::read(&b).unwrap()];
    let images: Vec<_> = data
        .iter()
        .map(|d| pdf::read_image("x", d).unwrap())
        .collect();
    let doc = pdf::build(&images).unwrap();
    let mut want: Vec<u8> = Vec::new();
    for p in &doc.parts {
        match p {
            Part::Bytes(b) => want.extend(b),
            Part::Slice { image, start, len } => {
                want.extend(&data[*image][*start as usize..(*start + *len) as usize])
            }
        }
    }
    assert_eq!(want.len() as u64, doc.len);
    let out = combine(&dir, &[&a, &b]);
    assert!(fs::read(out).unwrap() == want);
}

#[test]
fn the_cli_never_writes_over_an_input_or_an_existing_file() {
    let dir = TestDir::new("pdf-cli");
    let a = dir.join("a.jpg");
    fs::copy(quadrants(), &a).unwrap();
    let before = fs::read(&a).unwrap();
    // The output is an input.
    let r = preflight(&dir.0, &["scans-to-pdf", "a.jpg", "-o", "a.jpg"]);
    assert_error(&r, "output_is_input", "is the input", "-o an input");
    let r = preflight(
        &dir.0,
        &["scans-to-pdf", "a.jpg", "-o", "a.jpg", "--overwrite"],
    );
    assert_error(
        &r,
        "output_is_input",
        "is the input",
        "-o an input, --overwrite",
    );
    assert!(fs::read(&a).unwrap() == before);
    // A folder where the output goes.
    fs::create_dir(dir.join("out.pdf")).unwrap();
    let r = preflight(&dir.0, &["scans-to-pdf", "a.jpg", "-o", "out.pdf"]);
    assert_error(&r, "output_exists", "is a folder", "-o a folder");
    // An existing output: kept unless --overwrite.
    fs::write(dir.join("old.pdf"), b"keep").unwrap();
    let r = preflight(&dir.0, &["scans-to-pdf", "a.jpg", "-o", "old.pdf"]);
    assert_error(&r, "output_exists", "already exists", "existing output");
    assert_eq!(fs::read(dir.join("old.pdf")).unwrap(), b"keep");
    let r = preflight(
        &dir.0,
        &["scans-to-pdf", "a.jpg", "-o", "old.pdf", "--overwrite"],
    );
    assert_eq!(r.code, 0, "{}", r.err());
    assert_eq!(pdfinfo(&dir.join("old.pdf")).0, 1);
    // A bad photo: exit 2, nothing written, no partial file left.
    fs::write(dir.join("b.heic"), b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
    let r = preflight(
        &dir.0,
        &["scans-to-pdf", "a.jpg", "b.heic", "-o", "new.pdf"],
    );
    assert_error(&r, "heic_scan", "HEIC", "a HEIC photo");
    assert!(!dir.join("new.pdf").exists());
    let left: Vec<_> = fs::read_dir(&dir.0)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
    // Usage: no -o, no photo, an unknown flag.
    for args in [
        &["scans-to-pdf", "a.jpg"][..],
        &["scans-to-pdf", "-o", "x.pdf"],
        &["scans-to-pdf", "a.jpg", "-o", "x.pdf", "--force"],
    ] {
        assert_error(&preflight(&dir.0, args), "usage", "", &format!("{args:?}"));
    }
    let r = preflight(&dir.0, &["scans-to-pdf", "--help"]);
    assert_eq!(r.code, 0);
    assert!(r.out().contains("scans-to-pdf PHOTO..."), "{}", r.out());
    let r = preflight(&dir.0, &["help"]);
    assert!(r.out().contains("scans-to-pdf"), "{}", r.out());
}

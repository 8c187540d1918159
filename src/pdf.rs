//! Photographed pages into one PDF, without decoding a pixel: each JPEG's
//! bytes become a `/DCTDecode` image unchanged (its EXIF orientation applied
//! by the page's matrix), each PNG's `IDAT` data a `/FlateDecode` image with
//! the PNG predictor. Every page is A4, portrait or landscape as the photo is
//! shown, the photo fitted and centred.
//!
//! Sans-IO: [`read_image`] looks at an image's bytes and says where its data
//! lies; [`build`] lays out the PDF as [`Part`]s, new bytes and ranges of the
//! images, so the browser makes a `Blob` of the bytes and `File.slice()`s and
//! the CLI streams the files. Nothing is copied but the few header bytes.

use crate::Error;
use crate::form::{self, Detected};

/// The most pages one PDF takes.
pub const MAX_PAGES: usize = 500;
/// The most `IDAT` chunks of one PNG (each is one range of the output).
const MAX_RANGES: usize = 1 << 16;
/// A4 in points, portrait.
const A4: (f64, f64) = (595.0, 842.0);

/// What the PDF needs of one image.
#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1 to 8 (1 when there is none).
    pub orientation: u8,
    /// The image dictionary's entries other than `/Length`.
    dict: String,
    /// `(offset, length)` ranges of the file that make the image's stream.
    pub ranges: Vec<(u64, u64)>,
}

impl Image {
    /// Width and height as shown (orientations 5 to 8 turn the photo).
    pub fn shown(&self) -> (u32, u32) {
        if self.orientation >= 5 {
            (self.height, self.width)
        } else {
            (self.width, self.height)
        }
    }
}

/// A piece of the PDF: new bytes, or `len` bytes of image `image` from `start`.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    Bytes(Vec<u8>),
    Slice { image: usize, start: u64, len: u64 },
}

/// The whole PDF: its parts in order and its length.
#[derive(Debug, Clone, PartialEq)]
pub struct Pdf {
    pub parts: Vec<Part>,
    pub len: u64,
}

fn be16(d: &[u8], i: usize) -> Option<u32> {
    let b = d.get(i..)?;
    Some(u32::from(*b.first()?) << 8 | u32::from(*b.get(1)?))
}

fn be32(d: &[u8], i: usize) -> Option<u32> {
    Some(be16(d, i)? << 16 | be16(d, i.checked_add(2)?)?)
}

/// Read an image (the whole file) named `name` for messages.
pub fn read_image(name: &str, data: &[u8]) -> Result<Image, Error> {
    match form::detect(data) {
        Detected::Jpeg => jpeg(name, data),
        Detected::Png => png(name, data),
        Detected::Heic => Err(form::heic_scan(name)),
        _ => Err(Error::not_photo(name)),
    }
}

/// The JPEG's first image, up to its EOI: what a phone appends after it (a
/// motion photo's video, an HDR gain map) stays out of the PDF.
fn jpeg(name: &str, d: &[u8]) -> Result<Image, Error> {
    let bad = |what: &str| Error::image_corrupt(name, what);
    let mut orientation = 1;
    let mut adobe = false;
    let mut found: Option<Image> = None;
    let mut i = 2;
    loop {
        if d.get(i) != Some(&0xFF) {
            return Err(bad("JPEG marker"));
        }
        while d.get(i) == Some(&0xFF) {
            i += 1;
        }
        let m = *d.get(i).ok_or_else(|| bad("JPEG EOI"))?;
        i += 1;
        if m == 0xD9 {
            let mut im = found.ok_or_else(|| bad("JPEG SOF"))?;
            im.ranges = vec![(0, i as u64)];
            return Ok(im);
        }
        if matches!(m, 0x01 | 0xD0..=0xD8) {
            continue;
        }
        let len = be16(d, i).ok_or_else(|| bad("JPEG EOI"))? as usize;
        let seg = len
            .checked_sub(2)
            .and_then(|n| d.get(i + 2..i + 2 + n))
            .ok_or_else(|| bad("JPEG segment"))?;
        i += len;
        match m {
            0xE1 if seg.starts_with(b"Exif\0\0") && orientation == 1 => {
                orientation = exif_orientation(&seg[6..]).unwrap_or(1);
            }
            0xEE if seg.starts_with(b"Adobe") => adobe = true,
            0xC0..=0xC2 if found.is_none() => {
                let (p, h, w) = (seg.first(), be16(seg, 1), be16(seg, 3));
                let n = seg.get(5).copied().unwrap_or(0);
                let (Some(8), Some(h @ 1..), Some(w @ 1..)) = (p, h, w) else {
                    return Err(Error::photo_unsupported(
                        name,
                        "不是 8 位或未写明高度的 JPEG",
                        "a JPEG that is not 8-bit or has no height in its header",
                    ));
                };
                let cs = match n {
                    1 => "/DeviceGray",
                    3 => "/DeviceRGB",
                    4 => "/DeviceCMYK",
                    _ => return Err(bad("JPEG components")),
                };
                // Adobe's CMYK JPEGs are stored inverted (as Photoshop writes them).
                let decode = if n == 4 && adobe {
                    "/Decode[1 0 1 0 1 0 1 0]"
                } else {
                    ""
                };
                found = Some(Image {
                    width: w,
                    height: h,
                    orientation,
                    dict: format!(
                        "/Width {w}/Height {h}/ColorSpace{cs}/BitsPerComponent 8/Filter/DCTDecode{decode}"
                    ),
                    ranges: Vec::new(),
                });
            }
            0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(Error::photo_unsupported(
                    name,
                    "无损、分层、算术编码或含多帧的 JPEG",
                    "a lossless, hierarchical, arithmetic-coded or multi-frame JPEG",
                ));
            }
            // A scan's entropy-coded data: up to the next marker that is not
            // a stuffed 0xFF00 or a restart.
            0xDA if found.is_some() => loop {
                let p = d
                    .get(i..)
                    .and_then(|r| r.iter().position(|b| *b == 0xFF))
                    .ok_or_else(|| bad("JPEG EOI"))?;
                i += p;
                match d.get(i + 1) {
                    Some(0 | 0xD0..=0xD7) => i += 2,
                    Some(_) => break,
                    None => return Err(bad("JPEG EOI")),
                }
            },
            0xDA => return Err(bad("JPEG SOF")),
            _ => {}
        }
    }
}

/// The orientation tag (0x0112) of IFD0 in an EXIF TIFF block.
fn exif_orientation(t: &[u8]) -> Option<u8> {
    let le = match t.get(..4)? {
        b"II*\0" => true,
        b"MM\0*" => false,
        _ => return None,
    };
    let rd16 = |i: usize| be16(t, i).map(|v| if le { (v >> 8) | (v & 0xFF) << 8 } else { v });
    let rd32 = |i: usize| -> Option<usize> {
        let (a, b) = (rd16(i)?, rd16(i + 2)?);
        Some((if le { b << 16 | a } else { a << 16 | b }) as usize)
    };
    let ifd = rd32(4)?;
    let n = rd16(ifd)? as usize;
    for k in 0..n {
        let e = ifd.checked_add(2 + 12 * k)?;
        if rd16(e)? == 0x0112 && rd16(e.checked_add(2)?)? == 3 {
            return u8::try_from(rd16(e.checked_add(8)?)?)
                .ok()
                .filter(|o| (1..=8).contains(o));
        }
    }
    None
}

fn png(name: &str, d: &[u8]) -> Result<Image, Error> {
    let bad = |what: &str| Error::image_corrupt(name, what);
    let mut ihdr = None;
    let mut palette: Option<&[u8]> = None;
    let mut ranges = Vec::new();
    let mut i = 8usize;
    loop {
        let len = be32(d, i).ok_or_else(|| bad("PNG chunk"))? as usize;
        let kind = d.get(i + 4..i + 8).ok_or_else(|| bad("PNG chunk"))?;
        let body = i
            .checked_add(8)
            .and_then(|s| d.get(s..s.checked_add(len)?))
            .ok_or_else(|| bad("PNG chunk"))?;
        if ihdr.is_none() && kind != b"IHDR" {
            return Err(bad("PNG IHDR"));
        }
        match kind {
            b"IHDR" => ihdr = Some(body),
            b"PLTE" => palette = Some(body),
            b"IDAT" if len > 0 => {
                if ranges.len() >= MAX_RANGES {
                    return Err(bad("PNG IDAT"));
                }
                ranges.push((i as u64 + 8, len as u64));
            }
            b"IEND" => break,
            _ => {}
        }
        // Chunk length (4), type (4), data, CRC (4): within the bytes present.
        i += 12 + len;
    }
    let h = ihdr
        .filter(|h| h.len() == 13)
        .ok_or_else(|| bad("PNG IHDR"))?;
    let (w, ht, bits, color) = (be32(h, 0), be32(h, 4), h[8], h[9]);
    let (Some(w @ 1..=0x7FFF_FFFF), Some(ht @ 1..=0x7FFF_FFFF)) = (w, ht) else {
        return Err(bad("PNG IHDR"));
    };
    if ranges.is_empty() {
        return Err(bad("PNG IDAT"));
    }
    if h[12] != 0 {
        return Err(Error::photo_unsupported(
            name,
            "隔行扫描（interlaced）的 PNG",
            "an interlaced PNG",
        ));
    }
    let (cs, colors) = match (color, bits) {
        (0, 1 | 2 | 4 | 8) => ("/DeviceGray".to_string(), 1),
        (2, 8) => ("/DeviceRGB".to_string(), 3),
        (3, 1 | 2 | 4 | 8) => {
            let p = palette
                .filter(|p| !p.is_empty() && p.len() % 3 == 0 && p.len() <= 768)
                .ok_or_else(|| bad("PNG PLTE"))?;
            let hex: String = p.iter().map(|b| format!("{b:02x}")).collect();
            (
                format!("[/Indexed/DeviceRGB {} <{hex}>]", p.len() / 3 - 1),
                1,
            )
        }
        (4 | 6, _) => {
            return Err(Error::photo_unsupported(
                name,
                "带透明通道的 PNG",
                "a PNG with transparency (alpha)",
            ));
        }
        // Poppler draws 16-bit predicted images wrong.
        (0 | 2, 16) => {
            return Err(Error::photo_unsupported(
                name,
                "16 位色深的 PNG",
                "a 16-bit PNG",
            ));
        }
        _ => return Err(bad("PNG IHDR")),
    };
    Ok(Image {
        width: w,
        height: ht,
        orientation: 1,
        dict: format!(
            "/Width {w}/Height {ht}/ColorSpace{cs}/BitsPerComponent {bits}/Filter/FlateDecode/DecodeParms<</Predictor 15/Colors {colors}/BitsPerComponent {bits}/Columns {w}>>"
        ),
        ranges,
    })
}

/// The matrix that draws the unit square's image onto the box `(x, y, w, h)`
/// as the orientation shows it. Shown coordinates (X right, Y down, 0..1) are
/// affine in the unit square's (x, y): `X = ax·x + bx·y + cx`, likewise Y.
fn matrix(o: u8, x: f64, y: f64, w: f64, h: f64) -> [f64; 6] {
    let (ax, bx, cx, ay, by, cy) = match o {
        2 => (-1., 0., 1., 0., -1., 1.),
        3 => (-1., 0., 1., 0., 1., 0.),
        4 => (1., 0., 0., 0., 1., 0.),
        5 => (0., -1., 1., 1., 0., 0.),
        6 => (0., 1., 0., 1., 0., 0.),
        7 => (0., 1., 0., -1., 0., 1.),
        8 => (0., -1., 1., -1., 0., 1.),
        _ => (1., 0., 0., 0., -1., 1.),
    };
    // Page: px = x + w·X, py = y + h·(1 − Y).
    [
        w * ax + 0.,
        -h * ay + 0.,
        w * bx + 0.,
        -h * by + 0.,
        x + w * cx,
        y + h * (1. - cy),
    ]
}

/// Lay out one PDF of `images`, one A4 page each, in this order.
pub fn build(images: &[Image]) -> Result<Pdf, Error> {
    use std::fmt::Write;
    let n = images.len();
    if n == 0 || n > MAX_PAGES {
        return Err(Error::page_count(n, MAX_PAGES));
    }
    let mut parts = Vec::new();
    // The comment's characters are above 127, as a binary file's must be.
    let mut cur = String::from("%PDF-1.5\n%âãÏÓ\n");
    let mut done = 0u64;
    let mut offsets = Vec::new();
    // Where the next object starts: a new entry of the xref.
    let mut obj = |cur: &mut String, done: u64| {
        offsets.push(done + cur.len() as u64);
        let _ = writeln!(cur, "{} 0 obj", offsets.len());
    };
    obj(&mut cur, done);
    cur += "<</Type/Catalog/Pages 2 0 R>>\nendobj\n";
    obj(&mut cur, done);
    cur += "<</Type/Pages/Kids[";
    for k in 0..n {
        let _ = write!(cur, "{} 0 R ", 3 + 3 * k);
    }
    let _ = write!(cur, "]/Count {n}>>\nendobj\n");
    for (k, im) in images.iter().enumerate() {
        let (sw, sh) = im.shown();
        let (pw, ph) = if sw > sh { (A4.1, A4.0) } else { A4 };
        let s = (pw / f64::from(sw)).min(ph / f64::from(sh));
        let (bw, bh) = (f64::from(sw) * s, f64::from(sh) * s);
        let m = matrix(im.orientation, (pw - bw) / 2., (ph - bh) / 2., bw, bh);
        let mut content = String::from("q");
        for v in m {
            let _ = write!(content, " {v:.3}");
        }
        content += " cm /I Do Q\n";
        let page = 3 + 3 * k;
        obj(&mut cur, done);
        let _ = write!(
            cur,
            "<</Type/Page/Parent 2 0 R/MediaBox[0 0 {pw} {ph}]/Resources<</XObject<</I {} 0 R>>>>/Contents {} 0 R>>\nendobj\n",
            page + 2,
            page + 1
        );
        obj(&mut cur, done);
        let _ = write!(
            cur,
            "<</Length {}>>\nstream\n{content}endstream\nendobj\n",
            content.len()
        );
        let len = im
            .ranges
            .iter()
            .try_fold(0u64, |a, r| a.checked_add(r.1))
            .ok_or_else(Error::pdf_too_large)?;
        obj(&mut cur, done);
        let _ = write!(
            cur,
            "<</Type/XObject/Subtype/Image{}/Length {len}>>\nstream\n",
            im.dict
        );
        done += cur.len() as u64;
        parts.push(Part::Bytes(std::mem::take(&mut cur).into_bytes()));
        for &(start, len) in &im.ranges {
            parts.push(Part::Slice {
                image: k,
                start,
                len,
            });
        }
        done = done.checked_add(len).ok_or_else(Error::pdf_too_large)?;
        cur += "\nendstream\nendobj\n";
    }
    let xref = done + cur.len() as u64;
    // An xref offset has ten digits.
    if xref > 9_999_999_999 {
        return Err(Error::pdf_too_large());
    }
    let size = offsets.len() + 1;
    let _ = write!(cur, "xref\n0 {size}\n0000000000 65535 f \n");
    for o in &offsets {
        let _ = writeln!(cur, "{o:010} 00000 n ");
    }
    let _ = write!(
        cur,
        "trailer\n<</Size {size}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n"
    );
    let len = done + cur.len() as u64;
    parts.push(Part::Bytes(cur.into_bytes()));
    Ok(Pdf { parts, len })
}

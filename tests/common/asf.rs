//! ASF fixtures patched as Windows encoders write them.

use std::fs;
use std::path::Path;

fn asf_guid(a: u32, b: u16, c: u16, d: [u8; 8]) -> [u8; 16] {
    let mut g = [0u8; 16];
    g[0..4].copy_from_slice(&a.to_le_bytes());
    g[4..6].copy_from_slice(&b.to_le_bytes());
    g[6..8].copy_from_slice(&c.to_le_bytes());
    g[8..16].copy_from_slice(&d);
    g
}

/// Append to an ASF header a Header Extension Object holding an Extended
/// Stream Properties Object for the video stream (average time per frame in
/// 100 ns units, data bitrate in bits/s), as Windows encoders write it.
/// Fixes the header's size and object count and the file size in File
/// Properties; the data packets do not move relative to each other.
pub fn add_asf_ext_stream_props(path: &Path, time_per_frame: u64, bitrate: u32) {
    let stream_props = asf_guid(
        0xB7DC0791,
        0xA9B7,
        0x11CF,
        [0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let video_media = asf_guid(
        0xBC19EFC0,
        0x5B4D,
        0x11CF,
        [0xA8, 0xFD, 0x00, 0x80, 0x5F, 0x5C, 0x44, 0x2B],
    );
    let file_props = asf_guid(
        0x8CABDCA1,
        0xA947,
        0x11CF,
        [0x8E, 0xE4, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let header_ext = asf_guid(
        0x5FBF03B5,
        0xA92E,
        0x11CF,
        [0x8E, 0xE3, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let reserved1 = asf_guid(
        0xABD3D211,
        0xA9BA,
        0x11CF,
        [0x8E, 0xE6, 0x00, 0xC0, 0x0C, 0x20, 0x53, 0x65],
    );
    let ext_stream = asf_guid(
        0x14E6A5CB,
        0xC672,
        0x4332,
        [0x83, 0x99, 0xA9, 0x69, 0x52, 0x06, 0x5B, 0x5A],
    );

    let mut b = fs::read(path).expect("read ASF fixture");
    let le64 = |b: &[u8], i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap());
    let header_size = le64(&b, 16) as usize;
    let mut video_stream = None;
    let mut file_props_at = None;
    let mut pos = 30;
    while pos + 24 <= header_size {
        let size = le64(&b, pos + 16) as usize;
        if b[pos..pos + 16] == stream_props && b[pos + 24..pos + 40] == video_media {
            video_stream = Some(u16::from_le_bytes([b[pos + 72], b[pos + 73]]) & 0x7F);
        }
        if b[pos..pos + 16] == file_props {
            file_props_at = Some(pos);
        }
        pos += size.max(24);
    }
    let video_stream = video_stream.expect("ASF fixture without a video stream");

    let mut esp = Vec::new();
    esp.extend_from_slice(&0u64.to_le_bytes()); // start time
    esp.extend_from_slice(&0u64.to_le_bytes()); // end time
    esp.extend_from_slice(&bitrate.to_le_bytes()); // data bitrate
    esp.extend_from_slice(&[0u8; 4 * 6]); // buffer, fullness, alt ×3, max object size
    esp.extend_from_slice(&0u32.to_le_bytes()); // flags
    esp.extend_from_slice(&video_stream.to_le_bytes());
    esp.extend_from_slice(&0u16.to_le_bytes()); // language index
    esp.extend_from_slice(&time_per_frame.to_le_bytes());
    esp.extend_from_slice(&0u16.to_le_bytes()); // stream names
    esp.extend_from_slice(&0u16.to_le_bytes()); // payload extension systems
    let mut esp_obj = ext_stream.to_vec();
    esp_obj.extend_from_slice(&(24 + esp.len() as u64).to_le_bytes());
    esp_obj.extend_from_slice(&esp);

    let mut obj = header_ext.to_vec();
    obj.extend_from_slice(&(24 + 22 + esp_obj.len() as u64).to_le_bytes());
    obj.extend_from_slice(&reserved1);
    obj.extend_from_slice(&6u16.to_le_bytes());
    obj.extend_from_slice(&(esp_obj.len() as u32).to_le_bytes());
    obj.extend_from_slice(&esp_obj);

    let added = obj.len() as u64;
    b.splice(header_size..header_size, obj);
    let new_header = header_size as u64 + added;
    b[16..24].copy_from_slice(&new_header.to_le_bytes());
    let count = u32::from_le_bytes(b[24..28].try_into().unwrap()) + 1;
    b[24..28].copy_from_slice(&count.to_le_bytes());
    if let Some(fp) = file_props_at {
        let len = b.len() as u64;
        b[fp + 24 + 16..fp + 24 + 24].copy_from_slice(&len.to_le_bytes());
    }
    fs::write(path, b).expect("write patched ASF fixture");
}

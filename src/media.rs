//! Media as the domain sees it: what kind a file is (sniffed from its bytes, never trusted from
//! the client alone), its size in pixels, and a content digest for memory. No decoding of pixels
//! here; the engine's preprocessing owns that.

use std::io::Cursor;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use crate::proto::MediaDigest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
        }
    }
}

#[derive(Debug, Clone)]
pub enum MediaSource {
    /// A whole image or video file.
    File(Bytes),
    /// A video as encoded images, evenly spaced at `fps`.
    Frames { frames: Vec<Bytes>, fps: f32 },
}

/// One validated media item of a request.
#[derive(Debug, Clone)]
pub struct MediaItem {
    pub kind: MediaKind,
    /// The sniffed type: image/png, image/jpeg, image/webp, image/gif, video/mp4, ...; for
    /// frames, the type of the first frame.
    pub mime_type: String,
    pub source: MediaSource,
    pub width: u32,
    pub height: u32,
    pub digest: MediaDigest,
}

const IMAGE_TYPES: &[&str] = &["image/png", "image/jpeg", "image/webp", "image/gif"];
const VIDEO_TYPES: &[&str] = &[
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "video/x-msvideo",
];

pub fn is_supported_mime(mime: &str) -> bool {
    IMAGE_TYPES.contains(&mime) || VIDEO_TYPES.contains(&mime)
}

pub fn supported_mimes() -> String {
    IMAGE_TYPES
        .iter()
        .chain(VIDEO_TYPES)
        .copied()
        .collect::<Vec<_>>()
        .join(", ")
}

/// The file type from its first bytes.
pub fn sniff(data: &[u8]) -> Option<&'static str> {
    let at = |off: usize, sig: &[u8]| {
        data.len() >= off + sig.len() && &data[off..off + sig.len()] == sig
    };
    if at(0, b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if at(0, &[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if at(0, b"RIFF") && at(8, b"WEBP") {
        Some("image/webp")
    } else if at(0, b"GIF87a") || at(0, b"GIF89a") {
        Some("image/gif")
    } else if at(0, b"RIFF") && at(8, b"AVI ") {
        Some("video/x-msvideo")
    } else if at(4, b"ftypqt") {
        Some("video/quicktime")
    } else if at(4, b"ftyp") {
        Some("video/mp4")
    } else if at(0, &[0x1A, 0x45, 0xDF, 0xA3]) {
        // Matroska and WebM share the EBML header; the DocType says which.
        let head = &data[..data.len().min(64)];
        if head.windows(4).any(|w| w == b"webm") {
            Some("video/webm")
        } else {
            Some("video/x-matroska")
        }
    } else {
        None
    }
}

/// Width and height from the image header, without decoding pixels.
pub fn image_dimensions(data: &[u8]) -> Option<(u32, u32)> {
    image::ImageReader::new(Cursor::new(data))
        .with_guessed_format()
        .ok()?
        .into_dimensions()
        .ok()
}

pub fn sha256_hex<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::new(w, h);
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn sniffs_and_measures() {
        let p = png(7, 3);
        assert_eq!(sniff(&p), Some("image/png"));
        assert_eq!(image_dimensions(&p), Some((7, 3)));
        assert_eq!(sniff(b"\0\0\0\x18ftypmp42xxxx"), Some("video/mp4"));
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(image_dimensions(b"\x89PNG\r\n\x1a\ntruncated"), None);
    }

    #[test]
    fn digest_is_stable() {
        assert_eq!(
            sha256_hex([b"ab".as_slice(), b"c".as_slice()]),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

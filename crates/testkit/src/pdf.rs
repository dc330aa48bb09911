//! Minimal PDF files written byte by byte for tests: pages of text in a standard-14 font
//! (Helvetica, WinAnsi) at known positions (a born-digital page), pages that are one JPEG or one
//! uncompressed RGB image each (a scanned page, perhaps with a line of text stamped on it), and
//! an encrypted variant. Offsets in the cross-reference table are exact, so
//! any reader opens them without repair.

/// One line of text: baseline-left corner in points from the page's top-left, size in points.
#[derive(Debug, Clone)]
pub struct Text {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub text: String,
}

/// What a page shows.
#[derive(Debug, Clone)]
pub enum Content {
    /// Lines of Helvetica (ASCII).
    Text(Vec<Text>),
    /// A JPEG of `width`x`height` pixels covering the whole page.
    Jpeg {
        data: Vec<u8>,
        width: u32,
        height: u32,
    },
    /// Uncompressed 8-bit RGB pixels covering the whole page (lossless).
    Rgb {
        data: Vec<u8>,
        width: u32,
        height: u32,
    },
    /// A JPEG covering the whole page with lines of text over it (a scan with a stamp).
    Stamped {
        jpeg: Vec<u8>,
        width: u32,
        height: u32,
        text: Vec<Text>,
    },
}

/// Helvetica lines as content stream operators.
fn text_ops(lines: &[Text], page_height: f32) -> String {
    let mut s = String::new();
    for l in lines {
        let text: String = l
            .text
            .chars()
            .map(|c| match c {
                '(' | ')' | '\\' => format!("\\{c}"),
                c => c.to_string(),
            })
            .collect();
        s.push_str(&format!(
            "BT /F1 {} Tf {} {} Td ({text}) Tj ET\n",
            l.size,
            l.x,
            page_height - l.y
        ));
    }
    s
}

/// A page of `width`x`height` points.
#[derive(Debug, Clone)]
pub struct PageSpec {
    pub width: f32,
    pub height: f32,
    pub content: Content,
}

/// A PDF of these pages.
pub fn write(pages: &[PageSpec]) -> Vec<u8> {
    write_with(pages, None)
}

/// A PDF whose trailer says it is encrypted (Standard security handler, RC4) with a user
/// password: no reader opens it without one.
pub fn write_encrypted(pages: &[PageSpec]) -> Vec<u8> {
    let encrypt = "<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 \
                   /O <4F7A8E2D1C3B5A697887A6B5C4D3E2F10F1E2D3C4B5A69788796A5B4C3D2E1F0> \
                   /U <1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F809> >>";
    write_with(pages, Some(encrypt))
}

fn write_with(pages: &[PageSpec], encrypt: Option<&str>) -> Vec<u8> {
    // Objects: 1 catalog, 2 pages, 3 font, then per page: page, contents, [image].
    let mut objects: Vec<Vec<u8>> = vec![Vec::new(), Vec::new(), Vec::new()];
    let mut kids = Vec::new();
    for p in pages {
        let page_id = objects.len() + 1;
        let contents_id = page_id + 1;
        kids.push(format!("{page_id} 0 R"));
        let (stream, image) = match &p.content {
            Content::Text(lines) => (text_ops(lines, p.height).into_bytes(), None),
            Content::Stamped {
                jpeg,
                width,
                height,
                text,
            } => (
                format!(
                    "q {} 0 0 {} 0 0 cm /Im1 Do Q\n{}",
                    p.width,
                    p.height,
                    text_ops(text, p.height)
                )
                .into_bytes(),
                Some((jpeg, width, height, " /Filter /DCTDecode")),
            ),
            Content::Jpeg {
                data,
                width,
                height,
            } => (
                format!("q {} 0 0 {} 0 0 cm /Im1 Do Q\n", p.width, p.height).into_bytes(),
                Some((data, width, height, " /Filter /DCTDecode")),
            ),
            Content::Rgb {
                data,
                width,
                height,
            } => (
                format!("q {} 0 0 {} 0 0 cm /Im1 Do Q\n", p.width, p.height).into_bytes(),
                Some((data, width, height, "")),
            ),
        };
        let resources = match image {
            Some(_) => format!(
                "<< /Font << /F1 3 0 R >> /XObject << /Im1 {} 0 R >> >>",
                contents_id + 1
            ),
            None => "<< /Font << /F1 3 0 R >> >>".to_string(),
        };
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] /Resources {resources} \
                 /Contents {contents_id} 0 R >>",
                p.width, p.height
            )
            .into_bytes(),
        );
        objects.push(stream_object("", &stream));
        if let Some((data, w, h, filter)) = image {
            objects.push(stream_object(
                &format!(
                    "/Type /XObject /Subtype /Image /Width {w} /Height {h} \
                     /ColorSpace /DeviceRGB /BitsPerComponent 8{filter}"
                ),
                data,
            ));
        }
    }
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>".to_vec();
    objects[1] = format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    )
    .into_bytes();
    objects[2] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica \
                   /Encoding /WinAnsiEncoding >>"
        .to_vec();
    if let Some(e) = encrypt {
        objects.push(e.as_bytes().to_vec());
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend(o);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend(format!("{off:010} 00000 n \n").as_bytes());
    }
    let extra = match encrypt {
        Some(_) => format!(
            " /Encrypt {} 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> \
             <0123456789ABCDEF0123456789ABCDEF>]",
            objects.len()
        ),
        None => String::new(),
    };
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{extra} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn stream_object(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut o = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    o.extend(data);
    o.extend(b"\nendstream");
    o
}

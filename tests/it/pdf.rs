//! PDF documents over gRPC: files written here (switchboard_testkit::pdf) with known text at
//! known positions in Helvetica (born-digital), the same pages as JPEGs (scanned), and broken
//! ones (encrypted, damaged, over the limits, a page only pdftoppm draws, a pdftoppm that hangs
//! or is missing). The OCR expert answers each page with its own boxes and page index: from the
//! text layer where there is one (exact), else from the OCR tool.

use std::io::Cursor;

use crate::common::tools::{self, assert_invalid};
use crate::common::*;
use switchboard::config::Config;
use switchboard::proto::{AskRequest, Media, OcrResult, expert_result};
use switchboard_testkit::pdf::{Content, PageSpec, Text, write, write_encrypted};
use tonic::Code;

/// Page size: US Letter, in points.
const W: f32 = 612.0;
const H: f32 = 792.0;
/// Rendering scale at the default 150 dpi.
const SCALE: f32 = 150.0 / 72.0;
const SIZE: f32 = 16.0;

/// Page `n`'s lines: (x, baseline y) in points from the top-left, and the text.
fn lines_of(n: usize) -> Vec<(f32, f32, String)> {
    vec![
        (72.0, 96.0, format!("Quarterly report, page {n}")),
        (72.0, 160.0, format!("Revenue grew by {}.5 percent", 10 + n)),
        (72.0, 224.0, format!("Contact: desk{n}@example.com")),
    ]
}

fn page(n: usize) -> PageSpec {
    PageSpec {
        width: W,
        height: H,
        content: Content::Text(
            lines_of(n)
                .into_iter()
                .map(|(x, y, text)| Text {
                    x,
                    y,
                    size: SIZE,
                    text,
                })
                .collect(),
        ),
    }
}

/// The pages as the service draws them, each a JPEG on a page of its own: a scan.
fn scanned(pages: &[PageSpec]) -> Vec<u8> {
    let data = write(pages);
    let settings = switchboard::media::pdf::Settings::default();
    let limits = switchboard::media::pdf::Limits {
        max_pages: 100,
        max_page_pixels: 50_000_000,
    };
    let range = switchboard::media::pdf::Range::default();
    let checked = switchboard::media::pdf::check("t", &data, range, &settings, &limits).unwrap();
    let stop = switchboard::cpu::Stop::never();
    let drawn = switchboard::media::pdf::render("t", 0, &data, checked, &settings, &stop).unwrap();
    let specs: Vec<PageSpec> = drawn
        .iter()
        .map(|p| {
            let img = image::load_from_memory(p.png.as_ref().unwrap())
                .unwrap()
                .to_rgb8();
            let mut jpeg = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(Cursor::new(&mut jpeg), 92)
                .encode_image(&img)
                .unwrap();
            PageSpec {
                width: W,
                height: H,
                content: Content::Jpeg {
                    data: jpeg,
                    width: img.width(),
                    height: img.height(),
                },
            }
        })
        .collect();
    write(&specs)
}

fn pdf(data: Vec<u8>) -> Media {
    Media {
        data,
        ..Default::default()
    }
}

fn ask(media: Media, expert: &str) -> AskRequest {
    AskRequest {
        text: "Read this document.".into(),
        expert: expert.into(),
        media: vec![media],
        ..Default::default()
    }
}

fn ocr_config(dir: &std::path::Path) -> Config {
    let mut config = test_config(dir, None);
    config.ocr.models_dir = assets().join("ocr");
    config
}

/// Every page of an OCR result: the first, then `others`.
fn pages_of(r: &OcrResult) -> Vec<&OcrResult> {
    std::iter::once(r).chain(&r.others).collect()
}

/// Character error rate: edit distance over the reference's length.
fn cer(got: &str, want: &str) -> f64 {
    strsim::levenshtein(got, want) as f64 / want.chars().count() as f64
}

/// Each line's box, against where the file put it: the left edge and the baseline region.
fn assert_placed(r: &OcrResult, n: usize, tolerance: f32) {
    let lines: Vec<_> = r.blocks.iter().flat_map(|b| &b.lines).collect();
    for (x, y, text) in lines_of(n) {
        let line = lines
            .iter()
            .min_by_key(|l| strsim::levenshtein(&l.text, &text))
            .unwrap();
        let b = line.r#box.unwrap();
        let (left, top, bottom) = (
            x * SCALE,
            (y - 0.7 * SIZE) * SCALE,
            (y + 0.1 * SIZE) * SCALE,
        );
        assert!(
            (b.x1 - left).abs() < tolerance
                && (b.y1 - top).abs() < tolerance
                && (b.y2 - bottom).abs() < tolerance,
            "page {n}, {text:?}: box {b:?}, expected left {left}, top {top}, bottom {bottom}"
        );
    }
}

/// A 5-page born-digital PDF to `ocr`: each page's text exactly (CER 0) in reading order, each
/// page's boxes where the file put the text, with the PDF's media index and the page's index.
#[tokio::test]
async fn ocr_reads_every_page_of_a_born_digital_pdf_exactly() {
    let _machine = machine::shared().await;
    let data = write(&(1..=5).map(page).collect::<Vec<_>>());
    let dir = tempfile::tempdir().unwrap();
    let running = start(ocr_config(dir.path())).await;
    let mut c = client(&running).await;
    let r = c.ask(ask(pdf(data), "ocr")).await.unwrap().into_inner();
    let result = r.result.unwrap();
    let Some(expert_result::Kind::Ocr(ocr)) = &result.kind else {
        panic!("{:?}", result.kind);
    };
    let pages = pages_of(ocr);
    assert_eq!(pages.len(), 5, "{:?}", result.warnings);
    for (k, p) in pages.iter().enumerate() {
        let n = k + 1;
        assert_eq!((p.media_index, p.page_index), (0, Some(k as u32)));
        assert!(p.from_text_layer);
        assert_eq!((p.image_width, p.image_height), (1275, 1649));
        let want: Vec<String> = lines_of(n).into_iter().map(|l| l.2).collect();
        let got: Vec<&str> = p.text.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(got, want, "page {n}");
        assert_eq!(cer(&got.join("\n"), &want.join("\n")), 0.0);
        assert_placed(p, n, 3.0 * SCALE);
    }
    // The answer's text has the pages in order.
    let at = |s: &str| r.text.find(s).unwrap();
    assert!(
        at("page 1") < at("page 2") && at("page 4") < at("page 5"),
        "{}",
        r.text
    );
    running.shutdown().await.unwrap();
}

/// The same page scanned (an image only): read by the OCR tool, boxes in the same places, the
/// text within a small error; and a page range picks the pages asked for.
#[tokio::test]
async fn ocr_reads_a_scanned_pdf_and_honours_the_page_range() {
    let _machine = machine::shared().await;
    let data = scanned(&[page(1), page(2), page(3)]);
    let dir = tempfile::tempdir().unwrap();
    let running = start(ocr_config(dir.path())).await;
    let mut c = client(&running).await;
    let media = Media {
        first_page: 2,
        last_page: 2,
        ..pdf(data)
    };
    let r = c.ask(ask(media, "ocr")).await.unwrap().into_inner();
    let result = r.result.unwrap();
    let Some(expert_result::Kind::Ocr(p)) = &result.kind else {
        panic!("{:?}", result.kind);
    };
    assert!(p.others.is_empty());
    assert_eq!((p.media_index, p.page_index), (0, Some(1)));
    assert!(!p.from_text_layer);
    let want: Vec<String> = lines_of(2).into_iter().map(|l| l.2).collect();
    let got: Vec<&str> = p.text.lines().filter(|l| !l.is_empty()).collect();
    let e = cer(&got.join("\n"), &want.join("\n"));
    assert!(e < 0.1, "CER {e}: {got:?}");
    assert_placed(p, 2, 6.0 * SCALE);
    running.shutdown().await.unwrap();
}

async fn refused(config: Config, media: Media) -> tonic::Status {
    tools::refused(config, ask(media, "ocr")).await
}

/// Encrypted, damaged, too large, too many pages, pages too large at the dpi, a range past the
/// end: INVALID_ARGUMENT on `media[0].data` naming the problem.
#[tokio::test]
async fn bad_pdfs_are_invalid_arguments_naming_the_problem() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let config = || test_config(dir.path(), None);
    let good = write(&[page(1), page(2), page(3)]);

    let e = refused(config(), pdf(write_encrypted(&[page(1)]))).await;
    assert_invalid(&e, "the PDF is encrypted");

    let e = refused(config(), pdf(b"%PDF-1.7\n1 0 obj garbage".to_vec())).await;
    assert_invalid(&e, "the PDF is damaged");

    let mut c = config();
    c.limits.max_pdf_bytes = 1000;
    let e = refused(c, pdf(good.clone())).await;
    assert_invalid(&e, "the limit for a PDF is 1000 (limits.max_pdf_bytes)");

    let mut c = config();
    c.limits.max_pdf_pages = 2;
    let e = refused(c, pdf(good.clone())).await;
    assert_invalid(
        &e,
        "3 pages to render; the limit is 2 (limits.max_pdf_pages)",
    );

    let mut c = config();
    c.limits.max_image_pixels = 1_000_000;
    let e = refused(c, pdf(good.clone())).await;
    assert_invalid(&e, "page 1 is 1275x1649 pixels at 150 dpi");

    let media = Media {
        first_page: 3,
        last_page: 4,
        ..pdf(good)
    };
    let e = refused(config(), media).await;
    assert_invalid(&e, "pages 3-4 asked, but the document has 3 pages");
}

/// A page hayro cannot draw (its image does not decode) is drawn by pdftoppm; a pdftoppm that
/// hangs is stopped at `pdf.timeout_secs`; a missing one is FAILED_PRECONDITION saying how to
/// install it.
#[tokio::test]
async fn pdftoppm_draws_what_hayro_cannot_within_its_time_limit() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let broken = write(&[PageSpec {
        width: 200.0,
        height: 100.0,
        content: Content::Jpeg {
            data: b"\xFF\xD8\xFF\xE0 not a JPEG at all".to_vec(),
            width: 40,
            height: 20,
        },
    }]);
    let running = start(ocr_config(dir.path())).await;
    let mut c = client(&running).await;
    let r = c
        .ask(ask(pdf(broken.clone()), "ocr"))
        .await
        .unwrap()
        .into_inner();
    let Some(expert_result::Kind::Ocr(p)) = r.result.unwrap().kind else {
        panic!("no OCR result");
    };
    assert_eq!((p.page_index, p.from_text_layer), (Some(0), false));
    // pdftoppm rounds 416.7x208.3 up.
    assert_eq!((p.image_width, p.image_height), (417, 209));
    running.shutdown().await.unwrap();

    let mut c = test_config(dir.path(), None);
    c.pdf.pdftoppm = tools::hanging_tool(dir.path(), None);
    c.pdf.timeout_secs = 1.0;
    let e = refused(c, pdf(broken.clone())).await;
    assert_invalid(&e, "page 1 could not be drawn within 1s (pdf.timeout_secs)");

    let mut c = test_config(dir.path(), None);
    c.pdf.pdftoppm = dir.path().join("no-such-pdftoppm");
    let e = refused(c, pdf(broken)).await;
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");
    assert!(e.message().contains("poppler-utils"), "{e:?}");
}

/// Classify checks a PDF without drawing it: a page only pdftoppm could draw is routed though
/// pdftoppm is missing (Ask needs it), the pages route as that many images would, and a PDF
/// past the limits or encrypted is refused as in Ask.
#[tokio::test]
async fn classify_checks_a_pdf_without_drawing_it() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let broken = write(&[PageSpec {
        width: 200.0,
        height: 100.0,
        content: Content::Jpeg {
            data: b"\xFF\xD8\xFF\xE0 not a JPEG at all".to_vec(),
            width: 40,
            height: 20,
        },
    }]);
    let mut config = test_config(dir.path(), None);
    config.pdf.pdftoppm = dir.path().join("no-such-pdftoppm");
    config.limits.max_pdf_pages = 3;
    let running = start(config).await;
    let mut c = client(&running).await;
    let routed = c
        .classify(ask(pdf(broken.clone()), ""))
        .await
        .unwrap()
        .into_inner();
    assert!(!routed.expert.is_empty());
    let e = c.ask(ask(pdf(broken), "ocr")).await.unwrap_err();
    assert_eq!(e.code(), Code::FailedPrecondition, "{e:?}");

    let pages = write(&[page(1), page(2), page(3)]);
    let as_pdf = c
        .classify(ask(pdf(pages.clone()), ""))
        .await
        .unwrap()
        .into_inner();
    let mut three = ask(pdf(png(1275, 1649)), "");
    three.media = vec![pdf(png(1275, 1649)); 3];
    let as_images = c.classify(three).await.unwrap().into_inner();
    assert_eq!(as_pdf.expert, as_images.expert);
    assert_eq!(as_pdf.plan, as_images.plan);

    let e = c
        .classify(ask(pdf(write(&[page(1), page(2), page(3), page(4)])), ""))
        .await
        .unwrap_err();
    assert_invalid(
        &e,
        "4 pages to render; the limit is 3 (limits.max_pdf_pages)",
    );
    let e = c
        .classify(ask(pdf(write_encrypted(&[page(1)])), ""))
        .await
        .unwrap_err();
    assert_invalid(&e, "the PDF is encrypted");
    running.shutdown().await.unwrap();
}

/// A PDF past the in-process engine's visual-token budget is refused before anything is
/// decoded, saying how many pages it came to and how to send fewer.
#[tokio::test]
async fn a_long_pdf_to_the_in_process_model_names_its_pages_and_the_limit() {
    let _machine = machine::shared().await;
    let dir = tempfile::tempdir().unwrap();
    let mut config = ort_config(dir.path());
    // Fewer than one page takes (the tiny model's pixel budget is small).
    config.engine.max_visual_tokens = 2;
    config.pdf.dpi = 36.0;
    let running = start(config).await;
    let mut c = client(&running).await;
    let doc = write(&[page(1), page(2), page(3)]);
    let e = c.ask(ask(pdf(doc), "general")).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(
        e.message().starts_with("media: 3 image(s)"),
        "{}",
        e.message()
    );
    assert!(
        e.message()
            .contains("at most 2 per request (engine.max_visual_tokens)")
            && e.message().contains("Media.first_page"),
        "{}",
        e.message()
    );
    running.shutdown().await.unwrap();
}

/// A form page as a lossless image-only PDF drawn at 72 dpi: one pixel a point, so the page
/// comes back as the image was.
fn form_pdf(png: &[u8], copies: usize) -> Vec<u8> {
    let img = image::load_from_memory(png).unwrap().to_rgb8();
    let (w, h) = img.dimensions();
    let page = PageSpec {
        width: w as f32,
        height: h as f32,
        content: Content::Rgb {
            data: img.into_raw(),
            width: w,
            height: h,
        },
    };
    write(&vec![page; copies])
}

/// A form sent as a PDF gets the same fills as its image; a two-page PDF gets each page filled
/// (the second in `others`, with its page index) and one script that turns the page.
#[tokio::test]
async fn form_filling_on_pdf_pages_matches_the_image_and_pages_through() {
    let _machine = machine::shared().await;
    let png = std::fs::read(repo().join("tests/fixtures/forms/form_12.png")).unwrap();
    let truth: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("tests/fixtures/forms/form_12.json")).unwrap(),
    )
    .unwrap();
    let profile: std::collections::HashMap<String, String> =
        serde_json::from_value(truth["profile"].clone()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = ocr_config(dir.path());
    config.pdf.dpi = 72.0;
    let running = start(config).await;
    let mut c = client(&running).await;
    let mut fill = async |media: Media| {
        let r = c
            .ask(AskRequest {
                text: "Fill this form".into(),
                expert: "form_fill".into(),
                media: vec![media],
                profile: profile.clone(),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner();
        match r.result.unwrap().kind {
            Some(expert_result::Kind::FormFill(f)) => f,
            other => panic!("no form-fill result: {other:?}"),
        }
    };
    let from_image = fill(pdf(png.clone())).await;
    let from_pdf = fill(pdf(form_pdf(&png, 1))).await;
    assert!(!from_image.actions.is_empty());
    assert_eq!(
        (from_pdf.image_width, from_pdf.image_height),
        (from_image.image_width, from_image.image_height)
    );
    assert_eq!(from_pdf.page_index, Some(0));
    tools::assert_same_actions(&from_image, &from_pdf, 2.0);

    let two = fill(pdf(form_pdf(&png, 2))).await;
    assert_eq!(two.others.len(), 1);
    let second = &two.others[0];
    assert_eq!((second.media_index, second.page_index), (0, Some(1)));
    assert_eq!(tools::actions(second), tools::actions(&two));
    assert!(
        two.script.contains("# Page 2\nnext_page()\n"),
        "{}",
        two.script
    );
    let typed = |s: &str| s.matches("type_text(").count();
    assert_eq!(typed(&two.script), typed(&from_image.script) * 2 - 1);
    running.shutdown().await.unwrap();
}

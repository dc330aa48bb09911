//! Hostile images against the real binary with the OCR tool, under an address-space cap:
//! thin strips that once made detection allocate gigabytes, a 7000x7000 page under a 1 s
//! deadline, and four such pages cancelled in flight. Asserts the codes, that the server keeps
//! serving, and that its memory comes back; prints latencies, CPU time and RSS for the notes.

use std::time::{Duration, Instant};

use switchboard::proto::{AskRequest, Media};
use tonic::Code;

use super::harness::{Server, Spec, flat_png};
use crate::common::{machine, repo};

/// Address-space cap: the server maps about 1 GiB at rest with the OCR models loaded. The
/// thin-strip bug asked for 13 GB at once.
const CAP: u64 = 4 << 30;

fn ocr_ask(png: Vec<u8>, expert: &str) -> AskRequest {
    AskRequest {
        text: "read this".into(),
        expert: expert.into(),
        media: vec![Media {
            data: png,
            mime_type: "image/png".into(),
            ..Default::default()
        }],
        ..Default::default()
    }
}

/// A white page with rows of dark bars shaped like words: text for the detector to find and
/// the recognizer to read, which compresses to little.
fn page_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::GrayImage::from_fn(w, h, |x, y| {
        let in_line = y % 40 < 16;
        let word = (x / 90 + y / 40) % 3 != 0 && x % 90 > 15;
        image::Luma([if in_line && word { 20 } else { 255 }])
    });
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encoding a PNG");
    out
}

fn code_of<T>(r: &Result<T, tonic::Status>) -> Code {
    match r {
        Ok(_) => Code::Ok,
        Err(s) => s.code(),
    }
}

/// One small OCR request's latency.
async fn small_ocr(server: &Server, png: &[u8]) -> Duration {
    let mut c = server.client().await;
    let t = Instant::now();
    let r = c.ask(ocr_ask(png.to_vec(), "ocr")).await;
    assert_eq!(code_of(&r), Code::Ok, "{r:?}");
    t.elapsed()
}

fn mib(kib: Option<u64>) -> f64 {
    kib.unwrap_or(0) as f64 / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_images_under_a_memory_cap() {
    let _machine = machine::alone().await;
    let dir = tempfile::tempdir().unwrap();
    let mut spec = Spec::new(dir.path()).with_ocr();
    spec.max_address_space = Some(CAP);
    let mut server = Server::start(&spec).await;
    let small = std::fs::read(repo().join("tests/fixtures/ocr_text/en_contacts_small.png"))
        .expect("OCR fixture");

    // Warm-up, then the idle latency of a small OCR request (median of three).
    small_ocr(&server, &small).await;
    let mut idle: Vec<Duration> = Vec::new();
    for _ in 0..3 {
        idle.push(small_ocr(&server, &small).await);
    }
    idle.sort();
    let idle = idle[1];
    let rss_warm = server.rss_kib();
    println!(
        "idle small OCR: {idle:?}; RSS after warm-up {:.0} MiB",
        mib(rss_warm)
    );

    // Thin strips: refused when thinner than 1:200, read within bounds otherwise.
    let cases: [(u32, u32, &str, Code); 7] = [
        (1, 1_000_000, "ocr", Code::InvalidArgument),
        (1, 2048, "ocr", Code::InvalidArgument),
        (1_000_000, 1, "form_fill", Code::InvalidArgument),
        (2048, 2, "ocr", Code::InvalidArgument),
        (4, 1000, "ocr", Code::InvalidArgument),
        (20, 2000, "ocr", Code::Ok),
        (300, 3, "ocr", Code::Ok),
    ];
    println!("| image | expert | code | time | RSS after | peak RSS |");
    for (w, h, expert, want) in cases {
        let png = flat_png(w, h);
        let mut c = server.client().await;
        let t = Instant::now();
        let r = c.ask(ocr_ask(png, expert)).await;
        let took = t.elapsed();
        println!(
            "| {w}x{h} | {expert} | {:?} | {took:?} | {:.0} MiB | {:.0} MiB |",
            code_of(&r),
            mib(server.rss_kib()),
            mib(server.peak_rss_kib())
        );
        assert_eq!(code_of(&r), want, "{w}x{h}: {r:?}");
        if let Err(s) = &r {
            assert!(s.message().starts_with("media[0].data"), "{}", s.message());
        }
        assert!(
            server.is_running(),
            "{w}x{h} killed the server:\n{}",
            server.log_text()
        );
    }

    // A 7000x7000 page three times with a 1 s deadline: DEADLINE_EXCEEDED, and the OCR stops.
    let huge = page_png(7000, 7000);
    let cpu_before = server.cpu_secs().unwrap_or(0.0);
    for _ in 0..3 {
        let mut c = server.client().await;
        let mut req = tonic::Request::new(ocr_ask(huge.clone(), "ocr"));
        req.set_timeout(Duration::from_secs(1));
        let r = c.ask(req).await;
        assert_eq!(code_of(&r), Code::DeadlineExceeded, "{r:?}");
    }
    let after_deadlines = server.cpu_secs().unwrap_or(0.0);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let settled = server.cpu_secs().unwrap_or(0.0);
    let after_deadline_small = small_ocr(&server, &small).await;
    println!(
        "3 x 7000x7000 with a 1 s deadline: {:.2} CPU s during, {:.2} CPU s in the second after; \
         next small OCR {after_deadline_small:?} (idle {idle:?})",
        after_deadlines - cpu_before,
        settled - after_deadlines
    );

    // Four such pages in flight, cancelled by their clients: the work stops (CPU time in the
    // half second after the cancel); then again, with a small request right after the cancel.
    let four_in_flight = || async {
        let mut calls = Vec::new();
        for _ in 0..4 {
            let mut c = server.client().await;
            let req = ocr_ask(huge.clone(), "ocr");
            calls.push(tokio::spawn(async move { c.ask(req).await }));
        }
        tokio::time::sleep(Duration::from_millis(1500)).await;
        for call in &calls {
            call.abort();
        }
    };
    four_in_flight().await;
    let cancelled_at = server.cpu_secs().unwrap_or(0.0);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let cpu_after_cancel = server.cpu_secs().unwrap_or(0.0) - cancelled_at;
    // The cancelled work stops: a model run left going costs two cores for a second or more.
    assert!(
        cpu_after_cancel < 0.5,
        "{cpu_after_cancel:.2} CPU s after the cancel: the cancelled OCR kept running"
    );
    four_in_flight().await;
    let after_cancel_small = small_ocr(&server, &small).await;
    println!(
        "4 x 7000x7000 cancelled in flight: {cpu_after_cancel:.2} CPU s in the 0.5 s after the \
         cancel; a small OCR sent right after the cancel took {after_cancel_small:?} \
         ({:.2}x idle)",
        after_cancel_small.as_secs_f64() / idle.as_secs_f64()
    );

    // Memory comes back.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_end = server.rss_kib();
    println!(
        "RSS: {:.0} MiB after warm-up, {:.0} MiB at the end, peak {:.0} MiB",
        mib(rss_warm),
        mib(rss_end),
        mib(server.peak_rss_kib())
    );
    assert!(server.is_running());
    assert!(
        rss_end.unwrap_or(u64::MAX) as f64 <= 1.5 * rss_warm.unwrap_or(0) as f64,
        "RSS {rss_end:?} KiB at the end against {rss_warm:?} KiB after warm-up"
    );
}

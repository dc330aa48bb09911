//! tract-onnx 0.23 vs ONNX Runtime (ort 2.0.0-rc.15) on the PP-OCRv4 models shipped in
//! rapidocr-onnxruntime 1.4.4. See README.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ndarray::{Array4, ArrayD, IxDyn};
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;
use ort::value::TensorRef;
use tract_onnx::prelude::*;

struct Args {
    models: PathBuf,
    page: PathBuf,
    lines: PathBuf,
    ort_lib: PathBuf,
    runs: usize,
    big_runs: usize,
    only: Option<String>,
    symbolic: bool,
    tract_mt: bool,
    ort_default: bool,
    symbolic_only: bool,
}

fn parse_args() -> Result<Args> {
    let fixture = PathBuf::from("/work/main/tests/fixtures/ocr_text/a4_en.png");
    let mut a = Args {
        models: "/tmp/rapid/x/rapidocr_onnxruntime/models".into(),
        page: if fixture.exists() {
            fixture
        } else {
            "/tmp/ocr-bench/a4_synth_en.png".into()
        },
        lines: if Path::new("/tmp/ocr-bench/lines_a4en/long.png").exists() {
            "/tmp/ocr-bench/lines_a4en".into()
        } else {
            "/tmp/ocr-bench/lines".into()
        },
        ort_lib: "/work/main/.assets/onnxruntime/libonnxruntime.so.1.31.1".into(),
        runs: 10,
        big_runs: 5,
        only: None,
        symbolic: true,
        tract_mt: true,
        ort_default: true,
        symbolic_only: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(k) = it.next() {
        let mut v = || it.next().context("missing value");
        match k.as_str() {
            "--models" => a.models = v()?.into(),
            "--page" => a.page = v()?.into(),
            "--lines" => a.lines = v()?.into(),
            "--ort-lib" => a.ort_lib = v()?.into(),
            "--runs" => a.runs = v()?.parse()?,
            "--big-runs" => a.big_runs = v()?.parse()?,
            "--only" => a.only = Some(v()?),
            "--no-symbolic" => a.symbolic = false,
            "--no-tract-mt" => a.tract_mt = false,
            "--no-ort-default" => a.ort_default = false,
            "--symbolic-only" => a.symbolic_only = true,
            _ => bail!("unknown arg {k}"),
        }
    }
    Ok(a)
}

// ---------------------------------------------------------------- inputs

/// PP-OCR normalisation: (x/255 - 0.5)/0.5, RGB, CHW, written into `dst[b]`.
fn fill_chw(dst: &mut Array4<f32>, b: usize, img: &image::RgbImage, x0: usize) {
    for (x, y, p) in img.enumerate_pixels() {
        for c in 0..3 {
            dst[[b, c, y as usize, x0 + x as usize]] = (p[c] as f32 / 255.0 - 0.5) / 0.5;
        }
    }
}

fn det_input(page: &image::RgbImage, h: u32, w: u32) -> ArrayD<f32> {
    let r = image::imageops::resize(page, w, h, image::imageops::FilterType::Triangle);
    let mut a = Array4::<f32>::zeros((1, 3, h as usize, w as usize));
    fill_chw(&mut a, 0, &r, 0);
    a.into_dyn()
}

/// PP-OCR rec/cls preprocessing: resize to height 48 keeping aspect ratio (width capped
/// at `w`), normalise, right-pad with 0.
fn line_batch(imgs: &[image::RgbImage], h: u32, w: u32) -> ArrayD<f32> {
    let mut a = Array4::<f32>::zeros((imgs.len(), 3, h as usize, w as usize));
    for (b, img) in imgs.iter().enumerate() {
        let ratio = img.width() as f32 / img.height() as f32;
        let rw = ((h as f32 * ratio).ceil() as u32).clamp(1, w);
        let r = image::imageops::resize(img, rw, h, image::imageops::FilterType::Triangle);
        fill_chw(&mut a, b, &r, 0);
    }
    a.into_dyn()
}

struct Case {
    name: &'static str,
    model: &'static str,
    input: ArrayD<f32>,
    big: bool,
}

fn build_cases(args: &Args) -> Result<Vec<Case>> {
    let page = image::open(&args.page)
        .with_context(|| format!("open {:?}", args.page))?
        .to_rgb8();
    let mut lines = vec![];
    for i in 0..6 {
        let p = args.lines.join(format!("line{i}.png"));
        lines.push(
            image::open(&p)
                .with_context(|| format!("open {p:?}"))?
                .to_rgb8(),
        );
    }
    let long = image::open(args.lines.join("long.png"))?.to_rgb8();
    let det = "ch_PP-OCRv4_det_infer.onnx";
    let rec = "ch_PP-OCRv4_rec_infer.onnx";
    let cls = "ch_ppocr_mobile_v2.0_cls_infer.onnx";
    Ok(vec![
        Case {
            name: "det 1x3x1760x1248",
            model: det,
            input: det_input(&page, 1760, 1248),
            big: true,
        },
        Case {
            name: "det 1x3x736x736",
            model: det,
            input: det_input(&page, 736, 736),
            big: false,
        },
        Case {
            name: "rec 6x3x48x320",
            model: rec,
            input: line_batch(&lines, 48, 320),
            big: false,
        },
        Case {
            name: "rec 1x3x48x960",
            model: rec,
            input: line_batch(&[long], 48, 960),
            big: false,
        },
        Case {
            name: "cls 6x3x48x192",
            model: cls,
            input: line_batch(&lines, 48, 192),
            big: false,
        },
    ])
}

// ---------------------------------------------------------------- timing

struct Timing {
    median_ms: f64,
    min_ms: f64,
    n: usize,
}

fn time_it<F: FnMut() -> Result<()>>(n: usize, mut f: F) -> Result<Timing> {
    for _ in 0..2 {
        f()?;
    }
    let mut v = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f()?;
        v.push(t.elapsed().as_secs_f64() * 1e3);
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Ok(Timing {
        median_ms: median,
        min_ms: v[0],
        n,
    })
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

// ---------------------------------------------------------------- runtimes

fn ort_session(
    env: &ort::environment::Environment,
    path: &Path,
    threads: Option<usize>,
) -> Result<Session> {
    let mut b = Session::builder(env)?
        .with_optimization_level(GraphOptimizationLevel::Level3)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(t) = threads {
        b = b
            .with_intra_threads(t)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(b.commit_from_file(path)?)
}

fn ort_run(s: &mut Session, x: &ArrayD<f32>) -> Result<ArrayD<f32>> {
    let out = s.run(ort::inputs![TensorRef::from_array_view(x.view())?])?;
    Ok(out[0].try_extract_array::<f32>()?.to_owned())
}

type Plan = Arc<TypedRunnableModel>;

fn tract_compile(path: &Path, shape: &[usize]) -> Result<Plan> {
    let m = tract_onnx::onnx()
        .model_for_path(path)?
        .with_input_fact(0, f32::fact(shape.to_vec()).into())?
        .into_optimized()?
        .into_runnable()?;
    Ok(m)
}

fn tract_run(p: &Plan, x: &ArrayD<f32>) -> Result<ArrayD<f32>> {
    let t: Tensor = x.clone().into();
    let out = p.run(tvec!(t.into()))?;
    Ok(out[0]
        .to_plain_array_view::<f32>()?
        .to_owned()
        .into_dimensionality::<IxDyn>()?)
}

fn tract_run_timed(p: &Plan, x: &ArrayD<f32>) -> Result<()> {
    // input conversion (a copy) is included, as a server would pay it too
    let t: Tensor = x.clone().into();
    p.run(tvec!(t.into()))?;
    Ok(())
}

fn max_abs_diff(a: &ArrayD<f32>, b: &ArrayD<f32>) -> Result<f32> {
    if a.shape() != b.shape() {
        bail!("shape mismatch {:?} vs {:?}", a.shape(), b.shape());
    }
    Ok(a.iter()
        .zip(b.iter())
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max))
}

/// Task-level agreement: det -> fraction of pixels whose binarisation at 0.3 differs;
/// rec/cls -> fraction of (batch, timestep) argmax that differ.
fn task_diff(model: &str, a: &ArrayD<f32>, b: &ArrayD<f32>) -> String {
    if model.contains("det") {
        let n = a
            .iter()
            .zip(b.iter())
            .filter(|(x, y)| (**x > 0.3) != (**y > 0.3))
            .count();
        format!("bin@0.3 differs {n}/{} px", a.len())
    } else {
        let c = *a.shape().last().unwrap();
        let argmax = |s: &[f32]| {
            s.iter()
                .enumerate()
                .fold((0, f32::MIN), |m, (i, &v)| if v > m.1 { (i, v) } else { m })
                .0
        };
        let sa = a.as_slice().unwrap();
        let sb = b.as_slice().unwrap();
        let rows = sa.len() / c;
        let n = (0..rows)
            .filter(|r| argmax(&sa[r * c..(r + 1) * c]) != argmax(&sb[r * c..(r + 1) * c]))
            .count();
        format!("argmax differs {n}/{rows}")
    }
}

// ---------------------------------------------------------------- main

struct Row {
    case: String,
    runtime: String,
    t: Option<Timing>,
    compile_ms: f64,
    diff: String,
}

fn print_rows(rows: &[Row]) {
    println!(
        "\n| case | runtime | median ms | min ms | runs | compile/session ms | max abs diff vs ORT(2t) |"
    );
    println!("|---|---|---:|---:|---:|---:|---|");
    for r in rows {
        match &r.t {
            Some(t) => println!(
                "| {} | {} | {:.1} | {:.1} | {} | {:.0} | {} |",
                r.case, r.runtime, t.median_ms, t.min_ms, t.n, r.compile_ms, r.diff
            ),
            None => println!(
                "| {} | {} | - | - | - | {:.0} | {} |",
                r.case, r.runtime, r.compile_ms, r.diff
            ),
        }
    }
}

fn main() -> Result<()> {
    let args = parse_args()?;
    println!("page image: {:?}, line crops: {:?}", args.page, args.lines);
    let env = ort::init_from(&args.ort_lib)
        .map_err(|e| anyhow::anyhow!("ort::init_from({:?}): {e}", args.ort_lib))?
        .build()?;
    let cases = build_cases(&args)?;
    let mut rows: Vec<Row> = vec![];
    let st = tract_linalg::multithread::Executor::SingleThread;
    let mt2 = tract_linalg::multithread::Executor::multithread(2);

    for case in &cases {
        if args.symbolic_only {
            break;
        }
        if let Some(o) = &args.only
            && !case.name.contains(o.as_str())
        {
            continue;
        }
        let n = if case.big { args.big_runs } else { args.runs };
        let path = args.models.join(case.model);
        let shape: Vec<usize> = case.input.shape().to_vec();
        eprintln!("== {} ({n} runs)", case.name);

        // --- ORT, intra threads = 2
        let t0 = Instant::now();
        let mut s = ort_session(&env, &path, Some(2))?;
        let sess_ms = ms(t0);
        let reference = ort_run(&mut s, &case.input)?;
        let t = time_it(n, || ort_run(&mut s, &case.input).map(|_| ()))?;
        eprintln!("   ort 2t: {:.1} ms", t.median_ms);
        rows.push(Row {
            case: case.name.into(),
            runtime: "ort intra=2".into(),
            t: Some(t),
            compile_ms: sess_ms,
            diff: format!("out {:?}", reference.shape()),
        });
        drop(s);

        // --- ORT, default threads
        if args.ort_default {
            let t0 = Instant::now();
            let mut s = ort_session(&env, &path, None)?;
            let sess_ms = ms(t0);
            let out = ort_run(&mut s, &case.input)?;
            let d = max_abs_diff(&reference, &out)?;
            let t = time_it(n, || ort_run(&mut s, &case.input).map(|_| ()))?;
            eprintln!("   ort default: {:.1} ms", t.median_ms);
            rows.push(Row {
                case: case.name.into(),
                runtime: "ort default threads".into(),
                t: Some(t),
                compile_ms: sess_ms,
                diff: format!("{d:.2e}"),
            });
        }

        // --- tract, concrete shape
        let t0 = Instant::now();
        match tract_compile(&path, &shape) {
            Err(e) => {
                eprintln!("   tract compile error: {e:?}");
                rows.push(Row {
                    case: case.name.into(),
                    runtime: "tract".into(),
                    t: None,
                    compile_ms: ms(t0),
                    diff: format!("ERROR: {e:#}"),
                });
            }
            Ok(plan) => {
                let compile_ms = ms(t0);
                let mut execs = vec![("tract 1 thread", st.clone())];
                if args.tract_mt {
                    execs.push(("tract 2 threads", mt2.clone()));
                }
                for (label, ex) in execs {
                    let r = tract_linalg::multithread::multithread_tract_scope(
                        ex,
                        || -> Result<Row> {
                            let out = tract_run(&plan, &case.input)?;
                            let d = max_abs_diff(&reference, &out)?;
                            let td = task_diff(case.model, &reference, &out);
                            let t = time_it(n, || tract_run_timed(&plan, &case.input))?;
                            eprintln!("   {label}: {:.1} ms (diff {d:.2e})", t.median_ms);
                            Ok(Row {
                                case: case.name.into(),
                                runtime: label.into(),
                                t: Some(t),
                                compile_ms,
                                diff: format!("{d:.2e} ({td})"),
                            })
                        },
                    );
                    match r {
                        Ok(row) => rows.push(row),
                        Err(e) => {
                            eprintln!("   {label} run error: {e:?}");
                            rows.push(Row {
                                case: case.name.into(),
                                runtime: label.into(),
                                t: None,
                                compile_ms,
                                diff: format!("RUN ERROR: {e:#}"),
                            })
                        }
                    }
                }
            }
        }
    }

    // --- tract with symbolic dims, one optimised plan reused across shapes
    if args.symbolic && (args.only.is_none() || args.symbolic_only) {
        for (model, fact_desc) in [
            ("ch_PP-OCRv4_det_infer.onnx", "det [1,3,h,w]"),
            ("ch_PP-OCRv4_det_infer.onnx", "det [1,3,32h,32w]"),
            ("ch_PP-OCRv4_rec_infer.onnx", "rec [n,3,48,w]"),
            ("ch_PP-OCRv4_rec_infer.onnx", "rec [n,3,48,320]"),
        ] {
            let path = args.models.join(model);
            let t0 = Instant::now();
            let compiled = (|| -> Result<Plan> {
                let m = tract_onnx::onnx().model_for_path(&path)?;
                let fact = if fact_desc == "det [1,3,32h,32w]" {
                    let h = TDim::from(m.symbols.sym("h")) * 32;
                    let w = TDim::from(m.symbols.sym("w")) * 32;
                    f32::fact([TDim::from(1usize), 3usize.into(), h, w])
                } else if fact_desc == "rec [n,3,48,320]" {
                    let nb = m.symbols.sym("n");
                    f32::fact([
                        TDim::from(nb),
                        3usize.into(),
                        48usize.into(),
                        320usize.into(),
                    ])
                } else if model.contains("det") {
                    let h = m.symbols.sym("h");
                    let w = m.symbols.sym("w");
                    f32::fact([TDim::from(1usize), 3usize.into(), h.into(), w.into()])
                } else {
                    let nb = m.symbols.sym("n");
                    let w = m.symbols.sym("w");
                    f32::fact([TDim::from(nb), 3usize.into(), 48usize.into(), w.into()])
                };
                m.with_input_fact(0, fact.into())?
                    .into_optimized()?
                    .into_runnable()
            })();
            let compile_ms = ms(t0);
            let plan = match compiled {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("   tract symbolic {fact_desc} compile error: {e:?}");
                    rows.push(Row {
                        case: fact_desc.into(),
                        runtime: "tract symbolic".into(),
                        t: None,
                        compile_ms,
                        diff: format!("ERROR: {e:#}"),
                    });
                    continue;
                }
            };
            for case in cases.iter().filter(|c| {
                c.model == model && (fact_desc != "rec [n,3,48,320]" || c.input.shape()[3] == 320)
            }) {
                // symbolic is a "does it work / how fast" check: fewer runs
                let n = if case.big { 3 } else { 5 };
                eprintln!("== symbolic {fact_desc} on {}", case.name);
                let mut s = ort_session(&env, &path, Some(2))?;
                let reference = ort_run(&mut s, &case.input)?;
                drop(s);
                for (label, ex) in [
                    ("tract symbolic 1t", st.clone()),
                    ("tract symbolic 2t", mt2.clone()),
                ] {
                    if label.ends_with("2t") && !args.tract_mt {
                        continue;
                    }
                    let r = tract_linalg::multithread::multithread_tract_scope(
                        ex,
                        || -> Result<Row> {
                            let out = tract_run(&plan, &case.input)?;
                            let d = max_abs_diff(&reference, &out)?;
                            let t = time_it(n, || tract_run_timed(&plan, &case.input))?;
                            eprintln!("   {label}: {:.1} ms (diff {d:.2e})", t.median_ms);
                            Ok(Row {
                                case: case.name.into(),
                                runtime: format!("{label} {fact_desc}"),
                                t: Some(t),
                                compile_ms,
                                diff: format!("{d:.2e} ({})", task_diff(model, &reference, &out)),
                            })
                        },
                    );
                    rows.push(r.unwrap_or_else(|e| Row {
                        case: case.name.into(),
                        runtime: format!("{label} {fact_desc}"),
                        t: None,
                        compile_ms,
                        diff: format!("RUN ERROR: {e:#}"),
                    }));
                }
            }
        }
    }

    print_rows(&rows);
    Ok(())
}

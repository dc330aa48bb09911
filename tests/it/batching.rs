//! Continuous batching gives each sequence exactly what it gets alone: logits within 1e-4 of a
//! single-sequence run while rows of different lengths (text, images, a video, a multi-turn chat)
//! join and leave mid-flight, and the batcher's text equal to `generate` alone, with a row
//! cancelled on the way. Through I/O binding, the presents stay with the decoder and only the
//! logits rows read come back. On the committed tiny fixture, so CI runs it.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use switchboard::engine::qwen3vl::batch::{BatchLimits, Batcher, Event};
use switchboard::engine::qwen3vl::engine::{Engine, GenerateParams, Outcome, Prepared};
use switchboard::engine::qwen3vl::sampler::argmax;

use crate::common::machine;
use crate::qwen3vl_golden::{case, engine, greedy, inputs, max_diff, options, provider};

const CASES: [&str; 5] = ["text", "image", "two_images", "video", "multi_turn"];

fn prepared(e: &Engine, name: &str) -> Prepared {
    let (messages, media) = inputs(&case(name));
    e.prepare(&messages, &media).unwrap()
}

/// Greedy tokens and the logits of every step (the prefill's last position first), alone.
fn alone(e: &mut Engine, p: &Prepared, steps: usize) -> (Vec<u32>, Vec<Vec<f32>>) {
    let (mut logits, mut cache) = e.prefill(p).unwrap();
    let (mut tokens, mut all) = (Vec::new(), Vec::new());
    for _ in 0..steps {
        let t = argmax(&logits);
        tokens.push(t);
        all.push(logits);
        logits = e.step(t, p.rope.delta, &mut cache).unwrap();
    }
    all.push(logits);
    (tokens, all)
}

/// Rows join at different steps (one prefilled in chunks of 7 while others decode), decode
/// different numbers of steps and leave mid-flight (the first to leave is the longest, so every
/// row's padding changes); every row's logits at every step stay within 1e-4 of its run alone.
#[test]
fn batched_logits_equal_each_sequence_alone() {
    let _machine = machine::shared_blocking();
    let mut e = Engine::load(options("", 7, provider())).unwrap();
    let prompts: Vec<Prepared> = CASES.iter().map(|n| prepared(&e, n)).collect();
    // Steps each sequence decodes, and the step it joins at.
    let steps = [10usize, 6, 9, 4, 8];
    let joins = [0usize, 0, 2, 3, 5];
    let runs: Vec<(Vec<u32>, Vec<Vec<f32>>)> = prompts
        .iter()
        .zip(steps)
        .map(|(p, n)| alone(&mut e, p, n))
        .collect();
    let lens: Vec<usize> = prompts.iter().map(|p| p.ids.len()).collect();
    println!("prompt lengths {lens:?}");

    let mut batch = e.empty_batch();
    // Per row: which sequence, how many steps it has decoded.
    let mut rows: Vec<(usize, usize)> = Vec::new();
    let mut worst = 0f32;
    let mut joined = 0;
    let mut tick = 0;
    while joined < prompts.len() || !rows.is_empty() {
        // Join whoever is due: a chunked prefill alone, then a new row.
        while joined < prompts.len() && joins[joined] <= tick {
            let p = &prompts[joined];
            let mut pf = e.begin_prefill(p).unwrap();
            let logits = loop {
                if let Some(l) = e.prefill_chunk(p, &mut pf).unwrap() {
                    break l;
                }
            };
            let d = max_diff(&logits, &runs[joined].1[0]);
            worst = worst.max(d);
            assert!(d <= 1e-4, "{}: prefill differs by {d}", CASES[joined]);
            // Only the last position's logits came back from the decoder, not the chunk's.
            let t = e.last_transfer();
            assert_eq!(t.logits_to_host, logits.len() * 4, "{t:?}");
            assert_eq!(t.kv_kept, pf.cache.bytes(), "{t:?}");
            e.batch_join(&mut batch, pf.cache).unwrap();
            rows.push((joined, 0));
            joined += 1;
        }
        if rows.is_empty() {
            tick += 1;
            continue;
        }
        let tokens: Vec<u32> = rows.iter().map(|&(s, k)| runs[s].0[k]).collect();
        let deltas: Vec<i64> = rows.iter().map(|&(s, _)| prompts[s].rope.delta).collect();
        let logits = e.batch_step(&mut batch, &tokens, &deltas).unwrap();
        assert!(logits.iter().all(|x| x.is_finite()), "non-finite logits");
        // The step's presents stayed with the decoder as the batch; its logits came back.
        let t = e.last_transfer();
        assert_eq!(t.kv_kept, batch.bytes(), "{t:?}");
        assert_eq!((t.logits_to_host, t.kv_from_host), (logits.len() * 4, 0));
        let vocab = logits.len() / rows.len();
        for (r, (s, k)) in rows.iter_mut().enumerate() {
            *k += 1;
            let d = max_diff(&logits[r * vocab..(r + 1) * vocab], &runs[*s].1[*k]);
            worst = worst.max(d);
            assert!(
                d <= 1e-4,
                "{} step {k} in a batch of {}: logits differ by {d}",
                CASES[*s],
                tokens.len()
            );
        }
        let leaving: Vec<usize> = (0..rows.len())
            .filter(|&r| rows[r].1 == steps[rows[r].0])
            .collect();
        e.batch_leave(&mut batch, &leaving).unwrap();
        let mut r = 0;
        rows.retain(|_| {
            r += 1;
            !leaving.contains(&(r - 1))
        });
        // Trimmed: the batch spans its longest row, no more.
        let longest = (0..batch.rows())
            .map(|r| batch.len_of(r))
            .max()
            .unwrap_or(0);
        assert_eq!(batch.columns(), longest);
        tick += 1;
    }
    println!("{tick} steps; largest difference from the runs alone {worst:e}");
}

/// The batcher's text, tokens and reasons equal `generate` alone for every sequence, under a
/// row cap that makes later sequences wait for a row; one sequence cancelled mid-flight ends
/// "cancelled" without disturbing the others; an empty batcher admits anything, and the byte
/// budget refuses what would not fit.
#[test]
fn the_batcher_gives_each_sequence_what_it_gets_alone() {
    let _machine = machine::shared_blocking();
    let mut e = engine("");
    let prompts: Vec<Prepared> = CASES.iter().map(|n| prepared(&e, n)).collect();
    let params: Vec<GenerateParams> = [12, 5, 9, 7, 11].into_iter().map(greedy).collect();
    let mut want: Vec<(String, Outcome)> = Vec::new();
    for (p, params) in prompts.iter().zip(&params) {
        let mut text = String::new();
        let never = Arc::new(AtomicBool::new(false));
        let out = e.generate(p, params, &never, |t| text.push_str(t)).unwrap();
        want.push((text, out));
    }

    let mut b: Batcher<usize> = Batcher::new(
        &e,
        BatchLimits {
            max_rows: 3,
            kv_bytes: usize::MAX,
        },
    );
    let cancel: Vec<Arc<AtomicBool>> = (0..6).map(|_| Arc::new(AtomicBool::new(false))).collect();
    let mut text: HashMap<usize, String> = HashMap::new();
    let mut done: HashMap<usize, Outcome> = HashMap::new();
    // Sequence 5 repeats sequence 0 and is cancelled after its third token.
    let mut waiting: Vec<usize> = (0..6).collect();
    let mut most_rows = 0;
    while done.len() < 6 {
        while let Some(&s) = waiting.first() {
            let (p, params) = (&prompts[s % 5], &params[s % 5]);
            if !b.admits(p, params) {
                break;
            }
            b.admit(s, p.clone(), params, cancel[s].clone());
            waiting.remove(0);
        }
        most_rows = most_rows.max(b.decoding());
        b.tick(&mut e, &mut |&s, ev| match ev {
            Event::Text(t) => text.entry(s).or_default().push_str(t),
            Event::Done(o) => {
                done.insert(s, o);
            }
            Event::Failed(err) => panic!("sequence {s} failed: {err}"),
        });
        if !done.contains_key(&5) && text.get(&5).is_some_and(|t| !t.is_empty()) {
            // Its row leaves at the next step.
            cancel[5].store(true, Ordering::Relaxed);
        }
    }
    assert_eq!(most_rows, 3, "the row cap is what limits the batch");
    for s in 0..5 {
        assert_eq!(done[&s], want[s].1, "{}: outcome", CASES[s]);
        assert_eq!(text[&s], want[s].0, "{}: text", CASES[s]);
    }
    assert_eq!(done[&5].reason, "cancelled");
    assert!(done[&5].tokens.len() < want[0].1.tokens.len());
    assert_eq!(
        done[&5].tokens[..],
        want[0].1.tokens[..done[&5].tokens.len()]
    );
    assert!(b.is_empty() && b.kv_bytes() == 0);

    // Admission by bytes: one sequence alone always, a second only within the budget.
    let bpp = e.empty_batch().bytes_per_position();
    let need = |i: usize| prompts[i].ids.len() + params[i].max_new_tokens;
    let tight = BatchLimits {
        max_rows: 8,
        kv_bytes: 2 * need(0).max(need(1)) * bpp - 1,
    };
    let mut b: Batcher<usize> = Batcher::new(&e, tight);
    assert!(b.admits(&prompts[0], &params[0]));
    b.admit(0, prompts[0].clone(), &params[0], cancel[0].clone());
    assert!(!b.admits(&prompts[1], &params[1]), "over the byte budget");
    let roomy = BatchLimits {
        kv_bytes: tight.kv_bytes + 1,
        ..tight
    };
    let mut b: Batcher<usize> = Batcher::new(&e, roomy);
    b.admit(0, prompts[0].clone(), &params[0], cancel[0].clone());
    assert!(b.admits(&prompts[1], &params[1]), "exactly the budget");
}

/// The load-time check that decides whether a decoder may batch: every variant of the fixture
/// (float32, float16, int4) batches; printed for the notes.
#[test]
fn the_fixtures_decoders_pass_the_batching_check() {
    let _machine = machine::shared_blocking();
    for variant in ["", "fp16", "q4"] {
        let mut e = engine(variant);
        let error = e.batching_error().unwrap();
        println!("variant {variant:?}: relative batching error {error:e}");
        assert!(error <= 1e-2, "{variant:?}: {error}");
    }
}

/// A prompt that starts as an earlier one of the same scope takes that prefix's keys and values
/// from the prefix cache (in whole blocks) and prefills only the rest: its logits and tokens
/// are those of an engine without the cache. Another scope, or another picture behind the same
/// text, does not match past the picture.
#[test]
fn a_prompt_that_starts_as_an_earlier_one_reuses_its_prefix() {
    use switchboard::engine::qwen3vl::engine::{ChatMessage, ChatPart, Media};
    use switchboard::engine::qwen3vl::prefix_cache::BLOCK;
    use switchboard::engine::qwen3vl::preprocess::decode;
    let _machine = machine::shared_blocking();
    let mut cached = engine("");
    let mut plain = {
        let mut o = options("", 512, provider());
        o.prefix_cache_bytes = 0;
        Engine::load(o).unwrap()
    };
    let dir = crate::common::repo().join("tests/fixtures/qwen3vl-tiny/golden");
    let image = |f: &str| Media::Image(decode(&std::fs::read(dir.join(f)).unwrap()).unwrap());
    let user = |parts: Vec<ChatPart>| ChatMessage {
        role: "user",
        parts,
    };
    let ask = |q: &str| {
        vec![
            ChatMessage {
                role: "system",
                parts: vec![ChatPart::Text("You describe pictures carefully.".into())],
            },
            user(vec![ChatPart::Media(0), ChatPart::Text(q.into())]),
        ]
    };
    let scoped = |e: &Engine, m: &[ChatMessage], media: &[Media], scope: &str| {
        let mut p = e.prepare(m, media).unwrap();
        p.cache_scope = Some(scope.into());
        p
    };
    let never = Arc::new(AtomicBool::new(false));
    let media = vec![image("img_100x150.png")];
    let first = scoped(&cached, &ask("What is in this picture?"), &media, "s1");
    let out1 = cached.generate(&first, &greedy(6), &never, |_| {}).unwrap();
    assert_eq!(out1.cached_tokens, 0);
    let answer = cached.tokenizer.decode(&out1.tokens, true).unwrap();

    // The follow-up turn: the first prompt, its answer, a new question.
    let mut chat = ask("What is in this picture?");
    chat.push(ChatMessage {
        role: "assistant",
        parts: vec![ChatPart::Text(answer)],
    });
    chat.push(user(vec![ChatPart::Text(
        "And what colours are in it?".into(),
    )]));
    let second = scoped(&cached, &chat, &media, "s1");
    let (mut a, mut b) = (String::new(), String::new());
    let out2 = cached
        .generate(&second, &greedy(8), &never, |t| a.push_str(t))
        .unwrap();
    let want = plain
        .generate(&second, &greedy(8), &never, |t| b.push_str(t))
        .unwrap();
    let whole_blocks = (first.ids.len() - 1) / BLOCK * BLOCK;
    println!(
        "first prompt {} tokens, follow-up {} tokens, {} reused",
        first.ids.len(),
        second.ids.len(),
        out2.cached_tokens
    );
    assert_eq!(out2.cached_tokens, whole_blocks);
    assert!(whole_blocks > 0);
    assert_eq!((out2.tokens.clone(), a), (want.tokens.clone(), b));
    // The prefill's logits themselves.
    let logits = |e: &mut Engine, p: &Prepared| {
        let mut pf = e.begin_prefill(p).unwrap();
        loop {
            if let Some(l) = e.prefill_chunk(p, &mut pf).unwrap() {
                return (l, pf.cached);
            }
        }
    };
    let (with, reused) = logits(&mut cached, &second);
    let (without, _) = logits(&mut plain, &second);
    assert!(reused >= whole_blocks);
    let d = max_diff(&with, &without);
    assert!(d <= 1e-4, "prefix reuse moved the logits by {d}");

    // Another session: nothing reused.
    let other = scoped(&cached, &chat, &media, "s2");
    assert_eq!(
        cached
            .generate(&other, &greedy(2), &never, |_| {})
            .unwrap()
            .cached_tokens,
        0
    );
    // Another picture behind the same text: reused at most up to the picture.
    let swapped = vec![image("img_75x50.png")];
    let p = scoped(&cached, &ask("What is in this picture?"), &swapped, "s1");
    let pad = p
        .ids
        .iter()
        .position(|&t| t == cached.config.image_token_id)
        .unwrap();
    let out = cached.generate(&p, &greedy(2), &never, |_| {}).unwrap();
    assert!(
        out.cached_tokens <= pad / BLOCK * BLOCK,
        "{} > {pad}",
        out.cached_tokens
    );
    let mut check = plain_tokens(&mut plain, &p);
    check.truncate(out.tokens.len());
    assert_eq!(out.tokens, check);
}

fn plain_tokens(e: &mut Engine, p: &Prepared) -> Vec<u32> {
    let never = Arc::new(AtomicBool::new(false));
    e.generate(p, &greedy(2), &never, |_| {}).unwrap().tokens
}

/// A joining sequence's images are encoded one per tick, and its prompt prefilled one chunk per
/// tick, while the running rows decode a token at every tick: a picture-heavy prompt never holds
/// them up for more than one encoder run or one chunk.
#[test]
fn a_joining_prompt_takes_one_step_per_tick_and_never_stalls_the_batch() {
    use std::sync::atomic::AtomicUsize;
    use switchboard::engine::qwen3vl::engine::Observer;
    /// Tokens the last decode step produced.
    #[derive(Default)]
    struct Decoded(AtomicUsize);
    impl Observer for Decoded {
        fn decoded(&self, tokens: usize) {
            self.0.store(tokens, Ordering::Relaxed);
        }
    }
    let _machine = machine::shared_blocking();
    let decoded = Arc::new(Decoded::default());
    let mut e = Engine::load_observed(options("", 8, provider()), decoded.clone()).unwrap();
    let text = prepared(&e, "text");
    let two_images = prepared(&e, "two_images");
    let mut b: Batcher<usize> = Batcher::new(
        &e,
        BatchLimits {
            max_rows: 4,
            kv_bytes: usize::MAX,
        },
    );
    let never = Arc::new(AtomicBool::new(false));
    let mut ignore = |_: &usize, _: Event| {};
    b.admit(0, text, &greedy(40), never.clone());
    // The text prompt (16 tokens, chunks of 8) is in after two ticks.
    while b.decoding() == 0 {
        b.tick(&mut e, &mut ignore);
    }
    b.admit(1, two_images.clone(), &greedy(4), never.clone());
    // Two encoder runs, then ceil(39 / 8) = 5 chunks: seven ticks before it decodes, each with
    // a decode step for the running row.
    let mut ticks = 0;
    while b.decoding() < 2 {
        b.tick(&mut e, &mut ignore);
        ticks += 1;
        // The running row, and on the last tick the newcomer too (it joins before the step).
        let got = decoded.0.load(Ordering::Relaxed);
        let want = if b.decoding() == 2 { 2 } else { 1 };
        assert_eq!(got, want, "tick {ticks}: {got} tokens decoded");
    }
    let chunks = two_images.ids.len().div_ceil(8);
    assert_eq!(
        ticks,
        2 + chunks,
        "two encoder runs and {chunks} chunks, one per tick"
    );
}

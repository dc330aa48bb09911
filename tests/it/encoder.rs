//! The sentence encoder without its custom tokenizer op: token ids and embeddings equal the
//! reference stack's (sentencepiece + onnxruntime-extensions, tests/fixtures/encoder, made by
//! tools/make_encoder_fixture.py).

use crate::common::{self, machine};

use switchboard::dispatch::encoder::{Encoder, cosine};

fn encoder() -> Encoder {
    let assets = common::assets();
    Encoder::load(
        &assets.join("encoder/use_multilingual_int8.onnx"),
        &assets.join("onnxruntime/libonnxruntime.so.1.31.1"),
    )
    .unwrap()
}

#[test]
fn tokens_and_embeddings_match_the_reference() {
    let _machine = machine::shared_blocking();
    let mut e = encoder();
    let text = std::fs::read_to_string(common::repo().join("tests/fixtures/encoder/expected.json"))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut mismatched = Vec::new();
    for case in v["cases"].as_array().unwrap() {
        let t = case["text"].as_str().unwrap();
        let want: Vec<u32> = case["ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as u32)
            .collect();
        let got = e.token_ids(t).unwrap();
        if got != want {
            mismatched.push(format!("{t:?}: got {got:?}, want {want:?}"));
        }
        if let Some(emb) = case.get("embedding") {
            let want: Vec<f32> = emb
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_f64().unwrap() as f32)
                .collect();
            let got = &e.embed(&[t]).unwrap()[0];
            let d = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f32::max);
            assert!(d < 1e-4, "{t:?}: embedding differs by {d}");
        }
    }
    assert!(mismatched.is_empty(), "{}", mismatched.join("\n"));
}

#[test]
fn paraphrases_land_near_each_other_across_languages() {
    let _machine = machine::shared_blocking();
    let mut e = encoder();
    let v = e
        .embed(&[
            "Read the text in this image",
            "识别图片中的文字",
            "Solve this equation",
            "What is the capital of France?",
        ])
        .unwrap();
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]));
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[3]));
    // A text's vector does not depend on what else is embedded with it.
    let one = e.embed(&["识别图片中的文字"]).unwrap();
    assert_eq!(one[0], v[1]);
}

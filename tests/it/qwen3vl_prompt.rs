//! The chat template and streaming detokenisation against the real Qwen tokenizer.

use crate::common::{self, machine};

use switchboard::engine::qwen3vl::prompt::{self, Part, TextStream, Turn, VideoLayout};

#[test]
fn rendering_by_segments_equals_tokenizing_the_rendered_text() {
    let _machine = machine::shared_blocking();
    let tok = common::qwen_tokenizer();
    assert_eq!(tok.get_vocab_size(true), 151669);
    assert_eq!(tok.token_to_id("<|image_pad|>"), Some(prompt::IMAGE_PAD));
    assert_eq!(tok.token_to_id("<|video_pad|>"), Some(prompt::VIDEO_PAD));
    assert_eq!(tok.token_to_id("<|im_start|>"), Some(prompt::IM_START));
    let turns = vec![
        Turn {
            role: "system",
            parts: vec![Part::Text("You are helpful.".into())],
        },
        Turn {
            role: "user",
            parts: vec![
                Part::Image { tokens: 4 },
                Part::Text("Describe this image. 这是什么？".into()),
                Part::Video {
                    groups: vec![(0.5, 2), (2.5, 2)],
                },
            ],
        },
    ];
    let ids = prompt::render(&tok, &turns, true, VideoLayout::Replace).unwrap();
    let text = "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\n\
<|vision_start|><|image_pad|><|image_pad|><|image_pad|><|image_pad|><|vision_end|>Describe this image. 这是什么？\
<0.5 seconds><|vision_start|><|video_pad|><|video_pad|><|vision_end|><2.5 seconds><|vision_start|><|video_pad|><|video_pad|><|vision_end|>\
<|im_end|>\n<|im_start|>assistant\n";
    let whole = tok.encode(text, false).unwrap();
    assert_eq!(ids, whole.get_ids());

    let outer = prompt::render(&tok, &turns, true, VideoLayout::KeepOuter).unwrap();
    assert_eq!(outer.len(), ids.len() + 2);
}

#[test]
fn streamed_text_never_splits_a_character() {
    let _machine = machine::shared_blocking();
    let tok = common::qwen_tokenizer();
    let text = "你好，世界🙂 café — 数学公式 ∑x² and emoji 👩‍💻!";
    let ids = tok.encode(text, false).unwrap().get_ids().to_vec();
    let mut s = TextStream::new();
    let mut out = String::new();
    let mut pieces = 0;
    for id in ids {
        if let Some(piece) = s.push(&tok, id).unwrap() {
            assert!(!piece.contains('\u{FFFD}'), "{piece:?}");
            out.push_str(&piece);
            pieces += 1;
        }
    }
    assert_eq!(out, text);
    assert!(pieces > 5);
}

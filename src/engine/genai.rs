//! The engine's chat in the OpenTelemetry GenAI conventions, for model spans: what the request
//! sent (`gen_ai.input.messages`) and what the model answered (`gen_ai.output.messages`), as
//! JSON. Beside the engine's types so telemetry needs nothing of the engine.

use super::{Message, Part};

/// A model request's messages after the GenAI conventions' `gen_ai.input.messages`. Media
/// appear as their type and size, never their bytes.
pub fn input_messages(messages: &[Message]) -> String {
    let messages: Vec<serde_json::Value> = messages
        .iter()
        .map(|m| {
            let parts: Vec<serde_json::Value> = m
                .parts
                .iter()
                .map(|p| match p {
                    Part::Text(t) => serde_json::json!({"type": "text", "content": t}),
                    Part::Image { mime_type, data } | Part::Video { mime_type, data } => {
                        serde_json::json!({"type": "blob", "mime_type": mime_type, "size": data.len()})
                    }
                    Part::VideoFrames { frames, fps } => serde_json::json!({
                        "type": "blob",
                        "modality": "video",
                        "frames": frames.len(),
                        "fps": fps,
                        "size": frames.iter().map(|(_, f)| f.len()).sum::<usize>(),
                    }),
                    Part::DecodedVideo(v) => serde_json::json!({
                        "type": "blob",
                        "modality": "video",
                        "mime_type": v.mime_type,
                        "frames": v.frames.len(),
                        "size": v.file.len(),
                    }),
                })
                .collect();
            serde_json::json!({"role": m.role.as_str(), "parts": parts})
        })
        .collect();
    serde_json::Value::Array(messages).to_string()
}

/// A model answer as `gen_ai.output.messages`.
pub fn output_messages(text: &str, finish_reason: &str) -> String {
    serde_json::json!([{
        "role": "assistant",
        "parts": [{"type": "text", "content": text}],
        "finish_reason": finish_reason,
    }])
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Role;

    #[test]
    fn media_show_as_their_type_and_size() {
        let messages = vec![
            Message::text(Role::System, "be brief"),
            Message {
                role: Role::User,
                parts: vec![
                    Part::Image {
                        mime_type: "image/png".into(),
                        data: bytes::Bytes::from_static(&[1, 2, 3]),
                    },
                    Part::VideoFrames {
                        frames: vec![("image/jpeg".into(), bytes::Bytes::from_static(&[0; 5]))],
                        fps: 2.0,
                    },
                ],
            },
        ];
        let v: serde_json::Value = serde_json::from_str(&input_messages(&messages)).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"role": "system", "parts": [{"type": "text", "content": "be brief"}]},
                {"role": "user", "parts": [
                    {"type": "blob", "mime_type": "image/png", "size": 3},
                    {"type": "blob", "modality": "video", "frames": 1, "fps": 2.0, "size": 5},
                ]},
            ])
        );
        let out: serde_json::Value = serde_json::from_str(&output_messages("hi", "stop")).unwrap();
        assert_eq!(out[0]["finish_reason"], "stop");
        assert_eq!(out[0]["parts"][0]["content"], "hi");
    }
}

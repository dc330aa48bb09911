//! Turning model text into structures: forgiving JSON reading and the one coordinate
//! conversion every box that leaves the service goes through.

pub mod coords;
pub mod diagram;
pub mod frontend;
pub mod general;
pub mod gui;
pub mod json;
pub mod math;
pub mod ocr;
pub mod reasoning;
pub mod schema;
pub mod search;
pub mod video;

use super::manifest::Kind;

/// The JSON values the parser of an expert's kind reads from its answer, which are what its
/// manifest's schema checks: every value for GUI answers (elements and tool calls), the JSON
/// form of a video answer, else the first JSON value in the text.
pub fn answer_json(kind: Kind, text: &str) -> Vec<json::Parsed> {
    match kind {
        Kind::Gui => json::all(text),
        Kind::Video => video::json_part(text).into_iter().collect(),
        _ => json::extract(text).into_iter().collect(),
    }
}

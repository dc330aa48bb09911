//! Turning model text into structures: forgiving JSON reading and the one coordinate
//! conversion every box that leaves the service goes through.

pub mod coords;
pub mod frontend;
pub mod general;
pub mod gui;
pub mod json;
pub mod math;
pub mod ocr;
pub mod reasoning;
pub mod schema;
pub mod video;

/// The JSON values an expert's parser reads from its answer, which are what its manifest's
/// schema checks: every value for GUI answers (elements and tool calls), the JSON form of a
/// video answer, else the first JSON value in the text.
pub fn answer_json(expert: &str, text: &str) -> Vec<json::Parsed> {
    match expert {
        "gui" => json::all(text),
        "video" => video::json_part(text).into_iter().collect(),
        _ => json::extract(text).into_iter().collect(),
    }
}

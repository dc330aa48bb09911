//! The GUI expert's answer as a typed result: screen elements (`bbox_2d` + label, the grounding
//! format) and actions (Qwen3-VL's `computer_use` tool calls, or plain JSON objects with an
//! `action`), converted from the 0–1000 grid to pixels of the original screenshot, plus the
//! actions as a PyAutoGUI script. Actions outside the screen are dropped with a warning.

use serde_json::Value;

use super::coords::{box_to_pixels, inside_grid, point_to_pixels};
use super::json;
use crate::proto::{Box as PxBox, GuiAction, GuiElement, GuiResult, Point};

/// Every JSON value in the text (`json::all`), with one warning for what was repaired.
fn json_values(text: &str, warnings: &mut Vec<String>) -> Vec<Value> {
    json::all(text)
        .into_iter()
        .map(|p| {
            note_repairs(&p.repairs, warnings);
            p.value
        })
        .collect()
}

fn note_repairs(repairs: &[&str], warnings: &mut Vec<String>) {
    if !repairs.is_empty() {
        let w = format!("JSON repaired: {}", repairs.join(", "));
        if !warnings.contains(&w) {
            warnings.push(w);
        }
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

fn pair(v: &Value) -> Option<(f64, f64)> {
    let a = v.as_array()?;
    Some((num(a.first()?)?, num(a.get(1)?)?))
}

fn quad(v: &Value) -> Option<[f64; 4]> {
    let a = v.as_array()?;
    Some([
        num(a.first()?)?,
        num(a.get(1)?)?,
        num(a.get(2)?)?,
        num(a.get(3)?)?,
    ])
}

/// A grid point in pixels of the image.
fn px_point(x: f64, y: f64, width: u32, height: u32) -> Point {
    let (px, py) = point_to_pixels(x, y, width, height);
    Point {
        x: px as f32,
        y: py as f32,
    }
}

/// The centre of a pixel box, on whole pixels.
fn box_centre(pb: [f64; 4]) -> Point {
    Point {
        x: ((pb[0] + pb[2]) / 2.0).round() as f32,
        y: ((pb[1] + pb[3]) / 2.0).round() as f32,
    }
}

fn px_box(b: [f64; 4]) -> PxBox {
    PxBox {
        x1: b[0] as f32,
        y1: b[1] as f32,
        x2: b[2] as f32,
        y2: b[3] as f32,
    }
}

/// Flattens arrays and unwraps `{"name": ..., "arguments": {...}}` tool calls.
fn items(values: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for v in values {
        match v {
            Value::Array(a) => out.extend(items(a)),
            Value::Object(ref o) if o.contains_key("arguments") => {
                out.push(o.get("arguments").cloned().unwrap_or(Value::Null))
            }
            other => out.push(other),
        }
    }
    out
}

pub fn parse(text: &str, width: u32, height: u32) -> (GuiResult, Vec<String>) {
    let mut warnings = Vec::new();
    let mut result = GuiResult {
        image_width: width,
        image_height: height,
        ..Default::default()
    };
    for item in items(json_values(text, &mut warnings)) {
        let Some(o) = item.as_object() else { continue };
        let bbox = o.get("bbox_2d").or(o.get("bbox")).and_then(quad);
        if let Some(action) = o.get("action").and_then(Value::as_str) {
            let mut a = GuiAction {
                description: o
                    .get("description")
                    .or(o.get("thought"))
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .into(),
                ..Default::default()
            };
            let kind = match action {
                "left_click" | "click" | "tap" => "click",
                "right_click" => {
                    a.description = format!(
                        "right click{}",
                        if a.description.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", a.description)
                        }
                    );
                    "click"
                }
                "double_click" => "double_click",
                "type" | "input" | "input_text" => "type",
                "key" | "hotkey" | "press" => "key",
                "scroll" | "swipe" => "scroll",
                "left_click_drag" | "drag" => "drag",
                "wait" => "wait",
                "terminate" | "answer" | "mouse_move" => {
                    continue;
                }
                other => {
                    warnings.push(format!("unknown action {other:?} dropped"));
                    continue;
                }
            };
            a.action = kind.into();
            let point = o
                .get("coordinate")
                .or(o.get("point"))
                .or(o.get("start_coordinate"))
                .and_then(pair);
            if let Some((x, y)) = point {
                if !inside_grid(x, y) {
                    warnings.push(format!(
                        "{kind} at ({x}, {y}) is outside the screen; dropped"
                    ));
                    continue;
                }
                a.point = Some(px_point(x, y, width, height));
            }
            if let Some(b) = bbox {
                match box_to_pixels(b, width, height) {
                    Some(pb) => {
                        if a.point.is_none() {
                            a.point = Some(box_centre(pb));
                        }
                        a.r#box = Some(px_box(pb));
                    }
                    None => {
                        warnings.push(format!("{kind} box {b:?} is outside the screen; dropped"));
                        continue;
                    }
                }
            }
            if let Some((x, y)) = o
                .get("coordinate2")
                .or(o.get("end_coordinate"))
                .and_then(pair)
            {
                a.end_point = Some(px_point(x, y, width, height));
            }
            match kind {
                "type" => {
                    a.text = o
                        .get("text")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .into()
                }
                "key" => {
                    a.text = match o.get("keys").or(o.get("key")).or(o.get("text")) {
                        Some(Value::Array(k)) => k
                            .iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join("+"),
                        Some(Value::String(s)) => s.clone(),
                        _ => String::new(),
                    }
                }
                "scroll" => {
                    let amount = o
                        .get("pixels")
                        .or(o.get("amount"))
                        .and_then(num)
                        .unwrap_or(300.0);
                    let up = matches!(
                        o.get("direction").and_then(Value::as_str),
                        Some("up") | Some("left")
                    );
                    a.scroll_amount = if up {
                        -(amount.abs() as i32)
                    } else {
                        amount.abs() as i32
                    };
                }
                "wait" => {
                    a.seconds = o
                        .get("time")
                        .or(o.get("seconds"))
                        .and_then(num)
                        .unwrap_or(1.0) as f32
                }
                _ => {}
            }
            let needs_point = matches!(kind, "click" | "double_click" | "drag");
            if needs_point && a.point.is_none() {
                warnings.push(format!("{kind} without a position; dropped"));
                continue;
            }
            if kind == "drag" && a.end_point.is_none() {
                warnings.push("drag without an end position; dropped".into());
                continue;
            }
            result.actions.push(a);
        } else if bbox.is_some() || o.contains_key("point_2d") {
            let label: String = o
                .get("label")
                .or(o.get("name"))
                .or(o.get("text"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into();
            let role: String = o
                .get("type")
                .or(o.get("role"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .into();
            let element = match bbox {
                Some(b) => {
                    box_to_pixels(b, width, height).map(|pb| (Some(px_box(pb)), box_centre(pb)))
                }
                None => o
                    .get("point_2d")
                    .and_then(pair)
                    .filter(|&(x, y)| inside_grid(x, y))
                    .map(|(x, y)| (None, px_point(x, y, width, height))),
            };
            match element {
                Some((r#box, point)) => result.elements.push(GuiElement {
                    label,
                    role,
                    r#box,
                    point: Some(point),
                }),
                None => warnings.push(format!("element {label:?} is outside the screen; dropped")),
            }
        }
    }
    result.pyautogui_script = pyautogui(&result.actions);
    (result, warnings)
}

/// The actions as a runnable PyAutoGUI script (coordinates in screenshot pixels).
pub fn pyautogui(actions: &[GuiAction]) -> String {
    let mut s = String::from("import time\nimport pyautogui\n\n");
    for a in actions {
        let (x, y) = a
            .point
            .as_ref()
            .map(|p| (p.x as i64, p.y as i64))
            .unwrap_or((0, 0));
        let line = match a.action.as_str() {
            "click" if a.description.starts_with("right click") => {
                format!("pyautogui.rightClick({x}, {y})")
            }
            "click" => format!("pyautogui.click({x}, {y})"),
            "double_click" => format!("pyautogui.doubleClick({x}, {y})"),
            "type" => {
                let click = if a.point.is_some() {
                    format!("pyautogui.click({x}, {y})\n")
                } else {
                    String::new()
                };
                format!(
                    "{click}pyautogui.write({}, interval=0.02)",
                    serde_json::to_string(&a.text).unwrap_or_default()
                )
            }
            "key" => {
                let keys: Vec<String> = a
                    .text
                    .split('+')
                    .map(|k| serde_json::to_string(&k.trim().to_lowercase()).unwrap_or_default())
                    .collect();
                format!("pyautogui.hotkey({})", keys.join(", "))
            }
            "scroll" => {
                let at = if a.point.is_some() {
                    format!(", x={x}, y={y}")
                } else {
                    String::new()
                };
                format!("pyautogui.scroll({}{at})", -a.scroll_amount)
            }
            "drag" => {
                let (ex, ey) = a
                    .end_point
                    .as_ref()
                    .map(|p| (p.x as i64, p.y as i64))
                    .unwrap_or((x, y));
                format!("pyautogui.moveTo({x}, {y})\npyautogui.dragTo({ex}, {ey}, duration=0.5)")
            }
            "wait" => format!("time.sleep({})", a.seconds),
            _ => continue,
        };
        if !a.description.is_empty() {
            s.push_str(&format!("# {}\n", a.description.replace('\n', " ")));
        }
        s.push_str(&line);
        s.push_str("\ntime.sleep(0.5)\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(x: f32, y: f32) -> Option<Point> {
        Some(Point { x, y })
    }

    #[test]
    fn computer_use_tool_calls() {
        let text = "I'll click the login button.\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [500, 250]}}\n</tool_call>";
        let (r, w) = parse(text, 1920, 1080);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(r.actions.len(), 1);
        assert_eq!(
            (r.actions[0].action.as_str(), r.actions[0].point),
            ("click", p(960.0, 270.0))
        );
        assert!(r.pyautogui_script.contains("pyautogui.click(960, 270)"));
    }

    #[test]
    fn a_sequence_of_calls_of_every_kind() {
        let text = r#"Thought: open the search box, type, submit, then scroll.
<tool_call>
{"name": "computer_use", "arguments": {"action": "double_click", "coordinate": [100, 100]}}
</tool_call>
<tool_call>
{"name": "computer_use", "arguments": {"action": "type", "text": "weather in Paris"}}
</tool_call>
<tool_call>
{"name": "computer_use", "arguments": {"action": "key", "keys": ["ctrl", "enter"]}}
</tool_call>
<tool_call>
{"name": "computer_use", "arguments": {"action": "scroll", "direction": "down", "pixels": 400}}
</tool_call>
<tool_call>
{"name": "computer_use", "arguments": {"action": "left_click_drag", "coordinate": [100, 900], "coordinate2": [900, 900]}}
</tool_call>
<tool_call>
{"name": "computer_use", "arguments": {"action": "wait", "time": 2}}
</tool_call>
<tool_call>
{"name": "computer_use", "arguments": {"action": "terminate", "status": "success"}}
</tool_call>"#;
        let (r, w) = parse(text, 1000, 2000);
        assert!(w.is_empty(), "{w:?}");
        let kinds: Vec<&str> = r.actions.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(
            kinds,
            ["double_click", "type", "key", "scroll", "drag", "wait"]
        );
        assert_eq!(r.actions[0].point, p(100.0, 200.0));
        assert_eq!(r.actions[1].text, "weather in Paris");
        assert_eq!(r.actions[2].text, "ctrl+enter");
        assert_eq!(r.actions[3].scroll_amount, 400);
        assert_eq!(
            (r.actions[4].point, r.actions[4].end_point),
            (p(100.0, 1800.0), p(900.0, 1800.0))
        );
        assert_eq!(r.actions[5].seconds, 2.0);
        let s = &r.pyautogui_script;
        for needle in [
            "doubleClick(100, 200)",
            "write(\"weather in Paris\"",
            "hotkey(\"ctrl\", \"enter\")",
            "scroll(-400)",
            "dragTo(900, 1800",
            "time.sleep(2)",
        ] {
            assert!(s.contains(needle), "{needle} missing from\n{s}");
        }
    }

    #[test]
    fn grounding_elements_on_a_non_square_image() {
        let text = "```json\n[\n  {\"bbox_2d\": [100, 200, 300, 260], \"label\": \"Login button\", \"type\": \"button\"},\n  {\"bbox_2d\": [0, 0, 1000, 80], \"label\": \"Header\"}\n]\n```";
        let (r, w) = parse(text, 75, 50);
        assert!(w.is_empty() && r.actions.is_empty());
        assert_eq!(r.elements.len(), 2);
        let b = r.elements[0].r#box.unwrap();
        assert_eq!((b.x1, b.y1, b.x2, b.y2), (8.0, 10.0, 23.0, 13.0));
        assert_eq!(
            (r.elements[0].label.as_str(), r.elements[0].role.as_str()),
            ("Login button", "button")
        );
    }

    #[test]
    fn plain_json_actions_with_boxes_click_the_centre() {
        let text = r#"[{"action": "click", "bbox_2d": [400, 400, 600, 500], "description": "Open settings"}]"#;
        let (r, _) = parse(text, 800, 600);
        assert_eq!(r.actions[0].point, p(400.0, 270.0));
        assert!(r.actions[0].r#box.is_some());
        assert!(r.pyautogui_script.contains("# Open settings"));
    }

    #[test]
    fn malformed_and_truncated_json_is_repaired_and_said() {
        let (r, w) = parse("{'action': 'click', 'coordinate': [250, 750],}", 400, 400);
        assert_eq!(r.actions[0].point, p(100.0, 300.0));
        assert!(w.iter().any(|x| x.starts_with("JSON repaired")), "{w:?}");
        let (r, w) = parse(
            "<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"type\", \"text\": \"hello",
            400,
            400,
        );
        assert_eq!(r.actions[0].text, "hello");
        assert!(w.iter().any(|x| x.contains("truncated")), "{w:?}");
    }

    #[test]
    fn off_screen_and_incomplete_actions_are_dropped_with_warnings() {
        let text = r#"[{"action": "click", "coordinate": [1200, 50]}, {"action": "click"}, {"action": "fly"}, {"action": "click", "coordinate": ["500", "500"]}]"#;
        let (r, w) = parse(text, 100, 100);
        assert_eq!(r.actions.len(), 1);
        assert_eq!(r.actions[0].point, p(50.0, 50.0));
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].contains("outside the screen"));
    }

    #[test]
    fn right_click_and_text_without_json() {
        let (r, _) = parse(
            r#"<tool_call>{"name":"computer_use","arguments":{"action":"right_click","coordinate":[10,10]}}</tool_call>"#,
            1000,
            1000,
        );
        assert!(r.pyautogui_script.contains("rightClick(10, 10)"));
        let (r, w) = parse("Sorry, I can't find that button on this screen.", 100, 100);
        assert!(r.actions.is_empty() && r.elements.is_empty() && w.is_empty());
    }

    #[test]
    fn point_grounding_gives_elements_with_points_only() {
        // Qwen3-VL's point-grounding answer (cookbook "2d grounding with points").
        let text = "```json\n[\n  {\"point_2d\": [250, 500], \"label\": \"search icon\"},\n  {\"point_2d\": [900, 40], \"label\": \"close\"},\n  {\"point_2d\": [1100, 40], \"label\": \"ghost\"}\n]\n```";
        let (r, w) = parse(text, 1280, 720);
        assert_eq!(r.elements.len(), 2);
        assert_eq!(r.elements[0].point, p(320.0, 360.0));
        assert!(r.elements[0].r#box.is_none());
        assert_eq!(r.elements[1].point, p(1152.0, 29.0));
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("ghost"));
    }

    #[test]
    fn chinese_answer_with_a_thought_and_a_box_element_gets_its_centre() {
        let text = "思考：需要先点击“设置”图标。\n[{\"bbox_2d\": [860, 20, 940, 80], \"label\": \"设置\", \"type\": \"icon\"}]\n<tool_call>\n{\"name\": \"computer_use\", \"arguments\": {\"action\": \"left_click\", \"coordinate\": [900, 50]}}\n</tool_call>";
        let (r, w) = parse(text, 1080, 2400);
        assert!(w.is_empty(), "{w:?}");
        let e = &r.elements[0];
        assert_eq!((e.label.as_str(), e.role.as_str()), ("设置", "icon"));
        assert_eq!(e.point, p(972.0, 120.0));
        assert_eq!(r.actions[0].point, p(972.0, 120.0));
    }
}

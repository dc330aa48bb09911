//! The diagram step without a model: the diagram traced on the OCR'd image (a CPU job: shapes,
//! lines and arrowheads are found by walking every pixel), written as the same typed result,
//! `.drawio` and Mermaid as a model's answer, with what could not be resolved in warnings. Owns
//! the people-facing summary of a traced diagram, in the request's language.

use std::sync::Arc;

use crate::cpu::{CpuPool, Stop};
use crate::error::{Error, Result};
use crate::experts::diagram_trace;
use crate::experts::parse::diagram;
use crate::proto::{DiagramResult, ExpertResult, expert_result::Kind};
use crate::request::AskInput;

use super::StepOutput;
use super::ocr::Pages;

/// Traces the diagram on the first image the OCR step read.
pub async fn trace(
    cpu: &CpuPool,
    stop: &Stop,
    pages: Arc<Pages>,
    input: &AskInput,
) -> Result<StepOutput> {
    let lang = crate::request::language(&input.text);
    cpu.run(stop, move |stop| {
        let ((index, page), Some(img)) = (
            pages
                .read
                .first()
                .ok_or_else(|| Error::invalid("media", "a diagram needs an image"))?,
            &pages.first_image,
        ) else {
            return Err(Error::Internal("the diagram's image was not kept".into()));
        };
        let gray = image::imageops::grayscale(img);
        stop.check()?;
        let (graph, mut warnings) = diagram_trace::trace(page, &gray);
        stop.check()?;
        let result = diagram::build(graph, page.width, page.height, &mut warnings);
        warnings.insert(
            0,
            "no model: the diagram was traced from the image's outlines and OCR text, a best effort"
                .into(),
        );
        if pages.read.len() > 1 {
            warnings.push(format!(
                "{} images sent; the diagram on the first (media_index {index}) was traced",
                pages.read.len()
            ));
        }
        Ok(StepOutput::without_model(
            summary(&result, lang),
            ExpertResult {
                raw_text: String::new(),
                reasoning: String::new(),
                warnings,
                kind: Some(Kind::Diagram(result)),
            },
        ))
    })
    .await
}

/// What was traced, and the Mermaid.
fn summary(r: &DiagramResult, lang: &str) -> String {
    let head = if lang == "zh" {
        format!(
            "从图中识别出 {} 个图形和 {} 条连线（未使用模型）。draw.io 文件在结果中。",
            r.nodes.len(),
            r.edges.len()
        )
    } else {
        format!(
            "Traced {} shapes and {} connections from the image (no model). The draw.io file is in the result.",
            r.nodes.len(),
            r.edges.len()
        )
    };
    format!("{head}\n\n```mermaid\n{}\n```", r.mermaid.trim_end())
}

//! The experts: each is a manifest (`experts/<id>.toml`) plus the code of its kind, which builds
//! the prompt, calls the model or its tools and turns the answer into a typed result. Experts
//! never call each other; the planner passes data between them.
//!
//! - `manifest`: the manifest format, with its kind, tools and media as checked enums.
//! - `registry`: every manifest with its template and schema, loaded and checked at start-up.
//! - `prompt`: templates rendered for a request, and the chat and sampling sent to the model.
//! - `schemas`: the JSON Schemas answers must match.
//! - `steps`: one step's work by kind: a model step with schema retries, the OCR read-out, form
//!   grounding and refinement.
//! - `parse`, `form_fill`, `diagram_trace`: the pure code of the kinds (answer parsers, form
//!   geometry, diagrams traced without a model).

pub mod diagram_trace;
pub mod form_fill;
pub mod manifest;
pub mod parse;
mod prompt;
mod registry;
mod schemas;
pub mod steps;

pub use manifest::{Kind, Manifest, Tool};
pub use prompt::{chat, media_part, sampling_for};
pub use registry::Registry;
pub use steps::model::run as run_step;
pub use steps::{StepContext, StepOutput};

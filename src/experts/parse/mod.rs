//! Turning model text into structures: forgiving JSON reading and the one coordinate
//! conversion every box that leaves the service goes through.

pub mod coords;
pub mod frontend;
pub mod gui;
pub mod json;
pub mod math;
pub mod schema;
pub mod video;

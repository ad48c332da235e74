//! One integration test binary for the plan reader (one link step, shared helpers).

mod errors;
mod fixtures;
mod formats;
mod fuzz;
mod genre;
mod metamorphic;
mod support;

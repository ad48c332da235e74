//! The rules of tracking a work plan (工作要点落实), free of storage and HTTP so that the
//! service, the exports and the tests all apply the same ones.
//!
//! - [`role`] and [`policy`]: who may read and change what (checked on the server).
//! - [`date`]: calendar days as sent and stored (`YYYY-MM-DD`).
//! - [`period`]: reporting cycles (月报 / 季报 / 半月报) and their due dates.
//! - [`report`]: the report workflow (draft → submitted → accepted / returned).
//! - [`light`]: the traffic light (红黄绿灯) of a task and the reasons for it.
//! - [`trajectory`]: 序时进度, the value a target should have reached by a date.
//! - [`password`]: password policy and argon2 hashing.
//! - [`units`]: matching unit names found in a plan to the organization's units.
//! - [`import`]: an extracted plan document turned into a draft plan.
//! - [`audit`]: the kinds of change and record the audit log keeps.
//! - [`record`]: the records every layer reads (plans, tasks, reports, the board's figures).

/// The text a stored or sent enum is written as, its Chinese name, and the parse back
/// that refuses anything else.
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal / $zh:literal),* $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),* }
            }

            pub fn zh(self) -> &'static str {
                match self { $($ty::$variant => $zh),* }
            }

            pub fn parse(text: &str) -> Result<$ty, $crate::DomainError> {
                match text {
                    $($text => Ok($ty::$variant),)*
                    _ => Err($crate::DomainError::invalid(
                        stringify!($ty),
                        format!("未知取值“{text}”"),
                    )),
                }
            }
        }
    };
}

pub mod audit;
pub mod date;
pub mod error;
pub mod import;
pub mod light;
pub mod password;
pub mod period;
pub mod policy;
pub mod record;
pub mod report;
pub mod role;
pub mod text;
pub mod trajectory;
pub mod units;

pub use error::DomainError;

//! Delivery: reports sent somewhere other than a file after they are written. Each target is
//! one module that takes the rendered findings of its format (`report::asff`, ...) and sends
//! them; none reads internal types. A delivery that fails leaves the files written and makes
//! the run exit 2 (an output that could not be written), naming what was refused.

pub mod policyreport;
pub mod pushgateway;
pub mod security_hub;

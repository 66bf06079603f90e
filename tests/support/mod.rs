//! Test peers shared by integration tests.

#![allow(unreachable_pub, dead_code)]

pub mod apiserver;
pub mod bigcluster;
pub mod proxy;

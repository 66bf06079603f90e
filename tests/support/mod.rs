//! Test peers shared by integration tests.

#![allow(unreachable_pub, dead_code, clippy::expect_used, clippy::unwrap_used)]

pub mod apiserver;
pub mod bigcluster;
pub mod bin;
pub mod dockerd;
pub mod moto;
pub mod podman;
pub mod postgres;
pub mod proxy;
pub mod sarif;

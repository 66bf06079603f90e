//! Criterion benchmark of the evaluation stage: the whole built-in catalogue over generated
//! Deployments (collection excluded), plus the manifest collector on the same input. Run with
//! `make bench`; numbers and the commands behind them are in docs/performance.md.

#![allow(missing_docs, clippy::expect_used, clippy::unwrap_used)]

#[path = "support/workloads.rs"]
mod workloads;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use plimsoll::engine::{EvalOptions, Prepared};
use plimsoll::policy::Catalogue;
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let catalogue = Catalogue::builtin().expect("catalogue");
    let all: Vec<usize> = (0..catalogue.checks.len())
        .filter(|&i| catalogue.checks[i].meta.parameters.is_empty())
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("engine");
    group.sample_size(10);
    {
        let n = 1_000usize;
        let path = dir.path().join(format!("d{n}.yaml"));
        std::fs::write(&path, workloads::deployments(n)).expect("write");
        let inputs = [path.display().to_string()];
        let snapshot = plimsoll::collect::collect_inputs(&inputs).expect("collect");
        group.throughput(Throughput::Elements(snapshot.resources.len() as u64));
        group.bench_with_input(BenchmarkId::new("collect", n), &inputs, |b, inputs| {
            b.iter(|| black_box(plimsoll::collect::collect_inputs(inputs).expect("collect")))
        });
        let prepared =
            Prepared::new(&catalogue, &all, &snapshot, &EvalOptions::default()).expect("prepare");
        group.bench_with_input(BenchmarkId::new("evaluate", n), &snapshot, |b, snapshot| {
            b.iter(|| black_box(prepared.evaluate(snapshot)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

//! Memory bounds for what a policy can build in one call. `--eval-timeout` bounds time, but a
//! single builtin call can allocate gigabytes before the next timer check: regorus's
//! `numbers.range(1, 2e8)` reserves 200 million values up front (about 5 GB), and an end of
//! 1e15 aborts the process on the failed allocation. The interpreter looks extensions up before
//! builtins, so these replacements, with the same results for every range a policy can
//! reasonably build, stand in for them and refuse the rest with an error naming the call.

use regorus::Value;

/// Words every bound's error carries (`Prepared` tells a bound from a broken policy by them).
pub(super) const BOUND_REACHED: &str = "a policy may build in one call";

/// Most elements one `numbers.range` or `numbers.range_step` call may build.
pub(super) const MAX_RANGE: u64 = 1_000_000;

/// Most elements all the ranges of one check on one resource may build together: a
/// comprehension calling `numbers.range(1, 1000)` a million times built 6 GB before the time
/// limit stopped it.
pub(super) const MAX_RANGE_TOTAL: u64 = 10_000_000;

std::thread_local! {
    /// Elements built by ranges in the evaluation running on this thread (see [`reset`]).
    static BUILT: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Starts a new evaluation's count on this thread (one check, or one batch, on one resource).
pub(super) fn reset() {
    BUILT.with(|b| b.set(0));
}

/// Registers the bounded functions in an interpreter engine.
pub(super) fn install(engine: &mut regorus::Engine) -> anyhow::Result<()> {
    engine.add_extension(
        "numbers.range".into(),
        2,
        Box::new(|args: Vec<Value>| range("numbers.range", &args[0], &args[1], 1)),
    )?;
    engine.add_extension(
        "numbers.range_step".into(),
        3,
        Box::new(|args: Vec<Value>| {
            let step = integer("numbers.range_step", &args[2])?;
            if step <= 0 {
                anyhow::bail!("numbers.range_step: step must be a positive integer");
            }
            range("numbers.range_step", &args[0], &args[1], step)
        }),
    )?;
    Ok(())
}

fn integer(name: &str, v: &Value) -> anyhow::Result<i64> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .filter(|_| n.is_integer())
            .ok_or_else(|| anyhow::anyhow!("{name}: operand must be an integer")),
        _ => anyhow::bail!("{name}: operand must be a number"),
    }
}

/// `from` to `to` inclusive, by `step` (positive), downwards when `to < from`, as OPA does.
fn range(name: &str, from: &Value, to: &Value, step: i64) -> anyhow::Result<Value> {
    let (a, b) = (integer(name, from)?, integer(name, to)?);
    let span = u64::try_from((i128::from(b) - i128::from(a)).unsigned_abs()).unwrap_or(u64::MAX);
    let count = span / step.unsigned_abs() + 1;
    if count > MAX_RANGE {
        anyhow::bail!(
            "{name}({a}, {b}) would build {count} numbers, more than the {MAX_RANGE} {BOUND_REACHED}"
        );
    }
    let total = BUILT.with(|b| {
        let t = b.get().saturating_add(count);
        b.set(t);
        t
    });
    if total > MAX_RANGE_TOTAL {
        anyhow::bail!(
            "{name}: ranges on one resource would build {total} numbers, more than the {MAX_RANGE_TOTAL} {BOUND_REACHED}, all calls together"
        );
    }
    let dir = if b >= a { step } else { -step };
    let mut out = Vec::with_capacity(count as usize);
    let mut v = a;
    for _ in 0..count {
        out.push(Value::from(v));
        v = v.saturating_add(dir);
    }
    Ok(Value::from(out))
}

/// The largest width or precision a format string literal may ask `sprintf` for.
pub(crate) const MAX_FORMAT_WIDTH: u64 = 10_000;

/// The first `%` directive in `text` whose width or precision is over [`MAX_FORMAT_WIDTH`]:
/// `(line, width)`. A policy's literal formats are checked when it loads (`%999999999d`
/// would make one `sprintf` call allocate gigabytes).
pub(crate) fn oversized_format(text: &str) -> Option<(usize, u64)> {
    for (n, line) in text.lines().enumerate() {
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'%' {
                i += 1;
                continue;
            }
            i += 1;
            while i < b.len() && b"-+# 0".contains(&b[i]) {
                i += 1;
            }
            for part in 0..2 {
                if part == 1 {
                    if i < b.len() && b[i] == b'.' {
                        i += 1;
                    } else {
                        break;
                    }
                }
                let start = i;
                while i < b.len() && b[i].is_ascii_digit() {
                    i += 1;
                }
                if i - start > 0 {
                    let digits = &line[start..i];
                    let w = digits.parse::<u64>().unwrap_or(u64::MAX);
                    if w > MAX_FORMAT_WIDTH {
                        return Some((n + 1, w));
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(query: &str) -> anyhow::Result<Value> {
        let mut e = regorus::Engine::new();
        install(&mut e)?;
        e.add_policy(
            "p.rego".into(),
            format!("package p\nimport rego.v1\nx := {query}\n"),
        )?;
        e.eval_rule("data.p.x".into())
    }

    #[test]
    fn ranges_are_as_opa_builds_them_and_bounded() {
        assert_eq!(
            eval("numbers.range(1, 3)").unwrap(),
            Value::from_json_str("[1,2,3]").unwrap()
        );
        assert_eq!(
            eval("numbers.range(3, 1)").unwrap(),
            Value::from_json_str("[3,2,1]").unwrap()
        );
        assert_eq!(
            eval("numbers.range_step(0, 10, 4)").unwrap(),
            Value::from_json_str("[0,4,8]").unwrap()
        );
        for q in [
            "numbers.range(1, 2e8)",
            "numbers.range(0, 1e15)",
            "numbers.range_step(0, 1e12, 1)",
        ] {
            let e = eval(q).unwrap_err().to_string();
            assert!(e.contains("more than the 1000000"), "{q}: {e}");
        }
    }

    #[test]
    fn ranges_are_bounded_across_calls_of_one_evaluation() {
        reset();
        let e =
            eval("count([x | some _ in numbers.range(1, 100000); x := numbers.range(1, 1000)])")
                .unwrap_err()
                .to_string();
        assert!(e.contains("all calls together"), "{e}");
        reset();
        assert!(
            eval("count([x | some _ in numbers.range(1, 100); x := numbers.range(1, 1000)])")
                .is_ok()
        );
    }

    #[test]
    fn oversized_format_widths_are_found() {
        assert_eq!(oversized_format("x := sprintf(\"%d %s\", [1, 2])"), None);
        assert_eq!(
            oversized_format("a\nx := sprintf(\"%0999999999d\", [1])"),
            Some((2, 999_999_999))
        );
        assert_eq!(
            oversized_format("sprintf(\"%.20000f\", [1])"),
            Some((1, 20_000))
        );
        assert_eq!(oversized_format("100% of 12345678 things"), None);
    }
}

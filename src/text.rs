//! How names and numbers are written for people, everywhere: the order names are listed in
//! (resources in snapshots and every report, the namespaces of the summary) and counted nouns.
//! People read `billing2` before `billing10`; a byte order puts it after, and a list of a
//! hundred numbered replicas then reads as shuffled. `1 finding(s)` reads as a machine's.

/// `1 check`, `2 checks` (every noun counted in Plimsoll's messages takes an `s`).
pub fn count(n: usize, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        _ => format!("{n} {noun}s"),
    }
}

/// Orders names as people do: runs of digits by their value (`billing2` before `billing10`).
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let dx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let dy = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (nx, ny) = (&x[..dx], &y[..dy]);
                // Leading zeros aside, a longer run of digits is a larger number.
                let tx = nx
                    .iter()
                    .position(|&c| c != b'0')
                    .map_or(&nx[dx..], |i| &nx[i..]);
                let ty = ny
                    .iter()
                    .position(|&c| c != b'0')
                    .map_or(&ny[dy..], |i| &ny[i..]);
                let o = tx.len().cmp(&ty.len()).then_with(|| tx.cmp(ty));
                if o != Ordering::Equal {
                    return o;
                }
                x = &x[dx..];
                y = &y[dy..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{count, natural_cmp};

    #[test]
    fn one_is_singular() {
        assert_eq!(count(1, "finding"), "1 finding");
        assert_eq!(count(0, "finding"), "0 findings");
        assert_eq!(count(2, "waived resource"), "2 waived resources");
    }

    #[test]
    fn names_sort_as_people_read_them() {
        let mut names = vec![
            "billing10",
            "billing2",
            "api",
            "billing02x",
            "billing1",
            "b",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "api",
                "b",
                "billing1",
                "billing2",
                "billing02x",
                "billing10"
            ]
        );
        // Equal numbers written differently still have one order (a total order for sorting).
        assert_eq!(natural_cmp("a01", "a1"), "a01".cmp("a1"));
        assert_eq!(natural_cmp("x9y", "x10"), std::cmp::Ordering::Less);
    }
}

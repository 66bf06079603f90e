//! The policy catalogue: built-in checks embedded in the binary plus user directories given
//! with `--policies DIR`. One check = one `.rego` file with a `# METADATA` block (by convention
//! `policies/<platform>/<slug>/policy.rego` with `cases/` beside it); `.rego` files under a
//! `lib/` directory are shared helper modules.

pub mod command;
pub mod metadata;

pub use metadata::{IdRule, Metadata};

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Errors loading a catalogue. Each names the file (and line where there is one).
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The policy directory does not exist or is not a directory.
    #[error("{0}: policy directory not found")]
    NotADirectory(String),
    /// A directory holds no `.rego` checks.
    #[error("{0}: no policies (*.rego with a # METADATA block) found")]
    Empty(String),
    /// A file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Bad or missing metadata.
    #[error("{file}:{line}: {message}")]
    Metadata {
        /// The policy file.
        file: String,
        /// 1-based line.
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// Two checks share an id.
    #[error("{file}:{line}: duplicate check id {id} (also defined in {other})")]
    DuplicateId {
        /// The id.
        id: String,
        /// The second file.
        file: String,
        /// Line of its `id:`.
        line: u32,
        /// The first file.
        other: String,
    },
    /// A policy has no `package` line.
    #[error("{0}: no `package` declaration")]
    NoPackage(String),
    /// regorus rejected a module (its message carries file and line).
    #[error("{0}")]
    Compile(String),
}

/// One check of the catalogue.
#[derive(Debug, Clone)]
pub struct Check {
    /// Validated metadata.
    pub meta: Metadata,
    /// The Rego package (`plimsoll.kubernetes.privileged_container`).
    pub package: String,
    /// The rule evaluated: `data.<package>.deny`.
    pub rule: String,
    /// `data.<package>.not_applicable` when the policy defines it: a resource for which it is
    /// true is not judged by the check at all (neither a pass nor a finding).
    pub not_applicable: Option<String>,
    /// Path of the policy file, as shown in messages.
    pub file: String,
    /// The Rego source.
    pub source: String,
    /// Directory on disk holding `cases/`, when loaded from disk.
    pub dir: Option<PathBuf>,
    /// Whether the check ships with Plimsoll.
    pub builtin: bool,
}

/// Checks plus shared helper modules, ready to compile.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    /// Checks, sorted by id.
    pub checks: Vec<Check>,
    /// Helper modules: `(path, source)`.
    pub libs: Vec<(String, String)>,
}

fn package_of(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find_map(|l| l.strip_prefix("package "))
        .map(|p| p.trim().to_string())
}

fn is_lib(path: &str) -> bool {
    path.split('/').any(|seg| seg == "lib")
}

/// Whether `text` mentions the reference `path` (`data.plimsoll.lib.kubernetes`) as a whole
/// path: followed by a separator, not as the prefix of a longer name.
fn refers_to(text: &str, path: &str) -> bool {
    text.match_indices(path).any(|(at, _)| {
        !text[at + path.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

impl Catalogue {
    /// The built-in catalogue, embedded in the binary.
    pub fn builtin() -> Result<Catalogue, PolicyError> {
        let mut cat = Catalogue::default();
        for (path, text) in crate::embedded::policy_files() {
            cat.add_source(path, text, IdRule::Builtin, None)?;
        }
        cat.finish()
    }

    /// Built-ins plus every given directory.
    pub fn load(dirs: &[PathBuf]) -> Result<Catalogue, PolicyError> {
        let mut cat = Catalogue::builtin()?;
        for dir in dirs {
            cat.add_dir(dir, IdRule::User)?;
        }
        cat.finish()
    }

    /// Only the given directories (no built-ins): what `plimsoll policies test DIR` checks. The
    /// built-in helper library stays available so user checks can import it.
    pub fn from_dirs(dirs: &[PathBuf], rule: IdRule) -> Result<Catalogue, PolicyError> {
        let mut cat = Catalogue::default();
        for (path, text) in crate::embedded::policy_files() {
            if is_lib(path) {
                cat.libs.push((path.to_string(), text.to_string()));
            }
        }
        for dir in dirs {
            cat.add_dir(dir, rule)?;
        }
        cat.finish()
    }

    /// Adds every `.rego` file under `dir` (recursively, skipping `cases/`, hidden entries and
    /// OPA `_test.rego` files, which regorus cannot run).
    pub fn add_dir(&mut self, dir: &Path, rule: IdRule) -> Result<(), PolicyError> {
        if !dir.is_dir() {
            return Err(PolicyError::NotADirectory(dir.display().to_string()));
        }
        let mut files = Vec::new();
        walk(dir, &mut files)?;
        files.sort();
        let before = self.checks.len();
        for f in files {
            let display = f.display().to_string();
            let text = std::fs::read_to_string(&f).map_err(|source| PolicyError::Io {
                path: display.clone(),
                source,
            })?;
            let rel = f
                .strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .replace('\\', "/");
            let lib = is_lib(&rel);
            if lib {
                self.libs.push((display, text));
            } else {
                self.add_source(&display, &text, rule, f.parent().map(Path::to_path_buf))?;
            }
        }
        if self.checks.len() == before {
            return Err(PolicyError::Empty(dir.display().to_string()));
        }
        Ok(())
    }

    fn add_source(
        &mut self,
        path: &str,
        text: &str,
        rule: IdRule,
        dir: Option<PathBuf>,
    ) -> Result<(), PolicyError> {
        if is_lib(path) {
            self.libs.push((path.to_string(), text.to_string()));
            return Ok(());
        }
        let meta = metadata::parse(text, rule).map_err(|e| PolicyError::Metadata {
            file: path.to_string(),
            line: e.line,
            message: e.message,
        })?;
        let package = package_of(text).ok_or_else(|| PolicyError::NoPackage(path.to_string()))?;
        let builtin = meta.id.starts_with("PLM-");
        let not_applicable = text
            .lines()
            .any(|l| l.starts_with("not_applicable ") || l == "not_applicable")
            .then(|| format!("data.{package}.not_applicable"));
        self.checks.push(Check {
            rule: format!("data.{package}.deny"),
            not_applicable,
            meta,
            package,
            file: path.to_string(),
            source: text.to_string(),
            dir,
            builtin,
        });
        Ok(())
    }

    /// Rejects duplicate ids and sorts. Whether every module compiles is the engine's to say
    /// (`engine::validate`), called by every loader of a catalogue before it is used.
    fn finish(mut self) -> Result<Catalogue, PolicyError> {
        let mut seen: HashMap<&str, &Check> = HashMap::new();
        for c in &self.checks {
            if let Some(first) = seen.get(c.meta.id.as_str()) {
                return Err(PolicyError::DuplicateId {
                    id: c.meta.id.clone(),
                    file: c.file.clone(),
                    line: c.meta.id_line,
                    other: first.file.clone(),
                });
            }
            seen.insert(&c.meta.id, c);
        }
        self.checks.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(self)
    }

    /// Indices into `libs` of the helper modules these sources refer to (`data.<package>`),
    /// and the helpers those refer to, in load order.
    pub(crate) fn libs_for<'s>(&self, sources: impl Iterator<Item = &'s str>) -> Vec<usize> {
        let packages: Vec<Option<String>> = self.libs.iter().map(|(_, t)| package_of(t)).collect();
        let refers = |text: &str, l: usize| {
            packages[l]
                .as_deref()
                .is_some_and(|p| refers_to(text, &format!("data.{p}")))
        };
        let mut wanted = vec![false; self.libs.len()];
        let mut todo: Vec<usize> = Vec::new();
        for text in sources {
            for (l, w) in wanted.iter_mut().enumerate() {
                if !*w && refers(text, l) {
                    *w = true;
                    todo.push(l);
                }
            }
        }
        while let Some(l) = todo.pop() {
            let text = &self.libs[l].1;
            for (other, w) in wanted.iter_mut().enumerate() {
                if !*w && refers(text, other) {
                    *w = true;
                    todo.push(other);
                }
            }
        }
        (0..self.libs.len()).filter(|&l| wanted[l]).collect()
    }

    /// Looks a check up by id.
    pub fn get(&self, id: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.meta.id == id)
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), PolicyError> {
    let entries = std::fs::read_dir(dir).map_err(|source| PolicyError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_string();
        if name.starts_with('.') || name == "cases" {
            continue;
        }
        if path.is_dir() {
            walk(&path, out)?;
        } else if name.ends_with(".rego") && !name.ends_with("_test.rego") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_whole_paths() {
        assert!(refers_to(
            "x := data.plimsoll.lib.aws.name",
            "data.plimsoll.lib.aws"
        ));
        assert!(refers_to(
            "import data.plimsoll.lib.aws\n",
            "data.plimsoll.lib.aws"
        ));
        assert!(!refers_to(
            "data.plimsoll.lib.awsx.name",
            "data.plimsoll.lib.aws"
        ));
        assert!(!refers_to("data.plimsoll.lib", "data.plimsoll.lib.aws"));
    }
}

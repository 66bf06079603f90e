//! Runs a kubeconfig user's exec credential plugin (`aws eks get-token`, `kubelogin`, ...)
//! with a deadline, before the client is built. kube-client runs the plugin itself with a
//! blocking `Command::output()` and no limit, so a plugin that never exits (waiting on a
//! prompt, a hung SSO helper) would hang the scan forever; here it is killed at the deadline and
//! the cluster is reported unreachable with the reason, and the other clusters still collected.
//!
//! The plugin's answer replaces the exec entry with the token or client certificate it
//! returned, so kube-client never runs the plugin again. A token that expires during a scan is
//! refused with a 401 and reported as such; scans are far shorter than plugin token lifetimes
//! (15 minutes for EKS).

use base64::Engine as _;
use serde::Deserialize;
use std::process::Stdio;
use std::time::Duration;

/// The part of an `ExecCredential` the client needs.
#[derive(Deserialize)]
struct Credential {
    status: Option<Status>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    token: Option<String>,
    client_certificate_data: Option<String>,
    client_key_data: Option<String>,
}

/// Largest plugin output read: credentials are a few KB; a runaway plugin must not fill memory.
const MAX_OUTPUT: usize = 1 << 20;

/// If the context authenticates with an exec plugin, runs it (killed after `deadline`) and
/// puts the credentials it returns into `config` in place of the plugin. Errors never include
/// the plugin's output (it carries the credential).
pub(crate) async fn resolve(config: &mut kube::Config, deadline: Duration) -> Result<(), String> {
    let Some(exec) = config.auth_info.exec.clone() else {
        return Ok(());
    };
    let Some(program) = exec.command.clone() else {
        return Err("the exec credential plugin has no command".into());
    };
    let mut cmd = tokio::process::Command::new(&program);
    cmd.args(exec.args.iter().flatten());
    for pair in exec.env.iter().flatten() {
        if let (Some(name), Some(value)) = (pair.get("name"), pair.get("value")) {
            cmd.env(name, value);
        }
    }
    let api_version = exec
        .api_version
        .clone()
        .unwrap_or_else(|| "client.authentication.k8s.io/v1".into());
    // Plimsoll runs unattended (CI, scheduled jobs): the plugin gets no terminal to prompt on,
    // whatever its interactiveMode; a login that needs one is done beforehand.
    let info = serde_json::json!({
        "apiVersion": api_version,
        "kind": "ExecCredential",
        "spec": {"interactive": false},
    });
    cmd.env("KUBERNETES_EXEC_INFO", info.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let child = cmd.spawn().map_err(|e| {
        let hint = exec
            .install_hint
            .as_deref()
            .map(|h| format!(" ({})", h.trim()))
            .unwrap_or_default();
        format!("cannot run the exec credential plugin {program}: {e}{hint}")
    })?;
    let out = match tokio::time::timeout(deadline, child.wait_with_output()).await {
        Ok(Ok(out)) => out,
        Ok(Err(e)) => return Err(format!("exec credential plugin {program}: {e}")),
        // Dropping the future kills the plugin (kill_on_drop).
        Err(_) => {
            return Err(format!(
                "the exec credential plugin {program} did not finish within {}s (--request-timeout); it was stopped",
                deadline.as_secs_f64()
            ));
        }
    };
    if !out.status.success() {
        // Its stderr is the plugin's own explanation (no credential goes there), cut short.
        let said: String = String::from_utf8_lossy(&out.stderr)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(3)
            .collect::<Vec<_>>()
            .join(" / ")
            .chars()
            .take(300)
            .collect();
        return Err(format!(
            "the exec credential plugin {program} failed ({}){}",
            out.status,
            if said.is_empty() {
                String::new()
            } else {
                format!(": {said}")
            }
        ));
    }
    if out.stdout.len() > MAX_OUTPUT {
        return Err(format!(
            "the exec credential plugin {program} wrote more than 1 MiB"
        ));
    }
    let status = serde_json::from_slice::<Credential>(&out.stdout)
        .ok()
        .and_then(|c| c.status)
        .ok_or_else(|| {
            format!(
                "the exec credential plugin {program} did not print an ExecCredential with a status"
            )
        })?;
    let auth = &mut config.auth_info;
    match status {
        Status {
            token: Some(token), ..
        } => auth.token = Some(token.into()),
        Status {
            client_certificate_data: Some(cert),
            client_key_data: Some(key),
            ..
        } => {
            // The kubeconfig fields hold base64 of the PEM; the plugin returns the PEM.
            let b64 = base64::engine::general_purpose::STANDARD;
            auth.client_certificate_data = Some(b64.encode(cert));
            auth.client_key_data = Some(b64.encode(key).into());
        }
        _ => {
            return Err(format!(
                "the exec credential plugin {program} returned neither a token nor a client certificate"
            ));
        }
    }
    auth.exec = None;
    Ok(())
}

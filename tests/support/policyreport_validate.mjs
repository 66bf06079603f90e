// Validates policy report objects (a YAML stream of JSON documents, as Plimsoll writes them)
// with the models `@kubernetes-models/kyverno` generates from the published CRDs:
// wgpolicyk8s.io/v1alpha2 PolicyReport and ClusterPolicyReport whole; for openreports.io
// v1alpha1 the package carries the result and summary schemas, which are checked, and the
// envelope is checked here.
//
// Usage: node policyreport_validate.mjs NODE_MODULES FILE
// Prints one JSON object: {"objects": [{kind, namespace, name, results}], "errors": [...]}.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [modules, file] = process.argv.slice(2);
const load = (p) => import(pathToFileURL(join(modules, "@kubernetes-models/kyverno", p, "index.js")).href);
const wg = await load("wgpolicyk8s.io/v1alpha2");
const or = await load("openreports.io/v1alpha1");

const text = readFileSync(file, "utf8");
const docs = text.split(/^---$/m).map((d) => d.trim()).filter((d) => d.length > 0);
const objects = [];
const errors = [];
const check = (what, f) => {
  try {
    f();
  } catch (e) {
    errors.push(`${what}: ${e.message}`);
  }
};
for (const [i, doc] of docs.entries()) {
  let o;
  try {
    o = JSON.parse(doc);
  } catch (e) {
    errors.push(`document ${i + 1}: not JSON: ${e.message}`);
    continue;
  }
  const what = `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`;
  if (o.apiVersion === "wgpolicyk8s.io/v1alpha2" && o.kind === "PolicyReport") {
    check(what, () => new wg.PolicyReport(o).validate());
  } else if (o.apiVersion === "wgpolicyk8s.io/v1alpha2" && o.kind === "ClusterPolicyReport") {
    check(what, () => new wg.ClusterPolicyReport(o).validate());
  } else if (o.apiVersion === "openreports.io/v1alpha1" && (o.kind === "Report" || o.kind === "ClusterReport")) {
    const allowed = new Set(["apiVersion", "kind", "metadata", "scope", "scopeSelector", "summary", "results", "source"]);
    for (const k of Object.keys(o)) if (!allowed.has(k)) errors.push(`${what}: unknown field ${k}`);
    if (typeof o.metadata?.name !== "string") errors.push(`${what}: no metadata.name`);
    if ((o.kind === "Report") !== (typeof o.metadata?.namespace === "string")) errors.push(`${what}: namespace does not fit the kind`);
    check(`${what} summary`, () => new or.ReportSummary(o.summary).validate());
    for (const [n, r] of (o.results ?? []).entries()) check(`${what} result ${n}`, () => new or.ReportResult(r).validate());
  } else {
    errors.push(`document ${i + 1}: unexpected ${o.apiVersion} ${o.kind}`);
  }
  objects.push({ kind: o.kind, namespace: o.metadata?.namespace ?? null, name: o.metadata?.name, results: o.results ?? [], summary: o.summary });
}
console.log(JSON.stringify({ objects, errors: errors.slice(0, 50) }));

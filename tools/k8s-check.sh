#!/usr/bin/env bash
# Renders the Kubernetes manifests (deploy/k8s/overlays/*) with kubectl's built-in kustomize,
# offline, and validates every rendered object against the Kubernetes API's JSON schemas with
# kubernetes-validate (PyPI, pinned in tests/e2e/requirements.txt; its wheel carries the schemas,
# so nothing is fetched), strictly: an unknown field fails. Also checks what a schema cannot:
# every expert manifest, schema and prompt is in its ConfigMap, and the pod's grace period
# covers server.shutdown_grace_secs plus the preStop sleep. Output in target/k8s/.
#
#   tools/k8s-check.sh            (after tools/test.sh made .venv; or VALIDATE=path/to/kubernetes-validate)
set -euo pipefail
cd "$(dirname "$0")/.."

k8s_version=${K8S_VERSION:-1.32.0}
validate=${VALIDATE:-.venv/bin/kubernetes-validate}
if [ ! -x "$validate" ]; then
  echo "k8s-check: $validate missing: run tools/test.sh (or: python3 -m venv .venv && .venv/bin/pip install -r tests/e2e/requirements.txt)" >&2
  exit 1
fi
command -v kubectl > /dev/null || { echo "k8s-check: kubectl missing (1.27+ has kustomize built in)" >&2; exit 1; }

out=target/k8s
mkdir -p "$out"
fail=0

# Every file the service reads from experts/ and prompts/ must be listed in their kustomizations.
listed() { grep -qE "^ *- $2\$" "$1/kustomization.yaml"; }
for f in experts/*.toml experts/schemas/*.json prompts/*.j2; do
  dir=${f%%/*}
  if ! listed "$dir" "${f#"$dir"/}"; then
    echo "k8s-check: $f is not in $dir/kustomization.yaml" >&2
    fail=1
  fi
done

for overlay in deploy/k8s/overlays/*/; do
  name=$(basename "$overlay")
  kubectl kustomize "$overlay" > "$out/$name.yaml"
  if ! "$validate" --strict --quiet -k "$k8s_version" "$out/$name.yaml"; then
    fail=1
  fi
  # terminationGracePeriodSeconds >= shutdown_grace_secs + preStop sleep.
  "$(dirname "$validate")/python" - "$out/$name.yaml" <<'PY' || fail=1
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
env = {}
for d in docs:
    if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("switchboard-env"):
        env = d["data"]
dep = next(d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "switchboard")
pod = dep["spec"]["template"]["spec"]
c = pod["containers"][0]
grace = float(env.get("SWITCHBOARD_SERVER__SHUTDOWN_GRACE_SECS", 30))
sleep = c.get("lifecycle", {}).get("preStop", {}).get("sleep", {}).get("seconds", 0)
period = pod.get("terminationGracePeriodSeconds", 30)
if period < grace + sleep:
    sys.exit(f"k8s-check: {sys.argv[1]}: terminationGracePeriodSeconds {period} < shutdown_grace_secs {grace} + preStop {sleep}")
tls = "SWITCHBOARD_SERVER__TLS__CERT" in env
def asks(name):
    """The service a probe asks about: a gRPC probe's, or `switchboard health`'s --service."""
    p = c[name]
    if "grpc" in p:
        if tls:
            sys.exit(f"k8s-check: {sys.argv[1]}: {name} is a gRPC probe, which is plaintext, on a TLS port: use an exec probe running switchboard health with --ca")
        return p["grpc"].get("service", "")
    cmd = p.get("exec", {}).get("command", [])
    if cmd[:2] != ["switchboard", "health"]:
        sys.exit(f"k8s-check: {sys.argv[1]}: {name} must be a gRPC probe or run switchboard health")
    if tls and not any(a.startswith("--server=https://") for a in cmd) or tls and not any(a.startswith("--ca=") for a in cmd):
        sys.exit(f"k8s-check: {sys.argv[1]}: {name} must reach the TLS port: --server=https://... and --ca=...")
    if env.get("SWITCHBOARD_SERVER__TLS__CLIENT_AUTH") == "required" and not any(a.startswith("--cert=") for a in cmd):
        sys.exit(f"k8s-check: {sys.argv[1]}: {name} needs a client certificate (--cert=, --key=): mTLS is required")
    given = [a.split("=", 1)[1] for a in cmd if a.startswith("--service=")]
    return given[-1] if given else "switchboard.v1.Switchboard"
if asks("readinessProbe") != "switchboard.v1.Switchboard" or asks("livenessProbe") != "" or asks("startupProbe") != "":
    sys.exit(f"k8s-check: {sys.argv[1]}: readiness must ask switchboard.v1.Switchboard, startup and liveness the process (\"\")")
PY
  echo "k8s-check: $name: $(grep -c '^kind:' "$out/$name.yaml") objects rendered and valid for Kubernetes $k8s_version" >&2
done
# The Prometheus Adapter example is a plain manifest.
"$validate" --strict --quiet -k "$k8s_version" deploy/k8s/prometheus-adapter/rules.yaml || fail=1
exit $fail

#!/usr/bin/env python3
"""Offline checks of kubernetes/: every kustomization renders, and the rendered objects keep our rules.

    python3 kubernetes/validate.py

Needs kubectl (for "kubectl kustomize", which works without a cluster) and PyYAML. Checks:
  - overlays/*, base, components via the overlays, examples/* (and examples/*/* with a kustomization): render;
  - TempoGateways in the examples: valid against the CRD's openAPIV3Schema in crds/ (fields, types,
    required, enums, patterns), so the examples follow the Java types the CRD is generated from;
  - workloads: probes on the management port, non-root, read-only root, no capabilities, seccomp, resources;
  - the app.kubernetes.io labels on every object of the overlays;
  - TLS to the provisioner (components/provisioner-tls): an https provisioner URL comes with a CA file that holds
    ca.crt alone, a provisioner serving TLS only, on the port asked, and a Certificate that names the URL's host;
  - TLS on the gateway (components/gateway-tls): TLS only, on the public port, from tls.crt and tls.key alone, a
    Certificate naming the Service and <service>.<namespace>.svc, appProtocol https on the Service's public ports;
    every Certificate's Issuer rendered in the same overlay;
  - graceful shutdown: each pod's terminationGracePeriodSeconds covers its service's quarkus.shutdown.delay
    and quarkus.shutdown.timeout (application.properties);
  - the gateway Service's OTLP gRPC port (4317, appProtocol kubernetes.io/h2c, or https with TLS); the production overlay's
    session Secret is required;
  - examples: in-cluster URLs name <service>.<namespace>.svc (Grafana and the gateway live in different
    namespaces);
  - the CRD's printer columns (Ready, Reason, Age) and category (kubectl get tracegate);
  - Dockerfiles: only the ports the services listen on, nothing that needs BuildKit;
  - the alerts: the spec of the rendered PrometheusRule (components/monitoring) as a rules file, through
    "promtool check rules" (PromQL, templates) and "promtool test rules" with components/monitoring/alerts-test.yaml,
    where every alert must fire at least once. Needs promtool (Debian package prometheus; .ci/run installs it).
"""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
LABELS = ["name", "instance", "component", "part-of", "version", "managed-by"]
errors = []


def render(path):
    out = subprocess.run(["kubectl", "kustomize", path], capture_output=True, text=True)
    if out.returncode != 0:
        errors.append(f"{os.path.relpath(path, HERE)}: does not render: {out.stderr.strip()}")
        return []
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def check_schema(value, schema, where):
    if schema.get("x-kubernetes-preserve-unknown-fields") and "properties" not in schema:
        return
    t = schema.get("type")
    if t == "object":
        if not isinstance(value, dict):
            errors.append(f"{where}: expected an object")
            return
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{where}.{key}: required")
        for key, v in value.items():
            if key not in props:
                if not schema.get("x-kubernetes-preserve-unknown-fields"):
                    errors.append(f"{where}.{key}: unknown field (not in the CRD)")
                continue
            check_schema(v, props[key], f"{where}.{key}")
    elif t == "array":
        if not isinstance(value, list):
            errors.append(f"{where}: expected a list")
            return
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{where}: fewer than {schema['minItems']} items")
        for i, item in enumerate(value):
            check_schema(item, schema.get("items", {}), f"{where}[{i}]")
    elif t == "string":
        if not isinstance(value, str):
            errors.append(f"{where}: expected a string, got {value!r}")
            return
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{where}: {value!r} not one of {schema['enum']}")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{where}: {value!r} does not match {schema['pattern']}")
    elif t == "boolean" and not isinstance(value, bool):
        errors.append(f"{where}: expected a boolean")
    elif t == "integer" and (not isinstance(value, int) or isinstance(value, bool)):
        errors.append(f"{where}: expected an integer")


def check_workload(obj, where):
    spec = obj["spec"]["template"]["spec"]
    psc = spec.get("securityContext", {})
    if not psc.get("runAsNonRoot") or psc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        errors.append(f"{where}: pod securityContext needs runAsNonRoot and seccomp RuntimeDefault")
    for c in spec["containers"]:
        csc = c.get("securityContext", {})
        if not csc.get("readOnlyRootFilesystem") or csc.get("allowPrivilegeEscalation") is not False \
                or csc.get("capabilities", {}).get("drop") != ["ALL"]:
            errors.append(f"{where}/{c['name']}: container securityContext incomplete")
        for probe, path in [("startupProbe", "/q/health/started"), ("livenessProbe", "/q/health/live"),
                            ("readinessProbe", "/q/health/ready")]:
            get = c.get(probe, {}).get("httpGet", {})
            if get.get("path") != path or get.get("port") not in ("management", 8081):
                errors.append(f"{where}/{c['name']}: {probe} should be {path} on the management port")
        res = c.get("resources", {})
        if not res.get("requests") or not res.get("limits", {}).get("memory"):
            errors.append(f"{where}/{c['name']}: resources need requests and a memory limit")


def duration_seconds(text):
    m = re.fullmatch(r"(\d+)(ms|s|m)?", text.strip())
    if not m:
        errors.append(f"cannot read duration {text!r}")
        return 0
    value, unit = int(m.group(1)), m.group(2) or "s"
    return value / 1000 if unit == "ms" else value * 60 if unit == "m" else value


def shutdown_seconds(module):
    """quarkus.shutdown.delay + quarkus.shutdown.timeout of a service's production configuration."""
    props = {}
    for line in open(os.path.join(HERE, "..", module, "src", "main", "resources", "application.properties")):
        if "=" in line and not line.lstrip().startswith(("#", "%")):
            key, value = line.split("=", 1)
            props[key.strip()] = value.strip()
    if props.get("quarkus.shutdown.delay-enabled") != "true" or "quarkus.shutdown.timeout" not in props:
        errors.append(f"{module}: application.properties needs quarkus.shutdown.delay-enabled and quarkus.shutdown.timeout")
        return 0
    return duration_seconds(props.get("quarkus.shutdown.delay", "0s")) + duration_seconds(props["quarkus.shutdown.timeout"])


SERVICES = {"tracegate-gateway": "gateway-service", "tracegate-provisioner": "provisioner-service"}


def check_shutdown(obj, where):
    module = SERVICES.get(obj["metadata"]["name"])
    if module:
        grace = obj["spec"]["template"]["spec"].get("terminationGracePeriodSeconds", 30)
        needed = shutdown_seconds(module)
        if grace <= needed:
            errors.append(f"{where}: terminationGracePeriodSeconds {grace} does not cover the shutdown delay and "
                          f"timeout of {module} ({needed:g}s): the kubelet would kill requests in flight")


def check_gateway_service(obj, where, tls):
    """Port 4317 for OTLP gRPC on the public container port: cleartext HTTP/2 (h2c), or HTTPS when the gateway
    serves TLS (components/gateway-tls), as its public port then is too."""
    ports = {p.get("name"): p for p in obj["spec"]["ports"]}
    grpc, public = ports.get("grpc-otlp", {}), ports.get("http", {})
    protocol = "https" if tls else "kubernetes.io/h2c"
    if grpc.get("port") != 4317 or grpc.get("appProtocol") != protocol or grpc.get("targetPort") != public.get("targetPort"):
        errors.append(f"{where}: needs port grpc-otlp 4317, appProtocol {protocol}, on the http container port")
    if tls and public.get("appProtocol") != "https":
        errors.append(f"{where}: the gateway serves TLS: port http needs appProtocol https")


def check_session_secret(docs, overlay):
    for d in docs:
        if d["kind"] == "Deployment" and d["metadata"]["name"] == "tracegate-gateway":
            for c in d["spec"]["template"]["spec"]["containers"]:
                ref = next((e.get("valueFrom", {}).get("secretKeyRef", {}) for e in c.get("env", [])
                            if e["name"] == "TRACEGATE_SESSION_SECRET"), None)
                if ref is None or ref.get("optional", False):
                    errors.append(f"{overlay}: the gateway must not start without the session Secret (optional: false)")


def deployment(docs, name):
    return next((d for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == name), None)


def container_env(d):
    return {e["name"]: e.get("value") for e in d["spec"]["template"]["spec"]["containers"][0].get("env", [])} if d else {}


def secret_volume(d, mount_dir):
    """The Secret volume mounted at mount_dir in d's container, or {}."""
    pod = d["spec"]["template"]["spec"]
    mounts = {m["name"]: m["mountPath"] for m in pod["containers"][0].get("volumeMounts", [])}
    volume = next((v for v in pod.get("volumes", []) if mount_dir and mounts.get(v["name"]) == mount_dir), {})
    return volume.get("secret", {})


def check_serves_tls_only(d, port, where):
    """A Quarkus service serving HTTPS on port (Quarkus' quarkus.http.ssl.*), with no plain listener beside it."""
    settings = container_env(d)
    if settings.get("QUARKUS_HTTP_INSECURE_REQUESTS") != "disabled":
        errors.append(f"{where}: it must not also serve plain HTTP (QUARKUS_HTTP_INSECURE_REQUESTS=disabled)")
    if settings.get("QUARKUS_HTTP_SSL_PORT") != port:
        errors.append(f"{where}: clients ask on port {port}, it serves TLS on {settings.get('QUARKUS_HTTP_SSL_PORT')}")


def check_certificate_names(docs, secret, hosts, where):
    """A Certificate that writes Secret secret names every host, and its Issuer is rendered beside it."""
    certificates = [d for d in docs if d["kind"] == "Certificate" and d["spec"].get("secretName") == secret]
    names = [n for c in certificates for n in c["spec"].get("dnsNames", [])]
    for host in hosts:
        if host not in names:
            errors.append(f"{where}: no Certificate of Secret {secret} names {host} (dnsNames: {names})")
    issuers = {(d["kind"], d["metadata"]["name"]) for d in docs if d["kind"] in ("Issuer", "ClusterIssuer")}
    for c in certificates:
        ref = c["spec"].get("issuerRef", {})
        if ref.get("kind", "Issuer") == "Issuer" and ("Issuer", ref.get("name")) not in issuers:
            errors.append(f"{where}: Certificate {c['metadata']['name']} is issued by Issuer {ref.get('name')}, "
                          f"which the overlay does not make (components/provisioner-tls makes tracegate-ca)")


def check_provisioner_tls(docs, overlay):
    """An https provisioner URL: the gateway trusts a CA file that holds ca.crt alone, the provisioner serves TLS
    only on the port the Service targets, and the certificate names the URL's host."""
    gateway, provisioner = deployment(docs, "tracegate-gateway"), deployment(docs, "tracegate-provisioner")
    url = container_env(gateway).get("TRACEGATE_TENANTS_PROVISIONER_URL", "")
    if not url.startswith("https://"):
        return
    where = f"{overlay}: provisioner TLS"
    ca_file = container_env(gateway).get("TRACEGATE_TENANTS_PROVISIONER_CA_FILE")
    volume = secret_volume(gateway, os.path.dirname(ca_file) if ca_file else None)
    items = [i["key"] for i in volume.get("items", [])]
    if items != ["ca.crt"]:
        errors.append(f"{where}: the gateway's CA file must come from a Secret volume holding ca.crt alone "
                      f"(never the provisioner's key), found {items or 'none'}")
    if provisioner:
        check_serves_tls_only(provisioner, re.sub(r"^https://[^/:]+:?(\d*).*$", r"\1", url) or "443", where)
    check_certificate_names(docs, volume.get("secretName"), [re.sub(r"^https://([^/:]+).*$", r"\1", url)], where)


def check_gateway_tls(docs, overlay):
    """A gateway that serves TLS (components/gateway-tls) does so only, on its public container port, from a
    Secret's tls.crt and tls.key, whose Certificate names the Service in and beyond its namespace (Grafana and
    exporters live in other namespaces)."""
    gateway = deployment(docs, "tracegate-gateway")
    settings = container_env(gateway)
    if "QUARKUS_HTTP_SSL_PORT" not in settings:
        return
    where = f"{overlay}: gateway TLS"
    ports = {p["name"]: p["containerPort"] for p in gateway["spec"]["template"]["spec"]["containers"][0].get("ports", [])}
    check_serves_tls_only(gateway, str(ports.get("http")), where)
    certificate = settings.get("QUARKUS_HTTP_SSL_CERTIFICATE_FILES") or ""
    volume = secret_volume(gateway, os.path.dirname(certificate))
    files = {i["path"]: i["key"] for i in volume.get("items", [])}
    key = os.path.basename(settings.get("QUARKUS_HTTP_SSL_CERTIFICATE_KEY_FILES") or "")
    if files.get(os.path.basename(certificate)) != "tls.crt" or files.get(key) != "tls.key" or len(files) != 2:
        errors.append(f"{where}: certificate and key must come from one Secret volume holding tls.crt and tls.key "
                      f"alone, found {sorted(files.values()) or 'none'}")
    service = next((d for d in docs if d["kind"] == "Service" and d["metadata"]["name"] == "tracegate-gateway"), None)
    if service:
        name, namespace = service["metadata"]["name"], service["metadata"].get("namespace", "default")
        check_certificate_names(docs, volume.get("secretName"), [name, f"{name}.{namespace}.svc"], where)


def check_in_cluster_urls(gateway, where):
    spec = gateway.get("spec", {})
    urls = {"spec.upstream.queryFrontend": spec.get("upstream", {}).get("queryFrontend"),
            "spec.upstream.distributor": spec.get("upstream", {}).get("distributor"),
            "spec.gateway.url": spec.get("gateway", {}).get("url"),
            "spec.grafana.url": spec.get("grafana", {}).get("url")}
    for field, url in urls.items():
        host = re.sub(r"^\w+://([^/:]+).*$", r"\1", url) if url else None
        if host and "." not in host:
            errors.append(f"{where}: {field} {url}: a bare Service name resolves only in its own namespace; "
                          f"write <service>.<namespace>.svc")


def check_crd_columns(crd):
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    columns = [c["name"] for c in version.get("additionalPrinterColumns", [])]
    if columns != ["Ready", "Reason", "Age"]:
        errors.append(f"crds/: printer columns {columns}, expected Ready, Reason, Age in that order")
    for c in version.get("additionalPrinterColumns", []):
        if not c["jsonPath"].startswith("."):
            errors.append(f"crds/: printer column {c['name']}: the API server wants a jsonPath starting with '.'")
    if "tracegate" not in crd["spec"]["names"].get("categories", []):
        errors.append("crds/: category tracegate missing (kubectl get tracegate)")


def check_dockerfiles():
    for f in glob.glob(os.path.join(HERE, "..", "*", "src", "main", "docker", "Dockerfile.*")):
        name = os.path.relpath(f, os.path.join(HERE, ".."))
        text = open(f).read()
        for line in text.splitlines():
            if line.startswith("EXPOSE") and set(line.split()[1:]) - {"8080", "8081"}:
                errors.append(f"{name}: EXPOSE {line.split()[1:]}: the services listen on 8080 and 8081 only")
            if re.match(r"^(COPY|ADD|RUN)\s.*--(chmod|link|mount)", line) or line.startswith("# syntax="):
                errors.append(f"{name}: {line.strip()!r} needs BuildKit")
        if "8090" in text:
            errors.append(f"{name}: mentions port 8090, which nothing listens on")
        # Quarkus builds native executables in its UBI 9 builder image by default: they need UBI 9's glibc.
        base = re.search(r"^ARG BASE_IMAGE=(\S+)", text, re.M)
        if "native" in name and (base is None or "ubi9" not in base.group(1)):
            errors.append(f"{name}: a native executable from Quarkus' UBI 9 builder needs a UBI 9 base image"
                          f" (quay.io/quarkus/ubi9-quarkus-micro-image), not {base.group(1) if base else 'none'}")


ALERT_TESTS = os.path.join(HERE, "components", "monitoring", "alerts-test.yaml")


def check_alerts(rule, where):
    """The PrometheusRule's spec is a Prometheus rules file: promtool checks it and runs the alert unit tests on it.
    Returns the number of alerts when all passed, else None."""
    tests_name = os.path.relpath(ALERT_TESTS, HERE)
    before = len(errors)
    alerts = {r["alert"] for g in rule["spec"]["groups"] for r in g["rules"] if "alert" in r}
    tests = yaml.safe_load(open(ALERT_TESTS))
    firing = {t["alertname"] for test in tests.get("tests", []) for t in test.get("alert_rule_test", [])
              if t.get("exp_alerts")}
    tested = {t["alertname"] for test in tests.get("tests", []) for t in test.get("alert_rule_test", [])}
    for alert in sorted(alerts - firing):
        errors.append(f"{tests_name}: no test in which alert {alert} of {where} fires")
    for alert in sorted(tested - alerts):
        errors.append(f"{tests_name}: tests alert {alert}, which {where} does not have")
    promtool = shutil.which("promtool")
    if promtool is None:
        errors.append(f"{where}: promtool not found, the alerts are not checked: install it (Debian package "
                      f"prometheus, /usr/bin/promtool; .ci/run does)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        # The tests name this rules file; the copy of the tests beside it keeps their own name in promtool's output.
        with open(os.path.join(tmp, tests["rule_files"][0]), "w") as f:
            yaml.safe_dump(rule["spec"], f, sort_keys=False)
        shutil.copy(ALERT_TESTS, tmp)
        for command, file, what in [("check", tests["rule_files"][0], f"{where}: spec"),
                                    ("test", os.path.basename(ALERT_TESTS), f"{tests_name} against {where}")]:
            out = subprocess.run([promtool, command, "rules", file], capture_output=True, text=True, cwd=tmp)
            if out.returncode != 0:
                report = re.sub(r"\n\s*\n", "\n", (out.stdout + out.stderr).strip())
                errors.append(f"{what}: promtool {command} rules failed:\n{report}")
                return None
    return len(alerts) if len(errors) == before else None


def main():
    crds = glob.glob(os.path.join(HERE, "crds", "*.yml")) + glob.glob(os.path.join(HERE, "crds", "*.yaml"))
    schema = None
    for f in crds:
        for d in yaml.safe_load_all(open(f)):
            if d and d.get("kind") == "CustomResourceDefinition" and d["spec"]["group"] == "tracegate.dev":
                version = next(v for v in d["spec"]["versions"] if v["name"] == "v1alpha1")
                schema = version["schema"]["openAPIV3Schema"]
                check_crd_columns(d)
    if schema is None:
        errors.append("crds/: no CRD for tracegate.dev v1alpha1 (build the provisioner to generate it)")

    rules = {}  # the PrometheusRules the overlays render, each distinct one once
    for overlay in sorted(glob.glob(os.path.join(HERE, "overlays", "*"))):
        name = os.path.relpath(overlay, HERE)
        docs = render(overlay)
        for d in docs:
            if d["kind"] == "PrometheusRule":
                rules.setdefault(yaml.safe_dump(d["spec"]), (d, f"{name}: PrometheusRule/{d['metadata']['name']}"))
            where = f"{name}: {d['kind']}/{d['metadata']['name']}"
            labels = d["metadata"].get("labels", {})
            missing = [k for k in LABELS if f"app.kubernetes.io/{k}" not in labels]
            if d["kind"] in ("Deployment", "Service", "ServiceAccount", "HorizontalPodAutoscaler",
                             "PodDisruptionBudget") and missing:
                errors.append(f"{where}: missing labels {missing}")
            elif missing and not set(missing) <= {"name", "component", "version"}:
                errors.append(f"{where}: missing labels {missing}")
            if d["kind"] == "Deployment":
                check_workload(d, where)
                check_shutdown(d, where)
            if d["kind"] == "Service" and d["metadata"]["name"] == "tracegate-gateway":
                check_gateway_service(d, where, "QUARKUS_HTTP_SSL_PORT" in container_env(
                    deployment(docs, "tracegate-gateway")))
        if name == os.path.join("overlays", "production"):
            check_session_secret(docs, name)
        check_provisioner_tls(docs, name)
        check_gateway_tls(docs, name)
        print(f"rendered {name}: {len(docs)} objects")

    # examples/*, and variants in a subdirectory with a kustomization of their own (examples/tempostack/openshift)
    examples = glob.glob(os.path.join(HERE, "examples", "*")) + [
        os.path.dirname(k) for k in glob.glob(os.path.join(HERE, "examples", "*", "*", "kustomization.yaml"))]
    for example in sorted(examples):
        name = os.path.relpath(example, HERE)
        docs = render(example)
        for d in docs:
            if d.get("kind") == "TempoGateway":
                if d.get("apiVersion") != "tracegate.dev/v1alpha1":
                    errors.append(f"{name}: TempoGateway apiVersion {d.get('apiVersion')}")
                if schema:
                    body = {k: v for k, v in d.items() if k in ("spec", "status")}
                    check_schema(body, schema, f"{name}: TempoGateway/{d['metadata']['name']}")
                check_in_cluster_urls(d, f"{name}: TempoGateway/{d['metadata']['name']}")
        print(f"rendered {name}: {len(docs)} objects")

    check_dockerfiles()

    if not rules:
        errors.append("overlays/: none renders the PrometheusRule of components/monitoring: alerts not checked")
    for rule, where in rules.values():
        alerts = check_alerts(rule, where)
        if alerts is not None:
            print(f"checked {where}: promtool check rules and test rules pass, {alerts} alerts each fire in a test")

    for e in errors:
        print("ERROR", e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

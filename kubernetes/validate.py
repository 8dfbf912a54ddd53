#!/usr/bin/env python3
"""Offline checks of kubernetes/: every kustomization renders, and the rendered objects keep our rules.

    python3 kubernetes/validate.py

Needs kubectl (for "kubectl kustomize", which works without a cluster) and PyYAML. Checks:
  - overlays/*, base, components via the overlays, examples/* (and examples/*/* with a kustomization): render;
  - TempoGateways in the examples: valid against the CRD's openAPIV3Schema in crds/ (fields, types,
    required, enums, patterns), so the examples follow the Java types the CRD is generated from;
  - workloads: probes on the management port, non-root, read-only root, no capabilities, seccomp, resources;
  - the app.kubernetes.io labels on every object of the overlays.
"""
import glob
import os
import re
import subprocess
import sys

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


def main():
    crds = glob.glob(os.path.join(HERE, "crds", "*.yml")) + glob.glob(os.path.join(HERE, "crds", "*.yaml"))
    schema = None
    for f in crds:
        for d in yaml.safe_load_all(open(f)):
            if d and d.get("kind") == "CustomResourceDefinition" and d["spec"]["group"] == "tracegate.dev":
                version = next(v for v in d["spec"]["versions"] if v["name"] == "v1alpha1")
                schema = version["schema"]["openAPIV3Schema"]
    if schema is None:
        errors.append("crds/: no CRD for tracegate.dev v1alpha1 (build the provisioner to generate it)")

    for overlay in sorted(glob.glob(os.path.join(HERE, "overlays", "*"))):
        name = os.path.relpath(overlay, HERE)
        docs = render(overlay)
        for d in docs:
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
        print(f"rendered {name}: {len(docs)} objects")

    for e in errors:
        print("ERROR", e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()

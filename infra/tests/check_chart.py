#!/usr/bin/env python3
"""Renders infra/helm/mosaic-life with helm and checks the objects a
deployment relies on: replicas and rolling update, probes, a restricted
securityContext, the migration hook, and that secrets are only referenced
(no Secret object, no secret value in any manifest).

Usage: check_chart.py HELM_BINARY   (scripts/test.d/60-deploy.sh runs it)
"""
import subprocess
import sys
from pathlib import Path

import yaml

CHART = Path(__file__).resolve().parent.parent / "helm" / "mosaic-life"
HELM = sys.argv[1]
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def render(*args):
    out = subprocess.run(
        [HELM, "template", "rel", str(CHART), *args],
        check=True, capture_output=True, text=True,
    ).stdout
    objects = [doc for doc in yaml.safe_load_all(out) if doc]
    return {(o["kind"], o["metadata"]["name"]): o for o in objects}


def refuses(*args, says):
    run = subprocess.run([HELM, "template", "rel", str(CHART), *args],
                         capture_output=True, text=True)
    check(run.returncode != 0 and says in run.stderr,
          f"helm template {' '.join(args)} should fail with '{says}': {run.stderr.strip()}")


def container_checks(name, pod, container):
    sc = container.get("securityContext", {})
    check(sc.get("allowPrivilegeEscalation") is False, f"{name}: privilege escalation allowed")
    check(sc.get("readOnlyRootFilesystem") is True, f"{name}: root filesystem writable")
    check(sc.get("runAsNonRoot") is True, f"{name}: may run as root")
    check(sc.get("capabilities", {}).get("drop") == ["ALL"], f"{name}: capabilities not dropped")
    psc = pod["securityContext"]
    check(psc.get("runAsNonRoot") is True and psc.get("runAsUser", 0) != 0, f"{name}: pod may run as root")
    check(psc.get("seccompProfile", {}).get("type") == "RuntimeDefault", f"{name}: no seccomp profile")
    mounts = {m["mountPath"] for m in container.get("volumeMounts", [])}
    check("/data" in mounts, f"{name}: /data is not writable")
    for env in container.get("env", []):
        if "SECRET" in env["name"] or env["name"] in ("MOSAIC_DATABASE_URL", "MOSAIC_AI_API_KEY"):
            ref = env.get("valueFrom", {}).get("secretKeyRef")
            check("value" not in env and ref is not None, f"{name}: {env['name']} is not from a Secret")
            check(ref and ref["name"] == "core-api-secrets", f"{name}: {env['name']} from {ref}")


def no_secret_object(objects):
    check(not any(kind == "Secret" for kind, _ in objects), "the chart renders a Secret")


# --- a minimal install --------------------------------------------------------
objects = render("-f", str(CHART / "ci" / "minimal-values.yaml"))
deployment = objects[("Deployment", "rel-mosaic-life")]
spec = deployment["spec"]
check(spec["replicas"] == 2, f"replicas {spec['replicas']}")
check(spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
      f"strategy {spec['strategy']}")
pod = spec["template"]["spec"]
api = pod["containers"][0]
check(api["livenessProbe"]["httpGet"]["path"] == "/health", "liveness is not /health")
check(api["readinessProbe"]["httpGet"]["path"] == "/ready", "readiness is not /ready")
check(api["startupProbe"]["httpGet"]["path"] == "/health", "no startup probe on /health")
check(api["resources"] == {"requests": {"cpu": "200m", "memory": "256Mi"},
                           "limits": {"cpu": "500m", "memory": "512Mi"}}, f"resources {api['resources']}")
container_checks("deployment", pod, api)
check(pod["terminationGracePeriodSeconds"] >= 30, "termination grace shorter than drain + grace")
config = objects[("ConfigMap", "rel-mosaic-life")]["data"]
check(config["MOSAIC_MIGRATE"] == "false", "replicas migrate although the job does")
check(config["MOSAIC_PUBLIC_URL"] == "https://mosaic.example.org", "public URL")
check(config["MOSAIC_SHUTDOWN_DRAIN_SECONDS"] == "10", "drain")
check(config["MOSAIC_S3_BUCKET"] == "mosaic-media", "bucket")
check(config["MOSAIC_TRUSTED_PROXY_HOPS"] == "1", "client addresses behind the balancer")
check(api["envFrom"] == [{"configMapRef": {"name": "rel-mosaic-life"}}], "settings not from the ConfigMap")
secret_keys = {e["valueFrom"]["secretKeyRef"]["key"] for e in api["env"]}
check({"db-url", "session-secret", "google-client-secret"} <= secret_keys, f"secret keys {secret_keys}")
job = objects[("Job", "rel-mosaic-life-migrate-1")]
hooks = job["metadata"]["annotations"]
check(hooks["helm.sh/hook"] == "pre-install,pre-upgrade", f"hook {hooks}")
migrate = job["spec"]["template"]["spec"]["containers"][0]
check(migrate["command"] == ["/usr/local/bin/mosaic-admin", "migrate", "run"], f"job command {migrate['command']}")
container_checks("migrate job", job["spec"]["template"]["spec"], migrate)
check(job["spec"]["template"]["spec"]["restartPolicy"] == "Never", "job restarts in place")
pdb = objects[("PodDisruptionBudget", "rel-mosaic-life")]
check(pdb["spec"]["minAvailable"] == 1, "pdb")
check(pdb["spec"]["selector"]["matchLabels"] == spec["selector"]["matchLabels"], "pdb selects other pods")
service = objects[("Service", "rel-mosaic-life")]
check(service["spec"]["selector"] == spec["selector"]["matchLabels"], "service selects other pods")
check(("Ingress", "rel-mosaic-life") not in objects, "ingress rendered although disabled")
no_secret_object(objects)

# --- production-like (the brief's EKS) -----------------------------------------
objects = render("-f", str(CHART / "ci" / "production-values.yaml"))
deployment = objects[("Deployment", "rel-mosaic-life")]
check("replicas" not in deployment["spec"], "replicas set although the HPA scales")
check(objects[("HorizontalPodAutoscaler", "rel-mosaic-life")]["spec"]["minReplicas"] == 3, "hpa")
ingress = objects[("Ingress", "rel-mosaic-life")]
check(ingress["spec"]["ingressClassName"] == "alb", "ingress class")
check(ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/scheme"] == "internet-facing", "alb annotations")
sa = objects[("ServiceAccount", "rel-mosaic-life")]
check(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"].startswith("arn:aws:iam::"), "role annotation")
check(deployment["spec"]["template"]["spec"]["serviceAccountName"] == "rel-mosaic-life", "service account")
check(("ServiceMonitor", "rel-mosaic-life") in objects, "service monitor")
image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
check(image.endswith("/mosaic-life:3f2c1a9"), f"image {image}")
config = objects[("ConfigMap", "rel-mosaic-life")]["data"]
check(config["MOSAIC_OIDC_REDIRECT_URL"] == "https://app.mosaiclife.com/auth/google/callback", "redirect")
check(config["MOSAIC_UPLOAD_URL_SECONDS"] == "600", "extra settings")
no_secret_object(objects)

# --- without the job the replicas migrate (under the advisory lock) ------------
objects = render("-f", str(CHART / "ci" / "minimal-values.yaml"), "--set", "migrations.job=false")
check(not any(kind == "Job" for kind, _ in objects), "a job although disabled")
check(objects[("ConfigMap", "rel-mosaic-life")]["data"]["MOSAIC_MIGRATE"] == "true", "replicas do not migrate")

# --- values that cannot work are refused ------------------------------------------
refuses("--set", "config.s3.bucket=x", says="config.publicUrl is required")
refuses("--set", "config.publicUrl=https://x.example", says="config.s3.bucket is required")
refuses("-f", str(CHART / "ci" / "minimal-values.yaml"), "--set", "replicaCount=0", says="replicaCount")
refuses("-f", str(CHART / "ci" / "minimal-values.yaml"), "--set", "config.databaseUrl=postgres://u:p@h/d",
        says="additional properties 'databaseUrl' not allowed")

if failures:
    print("chart checks failed:\n- " + "\n- ".join(failures))
    sys.exit(1)
print("chart checks passed")

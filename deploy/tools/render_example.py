"""Write deploy/helm/examples/default-install.yaml: the default install of the chart, rendered
in Python because there is no helm binary here (docs/deployment.md).

    .venv/bin/python deploy/tools/render_example.py

This mirrors the templates in deploy/helm/nieuwestart/templates by hand; it is NOT helm. When a
template changes, change this script the same way and run it again. tests/deploy/
test_helm_chart.py checks the output against the Kubernetes schemas and values.yaml, and that
every literal line of the templates occurs in it (which catches most drift).
"""

import copy
import hashlib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
V = yaml.safe_load((ROOT / "deploy/helm/nieuwestart/values.yaml").read_text())
name = "nieuwestart"
chart = "nieuwestart"
appv = "0.1.0"
cv = "0.1.0"
sel = {"app.kubernetes.io/name": chart, "app.kubernetes.io/instance": name}
labels = {
    **sel,
    "app.kubernetes.io/version": appv,
    "app.kubernetes.io/managed-by": "Helm",
    "helm.sh/chart": f"{chart}-{cv}",
}
image = f"{V['image']['repository']}:{V['image']['tag'] or appv}"
host = V["host"]
derived = {
    "DJANGO_ALLOWED_HOSTS": host,
    "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{host}",
    "NIEUWESTART_SITE_URL": f"https://{host}",
    "WEB_CONCURRENCY": str(V["web"]["workers"]),
    "GUNICORN_THREADS": str(V["web"]["threads"]),
}
merged = {**derived, **V["config"]}
data = {k: str(merged[k]) for k in sorted(merged)}
# the template's configData text, for the checksum: "\nKEY: \"value\"" per key
config_text = "".join(f'\n{k}: "{v}"' for k, v in data.items())
checksum = hashlib.sha256(config_text.encode()).hexdigest()


def env(cm, database_url_key=""):
    return {
        "envFrom": [{"configMapRef": {"name": cm}}],
        "env": [
            {
                "name": k,
                "valueFrom": {
                    "secretKeyRef": {
                        "name": V["secrets"]["existingSecret"],
                        "key": database_url_key
                        if k == "DATABASE_URL" and database_url_key
                        else r["key"],
                        "optional": r["optional"],
                    }
                },
            }
            for k, r in sorted(V["secrets"]["keys"].items())
        ],
    }


def podcommon():
    return {
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "securityContext": copy.deepcopy(V["podSecurityContext"]),
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": V["tmpVolume"]["sizeLimit"]}}],
    }


tmpmount = [{"name": "tmp", "mountPath": "/tmp"}]  # noqa: S108
docs = []
docs.append(
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": f"{name}-config", "labels": labels},
        "data": data,
    }
)
docs.append(
    {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "type": "ClusterIP",
            "selector": {**sel, "app.kubernetes.io/component": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}],
        },
    }
)
docs.append(
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": name, "labels": labels, "annotations": V["ingress"]["annotations"]},
        "spec": {
            "ingressClassName": V["ingress"]["className"],
            "tls": [{"hosts": [host], "secretName": V["ingress"]["tlsSecretName"]}],
            "rules": [
                {
                    "host": host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": name, "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ],
        },
    }
)
docs.append(
    {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "minAvailable": V["web"]["podDisruptionBudget"]["minAvailable"],
            "selector": {"matchLabels": {**sel, "app.kubernetes.io/component": "web"}},
        },
    }
)


def probe(path, **kw):
    return {
        "httpGet": {"path": path, "port": "http", "httpHeaders": [{"name": "Host", "value": host}]},
        **kw,
    }


web_pod = podcommon()
web_pod.update(
    {
        "terminationGracePeriodSeconds": V["web"]["terminationGracePeriodSeconds"],
        "topologySpreadConstraints": [
            {
                "maxSkew": 1,
                "topologyKey": "kubernetes.io/hostname",
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": {**sel, "app.kubernetes.io/component": "web"}},
            }
        ],
        "containers": [
            {
                "name": "web",
                "image": image,
                "imagePullPolicy": V["image"]["pullPolicy"],
                "ports": [{"name": "http", "containerPort": 8000, "protocol": "TCP"}],
                **env(f"{name}-config"),
                "securityContext": V["containerSecurityContext"],
                "resources": V["web"]["resources"],
                "startupProbe": probe("/gezond/leeft", periodSeconds=2, failureThreshold=30),
                "livenessProbe": probe(
                    "/gezond/leeft", periodSeconds=10, timeoutSeconds=3, failureThreshold=3
                ),
                "readinessProbe": probe(
                    "/gezond/klaar", periodSeconds=5, timeoutSeconds=3, failureThreshold=2
                ),
                "lifecycle": {"preStop": {"exec": {"command": ["sleep", "5"]}}},
                "volumeMounts": tmpmount,
            }
        ],
    }
)
docs.append(
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": f"{name}-web",
            "labels": {**labels, "app.kubernetes.io/component": "web"},
        },
        "spec": {
            "replicas": V["web"]["replicas"],
            "revisionHistoryLimit": 5,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1},
            },
            "selector": {"matchLabels": {**sel, "app.kubernetes.io/component": "web"}},
            "template": {
                "metadata": {
                    "labels": {**sel, "app.kubernetes.io/component": "web"},
                    "annotations": {"checksum/config": checksum},
                },
                "spec": web_pod,
            },
        },
    }
)
np = V["networkPolicy"]
docs.append(
    {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "podSelector": {"matchLabels": sel},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {
                    "from": [
                        {
                            "namespaceSelector": {"matchLabels": np["ingressNamespaceLabels"]},
                            "podSelector": {},
                        }
                    ],
                    "ports": [{"port": "http", "protocol": "TCP"}],
                }
            ],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": {},
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}],
                }
            ]
            + [
                {
                    "to": [{"ipBlock": {"cidr": e["cidr"]}}],
                    "ports": [{"port": e["port"], "protocol": "TCP"}],
                }
                for e in np["egress"]
            ],
        },
    }
)
m = V["migrations"]
hook = {"helm.sh/hook": "pre-install,pre-upgrade"}
docs.append(
    {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": f"{name}-migrations-config",
            "labels": {**labels, "app.kubernetes.io/component": "migrations"},
            "annotations": {
                **hook,
                "helm.sh/hook-weight": "-10",
                "helm.sh/hook-delete-policy": "before-hook-creation",
            },
        },
        "data": data,
    }
)
jpod = podcommon()
jpod.update(
    {
        "restartPolicy": "Never",
        "containers": [
            {
                "name": "migrate",
                "image": image,
                "imagePullPolicy": V["image"]["pullPolicy"],
                "command": ["python", "manage.py", "migrate", "--noinput"],
                **env(f"{name}-migrations-config", m["databaseUrlKey"]),
                "securityContext": V["containerSecurityContext"],
                "resources": m["resources"],
                "volumeMounts": tmpmount,
            }
        ],
    }
)
docs.append(
    {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {
            "name": f"{name}-migrations",
            "labels": {**labels, "app.kubernetes.io/component": "migrations"},
            "annotations": {
                **hook,
                "helm.sh/hook-weight": "0",
                "helm.sh/hook-delete-policy": "before-hook-creation",
            },
        },
        "spec": {
            "backoffLimit": m["backoffLimit"],
            "activeDeadlineSeconds": m["activeDeadlineSeconds"],
            "template": {
                "metadata": {"labels": {**sel, "app.kubernetes.io/component": "migrations"}},
                "spec": jpod,
            },
        },
    }
)
S = V["scheduler"]
for jn in sorted(S["jobs"]):
    j = S["jobs"][jn]
    cpod = podcommon()
    cpod.update(
        {
            "restartPolicy": "Never",
            "containers": [
                {
                    "name": jn,
                    "image": image,
                    "imagePullPolicy": V["image"]["pullPolicy"],
                    "command": j["command"],
                    **env(f"{name}-config"),
                    "securityContext": V["containerSecurityContext"],
                    "resources": S["resources"],
                    "volumeMounts": tmpmount,
                }
            ],
        }
    )
    docs.append(
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {
                "name": f"{name}-{jn}",
                "labels": {**labels, "app.kubernetes.io/component": "scheduler"},
            },
            "spec": {
                "schedule": j["schedule"],
                "timeZone": S["timeZone"],
                "concurrencyPolicy": "Forbid",
                "startingDeadlineSeconds": 300,
                "successfulJobsHistoryLimit": 3,
                "failedJobsHistoryLimit": 3,
                "jobTemplate": {
                    "spec": {
                        "backoffLimit": 1,
                        "activeDeadlineSeconds": j["activeDeadlineSeconds"],
                        "template": {
                            "metadata": {
                                "labels": {
                                    **sel,
                                    "app.kubernetes.io/component": "scheduler",
                                    "nieuwestart.example/job": jn,
                                }
                            },
                            "spec": cpod,
                        },
                    }
                },
            },
        }
    )


class D(yaml.SafeDumper):
    def ignore_aliases(self, data):
        return True

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def strlit(d, v):
    return d.represent_scalar(
        "tag:yaml.org,2002:str",
        v,
        style='"' if v in ("1", "587", "2", "4", "0", "-10") or v.isdigit() else None,
    )


D.add_representer(str, strlit)
out = [
    "# What `helm template nieuwestart deploy/helm/nieuwestart` renders with the default values.yaml,",
    "# rendered by deploy/tools/render_example.py, NOT by helm (there is none here; docs/deployment.md).",
    "# tests/deploy/test_helm_chart.py validates it against the Kubernetes schemas and checks that",
    "# it agrees with values.yaml and with the literal lines of the templates. The checksum/config",
    "# annotation is this rendering's own sha256 of the configuration; helm's may differ.",
    "",
]
body = "---\n".join(
    yaml.dump(d, Dumper=D, sort_keys=False, width=100, default_flow_style=False) for d in docs
)
(ROOT / "deploy/helm/examples/default-install.yaml").write_text("\n".join(out) + "---\n" + body)

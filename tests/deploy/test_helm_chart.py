"""The Helm chart (deploy/helm/nieuwestart), validated without helm (there is no helm binary in
the development environment or in CI, and nothing may download one).

What is checked, and how (docs/deployment.md says the same):

- values.yaml against values.schema.json (the schema Helm itself applies on install), and the
  schema refuses what an operator must not do (one replica, a writable root filesystem, a
  secret in the ConfigMap, demo mode);
- yamllint on the plain YAML files (Chart.yaml, values.yaml, the example);
- the templates as text: balanced actions and blocks, every `.Values` path exists in values.yaml,
  every include is defined, and each workload template carries the security context, resources
  and the /tmp volume;
- the ingress carries the ingress-nginx rate-limit annotations from values.yaml, and the schema
  refuses values ingress-nginx would ignore;
- deploy/helm/examples/default-install.yaml, a BY-HAND rendering of the default install,
  against the bundled Kubernetes OpenAPI schemas (kubernetes-validate, strict, offline), its
  facts against values.yaml, and every literal line of the templates must occur in it.

Not checked: that helm renders the templates to exactly that example (no helm here).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "nieuwestart"
TEMPLATES = CHART / "templates"
EXAMPLE = ROOT / "deploy" / "helm" / "examples" / "default-install.yaml"
WORKLOADS = ("deployment.yaml", "migrations-job.yaml", "cronjobs.yaml")


def _values() -> dict[str, Any]:
    return yaml.safe_load((CHART / "values.yaml").read_text())


def _schema() -> dict[str, Any]:
    return json.loads((CHART / "values.schema.json").read_text())


def _example() -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(EXAMPLE.read_text()) if doc]


def _of_kind(kind: str) -> list[dict[str, Any]]:
    return [doc for doc in _example() if doc["kind"] == kind]


def _errors(values: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft7Validator(_schema())
    return [error.message for error in validator.iter_errors(values)]


# --- values and schema ------------------------------------------------------------------------


def test_default_values_match_the_schema() -> None:
    jsonschema.Draft7Validator.check_schema(_schema())
    assert _errors(_values()) == []


def _set(values: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(values)
    *parents, last = path.split(".")
    target = changed
    for key in parents:
        target = target[key]
    target[last] = value
    return changed


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("web.replicas", 1),
        ("containerSecurityContext.readOnlyRootFilesystem", False),
        ("containerSecurityContext.allowPrivilegeEscalation", True),
        ("containerSecurityContext.capabilities", {"drop": ["NET_RAW"]}),
        ("podSecurityContext.runAsNonRoot", False),
        ("config.DJANGO_SECRET_KEY", "geheim"),
        ("config.DATABASE_URL", "postgres://u:p@db/x"),
        ("config.NIEUWESTART_DEMO", "1"),
        ("secrets.keys", {"DJANGO_SECRET_KEY": {"key": "k", "optional": False}}),
        ("web.terminationGracePeriodSeconds", 10),
        ("image.digest", "latest"),
        ("scheduler.jobs.notifications.schedule", "elke tien minuten"),
    ],
)
def test_the_schema_refuses_unsafe_values(path: str, value: Any) -> None:
    assert _errors(_set(_values(), path, value)) != []


RATE_ANNOTATIONS = (
    "nginx.ingress.kubernetes.io/limit-rps",
    "nginx.ingress.kubernetes.io/limit-burst-multiplier",
    "nginx.ingress.kubernetes.io/limit-connections",
)


@pytest.mark.parametrize("annotation", RATE_ANNOTATIONS)
@pytest.mark.parametrize("value", ["0", "veel", "-5", "2.5", 50])
def test_the_schema_refuses_a_rate_limit_ingress_nginx_would_ignore(
    annotation: str, value: Any
) -> None:
    changed = copy.deepcopy(_values())
    changed["ingress"]["annotations"][annotation] = value
    assert _errors(changed) != []


@pytest.mark.parametrize("value", ["true", True])
def test_the_schema_refuses_an_ingress_redirect_of_the_api(value: Any) -> None:
    changed = copy.deepcopy(_values())
    changed["ingress"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"] = value
    assert _errors(changed) != []


def test_plain_yaml_files_pass_yamllint() -> None:
    files = [CHART / "Chart.yaml", CHART / "values.yaml", EXAMPLE]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "yamllint",
            "--strict",
            "-c",
            str(ROOT / "deploy" / "helm" / ".yamllint.yaml"),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_chart_metadata() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    assert chart["apiVersion"] == "v2"
    assert chart["name"] == "nieuwestart"
    assert chart["type"] == "application"
    # CronJob.spec.timeZone is stable from Kubernetes 1.27.
    assert chart["kubeVersion"].startswith(">=1.27")


# --- templates as text ------------------------------------------------------------------------

ACTION = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)


def _template_files() -> list[Path]:
    return sorted(p for p in TEMPLATES.iterdir() if p.suffix in {".yaml", ".tpl", ".txt"})


@pytest.mark.parametrize("path", _template_files(), ids=lambda p: p.name)
def test_template_actions_and_blocks_are_balanced(path: Path) -> None:
    text = path.read_text()
    assert text.count("{{") == text.count("}}")
    opened = closed = 0
    for action in ACTION.findall(text):
        if action.startswith("/*"):
            continue
        word = action.split()[0] if action.split() else ""
        if word in {"if", "range", "with", "define"}:
            opened += 1
        elif word == "end":
            closed += 1
    assert opened == closed


def _paths(data: Any, prefix: str = "") -> set[str]:
    found = {prefix} if prefix else set()
    if isinstance(data, dict):
        for key, value in data.items():
            found |= _paths(value, f"{prefix}.{key}")
    return found


def test_every_values_path_used_in_a_template_exists() -> None:
    known = _paths(_values())
    used = set()
    for path in _template_files():
        used |= {
            m for m in re.findall(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", path.read_text())
        }
    assert used, "no .Values in the templates?"
    assert sorted(used - known) == []


def test_every_include_is_defined() -> None:
    helpers = (TEMPLATES / "_helpers.tpl").read_text()
    defined = set(re.findall(r'define "([^"]+)"', helpers))
    for path in _template_files():
        for name in re.findall(r'include "([^"]+)"', path.read_text()):
            assert name in defined, f"{path.name} includes undefined {name}"


@pytest.mark.parametrize("name", WORKLOADS)
def test_every_workload_template_is_locked_down(name: str) -> None:
    text = (TEMPLATES / name).read_text()
    # The pod-level security context, no service-account token and the /tmp volume.
    assert 'include "nieuwestart.podSpecCommon"' in text
    assert re.search(r"toYaml \$?\.Values\.containerSecurityContext", text)
    assert "resources:" in text
    assert "mountPath: /tmp" in text
    assert 'include "nieuwestart.env"' in text
    helpers = (TEMPLATES / "_helpers.tpl").read_text()
    common = helpers.split('define "nieuwestart.podSpecCommon"')[1]
    assert "automountServiceAccountToken: false" in common
    assert "toYaml .Values.podSecurityContext" in common


def test_the_web_deployment_probes_the_health_endpoints() -> None:
    text = (TEMPLATES / "deployment.yaml").read_text()
    assert re.search(r"livenessProbe:\s+httpGet:\s+path: /gezond/leeft", text)
    assert re.search(r"readinessProbe:\s+httpGet:\s+path: /gezond/klaar", text)
    assert "replicas: {{ .Values.web.replicas }}" in text


def test_the_scheduler_never_overlaps_itself_and_migrations_are_a_hook() -> None:
    cron = (TEMPLATES / "cronjobs.yaml").read_text()
    assert "concurrencyPolicy: Forbid" in cron
    job = (TEMPLATES / "migrations-job.yaml").read_text()
    assert job.count("helm.sh/hook: pre-install,pre-upgrade") == 2  # the Job and its ConfigMap
    assert '"manage.py", "migrate", "--noinput"' in job


# --- the example rendering --------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.27.0", kubernetes_validate.utils.latest_version()])
def test_the_example_is_valid_kubernetes(version: str) -> None:
    for doc in _example():
        kubernetes_validate.validate(doc, version, strict=True)


def test_the_example_has_every_resource_of_a_default_install() -> None:
    kinds = sorted(f"{doc['kind']}/{doc['metadata']['name']}" for doc in _example())
    jobs = sorted(_values()["scheduler"]["jobs"])
    assert kinds == sorted(
        [
            "ConfigMap/nieuwestart-config",
            "ConfigMap/nieuwestart-migrations-config",
            "Deployment/nieuwestart-web",
            "Ingress/nieuwestart",
            "Job/nieuwestart-migrations",
            "NetworkPolicy/nieuwestart",
            "PodDisruptionBudget/nieuwestart",
            "Service/nieuwestart",
        ]
        + [f"CronJob/nieuwestart-{job}" for job in jobs]
    )


def _pod_specs() -> list[dict[str, Any]]:
    specs = []
    for doc in _example():
        if doc["kind"] in {"Deployment", "Job"}:
            specs.append(doc["spec"]["template"]["spec"])
        elif doc["kind"] == "CronJob":
            specs.append(doc["spec"]["jobTemplate"]["spec"]["template"]["spec"])
    return specs


def test_every_pod_runs_unprivileged_with_a_read_only_root() -> None:
    specs = _pod_specs()
    assert len(specs) == 2 + len(_values()["scheduler"]["jobs"])
    for spec in specs:
        pod = spec["securityContext"]
        assert pod["runAsNonRoot"] is True
        assert pod["runAsUser"] == 10001  # the Dockerfile's USER
        assert pod["seccompProfile"]["type"] == "RuntimeDefault"
        assert spec["automountServiceAccountToken"] is False
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["privileged"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            assert "add" not in security["capabilities"]
            assert container["resources"]["requests"] and container["resources"]["limits"]
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]  # noqa: S108
            secrets = {
                e["name"]: e["valueFrom"]["secretKeyRef"]["name"]
                for e in container["env"]
                if "valueFrom" in e
            }
            assert set(secrets) == {
                "DJANGO_SECRET_KEY",
                "DATABASE_URL",
                "OIDC_RP_CLIENT_SECRET",
                "DJANGO_EMAIL_PASSWORD",
            }
            assert set(secrets.values()) == {"nieuwestart"}
            assert all("value" not in e for e in container["env"])


def test_the_web_tier_is_replicated_and_probed() -> None:
    [deployment] = _of_kind("Deployment")
    spec = deployment["spec"]
    assert spec["replicas"] == _values()["web"]["replicas"] >= 2
    assert spec["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    [container] = spec["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/gezond/leeft"
    assert container["readinessProbe"]["httpGet"]["path"] == "/gezond/klaar"
    assert container["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    [pdb] = _of_kind("PodDisruptionBudget")
    # Half the pods stay while nodes are drained; fewer than all, or a drain never ends.
    assert 1 <= pdb["spec"]["minAvailable"] < spec["replicas"]
    assert pdb["spec"]["minAvailable"] == _values()["web"]["podDisruptionBudget"]["minAvailable"]
    assert pdb["spec"]["selector"]["matchLabels"] == spec["selector"]["matchLabels"]
    [service] = _of_kind("Service")
    assert service["spec"]["selector"] == spec["selector"]["matchLabels"]
    [ingress] = _of_kind("Ingress")
    assert ingress["spec"]["tls"][0]["hosts"] == [_values()["host"]]


def test_the_ingress_limits_requests_per_client_address() -> None:
    """Flood protection at the ingress (ASVS 2.4.1), next to the application's own limits."""
    [ingress] = _of_kind("Ingress")
    annotations = ingress["metadata"]["annotations"]
    configured = _values()["ingress"]["annotations"]
    for name in RATE_ANNOTATIONS:
        assert annotations[name] == configured[name]
        assert int(annotations[name]) > 0
    # Generous enough for hundreds of people behind one NAT address loading pages and assets.
    assert int(annotations["nginx.ingress.kubernetes.io/limit-rps"]) >= 20
    assert annotations["nginx.ingress.kubernetes.io/proxy-body-size"] == "20m"


def test_plain_http_reaches_the_app_which_redirects_pages_and_refuses_the_api() -> None:
    """ASVS 4.1.2: the ingress must not redirect /api/ (tests/security/test_transport.py covers
    what the application then does with the scheme the ingress reports)."""
    [ingress] = _of_kind("Ingress")
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"] == "false"
    [config] = [c for c in _of_kind("ConfigMap") if c["metadata"]["name"] == "nieuwestart-config"]
    assert config["data"]["DJANGO_BEHIND_PROXY"] == "1"  # the app reads X-Forwarded-Proto
    assert "DJANGO_SECURE_SSL_REDIRECT" not in config["data"]  # production's default: on


def test_the_scheduler_jobs_match_the_values_and_forbid_overlap() -> None:
    jobs = _values()["scheduler"]["jobs"]
    crons = {doc["metadata"]["name"]: doc for doc in _of_kind("CronJob")}
    commands = set()
    for name, job in jobs.items():
        cron = crons[f"nieuwestart-{name}"]
        assert cron["spec"]["schedule"] == job["schedule"]
        assert cron["spec"]["concurrencyPolicy"] == "Forbid"
        [container] = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
        assert container["command"] == job["command"]
        commands.add(container["command"][2])
    assert commands == {
        "process_notifications",
        "deadlines_index",
        "indicators_refresh",
        "retention_run",
    }
    assert crons["nieuwestart-notifications"]["spec"]["schedule"] == "*/10 * * * *"


def test_the_migrations_job_runs_before_install_and_upgrade() -> None:
    [job] = _of_kind("Job")
    annotations = job["metadata"]["annotations"]
    assert annotations["helm.sh/hook"] == "pre-install,pre-upgrade"
    [config] = [
        c for c in _of_kind("ConfigMap") if c["metadata"]["name"].endswith("-migrations-config")
    ]
    assert int(config["metadata"]["annotations"]["helm.sh/hook-weight"]) < int(
        annotations["helm.sh/hook-weight"]
    )
    [container] = job["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert container["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]


def test_the_network_policy_admits_only_the_ingress_controller() -> None:
    [policy] = _of_kind("NetworkPolicy")
    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    [rule] = policy["spec"]["ingress"]
    assert (
        rule["from"][0]["namespaceSelector"]["matchLabels"]
        == (_values()["networkPolicy"]["ingressNamespaceLabels"])
    )
    egress_ports = {port["port"] for rule in policy["spec"]["egress"] for port in rule["ports"]}
    assert {53, 5432} <= egress_ports


def test_the_config_map_holds_no_secret_and_production_switches() -> None:
    [config] = [c for c in _of_kind("ConfigMap") if c["metadata"]["name"] == "nieuwestart-config"]
    data = config["data"]
    assert data["DJANGO_ALLOWED_HOSTS"] == _values()["host"]
    assert data["NIEUWESTART_LOG_FORMAT"] == "json"
    assert data["DJANGO_BEHIND_PROXY"] == "1"
    for forbidden in ("SECRET", "PASSWORD", "DATABASE_URL", "NIEUWESTART_DEMO", "DJANGO_DEBUG"):
        assert not [key for key in data if forbidden in key]


def _pairs(data: Any, out: set[tuple[str, str]], scalars: set[str]) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            out.add((str(key), json.dumps(value, sort_keys=True)))
            out.add((str(key), "*"))
            _pairs(value, out, scalars)
    elif isinstance(data, list):
        for item in data:
            if not isinstance(item, dict | list):
                scalars.add(json.dumps(item))
            _pairs(item, out, scalars)


def _default_is_truthy(word: str, condition: str) -> bool:
    if word == "range":
        return True
    match = re.fullmatch(r"(not )?\$?\.Values((?:\.\w+)+)", condition)
    if not match:
        return True
    value: Any = _values()
    for key in match.group(2).strip(".").split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return bool(value) != bool(match.group(1))


def test_every_literal_template_line_occurs_in_the_example() -> None:
    """A drift detector: a line of a template without template actions must be in the rendering."""
    pairs: set[tuple[str, str]] = set()
    scalars: set[str] = set()
    for doc in _example():
        _pairs(doc, pairs, scalars)
    missing = []
    for path in _template_files():
        if path.suffix != ".yaml":
            continue
        # Blocks switched off by the default values (`if`/`with` on a false or empty value)
        # render nothing; their lines are skipped.
        active = [True]
        for raw in path.read_text().splitlines():
            line = raw.strip()
            block = re.match(r"\{\{-?\s*(if|with|range|end|else)\b\s*(.*?)\s*-?\}\}$", line)
            if block:
                word, condition = block.groups()
                if word == "end":
                    active.pop()
                elif word == "else":
                    active[-1] = not active[-1] and all(active[:-1])
                else:
                    active.append(all(active) and _default_is_truthy(word, condition))
                continue
            if not all(active):
                continue
            if not line or line.startswith("#") or "{{" in line or line == "---":
                continue
            item = line[2:] if line.startswith("- ") else line
            parsed = yaml.safe_load(item)
            if isinstance(parsed, dict):
                [(key, value)] = parsed.items()
                wanted = (str(key), "*" if value is None else json.dumps(value, sort_keys=True))
                if wanted not in pairs:
                    missing.append(f"{path.name}: {line}")
            elif json.dumps(parsed) not in scalars:
                missing.append(f"{path.name}: {line}")
    assert missing == []

"""deploy/ runs the same processes with the same settings as the supervisor and the tests.

No container engine or cluster here: these checks read the descriptions. Every variable
given to the gateway is one it reads; Rasa gets every variable its Redis endpoints file
needs; the commands are the supervisor's; only the gateway is reachable from outside;
Redis keeps nothing on disk; secrets come from the environment or a Secret.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import sys
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from api.main import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
SECRETS = {"PSEUDONYM_KEY", "TWILIO_AUTH_TOKEN", "ADMIN_TOKEN", "GATEWAY_CHANNEL_TOKEN"}
GATEWAY_VARIABLES = {name.upper() for name in Settings.model_fields}


def load_supervisor():
    if "supervise" not in sys.modules:  # scripts/ is not a package
        path = ROOT / "scripts" / "supervise.py"
        spec = importlib.util.spec_from_file_location("supervise", path)
        sys.modules["supervise"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["supervise"])
    return sys.modules["supervise"]


def supervised_commands(monkeypatch) -> dict[str, tuple[list[str], dict[str, str]]]:
    """What the supervisor starts for two replicas with Redis (as test_scale_out.py does)."""
    supervise = load_supervisor()
    for name in list(os.environ):
        if name in GATEWAY_VARIABLES or name.startswith(("REDIS_", "RASA_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("RASA_REPLICAS", "2")
    monkeypatch.setenv("GATEWAY_CHANNEL_TOKEN", "a shared token, as the deployments set")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    return supervise.commands()


def endpoint_variables() -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", (ROOT / "bot" / "endpoints.redis.yml").read_text()))


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict]:
    """Every Kubernetes object in deploy/k8s by (kind, name)."""
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    objects = {}
    for resource in kustomization["resources"]:
        for document in yaml.safe_load_all((DEPLOY / "k8s" / resource).read_text()):
            objects[(document["kind"], document["metadata"]["name"])] = document
    listed = {p.name for p in (DEPLOY / "k8s").glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == set(kustomization["resources"]), "every manifest is in the kustomization"
    return objects


def container(k8s: dict, kind: str, name: str) -> dict:
    (only,) = k8s[(kind, name)]["spec"]["template"]["spec"]["containers"]
    return only


def k8s_environment(k8s: dict, spec: dict) -> dict[str, object]:
    """A container's variables: its config maps' values, then its own entries."""
    found: dict[str, object] = {}
    for source in spec.get("envFrom", []):
        found.update(k8s[("ConfigMap", source["configMapRef"]["name"])]["data"])
    for entry in spec.get("env", []):
        found[entry["name"]] = entry.get("value", entry.get("valueFrom"))
    return found


def options(argv: list[str]) -> dict[str, str]:
    return {flag: value for flag, value in zip(argv, argv[1:], strict=False) if flag[:2] == "--"}


# Compose ------------------------------------------------------------------------------


def test_compose_gateway_variables_are_settings_the_gateway_reads(compose):
    environment = compose["services"]["gateway"]["environment"]
    assert set(environment) <= GATEWAY_VARIABLES, set(environment) - GATEWAY_VARIABLES
    assert environment["RASA_URL"] == "http://rasa-1:5005,http://rasa-2:5005"
    assert environment["ACTIONS_URL"] == "http://actions-1:5055,http://actions-2:5055"
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["DATABASE_URL"].startswith("postgresql://")


def test_compose_has_two_rasa_replicas_each_with_its_own_action_server(compose):
    services = compose["services"]
    for i in (1, 2):
        rasa = services[f"rasa-{i}"]
        assert set(rasa["environment"]) >= endpoint_variables() | {"ACTIONS_URL"}
        assert rasa["environment"]["ACTIONS_URL"] == f"http://actions-{i}:5055"
        assert rasa["environment"]["RASA_TELEMETRY_ENABLED"] == "false"
        assert f"actions-{i}" in services
        assert services[f"actions-{i}"]["environment"]["DIRECTORY_URL"] == "http://gateway:8001"


def test_only_the_gateway_is_published(compose):
    published = {name for name, service in compose["services"].items() if "ports" in service}
    assert published == {"gateway"}
    assert compose["networks"]["backend"]["internal"] is True
    for name, service in compose["services"].items():
        if name != "gateway":
            assert service["networks"] == ["backend"], name


def test_compose_secrets_come_from_the_environment(compose):
    environment = compose["services"]["gateway"]["environment"]
    for name in SECRETS:
        assert environment[name].startswith("${" + name), name
    assert "${POSTGRES_PASSWORD" in environment["DATABASE_URL"]


def test_compose_redis_keeps_nothing_on_disk(compose):
    redis = compose["services"]["redis"]
    assert_no_persistence(redis["command"])
    assert "volumes" not in redis


# Kubernetes ---------------------------------------------------------------------------


def test_k8s_gateway_variables_are_settings_the_gateway_reads(k8s):
    environment = k8s_environment(k8s, container(k8s, "Deployment", "gateway"))
    assert set(environment) <= GATEWAY_VARIABLES, set(environment) - GATEWAY_VARIABLES
    replicas = k8s[("StatefulSet", "rasa")]["spec"]["replicas"]
    service = k8s[("StatefulSet", "rasa")]["spec"]["serviceName"]
    assert environment["RASA_URL"] == ",".join(
        f"http://rasa-{i}.{service}:5005" for i in range(replicas)
    )
    assert k8s[("Service", service)]["spec"]["clusterIP"] == "None"  # a DNS name per pod


def test_k8s_secrets_come_from_the_secret(k8s):
    for kind, name in (("Deployment", "gateway"), ("StatefulSet", "rasa")):
        spec = container(k8s, kind, name)
        for entry in spec.get("env", []):
            if entry["name"] in SECRETS | {"DATABASE_URL"}:
                assert entry["valueFrom"]["secretKeyRef"]["name"] == "vawg-secrets"
    for (kind, _), document in k8s.items():
        if kind == "ConfigMap":
            assert not set(document["data"]) & (SECRETS | {"DATABASE_URL"})
    assert not any(kind == "Secret" for kind, _ in k8s), "no secret values in files"


def test_k8s_rasa_gets_every_variable_its_endpoints_need(k8s):
    environment = k8s_environment(k8s, container(k8s, "StatefulSet", "rasa"))
    assert set(environment) >= endpoint_variables() | {"ACTIONS_URL", "GATEWAY_CHANNEL_TOKEN"}
    assert environment["RASA_TELEMETRY_ENABLED"] == "false"
    actions = k8s_environment(k8s, container(k8s, "Deployment", "actions"))
    assert actions["DIRECTORY_URL"] == "http://gateway-internal:8001"


def test_k8s_probes(k8s):
    rasa = container(k8s, "StatefulSet", "rasa")
    assert rasa["readinessProbe"]["httpGet"]["path"] == "/webhooks/gateway/"
    assert container(k8s, "Deployment", "actions")["readinessProbe"]["httpGet"]["path"] == (
        "/health"
    )
    # the gateway is ready when it answers: its probe path is a page it serves by itself
    path = container(k8s, "Deployment", "gateway")["readinessProbe"]["httpGet"]["path"]
    app = create_app(Settings(_env_file=None), sessionmaker(create_engine("sqlite://")))
    with TestClient(app) as client:
        assert client.get(path).status_code == 200


def test_k8s_network_policy_keeps_rasa_actions_and_redis_private(k8s):
    policies = {name: doc["spec"] for (kind, name), doc in k8s.items() if kind == "NetworkPolicy"}
    deny = policies["default-deny"]
    assert deny["podSelector"] == {} and "ingress" not in deny
    for name in ("rasa", "actions", "redis"):
        rules = policies[name]["ingress"]
        assert rules and all(rule.get("from") for rule in rules), name  # never from anyone
        for rule in rules:
            assert all(set(peer) == {"podSelector"} for peer in rule["from"]), name
    for name in ("rasa", "actions"):
        assert "Egress" in policies[name]["policyTypes"]


def test_k8s_redis_keeps_nothing_on_disk(k8s):
    redis = k8s[("Deployment", "redis")]["spec"]["template"]["spec"]
    assert "volumes" not in redis
    assert_no_persistence(redis["containers"][0]["args"])


# The same processes as the supervisor -------------------------------------------------


def test_the_processes_are_the_supervisors(monkeypatch, compose, k8s):
    planned = supervised_commands(monkeypatch)
    assert set(planned) == {"gateway", "rasa-1", "rasa-2", "actions-1", "actions-2"}
    rasa = options(planned["rasa-1"][0])
    # what may differ: where the model file is, and the address and port to listen on
    same = {k: v for k, v in rasa.items() if k not in ("--model", "--interface", "--port")}
    described = {
        "compose": compose["x-rasa"].get("command") or dockerfile_command("Dockerfile.rasa"),
        "k8s": container(k8s, "StatefulSet", "rasa")["command"],
    }
    for where, argv in described.items():
        assert argv[:2] == ["rasa", "run"], where
        assert {k: v for k, v in options(argv).items() if k in same} == same, where
        assert Path(options(argv)["--model"]).name == Path(rasa["--model"]).name, where
    actions = planned["actions-1"][0][1:-1]  # `-m rasa_sdk --actions actions --port`
    for argv in (
        compose["x-actions"]["command"],
        container(k8s, "Deployment", "actions")["command"],
    ):
        assert argv[1:-1] == actions
    gateway = planned["gateway"][0][1:]
    assert dockerfile_command("Dockerfile.gateway")[1:] == gateway
    assert container(k8s, "Deployment", "gateway")["command"][1:] == gateway


def test_supervised_rasa_gets_the_same_variables(monkeypatch, compose, k8s):
    planned = supervised_commands(monkeypatch)
    described = {
        "k8s": k8s_environment(k8s, container(k8s, "StatefulSet", "rasa")),
        **{f"compose rasa-{i}": compose["services"][f"rasa-{i}"]["environment"] for i in (1, 2)},
    }
    for i in (1, 2):
        argv, env = planned[f"rasa-{i}"]
        assert options(argv)["--endpoints"] == "bot/endpoints.redis.yml"
        assert env["ACTIONS_URL"].endswith(f":{options(planned[f'actions-{i}'][0])['--port']}")
        for where, variables in described.items():
            assert set(variables) <= set(env), (where, set(variables) - set(env))
            for name in (
                "RASA_TELEMETRY_ENABLED",
                "CONVERSATION_TTL_SECONDS",
                "TICKET_LOCK_LIFETIME",
            ):
                assert variables[name] == env[name], (where, name)


# Images -------------------------------------------------------------------------------


def dockerfile_command(name: str) -> list[str]:
    text = (DEPLOY / name).read_text()
    return yaml.safe_load(re.findall(r"^CMD (\[.*\])$", text, re.M)[-1])


@pytest.mark.parametrize(
    ("name", "python", "needed"),
    [
        (
            "Dockerfile.rasa",
            "3.10",
            ["requirements/rasa-constraints.txt", "build_spacy_pipeline.py", "rasa train"],
        ),
        ("Dockerfile.gateway", "3.11", ["requirements/api-constraints.txt"]),
    ],
)
def test_images_install_with_the_constraints_and_copy_what_exists(name, python, needed):
    text = (DEPLOY / name).read_text()
    assert re.search(rf"^FROM python:{re.escape(python)}\b", text, re.M)
    for fragment in needed:
        assert fragment in text
    assert re.search(r"^USER \d+", text, re.M), "not root"
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        *sources, _ = shlex.split(line)
        for source in sources:
            assert (ROOT / source).exists(), source
        ignore = (DEPLOY / f"{name}.dockerignore").read_text().splitlines()
        for source in sources:  # the build context sends it (or a folder it is in)
            parts = Path(source).parts
            assert any(f"!{Path(*parts[:n])}" in ignore for n in range(1, len(parts) + 1))


def assert_no_persistence(command: list[str]) -> None:
    assert command[command.index("--save") + 1] == ""
    assert command[command.index("--appendonly") + 1] == "no"

"""The Dockerfile, checked without a container engine (there is none here; it was not built).

What an operator relies on: the running image is not root, holds no secret, installs exactly the
locked and hashed dependencies, has the native libraries WeasyPrint loads, and starts gunicorn
with the project's configuration. Each check reads the Dockerfile as Docker would: continuation
lines joined, comments dropped, stages split at FROM.
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]


def _instructions(text: str) -> list[tuple[str, str]]:
    logical: list[str] = []
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not current and (not line or line.startswith("#")):
            continue
        if current and line.startswith("#"):
            continue  # comment lines inside a continued instruction are dropped by Docker too
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    result = []
    for line in logical:
        keyword, _, args = " ".join(line.split()).partition(" ")
        result.append((keyword.upper(), args))
    return result


def _parse() -> tuple[dict[str, str], list[Stage]]:
    args: dict[str, str] = {}
    stages: list[Stage] = []
    for keyword, rest in _instructions(DOCKERFILE.read_text()):
        if keyword == "ARG" and not stages:
            name, _, default = rest.partition("=")
            args[name] = default
        elif keyword == "FROM":
            parts = rest.split()
            base = re.sub(r"\$\{(\w+)\}", lambda m: args[m.group(1)], parts[0])
            name = parts[2] if len(parts) == 3 and parts[1].upper() == "AS" else None
            stages.append(Stage(base=base, name=name))
        else:
            assert stages, f"{keyword} before the first FROM"
            stages[-1].instructions.append((keyword, rest))
    return args, stages


def _env_names(stage: Stage) -> list[str]:
    names = []
    for args in stage.all("ENV"):
        names += re.findall(r"(?:^|\s)([A-Za-z_][A-Za-z0-9_]*)=", args)
    return names


def test_it_is_multi_stage_on_python_312_slim_bookworm() -> None:
    _, stages = _parse()
    assert len(stages) >= 2
    assert all(stage.base == "python:3.12-slim-bookworm" for stage in stages)
    assert stages[-1].name == "runtime"


def test_the_running_image_is_a_numeric_non_root_user() -> None:
    _, stages = _parse()
    users = stages[-1].all("USER")
    assert users, "the final stage sets no USER: the container would run as root"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) >= 10000
    assert not gid or (gid.isdigit() and int(gid) > 0)
    # Kubernetes' runAsNonRoot can only verify a numeric user (deploy/helm sets runAsUser too).
    assert "useradd --system --uid " + uid in " ".join(stages[-1].all("RUN"))


def test_no_secret_is_baked_into_the_image() -> None:
    _, stages = _parse()
    secretish = re.compile(r"SECRET|PASSWORD|PASSWD|TOKEN|API_KEY|PRIVATE", re.IGNORECASE)
    for stage in stages:
        assert [name for name in _env_names(stage) if secretish.search(name)] == []
        assert [arg for arg in stage.all("ARG") if secretish.search(arg)] == []
    # The build-only key exists inside the build stage's RUN only, not in the runtime stage.
    assert "DJANGO_SECRET_KEY=build-only" in " ".join(stages[0].all("RUN"))
    assert "DJANGO_SECRET_KEY" not in " ".join(a for _, a in stages[-1].instructions)


def test_dependencies_come_from_the_lock_with_hashes_only() -> None:
    _, stages = _parse()
    installs = [
        run for stage in stages for run in stage.all("RUN") if re.search(r"\bpip install\b", run)
    ]
    assert installs, "no pip install"
    for run in installs:
        assert "--require-hashes" in run
        assert re.search(r"-r \S*requirements/base\.txt", run)
    lock = (ROOT / "requirements" / "base.txt").read_text()
    for package in ("gunicorn", "whitenoise", "psycopg-binary", "weasyprint"):
        assert re.search(rf"^{package}==\S+ \\\n\s+--hash=sha256:", lock, re.MULTILINE), package


def test_translations_and_static_files_are_built_into_the_image() -> None:
    _, stages = _parse()
    build = " ".join(stages[0].all("RUN"))
    assert "gettext" in build
    assert "manage.py compilemessages" in build
    assert "manage.py collectstatic --noinput" in build
    assert "NIEUWESTART_MANIFEST_STATIC=1" in build
    assert "COPY --from=build /app /app" in [f"COPY {a}" for a in stages[-1].all("COPY")]


def _ignored(path: str, patterns: list[str]) -> bool:
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").rstrip("/")
        candidates = [pattern, pattern.replace("**/", "")]
        parts = Path(path).parts
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if any(fnmatch.fnmatch(prefix, c) for c in candidates for prefix in prefixes):
            ignored = not negate
    return ignored


def test_every_copied_source_exists_and_is_in_the_build_context() -> None:
    _, stages = _parse()
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copied = []
    for stage in stages:
        for args in stage.all("COPY"):
            words = shlex.split(args)
            if any(word.startswith("--from=") for word in words):
                continue
            sources = [w for w in words if not w.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), f"COPY {source}: not in the repository"
                assert not _ignored(source, patterns), f"COPY {source}: excluded by .dockerignore"
                copied.append(source)
    assert {"requirements/base.txt", "manage.py", "nieuwestart", "deploy/gunicorn.conf.py"} <= set(
        copied
    )
    for junk in (".git", ".venv", "db.sqlite3", "staticfiles", "nieuwestart/core/__pycache__"):
        assert _ignored(junk, patterns), f"{junk} would be sent to the build"


def test_it_starts_gunicorn_with_the_project_config_on_port_8000() -> None:
    _, stages = _parse()
    final = stages[-1]
    assert final.all("EXPOSE") == ["8000"]
    [cmd] = final.all("CMD")
    argv = json.loads(cmd)  # exec form: gunicorn is PID 1 and receives SIGTERM itself
    assert argv == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "nieuwestart.wsgi"]
    assert (ROOT / argv[2]).is_file()
    assert (ROOT / "nieuwestart" / "wsgi.py").is_file()
    assert final.all("WORKDIR")[-1] == "/app"


def test_writable_paths_point_at_tmp_for_a_read_only_root() -> None:
    _, stages = _parse()
    env = " ".join(stages[-1].all("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in env
    assert "HOME=/tmp" in env
    assert "XDG_CACHE_HOME=/tmp/" in env


def _runtime_apt_packages() -> list[str]:
    _, stages = _parse()
    run = " ".join(stages[-1].all("RUN"))
    match = re.search(r"apt-get install -y --no-install-recommends ((?:[a-z0-9.+-]+ )+)", run)
    assert match, "the runtime stage installs no Debian packages"
    return match.group(1).split()


@pytest.mark.skipif(
    not (shutil.which("dpkg") and shutil.which("apt-cache")), reason="needs Debian's dpkg"
)
def test_the_runtime_packages_provide_every_library_weasyprint_loads() -> None:
    """On this Debian 12 machine (the base image's release): load WeasyPrint, see which shared
    libraries it opened, and check that the Dockerfile's runtime packages pull them in."""
    import weasyprint  # noqa: F401 (opens Pango, HarfBuzz, fontconfig through cffi)

    wanted = ("libgobject-2.0", "libpango-1.0", "libpangoft2-1.0", "libharfbuzz", "libfontconfig")
    loaded = set()
    for line in Path("/proc/self/maps").read_text().splitlines():
        path = line.split()[-1]
        if path.startswith("/") and Path(path).name.startswith(wanted):
            loaded.add(path)
    assert len(loaded) >= len(wanted)
    owners = set()
    for path in loaded:
        found = subprocess.run(
            ["dpkg", "-S", path, path.replace("/usr/lib/", "/lib/", 1)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        assert found, f"no Debian package owns {path}"
        owners.add(found.split(":")[0])
    closure = subprocess.run(
        [
            "apt-cache",
            "depends",
            "--recurse",
            "--no-recommends",
            "--no-suggests",
            "--no-conflicts",
            "--no-breaks",
            "--no-replaces",
            "--no-enhances",
            *_runtime_apt_packages(),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    provided = {line.strip() for line in closure.splitlines() if not line.startswith(" ")}
    missing = owners - provided
    assert missing == set(), f"packages of libraries WeasyPrint loads, not in the image: {missing}"

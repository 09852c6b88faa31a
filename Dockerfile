# syntax=docker/dockerfile:1
# Nieuwe Start: the web application image (gunicorn + WhiteNoise), also used by the migrations
# job and the scheduler CronJobs of deploy/helm/nieuwestart.
#
#   docker build -t nieuwestart:dev .
#   docker run --rm -p 8000:8000 --read-only --tmpfs /tmp \
#       -e DJANGO_SECRET_KEY=... -e DATABASE_URL=postgres://... nieuwestart:dev
#
# NOTE: this file has not been built in the development environment (no container engine
# there); tests/deploy/test_dockerfile.py checks its structure. See docs/deployment.md.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- build: dependencies, compiled translations, collected static files ----------------------
FROM ${PYTHON_IMAGE} AS build

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

# gettext's msgfmt for compilemessages; only in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# The locked dependencies only, every file checked against its hash.
COPY requirements/base.txt /tmp/requirements/base.txt
RUN pip install --require-hashes --no-deps -r /tmp/requirements/base.txt

WORKDIR /app
COPY manage.py ./
COPY nieuwestart ./nieuwestart
COPY deploy/gunicorn.conf.py ./deploy/gunicorn.conf.py

# Build-time only: a throwaway secret and an in-memory database, given to these commands alone
# (never an ENV of the image). The manifest storage writes hashed, compressed files.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-$(date +%s%N) \
    DATABASE_URL=sqlite://:memory: \
    NIEUWESTART_MANIFEST_STATIC=1 \
    python manage.py compilemessages --ignore=.venv \
    && DJANGO_SECRET_KEY=build-only-not-a-secret-$(date +%s%N) \
    DATABASE_URL=sqlite://:memory: \
    NIEUWESTART_MANIFEST_STATIC=1 \
    python manage.py collectstatic --noinput \
    && python -m compileall -q /app/nieuwestart /opt/venv/lib

# --- runtime ----------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime

# WeasyPrint's native libraries (Pango, HarfBuzz, fontconfig) for the PDFs; the fonts
# themselves are vendored in nieuwestart/static/vendor/fonts. psycopg-binary brings libpq.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fonts-dejavu-core \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 nieuwestart \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /tmp \
        --shell /usr/sbin/nologin nieuwestart

# Code and virtualenv are owned by root and only readable by the app user: the root filesystem
# can be mounted read-only. Only /tmp must be writable (an emptyDir in Kubernetes).
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=nieuwestart.settings \
    HOME=/tmp \
    XDG_CACHE_HOME=/tmp/.cache \
    PORT=8000

WORKDIR /app
USER 10001:10001
EXPOSE 8000

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "nieuwestart.wsgi"]

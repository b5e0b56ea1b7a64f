# syntax=docker/dockerfile:1
# keylint in a container: `docker build -t keylint .` then
#   docker run --rm -v "$PWD:/src" keylint scan .
#   docker run --rm -v "$PWD:/src" keylint scan --commits origin/main..HEAD
# Two stages: wheels are built in the first, only the installed package reaches the image.
# Pin the base by digest for reproducible builds (`FROM python:3.12-slim-bookworm@sha256:...`).

FROM python:3.12-slim-bookworm AS build
WORKDIR /build
COPY pyproject.toml README.md ./
COPY keylint ./keylint
RUN python -m pip wheel --no-cache-dir --disable-pip-version-check --wheel-dir /wheels .

FROM python:3.12-slim-bookworm
# git: `scan --history`, `--commits` and `--staged` read the repository through it. The
# mounted work tree belongs to another user than the container's: git must not refuse it.
# Debian's git is not pinned (DL3008): the point release is security-patched in place.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && git config --system --add safe.directory '*'
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    python -m pip install --no-cache-dir --disable-pip-version-check --no-index \
        --find-links /wheels /wheels/keylint-*.whl
RUN useradd --create-home --uid 10001 --user-group keylint
USER 10001:10001
WORKDIR /src
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
ENTRYPOINT ["keylint"]
CMD ["scan", "."]

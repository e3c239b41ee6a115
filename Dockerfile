# syntax=docker/dockerfile:1
# Mosaic Life: one image holding mosaic-api (the server, with the web app)
# and mosaic-admin (the admin CLI, used by the chart's migration job).
#
#   docker build -t mosaic-life .
#   docker run -p 8080:8080 -v mosaic-data:/data mosaic-life
#
# Stages: the web app built with Node; the Rust binaries built with
# cargo-chef so that dependencies are a cached layer of their own; a slim
# runtime running as an unprivileged user, writing only to /data.

ARG RUST_VERSION=1.95
ARG NODE_VERSION=20
ARG DEBIAN_RELEASE=bookworm

# --- the web app -----------------------------------------------------------
FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS web
WORKDIR /src/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY bin/api/openapi.json /src/bin/api/openapi.json
COPY web/ ./
RUN npm run build

# --- Rust: a recipe of the dependencies ---------------------------------------
FROM rust:${RUST_VERSION}-slim-${DEBIAN_RELEASE} AS chef
RUN cargo install cargo-chef --version 0.1.78 --locked
WORKDIR /src

FROM chef AS planner
COPY . .
RUN cargo chef prepare --recipe-path recipe.json

# --- Rust: dependencies (cached while Cargo.lock is unchanged), then ours ----
FROM chef AS build
COPY --from=planner /src/recipe.json recipe.json
RUN cargo chef cook --release --locked --recipe-path recipe.json -p mosaic-api -p mosaic-admin
COPY . .
RUN cargo build --release --locked -p mosaic-api -p mosaic-admin \
    && install -D -m 0755 target/release/mosaic-api target/release/mosaic-admin /out/

# --- runtime -------------------------------------------------------------------
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# CA certificates for Postgres/S3/OIDC over TLS; nothing else.
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates=20230311* \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 mosaic \
    && useradd --system --uid 10001 --gid mosaic --home-dir /data --shell /usr/sbin/nologin mosaic \
    && install -d -o mosaic -g mosaic -m 0750 /data
COPY --from=build /out/mosaic-api /out/mosaic-admin /usr/local/bin/
COPY --from=web /src/web/dist /srv/web
ENV MOSAIC_BIND=0.0.0.0:8080 \
    MOSAIC_DATA_DIR=/data \
    MOSAIC_WEB_DIR=/srv/web \
    MOSAIC_LOG_FORMAT=json
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
# /ready, without curl: bash's /dev/tcp speaks enough HTTP/1.0.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["/usr/local/bin/mosaic-api"]

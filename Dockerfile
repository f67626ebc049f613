# syntax=docker/dockerfile:1
# The mesh image: `mesh serve` as a non-root user on a minimal base.
#   docker build -t mesh:0.1.0 .
# The build stage uses the toolchain the workspace pins (rust-version 1.95); the result is one
# static-ish binary (glibc, no other shared libraries) on distroless' cc image, which has glibc,
# CA certificates and a `nonroot` user (65532), and no shell.

FROM docker.io/library/rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY crates crates
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p mesh-cli \
 && install -D -m 0755 target/release/mesh /out/mesh

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /out/mesh /usr/local/bin/mesh
USER 65532:65532
EXPOSE 6750
# `mesh serve` with its listener on every address of the pod; the Deployment's args replace the
# command's arguments (deploy/base/deployment.yaml).
ENTRYPOINT ["/usr/local/bin/mesh"]
CMD ["serve", "--listen=0.0.0.0:6750"]

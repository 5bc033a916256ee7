# plateau (the binary of the plateau-bench package) in a slim image: what `plateau fleet k8s`
# Jobs run (docs/fleet.md shows the loop).
#   docker build -t registry.example/plateau:1 . && docker push registry.example/plateau:1
# To sweep your own command, build FROM this image and add what the command needs.

FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
COPY benches ./benches
RUN cargo build --release --locked --bin plateau

FROM debian:bookworm-slim
LABEL org.opencontainers.image.title="plateau-bench" \
      org.opencontainers.image.description="plateau, the worker-count benchmarking harness (binary: plateau)"
COPY --from=build /src/target/release/plateau /usr/local/bin/plateau
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin plateau
USER 10001
WORKDIR /tmp
ENTRYPOINT ["plateau"]
CMD ["info"]

# The graft command line on Debian with a headless Java 17 runtime. Build from the repository root:
#   docker build -t graft .
# Train (data read-only, the model written to a mounted folder as your own user, so the files are yours):
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD/examples/support-tickets:/data:ro" -v "$PWD/models:/models" \
#     graft train --train /data/train.csv --test /data/test.csv --out /models/support-tickets
# Predict with the mounted model (read-only is enough):
#   echo "I was charged twice" | docker run --rm -i -v "$PWD/models:/models:ro" \
#     graft predict --model /models/support-tickets --input -
# Serve it over HTTP (inside a container, listen on every interface; SIGTERM from `docker stop` drains requests first):
#   docker run --rm -p 8080:8080 -v "$PWD/models:/models:ro" -v graft-cache:/cache \
#     graft serve --model /models/support-tickets --host 0.0.0.0 --port 8080
# Mount a volume on /cache to keep the embedding cache and the unpacked libtorch between runs.

# --- build: the CLI and its runtime jars (graft-cli/target/graft-cli.jar + lib/), as bin/graft expects them ---
FROM debian:bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jdk-headless maven \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# On an arm64 machine Maven's natives-linux-aarch64 profile picks libtorch's linux-aarch64 build by itself.
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl graft-cli -am package

# --- runtime ---
FROM debian:bookworm-slim
# fontconfig and a font: the report's charts are drawn by AWT (headless), which needs them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends openjdk-17-jre-headless fontconfig fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/bin/graft /opt/graft/bin/graft
COPY --from=build /src/graft-cli/target/graft-cli.jar /opt/graft/graft-cli/target/graft-cli.jar
COPY --from=build /src/graft-cli/target/lib /opt/graft/graft-cli/target/lib
COPY LICENSE /opt/graft/LICENSE
# Caches (GRAFT_HOME, with DJL's under it) and run records (./mlruns) must be writable by whichever --user runs it.
RUN mkdir -p /cache /work && chmod 1777 /cache /work
ENV GRAFT_HOME=/cache \
    GRAFT_JAVA_OPTS="-XX:MaxRAMPercentage=75"
VOLUME ["/cache"]
# graft serve's default port.
EXPOSE 8080
WORKDIR /work
ENTRYPOINT ["/opt/graft/bin/graft"]
CMD ["--help"]

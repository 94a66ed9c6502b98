# Dockerfile: multi-stage build of news-ingest (Debian 12 build stage, slim runtime, non-root).
FROM debian:12 AS build
RUN apt-get update && apt-get install -y --no-install-recommends \
        make build-essential cmake pkg-config libicu-dev libcjson-dev libmodest-dev \
        libssl-dev libxxhash-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DTESTS=OFF \
    && cmake --build build -j "$(nproc)" --target news-ingest

FROM debian:12-slim
RUN apt-get update && apt-get install -y --no-install-recommends \
        libicu72 libcjson1 libmodest0 libssl3 libxxhash0 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home news-ingest
COPY --from=build /src/build/news-ingest /usr/local/bin/news-ingest
USER 10001
ENTRYPOINT ["news-ingest"]
CMD ["--help"]

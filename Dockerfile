# Dockerfile: multi-stage image of the news-ingest worker (Debian 12 build, slim non-root runtime).
# Build:  docker build -t news-ingest .     Run: docker run -p 8080:8080 -e NEWS_INGEST_BROKERS=...
# The default command is the Kafka worker (`news-ingest run`); its settings come from the
# NEWS_INGEST_* environment (see `news-ingest run --help` and deploy/README.md).

FROM debian:12 AS build
# What CMake requires at configure time (libcurl: fetching pages by URL); not the test tools.
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        build-essential cmake make pkg-config \
        libicu-dev libcjson-dev libmodest-dev libssl-dev libxxhash-dev zlib1g-dev \
        librdkafka-dev libmicrohttpd-dev libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*
# librdkafka 2.8.0 built from Debian 13's source package (Debian 12's 2.0.2 aborts when a
# cooperative-sticky consumer closes before its first assignment); the same script as
# scripts/setup.sh, its .debs kept in /debs for the runtime stage. A layer of its own: cached.
COPY scripts/librdkafka-backport.sh /usr/local/sbin/librdkafka-backport.sh
RUN RDKAFKA_CACHE=/debs RDKAFKA_JOBS="$(nproc)" sh /usr/local/sbin/librdkafka-backport.sh \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DTESTS=OFF \
    && cmake --build /build -j "$(nproc)" --target news-ingest \
    && strip /build/news-ingest

FROM debian:12-slim
# Runtime libraries only: the packages owning the shared objects `ldd news-ingest` lists
# (tests/support/check_deploy.py checks this list against the built binary); librdkafka1 is the
# build stage's backport.
COPY --from=build /debs/librdkafka1_*.deb /tmp/
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libicu72 libcjson1 libmodest0 libssl3 libxxhash0 /tmp/librdkafka1_*.deb libmicrohttpd12 \
        libcurl4 \
        ca-certificates \
    && rm -rf /var/lib/apt/lists/* /tmp/librdkafka1_*.deb \
    && useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin \
        news-ingest
COPY --from=build /build/news-ingest /usr/local/bin/news-ingest
# The entity model and knowledge base where the binary looks for them (<exe dir>/../models/...,
# <exe dir>/../data/kb/...); --ner-model/--kb or NEWS_INGEST_NER_MODEL/NEWS_INGEST_KB (e.g. a
# mounted ConfigMap, reloaded with SIGHUP) override them.
COPY models/ner-ar.model /usr/local/models/ner-ar.model
COPY data/kb/entities.tsv /usr/local/data/kb/entities.tsv
# Fails the image build when a runtime library is missing or the model does not load.
RUN news-ingest version && news-ingest tag --conll </dev/null
ENV NEWS_INGEST_HTTP_LISTEN=0.0.0.0:8080
# /livez, /readyz, /metrics
EXPOSE 8080
# Numeric, so Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
STOPSIGNAL SIGTERM
ENTRYPOINT ["news-ingest"]
CMD ["run"]

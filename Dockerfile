# The bot in a container: slim, non-root, the knowledge base included.
#   docker build -t mlgenai-bot .
#   docker run --env-file .env mlgenai-bot         (or: docker compose up -d)
# Linted in CI by hadolint (tests/test_containers.py).

FROM python:3.12-slim AS build
WORKDIR /src
# requirements.txt pins every runtime dependency and ends with "." (the bot itself).
COPY pyproject.toml requirements.txt README.md LICENSE ./
COPY bot ./bot
COPY knowledge ./knowledge
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt

FROM python:3.12-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HEALTH_FILE=/tmp/mlgenai-bot-health.json \
    DATA_DIR=/data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --create-home --uid 10001 --shell /usr/sbin/nologin bot \
    && mkdir -p /data \
    && chown 10001:10001 /data
USER 10001:10001
WORKDIR /home/bot
VOLUME ["/data"]
# Healthy while the gateway is connected: `health` reads the file `run` keeps fresh.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# Docker's stop sends SIGTERM: the bot lets answers in flight finish, then disconnects.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]

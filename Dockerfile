FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    NHACVIEC_DB_URL=sqlite:////data/nhacviec.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY scheduler ./scheduler
COPY storage ./storage
COPY plan_data ./plan_data
# The time zones come with the tzdata package (a dependency): the slim image has no zoneinfo.
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 nhacviec \
    && mkdir /data && chown nhacviec /data

USER nhacviec
VOLUME ["/data"]
# Settings, plan and database ready; writes nothing (see README, "With Docker").
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s CMD ["nhacviec", "health"]
CMD ["nhacviec", "run"]

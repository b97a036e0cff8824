# One image for replicas and workers: `pathways serve` or `pathways worker`.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /srv/pathways
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir . && useradd --system --home /srv/pathways pathways \
    && mkdir -p var && chown pathways var
COPY bpmn ./bpmn
COPY forms ./forms
USER pathways
EXPOSE 8000
CMD ["pathways", "serve", "--host", "0.0.0.0", "--port", "8000"]

# One image for web, worker and beat; the command decides (see compose.yaml).
FROM python:3.11-slim AS build
WORKDIR /app
RUN python -m venv /venv
COPY pyproject.toml constraints.txt ./
# The product's packages (pyproject.toml's include): the Salesforce emulator and bench/ are not in the image
# (.dockerignore), and the production settings do not install them.
COPY backoffice backoffice
COPY accounts accounts
COPY events events
COPY connector connector
COPY sync sync
# The exact versions of constraints.txt (`make constraints`), as `make run` and `make test` install them.
RUN /venv/bin/pip install --no-cache-dir -c constraints.txt '.[production]'

FROM python:3.11-slim
RUN useradd --create-home --uid 1000 app
WORKDIR /app
COPY --from=build /venv /venv
COPY --chown=app:app . .
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 VAR_DIR=/tmp/var STATIC_ROOT=/app/staticfiles
# collectstatic needs settings to load, not real secrets.
RUN SECRET_KEY=build FIELD_ENCRYPTION_KEY=qO7tDLVIatVYzaFrpjh1v5ezYwtz4ugPsPQUoTcHAhA= \
    python manage.py collectstatic --no-input -v 0 && chown -R app:app /app/staticfiles
USER app
EXPOSE 8000
CMD ["gunicorn", "backoffice.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

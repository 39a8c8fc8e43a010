FROM python:3.12-slim@sha256:8f3aba466a471c0ab903dbd7cb979abd4bda370b04789d25440cc90372b50e04 AS base
RUN useradd --create-home app
USER app

FROM base AS serve
COPY app.py /home/app/
CMD ["python", "app.py"]

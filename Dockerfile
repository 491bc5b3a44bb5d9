# The portal's image: web (gunicorn), Celery worker and beat all run from it (docker-compose.yml).
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_ENV=production PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends \
      gdal-bin libgdal32 libgeos-c1v5 libproj25 gettext fonts-dejavu-core \
      libpango-1.0-0 libpangoft2-1.0-0 libmagic1 curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
# Static files and compiled catalogues are built into the image. Building needs no secret, so it
# runs with the development profile (production refuses to start without real secrets, and none is
# baked into the image: they come from the environment the container runs in).
RUN DJANGO_ENV=development DJANGO_DEBUG=0 python manage.py compilemessages -v 0 \
    && DJANGO_ENV=development DJANGO_DEBUG=0 python manage.py collectstatic --noinput -v 0
RUN useradd --system --uid 10001 portal && mkdir -p /data/media && chown -R portal /data
USER portal
EXPOSE 8000
ENV PORTAL_BIND=0.0.0.0:8000
CMD ["gunicorn", "-c", "lang_son_portal/gunicorn_conf.py"]

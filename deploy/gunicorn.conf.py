"""Gunicorn for The Dress Store, behind nginx on the same host (deploy/nginx/dress_store.conf).

    gunicorn -c deploy/gunicorn.conf.py dress_store.wsgi:application

Environment: GUNICORN_BIND (default 127.0.0.1:8001), GUNICORN_WORKERS (default from the cores),
GUNICORN_THREADS (default 4), GUNICORN_WORKER_CLASS (default gthread; the benchmark measures
sync workers too, bench/README.md). Every worker thread keeps its own PostgreSQL connection open
(DATABASE_CONN_MAX_AGE), so workers x threads, plus the Celery worker's concurrency, must stay
below PostgreSQL's max_connections (100 by default).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")

# Threads let a worker overlap requests that wait on PostgreSQL, Redis or Stripe.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
workers = int(os.environ.get("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 9)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A worker silent for 30 s is stuck and replaced. (With threads a slow request does not count;
# nginx gives up on it after 30 s, its proxy_read_timeout.)
timeout = 30
graceful_timeout = 30  # systemd waits a little longer (TimeoutStopSec) before SIGKILL
# nginx keeps upstream connections open and drops them after 4 s idle, before we do.
keepalive = 5

# Restarting each worker after about 2000 requests bounds slow memory growth; the jitter keeps
# the workers from restarting all at once.
max_requests = 2000
max_requests_jitter = 200

# Loaded once in the master and shared copy-on-write by the workers: less memory, and a broken
# release fails at start rather than in every worker. Safe with the database because Django
# opens connections lazily, on a worker's first query, so no socket crosses the fork. The cost:
# SIGHUP (systemctl reload) re-forks workers from the code already loaded, so a new release
# needs `systemctl restart dress-store-web`.
preload_app = True

# Only nginx, on this host, may say the request came over HTTPS, and only with the one header
# it sets (the other default scheme headers could be forged through it).
forwarded_allow_ips = "127.0.0.1"
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"}
proxy_protocol = "off"

# The heartbeat file is touched constantly; on tmpfs that never waits on a disk.
if os.path.isdir("/dev/shm"):  # noqa: S108 - tmpfs on purpose, not a temporary file
    worker_tmp_dir = "/dev/shm"  # noqa: S108

# Gunicorn 27 opens a control socket (~/.gunicorn/gunicorn.ctl) by default: an unauthenticated
# management interface, guarded only by file permissions, that we do not use. Two instances on
# one host would fight over the path, and the units' ProtectHome=/ProtectSystem= forbid
# creating it anyway.
control_socket_disable = True

# stdout and stderr go to the journal. The request id is nginx's ($request_id), so one request
# can be followed across both logs; %(M)s is the response time in milliseconds.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" id=%({x-request-id}i)s'
)

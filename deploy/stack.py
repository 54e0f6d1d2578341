"""The production stack on loopback, for the full-stack tests and the benchmark: Nginx with the
site config of deploy/nginx (rendered for local ports and a throwaway certificate), one or more
Gunicorn nodes with deploy/gunicorn.conf.py under the production settings, a Celery worker, and
the Stripe stand-in delivering its webhooks through Nginx.

    with production_stack(workdir=tmp, database_url=..., redis_url=..., media_root=...) as stack:
        stack.url  # https://127.0.0.1:PORT
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from deploy.nginx.local import render, running_nginx, self_signed_certificate

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited:\n{log.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=0.5),
        ):
            return
        time.sleep(0.2)
    raise RuntimeError(f"Nothing answered on {port}:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@dataclass
class Stack:
    url: str
    http_url: str
    certificate: Path
    purge_url: str
    nodes: list[str]
    node_logs: list[Path]
    worker_log: Path
    env: dict[str, str]
    processes: list[subprocess.Popen] = field(default_factory=list)
    stripe: object | None = None

    def node_requests(self, index: int) -> str:
        return self.node_logs[index].read_text()


def production_environment(
    *,
    database_url: str,
    redis_url: str,
    limits_redis_url: str,
    site_url: str,
    media_root: Path,
    static_root: Path,
    email_url: str,
    stripe_api_base: str,
    extra: dict | None = None,
) -> dict:
    return {
        **{
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "CELERY_"))
        },
        "DJANGO_SETTINGS_MODULE": "dress_store.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "REDIS_LIMITS_URL": limits_redis_url,
        "EMAIL_URL": email_url,
        "DEFAULT_FROM_EMAIL": "The Dress Store <shop@example.com>",
        "SITE_URL": site_url,
        "STRIPE_SECRET_KEY": "sk_test_stack",
        "STRIPE_WEBHOOK_SECRET": "whsec_test_stack",
        "STRIPE_API_BASE": stripe_api_base,
        "MEDIA_ROOT": str(media_root),
        "STATIC_ROOT": str(static_root),
        "NO_PROXY": "127.0.0.1,localhost",
        **(extra or {}),
    }


def collect_static(env: dict, static_root: Path) -> None:
    if (static_root / "staticfiles.json").exists():
        return
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )


def without_rate_limits(site: str) -> str:
    """The site config without its `limit_req` directives (the zones stay defined, unused)."""
    lifted, count = re.subn(r"^[ \t]*limit_req zone=[^;]*;\n", "", site, flags=re.MULTILINE)
    if not count:
        raise LookupError("The site config has no `limit_req zone=...;` line to take out.")
    return lifted


@contextlib.contextmanager
def production_stack(
    *,
    workdir: Path,
    database_url: str,
    redis_url: str,
    media_root: Path,
    limits_redis_url: str | None = None,
    nodes: int = 2,
    workers: int = 2,
    email_url: str = "consolemail://",
    static_root: Path | None = None,
    celery: bool = True,
    extra_env: dict | None = None,
    nginx_rate_limits: bool = True,
) -> Iterator[Stack]:
    """`nginx_rate_limits=False` takes Nginx's per-address limits (`limit_req`) out of the
    rendered site: for a load test, whose virtual shoppers all come from 127.0.0.1 and would
    share one address's allowance. Production's file is unchanged."""
    from standins.stripe_api import StripeStandIn

    workdir.mkdir(parents=True, exist_ok=True)
    static_root = static_root or workdir / "static"
    http_port, https_port, purge_port = free_port(), free_port(), free_port()
    node_ports = [free_port() for _ in range(nodes)]
    site_url = f"https://127.0.0.1:{https_port}"
    certificate, key = self_signed_certificate(workdir)

    # The stand-in posts its webhooks to Nginx over HTTPS: trust the throwaway certificate.
    previous_cert_file = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(certificate)
    stripe = StripeStandIn(
        webhook_url=f"{site_url}/checkout/stripe/webhook/", webhook_secret="whsec_test_stack"
    ).start()
    env = production_environment(
        database_url=database_url,
        redis_url=redis_url,
        # One server for both is enough here: nothing fills the cache to a ceiling.
        limits_redis_url=limits_redis_url or redis_url,
        site_url=site_url,
        media_root=media_root,
        static_root=static_root,
        email_url=email_url,
        stripe_api_base=stripe.url,
        # Nginx's purge listener, which the app tells of changed pages (storefront/purge.py).
        extra={"FRONTEND_CACHE_PURGE_URLS": f"http://127.0.0.1:{purge_port}", **(extra_env or {})},
    )
    processes: list[subprocess.Popen] = []
    try:
        collect_static(env, static_root)
        logs = []
        for index, port in enumerate(node_ports):
            log = workdir / f"gunicorn-{index}.log"
            logs.append(log)
            node_env = {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(workers),
            }
            process = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "dress_store.wsgi:application",
                ],
                cwd=ROOT,
                env=node_env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
            processes.append(process)
            wait_for_port(port, process, log)
        worker_log = workdir / "worker.log"
        if celery:
            worker = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "dress_store",
                    "worker",
                    "--pool=solo",
                    "-l",
                    "info",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                ],
                cwd=ROOT,
                env=env,
                stdout=worker_log.open("w"),
                stderr=subprocess.STDOUT,
            )
            processes.append(worker)
        site = render(
            http_port=http_port,
            https_port=https_port,
            upstreams=[f"127.0.0.1:{port}" for port in node_ports],
            static_root=static_root,
            media_root=media_root,
            cache_dir=workdir / "cache",
            certificate=certificate,
            key=key,
            log_dir=workdir,
            purge_port=purge_port,
        )
        if not nginx_rate_limits:
            site = without_rate_limits(site)
        with running_nginx(workdir=workdir / "nginx", site_config=site) as url:
            yield Stack(
                url=url,
                http_url=f"http://127.0.0.1:{http_port}",
                certificate=certificate,
                purge_url=f"http://127.0.0.1:{purge_port}",
                nodes=[f"127.0.0.1:{port}" for port in node_ports],
                node_logs=logs,
                worker_log=worker_log,
                env=env,
                processes=processes,
                stripe=stripe,
            )
    finally:
        for process in processes:
            stop(process)
        stripe.stop()
        if previous_cert_file is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = previous_cert_file

"""Run the production site config, deploy/nginx/dress_store.conf, on loopback as any user.

`render()` swaps the production values in that file (ports, server name, upstreams, paths,
certificate) for local ones by exact text substitution, and raises `SiteConfigDrift` when one of
them is no longer in the file: what the tests and the benchmark run is what production runs.
`main_config()` wraps a site config in an nginx.conf whose every writable path is in a work
directory; `running_nginx()` checks and runs the pair; `self_signed_certificate()` makes a
throwaway certificate for 127.0.0.1 and localhost.

    cert, key = self_signed_certificate(tmp)
    site = render(http_port=8080, https_port=8443, upstreams=["127.0.0.1:8001"],
                  static_root=tmp / "static", media_root=tmp / "media", cache_dir=tmp / "cache",
                  certificate=cert, key=key)
    with running_nginx(workdir=tmp / "nginx", site_config=site) as base_url:
        ...  # base_url == "https://127.0.0.1:8443"

Standard library only, except `self_signed_certificate()`, which uses `cryptography` (installed
with django-allauth[socialaccount]).
"""

import contextlib
import datetime
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

StrPath = str | os.PathLike[str]

HERE = Path(__file__).resolve().parent
SITE_CONFIG = HERE / "dress_store.conf"
SECURITY_HEADERS = HERE / "dress_store_security_headers.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MIME_TYPES = Path("/etc/nginx/mime.types")
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")

# The production strings render() replaces. Each must be in dress_store.conf.
PRODUCTION = {
    "http_listen": "    listen 80;\n",
    "http_listen_ipv6": "    listen [::]:80;\n",
    "https_listen": "    listen 443 ssl http2;\n",
    "https_listen_ipv6": "    listen [::]:443 ssl http2;\n",
    "https_redirect": "return 301 https://$host$request_uri;",
    "server_name": "server_name shop.example.com;",
    "upstream": "    server 127.0.0.1:8001;\n",
    "host_header": "proxy_set_header Host $host;",
    "static_root": "/srv/dress_store/static/",
    "media_root": "/srv/dress_store/media/",
    "cache_dir": "proxy_cache_path /var/cache/nginx/dress_store ",
    "certificate": "ssl_certificate /etc/ssl/dress_store/fullchain.pem;",
    "key": "ssl_certificate_key /etc/ssl/dress_store/privkey.pem;",
    "security_headers": "include /etc/nginx/snippets/dress_store_security_headers.conf;",
    "access_log": "access_log /var/log/nginx/dress_store.access.log dress_store;",
    "purge_listen": "    listen 127.0.0.1:8081;\n",
}
# The cache-purge module (Debian: libnginx-mod-http-cache-purge), which the purge listener uses.
CACHE_PURGE_MODULE = Path("/usr/lib/nginx/modules/ngx_http_cache_purge_module.so")


class SiteConfigDrift(LookupError):
    """dress_store.conf no longer holds a production value that render() replaces."""


class NginxError(RuntimeError):
    """nginx rejected the configuration or did not start."""


def render(
    *,
    http_port: int,
    https_port: int,
    upstreams: list[str],
    static_root: StrPath,
    media_root: StrPath,
    cache_dir: StrPath,
    certificate: StrPath,
    key: StrPath,
    server_name: str = "127.0.0.1",
    log_dir: StrPath | None = None,
    purge_port: int | None = None,
) -> str:
    """The production site config, listening on 127.0.0.1 and proxying to `upstreams`
    ("host:port", one `server` line each).

    The Host header sent upstream carries the port, as a browser's does on a port other than
    443, so Django's CSRF origin check and absolute URLs work. Access logs go to `log_dir`, or
    nowhere when it is None; errors go to the main error log (see `main_config()`). The purge
    listener is on 127.0.0.1:`purge_port` (a free port when None).
    """
    if not upstreams:
        raise ValueError("render() needs at least one upstream")
    access_log = (
        f"access_log {_quoted(Path(log_dir) / 'dress_store.access.log')} dress_store;"
        if log_dir is not None
        else "access_log off;"
    )
    local = {
        "http_listen": f"    listen 127.0.0.1:{int(http_port)};\n",
        "http_listen_ipv6": "",
        "https_listen": f"    listen 127.0.0.1:{int(https_port)} ssl http2;\n",
        "https_listen_ipv6": "",
        "https_redirect": f"return 301 https://$host:{int(https_port)}$request_uri;",
        "server_name": f"server_name {server_name};",
        "upstream": "".join(f"    server {upstream};\n" for upstream in upstreams),
        "host_header": "proxy_set_header Host $host:$server_port;",
        "static_root": _quoted(f"{Path(static_root).resolve()}/"),
        "media_root": _quoted(f"{Path(media_root).resolve()}/"),
        "cache_dir": f"proxy_cache_path {_quoted(Path(cache_dir).resolve())} ",
        "certificate": f"ssl_certificate {_quoted(Path(certificate).resolve())};",
        "key": f"ssl_certificate_key {_quoted(Path(key).resolve())};",
        "security_headers": f"include {_quoted(SECURITY_HEADERS)};",
        "access_log": access_log,
        "purge_listen": f"    listen 127.0.0.1:{int(purge_port or _free_port())};\n",
    }
    text = SITE_CONFIG.read_text()
    missing = [name for name, production in PRODUCTION.items() if production not in text]
    if missing:
        raise SiteConfigDrift(
            f"{SITE_CONFIG} no longer contains the production values for: "
            + ", ".join(f"{name} ({PRODUCTION[name]!r})" for name in missing)
            + "; update PRODUCTION in local.py to match."
        )
    for name, production in PRODUCTION.items():
        text = text.replace(production, local[name])
    return text


def main_config(*, site_config_path: StrPath, workdir: StrPath) -> str:
    """An nginx.conf that runs in the foreground and writes only under `workdir`."""
    work = Path(workdir).resolve()
    # Started as root, nginx would hand its workers to `nobody`, who can neither enter a
    # private temporary directory nor write the cache there: keep them as the caller.
    user = "user root;\n" if os.geteuid() == 0 else ""
    modules = f"load_module {_quoted(CACHE_PURGE_MODULE)};\n" if CACHE_PURGE_MODULE.exists() else ""
    temp_paths = "".join(
        f"    {name}_temp_path {_quoted(work / 'temp' / name)};\n" for name in TEMP_PATHS
    )
    return (
        f"{modules}"
        f"{user}"
        "daemon off;\n"
        "worker_processes auto;\n"
        # A client still connected when the context manager exits must not hold it open.
        "worker_shutdown_timeout 5s;\n"
        f"pid {_quoted(work / 'nginx.pid')};\n"
        f"lock_file {_quoted(work / 'nginx.lock')};\n"
        f"error_log {_quoted(work / 'error.log')} warn;\n"
        "\n"
        "events {\n"
        "    worker_connections 1024;\n"
        "}\n"
        "\n"
        "http {\n"
        f"    include {_quoted(MIME_TYPES)};\n"
        "    default_type application/octet-stream;\n"
        f"    access_log {_quoted(work / 'access.log')};\n"
        f"{temp_paths}"
        f"    include {_quoted(Path(site_config_path).resolve())};\n"
        "}\n"
    )


@contextlib.contextmanager
def running_nginx(*, workdir: StrPath, site_config: str, timeout: float = 10.0) -> Iterator[str]:
    """Write `site_config` and its nginx.conf into `workdir`, check them with `nginx -t`, run
    nginx in the foreground until every `listen` port accepts connections, and yield the HTTPS
    base URL ("https://127.0.0.1:<port>"). On exit nginx is stopped gracefully (SIGQUIT), and
    killed if it has not gone within `timeout` seconds. nginx's own output is in
    `workdir`/nginx.out, its error log in `workdir`/error.log.
    """
    work = Path(workdir).resolve()
    for name in TEMP_PATHS:
        (work / "temp" / name).mkdir(parents=True, exist_ok=True)
    site_path = work / "dress_store.conf"
    site_path.write_text(site_config)
    config_path = work / "nginx.conf"
    config_path.write_text(main_config(site_config_path=site_path, workdir=work))
    if "proxy_cache_purge" in site_config and not CACHE_PURGE_MODULE.exists():
        raise NginxError(
            f"The site config purges its cache, and {CACHE_PURGE_MODULE} is missing: "
            "apt-get install libnginx-mod-http-cache-purge"
        )
    listens = _listen_addresses(site_config)
    https = [address for address, ssl in listens if ssl]
    if not https:
        raise NginxError("the site config has no `listen ... ssl` line")

    # -e: the error log nginx writes before it has read the config (Debian's is stderr, but
    # another build's default /var/log/nginx/error.log would need root).
    command = [NGINX, "-p", f"{work}/", "-e", str(work / "error.log"), "-c", str(config_path)]
    check = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True, check=False)
    if check.returncode != 0:
        raise NginxError(f"nginx -t rejected {config_path}:\n{check.stdout}{check.stderr}")

    with (work / "nginx.out").open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_for_ports(process, [address for address, _ in listens], work, timeout)
            host, port = https[0]
            yield f"https://{host}:{port}"
        finally:
            _stop(process, timeout)


def self_signed_certificate(directory: StrPath) -> tuple[Path, Path]:
    """A throwaway certificate for 127.0.0.1 and localhost, valid for a week, as
    (`directory`/certificate.pem, `directory`/key.pem). A client may trust it as its own CA:
    `ssl.create_default_context(cafile=certificate)`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    private_key = ec.generate_private_key(ec.SECP256R1())
    public_key = private_key.public_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=7))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False
        )
        .sign(private_key, hashes.SHA256())
    )
    certificate_path = directory / "certificate.pem"
    key_path = directory / "key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_bytes = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(key_bytes)
    return certificate_path, key_path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _quoted(path: StrPath) -> str:
    """A path as an nginx string: quoted for spaces; `$` would start a variable."""
    text = os.fspath(path)
    if any(character in text for character in '"$\\'):
        raise ValueError(f"nginx cannot take this path literally: {text!r}")
    return f'"{text}"'


_LISTEN = re.compile(r"(?:^|[{;])\s*listen\s+(?P<address>[^\s;]+)(?P<options>[^;]*);", re.MULTILINE)


def _listen_addresses(site_config: str) -> list[tuple[tuple[str, int], bool]]:
    """((host, port), is_ssl) for every `listen` directive of a site config."""
    listens = []
    for match in _LISTEN.finditer(site_config):
        host, _, port = match["address"].rpartition(":")
        listens.append(((host or "127.0.0.1", int(port)), "ssl" in match["options"].split()))
    return listens


def _wait_for_ports(
    process: subprocess.Popen[bytes], addresses: list[tuple[str, int]], work: Path, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    waiting = list(addresses)
    while waiting:
        if process.poll() is not None:
            raise NginxError(f"nginx exited with {process.returncode}:\n{_logs(work)}")
        if time.monotonic() > deadline:
            raise NginxError(f"nginx did not listen on {waiting} in {timeout} s:\n{_logs(work)}")
        try:
            with socket.create_connection(waiting[0], timeout=0.5):
                waiting.pop(0)
        except OSError:
            time.sleep(0.05)


def _stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _logs(work: Path) -> str:
    return "\n".join(
        path.read_text(errors="replace")
        for path in (work / "nginx.out", work / "error.log")
        if path.exists()
    )

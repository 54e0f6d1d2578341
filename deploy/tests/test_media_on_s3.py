"""Media on S3-compatible storage, as deployed past one machine (docs/scaling.md, step 5): two
Gunicorn nodes under the production settings with MEDIA_STORAGE=s3, against moto's S3 server on
loopback. An editor uploads a picture through one node's admin; the other node renders it, and
its renditions, on a product page, from the bucket's URLs."""

import io
import json
import subprocess
import sys
from types import SimpleNamespace

import boto3
import pytest
import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from PIL import Image as PillowImage
from wagtail.images import get_image_model

from accounts.tests.factories import PASSWORD
from catalog.models import ProductImage, ProductPage
from deploy.stack import free_port, production_stack, stop, wait_for_port

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]
BUCKET = "dress-store-media"
KEYS = {"AWS_ACCESS_KEY_ID": "loopback-key", "AWS_SECRET_ACCESS_KEY": "loopback-secret"}


@pytest.fixture
def bucket(tmp_path):
    """moto's S3 server on loopback, with a bucket whose objects anyone may read (not list),
    as a media bucket behind a CDN is set up."""
    port = free_port()
    log = tmp_path / "moto.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process, log)
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_policy(
            Bucket=BUCKET,
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "s3:GetObject",
                            "Resource": f"arn:aws:s3:::{BUCKET}/*",
                        }
                    ],
                }
            ),
        )
        yield SimpleNamespace(endpoint=endpoint, url=f"{endpoint}/{BUCKET}/", client=client)
    finally:
        stop(process)


@pytest.fixture
def stack(tmp_path_factory, database_url, bucket, make_product):
    product = make_product(title="Bucket Wrap Dress", slug="bucket-wrap-dress")
    # The factory's photograph is on this process's disk, which the nodes do not share.
    ProductImage.objects.filter(product=product).delete()
    workdir = tmp_path_factory.mktemp("stack")
    media_root = workdir / "media"
    media_root.mkdir()
    with production_stack(
        workdir=workdir,
        database_url=database_url,
        redis_url=settings.REDIS_URL,
        media_root=media_root,
        static_root=tmp_path_factory.getbasetemp() / "static",
        celery=False,
        extra_env={
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": bucket.endpoint,
            "AWS_S3_REGION_NAME": "us-east-1",
            **KEYS,
        },
    ) as running:
        running.media_root = media_root
        yield running


class Browser:
    """One node, straight to Gunicorn, as Nginx would pass a browser's requests on: over
    "HTTPS" (X-Forwarded-Proto), with the cookies it was given (secure ones included, which an
    HTTP client's cookie jar would keep back on plain HTTP)."""

    def __init__(self, node: str):
        self.base = f"http://{node}"
        self.origin = f"https://{node}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        response = requests.request(
            method,
            self.base + path,
            headers=headers,
            cookies=self.cookies,
            allow_redirects=False,
            timeout=60,
            **kwargs,
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def submit(self, path: str, fields: dict, files: dict | None = None) -> requests.Response:
        """GET the form at `path`, fill what it offers (CSRF token, defaults) with `fields`, and
        POST it, multipart when there are `files`."""
        page = self.request("GET", path)
        assert page.status_code == 200, (path, page.status_code)
        form = BeautifulSoup(page.text, "html.parser").find(
            "form", attrs={"method": lambda m: m and m.lower() == "post"}
        )
        data = {
            field["name"]: field.get("value", "")
            for field in form.find_all("input")
            if field.get("name") and field.get("type") not in ("file", "checkbox", "submit")
        }
        for select in form.find_all("select"):
            chosen = select.find("option", selected=True) or select.find("option")
            if select.get("name") and chosen is not None:
                data[select["name"]] = chosen.get("value", "")
        return self.request("POST", path, data={**data, **fields}, files=files)


def photograph() -> bytes:
    picture = PillowImage.new("RGB", (1200, 1500), (150, 40, 60))
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=85)
    return output.getvalue()


def test_an_image_uploaded_through_one_node_renders_on_the_other_from_the_bucket(
    stack, bucket, staff
):
    # The suite hashes passwords with MD5 for speed; the nodes, under the production settings,
    # know only the real hashers.
    staff["editor"].password = PBKDF2PasswordHasher().encode(PASSWORD, "loopbacksalt", 1000)
    staff["editor"].save(update_fields=["password"])
    editor = Browser(stack.nodes[0])
    signed_in = editor.submit(
        "/admin/login/", {"username": staff["editor"].email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.text[-2000:]

    # An editor uploads a photograph through node 1's admin: a real multipart POST
    uploaded = editor.submit(
        "/admin/images/add/",
        {"title": "Wrap dress, front"},
        files={"file": ("wrap-front.jpg", photograph(), "image/jpeg")},
    )
    assert uploaded.status_code == 302, uploaded.text[-2000:]
    image = get_image_model().objects.get(title="Wrap dress, front")
    stored = bucket.client.head_object(Bucket=BUCKET, Key=image.file.name)
    assert stored["ContentLength"] == image.file_size
    assert stored["CacheControl"] == "public, max-age=2592000"
    assert not any(stack.media_root.rglob("*")), "nothing is written to the node's disk"

    # It joins a product's gallery, and node 2 renders the product page
    product = ProductPage.objects.get(slug="bucket-wrap-dress")
    ProductImage.objects.create(product=product, image=image, alt_text="The wrap dress, front")
    shopper = Browser(stack.nodes[1])
    page = shopper.request("GET", product.url)
    assert page.status_code == 200, stack.node_requests(1)[-4000:]
    policy = {
        name: sources
        for name, *sources in (
            part.split() for part in page.headers["Content-Security-Policy"].split(";")
        )
    }
    assert policy["img-src"] == ["'self'", "data:", bucket.url]

    # Its pictures are the renditions node 2 made, in the bucket, named by the bucket's URL
    soup = BeautifulSoup(page.text, "html.parser")
    gallery = soup.find("img", alt="The wrap dress, front").find_parent("picture")
    urls = {gallery.img["src"]} | {
        candidate.strip().split(" ")[0]
        for tag in (*gallery.find_all("source"), gallery.img)
        for candidate in tag["srcset"].split(",")
    }
    assert len(urls) >= 3  # AVIF, WebP and JPEG
    assert all(url.startswith(bucket.url + "images/") for url in urls), urls
    shared = soup.find("meta", property="og:image")["content"]
    assert shared in urls
    types = set()
    for url in urls:
        fetched = requests.get(url, timeout=30)
        assert fetched.status_code == 200, url
        types.add(fetched.headers["Content-Type"])
        assert PillowImage.open(io.BytesIO(fetched.content)).size[0] > 0
    assert types == {"image/avif", "image/webp", "image/jpeg"}, types
    renditions = image.renditions.values_list("file", flat=True)
    assert {url.removeprefix(bucket.url) for url in urls} <= set(renditions)

    # Node 1 took the upload, node 2 rendered the page
    assert '"POST /admin/images/add/' in stack.node_requests(0)
    assert f'"GET {product.url}' in stack.node_requests(1)
    assert f'"GET {product.url}' not in stack.node_requests(0)
    assert not any(stack.media_root.rglob("*"))

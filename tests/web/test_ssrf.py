"""No server-side request forgery: URLs reach public addresses only, checked on the resolved
addresses of the first request and of every redirect (a local server on 127.0.0.1 plays both
the victim and the 'public' host that redirects to loopback)."""

from __future__ import annotations

import ipaddress
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from presslens import errors
from presslens.config import Settings
from presslens.ingest import web
from presslens.web import ServeConfig

from .conftest import make_client

ARTICLE = b"Ferry Returns\n\nThe ferry returned to service on Monday, the harbour office said in a statement.\n"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        port = self.server.server_address[1]
        redirects = {
            "/to-loopback": f"http://127.0.0.1:{port}/article.txt",
            "/to-localhost": f"http://localhost:{port}/article.txt",
            "/to-ipv6": f"http://[::1]:{port}/article.txt",
            "/to-metadata": "http://169.254.169.254/latest/meta-data/",
            "/to-file": "file:///etc/passwd",
            "/to-ftp": "ftp://127.0.0.1/x",
            "/to-public": f"http://public.example:{port}/article.txt",
        }
        if self.path in redirects:
            self.send_response(302)
            self.send_header("Location", redirects[self.path])
            self.end_headers()
            return
        if self.path == "/article.txt":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(ARTICLE)))
            self.end_headers()
            self.wfile.write(ARTICLE)
            return
        self.send_error(404)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.fixture
def public_example(monkeypatch):
    """'public.example' stands for a public host: it resolves, unchecked, to the local test server."""
    real = web.public_addresses

    def resolve(host, port):
        if host == "public.example":
            return socket.getaddrinfo("127.0.0.1", port, type=socket.SOCK_STREAM)
        return real(host, port)

    monkeypatch.setattr(web, "public_addresses", resolve)


SETTINGS = Settings(fetch_timeout=5)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False), ("127.3.4.5", False), ("10.0.0.1", False), ("172.16.5.4", False),
        ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False),
        ("255.255.255.255", False), ("224.0.0.1", False), ("::1", False), ("::", False), ("fe80::1", False),
        ("fd00:ec2::254", False), ("fc00::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
        ("64:ff9b::7f00:1", False), ("2002:7f00:1::", False), ("2001:0::1", False), ("ff02::1", False),
    ],
)
def test_ssrf_public_address_rule(address, public):
    assert web.is_public_address(ipaddress.ip_address(address)) is public


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:{port}/article.txt", "http://localhost:{port}/article.txt", "http://[::1]:{port}/article.txt",
     "http://10.0.0.1/", "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0:{port}/article.txt",
     "http://[::ffff:127.0.0.1]:{port}/article.txt", "http://2130706433:{port}/article.txt"],
)
def test_ssrf_private_targets_are_refused(server, url):
    url = url.format(port=server)
    with pytest.raises(errors.PrivateAddressRefused):
        web.fetch(url, settings=SETTINGS, public_only=True)


def test_ssrf_the_same_urls_work_when_private_urls_are_allowed(server):
    assert web.fetch(f"http://127.0.0.1:{server}/article.txt", settings=SETTINGS).data == ARTICLE


def test_ssrf_a_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    real = socket.getaddrinfo

    def fake(host, port, *args, **kwargs):
        if host == "intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    with pytest.raises(errors.PrivateAddressRefused, match="resolves to 10.0.0.1"):
        web.fetch("http://intranet.example/page", settings=SETTINGS, public_only=True)


def test_ssrf_public_host_itself_is_fetched(server, public_example):
    fetched = web.fetch(f"http://public.example:{server}/article.txt", settings=SETTINGS, public_only=True)
    assert fetched.data == ARTICLE


@pytest.mark.parametrize("path", ["/to-loopback", "/to-localhost", "/to-ipv6", "/to-metadata", "/to-file", "/to-ftp"])
def test_ssrf_redirect_from_a_public_host_to_a_private_one_is_refused(server, public_example, path):
    with pytest.raises(errors.PrivateAddressRefused):
        web.fetch(f"http://public.example:{server}{path}", settings=SETTINGS, public_only=True)


def test_ssrf_the_server_refuses_private_urls_by_default(server, public_example):
    with make_client(ServeConfig(pool="thread")) as c:
        for url in (f"http://127.0.0.1:{server}/article.txt", "http://10.0.0.1/", "http://169.254.169.254/",
                    f"http://[::1]:{server}/article.txt", f"http://public.example:{server}/to-loopback"):
            resp = c.post("/api/analyze", json={"url": url})
            assert resp.status_code == 400 and resp.json()["error"]["code"] == "PL601", (url, resp.text)
            page = c.post("/", data={"url": url})
            assert page.status_code == 400 and "PL601" in page.text


def test_ssrf_allow_private_urls_lets_the_server_fetch_locally(server):
    with make_client(ServeConfig(pool="thread", allow_private_urls=True)) as c:
        resp = c.post("/api/analyze", json={"url": f"http://127.0.0.1:{server}/article.txt", "source": "Harbour"})
        assert resp.status_code == 200, resp.text
        assert resp.json()["document"]["text"] == ARTICLE.decode()
        assert resp.json()["document"]["source"] == "Harbour"

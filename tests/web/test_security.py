"""The server's rules on their own: start-up refusal, token parsing, the rate limit's arithmetic."""

from __future__ import annotations

import base64

import pytest

from presslens import errors
from presslens.cli.main import run
from presslens.web import ServeConfig
from presslens.web.security import RateLimiter, token_given


class _Req:
    def __init__(self, **headers):
        self.headers = headers


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "example.org"])
def test_security_other_addresses_need_a_token(monkeypatch, host):
    monkeypatch.delenv("PRESSLENS_TOKEN", raising=False)
    with pytest.raises(errors.ServeRefused, match="PRESSLENS_TOKEN"):
        ServeConfig(host=host)
    assert ServeConfig(host=host, token="t").token == "t"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_security_loopback_needs_no_token(monkeypatch, host):
    monkeypatch.delenv("PRESSLENS_TOKEN", raising=False)
    assert ServeConfig(host=host).local_only


def test_security_token_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("PRESSLENS_TOKEN", "from-env")
    assert ServeConfig(host="0.0.0.0").token == "from-env"


def test_security_serve_refuses_to_start_with_a_coded_error(monkeypatch, capsys):
    monkeypatch.delenv("PRESSLENS_TOKEN", raising=False)
    assert run(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("PL600:") and "Traceback" not in err
    assert run(["serve", "--port", "0"]) == 2
    assert "PL600" in capsys.readouterr().err


def test_security_token_given_reads_bearer_and_basic():
    assert token_given(_Req(authorization="Bearer abc")) == "abc"
    assert token_given(_Req(authorization="bearer  abc ")) == "abc"
    basic = base64.b64encode(b"me:p:w").decode()
    assert token_given(_Req(authorization=f"Basic {basic}")) == "p:w"
    assert token_given(_Req(authorization="Basic !!!")) is None
    assert token_given(_Req(authorization="Digest x")) is None
    assert token_given(_Req()) is None


def test_security_rate_limiter_refills_over_time():
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    limiter.take("a")
    limiter.take("a")
    with pytest.raises(errors.TooManyRequests) as caught:
        limiter.take("a")
    assert caught.value.retry_after == 1
    limiter.take("b")  # another client has its own bucket
    now[0] = 1.0
    limiter.take("a")
    with pytest.raises(errors.TooManyRequests):
        limiter.take("a")


def test_security_rate_limiter_forgets_the_oldest_clients():
    limiter = RateLimiter(per_minute=60, burst=1, clock=lambda: 0.0)
    limiter.MAX_CLIENTS = 3
    for c in "abcd":
        limiter.take(c)
    assert list(limiter._buckets) == ["b", "c", "d"]

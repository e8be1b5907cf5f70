"""The portal answers only a whole request: 413 for a too large one, 408 for one cut short,
and never saves half a form; a secret is cleared only on purpose."""

import re
import socket
import time

import pytest

from tests.firmware.harness import found, start_rig
from tests.firmware.test_firmware_portal import exchange


@pytest.fixture
def portal(firmware_build, broker, tmp_path):
    """A reader with a saved MQTT password and its portal's URL."""
    config = tmp_path / "reader.conf"
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config), "--portal-port", "0")
    assert rig.reader.command("config set mqtt_password s3cret-word") == ["ok mqtt_password=********"]
    url = found(r"portal listening on (http://\S+)", rig.reader.log_text())[1]
    yield rig, url
    assert rig.close() == 0


def post(form: bytes, declared: int | None = None) -> bytes:
    length = len(form) if declared is None else declared
    return b"POST /save HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (length, form)


def test_a_request_larger_than_the_portal_takes_gets_413(portal):
    rig, url = portal
    head, page = exchange(url, post(b"topic=" + b"a" * 4000))
    assert head.startswith(b"HTTP/1.1 413 Content Too Large\r\n"), head
    assert b"nothing was saved" in page
    assert rig.reader.command("config get topic") == [f"topic={rig.topic}"]


def test_half_a_form_gets_408_and_saves_nothing(portal):
    rig, url = portal
    host, port = found(r"^http://([^:/]+):(\d+)", url).groups()
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=15) as connection:
        connection.sendall(post(b"topic=half&mqtt_qos=1", declared=200))  # the rest never comes
        answer = b"".join(iter(lambda: connection.recv(65536), b""))
    assert answer.startswith(b"HTTP/1.1 408 Request Timeout\r\n"), answer[:200]
    assert 4.5 < time.monotonic() - started < 12
    assert rig.reader.command("config get topic") == [f"topic={rig.topic}"]
    assert rig.reader.command("config get mqtt_qos") == ["mqtt_qos=0"]


def test_an_empty_password_field_keeps_the_secret_and_its_box_clears_it(portal):
    rig, url = portal
    _, page = exchange(url, b"GET / HTTP/1.1\r\n\r\n")
    assert b'name="clear_mqtt_password"' in page and b"command_counter" not in page
    form = b"mqtt_host=127.0.0.1&mqtt_password=&mqtt_qos=1"
    assert exchange(url, post(form))[0].startswith(b"HTTP/1.1 200 OK")
    assert rig.reader.command("config get mqtt_password") == ["mqtt_password=********"]
    assert exchange(url, post(form + b"&clear_mqtt_password=1"))[0].startswith(b"HTTP/1.1 200 OK")
    assert rig.reader.command("config get mqtt_password") == ["mqtt_password="]


def test_a_form_refused_in_every_field_still_gets_a_whole_page(portal):
    """Hundreds of refused fields and every shown value at its longest, all of it escaped: the
    page names the refusals that fit and counts the rest, within the response buffer."""
    rig, url = portal
    for key, width in (
        ("wifi_ssid", 32),
        ("mqtt_client_id", 32),
        ("mqtt_user", 32),
        ("discovery_prefix", 32),
        ("mqtt_host", 64),
        ("topic", 64),
        ("command_topic", 64),
    ):
        assert rig.reader.command(f"config set {key} {'<' * width}")[0].startswith("ok ")
    form = b"&".join([b"mqtt_port=" + b"%22" * 150] * 10 + [b"x=1"] * 300)[:2000]
    head, page = exchange(url, post(form))
    assert head.startswith(b"HTTP/1.1 400 Bad Request\r\n"), head
    assert page.endswith(b"</form></body></html>"), page[-200:]
    length = re.search(rb"Content-Length: (\d+)", head)
    assert length and int(length[1]) == len(page), head
    assert re.search(rb"<p class=\"error\">\d+ more refused fields not shown</p>", page)
    assert page.count(b"mqtt_port must be a whole number") >= 1

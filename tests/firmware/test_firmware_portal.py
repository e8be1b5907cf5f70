"""The set-up portal served by the host build, filled in and submitted in headless Chromium."""

import re
import socket

import pytest

from tests.firmware.browser import Browser
from tests.firmware.harness import found, start_rig
from tests.firmware.test_firmware_frames import REFERENCE

KAIFA_L2 = bytes.fromhex(REFERENCE["kaifa-l2"]["hex"])


@pytest.fixture
def portal(firmware_build, broker, tmp_path):
    """A reader with --config and --portal-port 0, plus the portal's URL."""
    config = tmp_path / "reader.conf"
    rig = start_rig(firmware_build, broker, tmp_path, "--config", str(config), "--portal-port", "0")
    url = found(r"portal listening on (http://\S+)", rig.reader.log_text())[1]
    browser = Browser()
    yield rig, url, config, browser
    browser.close()
    assert rig.close() == 0


def test_saved_settings_are_used(portal):
    rig, url, config, browser = portal
    browser.open(url)
    assert browser.evaluate("document.title") == "AMS reader set-up"
    assert browser.evaluate("document.getElementById('topic').value") == rig.topic
    new_topic = rig.topic + "/portal"
    browser.submit_form(
        {"topic": new_topic, "temperature": "22.5", "wifi_ssid": "Hytta 5G", "wifi_password": "correct horse"}
    )
    assert browser.evaluate("document.getElementById('saved').textContent").startswith("Saved.")
    saved = config.read_text()
    assert (
        f"topic={new_topic}\n" in saved and "wifi_ssid=Hytta 5G\n" in saved and "wifi_password=correct horse\n" in saved
    )
    rig.line.write(KAIFA_L2)
    message = rig.watcher.next(5, "a list on the topic set in the portal")
    assert message.topic == new_topic
    assert b'"temp":22.5' in message.payload


def test_bad_values_are_refused_with_a_message(portal):
    rig, url, config, browser = portal
    browser.open(url)
    browser.submit_form({"wifi_ssid": "S" * 33, "mqtt_port": "70000", "mqtt_host": ""})
    errors = browser.evaluate("document.getElementById('errors').innerText")
    assert "wifi_ssid must be 0 to 32 characters, not 33" in errors
    assert 'mqtt_port must be a whole number from 1 to 65535, not "70000"' in errors
    assert "mqtt_host must be 1 to 64 characters, not 0" in errors
    assert "Nothing was saved." in errors
    assert browser.evaluate("document.getElementById('saved')") is None
    assert not config.exists(), "a refused form must not be saved"
    document = rig.publishes(KAIFA_L2, "a list on the unchanged topic")
    assert document["data"]["P"] == 918


def exchange(url: str, request: bytes) -> tuple[bytes, bytes]:
    """One raw request to the portal; the header and the page it answered with."""
    host, port = found(r"^http://([^:/]+):(\d+)", url).groups()
    with socket.create_connection((host, int(port)), timeout=5) as connection:
        connection.sendall(request)
        answer = b"".join(iter(lambda: connection.recv(65536), b""))
    head, _, page = answer.partition(b"\r\n\r\n")
    return head, page


def test_content_length_is_the_length_of_the_page(portal):
    _, url, _, _ = portal
    form = b"mqtt_port=70000"
    for request, status in (
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", b"200 OK"),
        (b"POST /save HTTP/1.1\r\nContent-Length: %d\r\n\r\n%s" % (len(form), form), b"400 Bad Request"),
    ):
        head, page = exchange(url, request)
        assert head.startswith(b"HTTP/1.1 " + status + b"\r\n"), head
        # The digits are filled in after the page is written, in a field reserved 5 wide.
        length = re.search(rb"\r\nContent-Length: (\d+)( *)(\r\n|$)", head)
        assert length and len(length.group(1) + length.group(2)) == 5, head
        assert int(length.group(1)) == len(page) and page.endswith(b"</form></body></html>"), (head, page[-80:])

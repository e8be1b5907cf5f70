"""The signed form of a command, as the firmware checks it (firmware/core/command_auth.h).

A reader runs a changing command that came over MQTT only as
`signed <counter> <hmac> <command>`, hmac being HMAC-SHA256 over
"<command topic> <counter> <command>" with the reader's command secret, and counter
higher than any it ran before. The secret comes from a file, an environment variable or
stdin: never from the command line, where every user of the machine can read it.
"""

import hashlib
import hmac
import os
import sys
from pathlib import Path

__all__ = ["MAX_SECRET", "MIN_SECRET", "SecretError", "read_secret", "sign_command"]

# The firmware's bounds on the command_secret setting.
MIN_SECRET, MAX_SECRET = 16, 64


class SecretError(Exception):
    """The command secret cannot be read or is not one the firmware accepts."""


def sign_command(secret: str, topic: str, counter: int, command: str) -> str:
    """The payload to publish on topic: the command with its counter and signature."""
    if not 0 < counter <= 0xFFFFFFFF:
        raise SecretError(f"the counter must be from 1 to 4294967295, not {counter}")
    mac = hmac.new(secret.encode(), f"{topic} {counter} {command}".encode(), hashlib.sha256).hexdigest()
    return f"signed {counter} {mac} {command}"


def read_secret(file: Path | None = None, env: str | None = None, stdin: bool = False) -> str:
    """The command secret from exactly one source, checked as the firmware checks it."""
    if sum((file is not None, env is not None, stdin)) != 1:
        raise SecretError("give the command secret one way: --secret-file FILE, --secret-env VAR or --secret-stdin")
    if file is not None:
        try:
            text = file.read_text()
        except OSError as error:
            raise SecretError(f"cannot read the command secret from {file}: {error.strerror}") from None
        where = str(file)
    elif env is not None:
        if env not in os.environ:
            raise SecretError(f"the environment variable {env} holding the command secret is not set")
        text, where = os.environ[env], f"${env}"
    else:
        text, where = sys.stdin.readline(), "stdin"
    secret = text.rstrip("\r\n")
    if not MIN_SECRET <= len(secret) <= MAX_SECRET or not secret.isprintable() or secret != secret.strip(" "):
        raise SecretError(
            f"the command secret in {where} must be {MIN_SECRET} to {MAX_SECRET} printable characters"
            " without leading or trailing spaces"
        )
    return secret

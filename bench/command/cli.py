"""`hanbench command`: one command to a reader over MQTT, signed when a secret is given."""

import os
import sys
from pathlib import Path

import click

from ..broker.endpoint import BrokerEndpoint
from .sender import CommandError, CommandSender
from .signing import SecretError, read_secret

__all__ = ["command"]

PASSWORD_ENV = "HANBENCH_MQTT_PASSWORD"


@click.command()
@click.option("--broker", "broker", default="127.0.0.1:1883", show_default=True, help="The reader's broker, HOST:PORT")
@click.option("--user", default=None, help=f"Broker user name (its password from ${PASSWORD_ENV})")
@click.option("--topic", required=True, help="The reader's command_topic; replies come on TOPIC/reply")
@click.option(
    "--secret-file", type=click.Path(path_type=Path), default=None, help="Sign with the command secret in FILE"
)
@click.option(
    "--secret-env", default=None, metavar="VAR", help="Sign with the command secret in environment variable VAR"
)
@click.option("--secret-stdin", is_flag=True, help="Sign with the command secret read from the first line of stdin")
@click.option(
    "--counter",
    type=click.IntRange(1, 0xFFFFFFFF),
    default=None,
    help="The signed command's counter (default: one above the reader's command_counter)",
)
@click.option(
    "--timeout", type=click.FloatRange(0.1, 60), default=5.0, show_default=True, help="Seconds to wait for a reply"
)
@click.argument("words", nargs=-1, required=True)
def command(broker, user, topic, secret_file, secret_env, secret_stdin, counter, timeout, words) -> None:
    """Send WORDS (such as `config set mqtt_qos 1`) to a reader and print its replies.

    Unsigned, a reader runs only what reads (version, status, help, config get). A
    changing command needs the reader's command secret, never given on the command line.
    Exits 0 when the reader ran it, 1 when it refused, 2 on a usage error or no answer.
    """
    host, _, port = broker.rpartition(":")
    if not host or not port.isdigit():
        _bench_problem(f"--broker must be HOST:PORT, not {broker!r}")
    endpoint = BrokerEndpoint(host, int(port), user, os.environ.get(PASSWORD_ENV) if user else None)
    signed = secret_file is not None or secret_env is not None or secret_stdin
    try:
        secret = read_secret(secret_file, secret_env, secret_stdin) if signed else None
        sender = CommandSender(endpoint, topic)
        try:
            line = " ".join(words)
            replies = sender.ask_signed(secret, line, timeout, counter) if secret else sender.ask(line, timeout)
        finally:
            sender.close()
    except (SecretError, CommandError) as error:
        _bench_problem(str(error))
    for reply in replies:
        click.echo(reply)
    if replies[0].startswith("error"):
        sys.exit(1)  # the reader refused the command


def _bench_problem(message: str) -> None:
    """One line and exit 2: a usage error or the bench's own problem, not the reader's answer."""
    click.echo(f"hanbench command: {message}", err=True)
    sys.exit(2)

"""A CA and a server certificate for the broker's LAN listener, made with `cryptography`, kept for later runs.

A board trusts the CA once; the server certificate names the LAN address
(an IP SAN, or a DNS name), so the board can check whom it talks to. An
existing set in the folder is reused, so the board's trust survives runs.
"""

import datetime
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ..errors import BrokerError

__all__ = ["TlsFiles", "make_tls"]

VALID_DAYS = 3650


@dataclass(frozen=True)
class TlsFiles:
    """The CA certificate a board trusts, and the broker's certificate and key."""

    ca: Path
    cert: Path
    key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "hanbench"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _subject_alt_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _certificate(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    signing_key: ec.EllipticCurvePrivateKey,
    ca: bool,
    host: str | None,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if host is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName([_subject_alt_name(host)]), critical=False)
    return builder.sign(signing_key, hashes.SHA256())


def _write(path: Path, data: bytes, private: bool = False) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)


def make_tls(folder: Path, host: str) -> TlsFiles:
    """The CA, certificate and key in folder for host: made now when absent, else the ones already there."""
    folder = Path(folder)
    files = TlsFiles(folder / "ca.crt", folder / "server.crt", folder / "server.key")
    if all(path.exists() for path in (files.ca, files.cert, files.key)):
        return files
    try:
        folder.mkdir(parents=True, exist_ok=True)
        ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
        ca_name = _name("hanbench broker CA")
        ca = _certificate(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True, host=None)
        server = _certificate(_name(host), ca_name, server_key.public_key(), ca_key, ca=False, host=host)
        _write(files.ca, ca.public_bytes(serialization.Encoding.PEM))
        _write(files.cert, server.public_bytes(serialization.Encoding.PEM))
        _write(
            files.key,
            server_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ),
            private=True,
        )
    except OSError as error:
        raise BrokerError(
            f"cannot write the broker's TLS files in {folder}: {error.strerror}; pick a writable folder"
        ) from None
    return files

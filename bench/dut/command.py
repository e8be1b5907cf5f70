"""Readers that run on this machine: any command (--dut-cmd) and the firmware's host build (--dut host)."""

import re
import shlex
import shutil
import subprocess
import tempfile
import weakref
from pathlib import Path

from simulator.keys import KeysError, load_keys

from ..errors import DutError
from ..process import ManagedProcess, tail
from .base import CONNECTED_PATTERN, Dut, Wiring

__all__ = ["HOST_FORMATS", "HOST_PASSWORD_ENV", "PASSWORD_ENV", "PLACEHOLDERS", "REPO_ROOT", "CommandDut", "HostDut"]

PLACEHOLDERS = ("tty", "serial", "mqtt_host", "mqtt_port", "topic", "user")
# The broker password reaches a --dut-cmd reader in its environment, never in argv, where `ps` shows it to all.
PASSWORD_ENV = "HANBENCH_MQTT_PASSWORD"
# Where the host build reads it (hanreader refuses --password for the same reason).
HOST_PASSWORD_ENV = "HANREADER_MQTT_PASSWORD"
# The bench's names of the formats the host build writes, and the host build's own (`hanreader --format`).
HOST_FORMATS = {"classic": "classic", "values": "per-value", "homeassistant": "homeassistant", "raw": "raw"}
REPO_ROOT = Path(__file__).resolve().parents[2]


class CommandDut(Dut):
    """A reader started from a command template: 'CMD {tty} {serial} {mqtt_host} {mqtt_port} {topic}'."""

    kind = "command"

    def __init__(self, run_dir: Path, template: str, connected_pattern: str = CONNECTED_PATTERN):
        super().__init__(run_dir, connected_pattern)
        self.template = template
        unknown = sorted(set(re.findall(r"{(\w*)}", template)) - set(PLACEHOLDERS))
        if unknown:
            hint = f" (the password is in ${PASSWORD_ENV})" if unknown[0] == "password" else ""
            raise DutError(f"--dut-cmd may use {{{'}, {'.join(PLACEHOLDERS)}}}, not {{{unknown[0]}}}{hint}")
        self._process: ManagedProcess | None = None

    def argv(self, wiring: Wiring) -> list[str]:
        """The command with the wiring filled in."""
        values = {
            "tty": wiring.tty,
            "serial": wiring.serial,
            "mqtt_host": wiring.broker.host,
            "mqtt_port": wiring.broker.port,
            "topic": wiring.topic,
            "user": wiring.broker.username or "",
        }
        return [part.format(**values) for part in shlex.split(self.template)]

    def _build(self) -> None:
        if not self.template.strip():
            raise DutError("--dut-cmd is empty; give the reader's command, such as 'myreader {tty} {mqtt_port}'")

    def secret_env(self, wiring: Wiring) -> dict[str, str]:
        """The broker password, in the environment (only the reader's user reads it), unlike argv."""
        return {PASSWORD_ENV: wiring.broker.password} if wiring.broker.password else {}

    def _launch(self, wiring: Wiring) -> None:
        self._process = ManagedProcess(self.argv(wiring), self.log_path, env=self.secret_env(wiring))
        try:
            self._process.start()
        except OSError as error:
            raise DutError(f"cannot run the DUT command {self.argv(wiring)[0]!r}: {error.strerror}") from None

    def _connected(self) -> bool:
        return self._process is not None and self._process.log_contains(self.connected_pattern)

    def _halt(self) -> None:
        if self._process is not None:
            self._process.stop()

    def alive(self) -> bool:
        """True while the reader's process runs."""
        return self._process is not None and self._process.alive()

    def kill(self) -> None:
        """Kill the reader at once, as a power cut would."""
        if self._process is not None:
            self._process.kill()


class HostDut(CommandDut):
    """The reader firmware's host build, firmware/build/hanreader, compiled with CMake when it is missing."""

    kind = "host"

    def __init__(self, run_dir: Path, binary: Path | None = None, connected_pattern: str = CONNECTED_PATTERN):
        self.binary = Path(binary or REPO_ROOT / "firmware" / "build" / "hanreader")
        self._settings_file: Path | None = None
        template = f"{shlex.quote(str(self.binary))} --tty {{tty}} --serial {{serial}} --mqtt-host {{mqtt_host}} --mqtt-port {{mqtt_port}} --topic {{topic}}"
        super().__init__(run_dir, template, connected_pattern)

    def argv(self, wiring: Wiring) -> list[str]:
        """The host build's command line, with the broker's user when it has one, and the keys file it reads."""
        user = ["--user", wiring.broker.username] if wiring.broker.username else []
        settings = ["--config", str(self._settings_file)] if self._settings_file else []
        return [*super().argv(wiring), "--format", self._format(wiring.output_format), *user, *settings]

    def check_format(self, output_format: str) -> None:
        """The host build writes its own four formats only."""
        self._format(output_format)

    @staticmethod
    def _format(output_format: str) -> str:
        """The host build's name for the format the bench reads; a DutError for one it cannot write."""
        if output_format not in HOST_FORMATS:
            raise DutError(
                f"the host build writes --format {', '.join(HOST_FORMATS)}, not {output_format!r}; "
                "judge another reader in that format with --dut-cmd"
            )
        return HOST_FORMATS[output_format]

    def secret_env(self, wiring: Wiring) -> dict[str, str]:
        """The broker's password: hanreader refuses it in argv, where any user of the machine could read it."""
        if not wiring.broker.username or not wiring.broker.password:
            return {}
        return {HOST_PASSWORD_ENV: wiring.broker.password}

    def _launch(self, wiring: Wiring) -> None:
        self._write_meter_keys(wiring.meter)
        super()._launch(wiring)

    def _halt(self) -> None:
        super()._halt()
        if self._settings_file is not None:
            shutil.rmtree(self._settings_file.parent, ignore_errors=True)
            self._settings_file = None

    def _write_meter_keys(self, meter: str) -> None:
        """The meter's keys (from HANBENCH_KEYS_FILE) in a settings file only this user reads: never in argv or a log."""
        try:
            keys = load_keys().for_meter(meter) if meter else None
        except KeysError as error:
            raise DutError(str(error)) from None
        if keys is None:
            return
        if self._settings_file is None:
            folder = tempfile.mkdtemp(prefix="hanbench-reader-")  # mode 700; removed with the DUT
            weakref.finalize(self, shutil.rmtree, folder, True)
            self._settings_file = Path(folder) / "reader.conf"
        lines = [f"meter_key={keys.encryption.hex()}"] + (
            [f"meter_auth_key={keys.authentication.hex()}"] if keys.authentication else []
        )
        self._settings_file.touch(mode=0o600)
        self._settings_file.write_text("".join(f"{line}\n" for line in lines))

    def _build(self) -> None:
        if self.binary.exists():
            return
        source = self.binary.parent.parent
        if not (source / "CMakeLists.txt").exists():
            raise DutError(
                f"no firmware source at {source} to build {self.binary.name} from; use --dut-cmd for another reader"
            )
        build_log = self.run_dir / "firmware-build.log"
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with open(build_log, "w") as log:
            for step in (
                ["cmake", "-S", source, "-B", self.binary.parent],
                ["cmake", "--build", self.binary.parent, "-j2"],
            ):
                if subprocess.run([str(s) for s in step], stdout=log, stderr=subprocess.STDOUT).returncode:
                    raise DutError(
                        f"building the host firmware failed ({' '.join(map(str, step))}); "
                        f"last lines of {build_log}:\n{tail(build_log)}"
                    )

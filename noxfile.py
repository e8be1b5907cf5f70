"""The sessions people run: `nox -s bench` (the main job), `nox -s tests` and `nox -s lint`."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nox

nox.options.sessions = ["tests"]
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_existing_virtualenvs = True

TEST_EXTRAS = ".[test,hdl]"


@nox.session
def tests(session: nox.Session) -> None:
    """Every test: unit, property, end to end, firmware and gateware (two workers, as on CI's two cores)."""
    session.install("-e", TEST_EXTRAS)
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session
def quick(session: nox.Session) -> None:
    """The `unit` tier: pure-Python tests that need no compiler, simulator, browser or broker, in under a minute."""
    session.install("-e", TEST_EXTRAS)
    # tests/hardware holds only the hdl tier: not importing it (Amaranth, cocotb) saves seconds per worker.
    session.run("pytest", "-n", "2", "-m", "unit", "--ignore=tests/hardware", *session.posargs)


# The type checker and the stubs of the typed libraries that ship none; the project's extras come with it so
# mypy checks the code against the libraries it really imports (pydantic, SQLAlchemy, pytest, hypothesis...).
# Pinned: a new release of either brings new rules, and CI must not fail on a day no code changed.
LINT_TOOLS = ["ruff==0.17.6", "mypy==2.4.1", "types-pyserial==3.5.0.20261104"]


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format check) and mypy (strict where [tool.mypy] says so, checked everywhere else)."""
    session.install("-e", ".[test,hdl,station,sim]", *LINT_TOOLS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", *session.posargs)


@nox.session
def benchmarks(session: nox.Session) -> None:
    """Speed figures for the README (medians and ratios, never pass/fail)."""
    session.install("-e", TEST_EXTRAS)
    for script in session.posargs or sorted(str(path) for path in Path("benchmarks").glob("bench_*.py")):
        session.run("python", script)


@nox.session
def bench(session: nox.Session) -> None:
    """The main job: every profile through a pty into the host firmware, a broker of its own per run, a verdict;
    beside it the "qemu" set on the firmware's lx106 machine code in qemu-system-xtensa.

    On a USB rig: nox -s bench -- --dut rig --port /dev/serial/by-id/... [--console ...] --broker mosquitto --lan-host ADDR
    """
    # station: the hanbench command loads its selftest group (OpenHTF, SQLAlchemy) and the rig's esptool when it starts.
    session.install("-e", ".[sim,station]")
    # Bytecode written once: every run starts five Python processes, which with PYTHONDONTWRITEBYTECODE set (as on
    # the 2-core machine) compiled everything they imported, every time. Only what the runs import is compiled.
    bytecode = {"PYTHONDONTWRITEBYTECODE": ""}
    # The same reader as ESP8266 machine code, on the emulated lx106 (needs no rig), side by side with the host set:
    # its five runs mostly wait on the emulator's line, and its image builds while the host build does. Its output
    # is shown once it ends (a failure fails the session).
    qemu_set = [
        "--set",
        "qemu",
        "--dut",
        "qemu",
        "--broker",
        "auto",
        "--workers",
        "2",
        "--report-dir",
        "reports/bench-qemu",
    ]
    with ThreadPoolExecutor(max_workers=1) as beside:
        qemu = beside.submit(session.run, "hanbench", "run", *qemu_set, env=bytecode, silent=True)
        # The encrypted meters' keys: the bench's public test keys unless HANBENCH_KEYS_FILE names others.
        keys = {"HANBENCH_KEYS_FILE": os.environ.get("HANBENCH_KEYS_FILE", "bench/data/test-keys.toml")}
        # auto: mosquitto when installed (CI installs it), else the embedded broker. A warped day's 1,800 messages a
        # second take the embedded one (amqtt) most of a core: on a busy 2-core machine its queue became the
        # reader's latency (p99 2.9 s, FAIL), where mosquitto's was 12 ms.
        session.run(
            "hanbench",
            "run",
            "--set",
            "bench",
            "--dut",
            "host",
            "--broker",
            "auto",
            "--report-dir",
            "reports/bench",
            *session.posargs,
            env={**keys, **bytecode},
        )
        session.log(f"the qemu set:\n{(qemu.result() or '').rstrip()}")


@nox.session
def docs(session: nox.Session) -> None:
    """The reference in docs/ as HTML (docs/_build/html); a broken link, image or heading fails the build."""
    session.install("-e", ".[docs]")
    session.run("sphinx-build", "-W", "--keep-going", "-n", "-b", "html", "docs", "docs/_build/html", *session.posargs)


@nox.session(name="sim-timing")
def sim_timing(session: nox.Session) -> None:
    """The simulator's real-time accuracy over a pty: ten minutes (`-- --minutes 1` for a quick look)."""
    session.install("-e", ".")
    session.run("python", "benchmarks/bench_sim_timing.py", *session.posargs)


@nox.session
def hdl(session: nox.Session) -> None:
    """The gateware tests: Amaranth simulation, cocotb on Icarus, the iCE40 build check."""
    session.install("-e", TEST_EXTRAS)
    session.run("pytest", "tests/hardware", *session.posargs)


@nox.session
def selftest(session: nox.Session) -> None:
    """The manufacturing self-test: its tests, then a station run on the host build (or `-- --dut rig --port ...`)."""
    session.install("-e", ".[test,station]")
    if not session.posargs:
        session.run("pytest", "tests/bench/selftest")
    station = session.posargs or ["--dut", "host", "--serial-number", "NOX-HOST-1"]
    session.run("hanbench", "selftest", "--record-dir", "reports/selftest", *station)
    session.run("hanbench", "selftest", "report", "reports/selftest")


@nox.session
def firmware(session: nox.Session) -> None:
    """The reader firmware: host and sanitizer builds, their pty/broker tests, and the ESP8266 size report."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", "tests/firmware", *session.posargs)
    session.run("python", "-m", "firmware.tools.xtensa_size")


# Each libFuzzer target of the firmware and the longest input worth giving it: a frame
# within the deframer's buffer, a settings file, a few console lines, a portal request
# past kMaxHttpRequest, a few MQTT packets.
FUZZ_TARGETS = {"frames": 2048, "link": 4096, "settings": 4096, "console": 1024, "portal": 4096, "mqtt": 2048}


@nox.session(venv_backend="none")
def fuzz(session: nox.Session) -> None:
    """libFuzzer (clang, ASan + UBSan) over the frame path, link layer (joining, deciphering), settings file, console, portal and MQTT receive path.

    Seeds come from the captures and from the tests (firmware/fuzz/seeds.toml).
    `nox -s fuzz -- -runs=5000000` passes libFuzzer options; the default is one million runs a target.
    """
    build, corpus = "firmware/build-fuzz", "firmware/build-fuzz/corpus"
    session.run(
        "cmake", "-S", "firmware", "-B", build, "-DCMAKE_CXX_COMPILER=clang++", "-DHANREADER_FUZZ=ON", external=True
    )
    session.run("cmake", "--build", build, "-j", "2", external=True)
    session.run("python", "firmware/fuzz/seed_corpus.py", corpus, external=True)
    options = session.posargs or ["-runs=1000000"]
    for target, max_len in FUZZ_TARGETS.items():
        session.run(
            f"{build}/fuzz_{target}",
            f"{corpus}/{target}",
            f"-max_len={max_len}",
            "-print_final_stats=1",
            f"-artifact_prefix={build}/",
            *options,
            external=True,
        )

#!/usr/bin/env python3
"""Runs README.md's commands as a new user would, on this checkout, and fails when they do not work.

The run command is the README's first ```sh block, run by bash exactly as written; only two
environment variables the server already reads are added: TINCAN_DATA (a temporary directory) and
TINCAN_LISTEN (a free port), so that the check never touches ./tincan-data or another server.
Once /healthz answers, the pages the README names must answer (/, /console, /chat), the commands
the server's banner prints must run as printed, and the README's quickstart must print what the
README says it prints. Then the server is stopped as a person stops it, with Ctrl-C (SIGINT to its
process group), and must stop cleanly.

The quickstart is the README's blocks tagged with a terminal: ```sh terminal=bob runs its
commands in terminal "bob" (in the background, as a terminal would), and ```text terminal=bob
lists lines that terminal must print next, in order. The quickstart's commands find `tincan` on
the PATH (the binary the run command built, as after `cargo install`) and the server through
TINCAN_SERVER and TINCAN_DATA.

Standard library only. Usage: scripts/readme-check.py [README.md]
"""

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

# The run command builds release first; on a fresh clone with two cores that is minutes.
START_TIMEOUT_SECONDS = 30 * 60
LINE_TIMEOUT_SECONDS = 30
STOP_TIMEOUT_SECONDS = 30


def fail(message):
    print(f"README check failed: {message}", file=sys.stderr)
    sys.exit(1)


def blocks(readme):
    """Every fenced code block: (info string, text)."""
    found = []
    for match in re.finditer(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", readme, flags=re.M | re.S):
        found.append((match.group(1).strip(), match.group(2)))
    return found


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A process in its own session whose output lines are collected as they come."""

    def __init__(self, command, env, name):
        self.name = name
        self.lines = []
        self.lock = threading.Lock()
        self.child = subprocess.Popen(
            ["bash", "-c", command],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.child.stdout:
            with self.lock:
                self.lines.append(line.rstrip("\n"))

    def snapshot(self):
        with self.lock:
            return list(self.lines)

    def stop(self, sig=signal.SIGTERM):
        if self.child.poll() is None:
            try:
                os.killpg(self.child.pid, sig)
            except ProcessLookupError:
                pass

    def wait(self, timeout):
        try:
            return self.child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(signal.SIGKILL)
            return None


def get(url):
    """(status, body) of a GET, or (None, reason)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except (urllib.error.URLError, OSError) as error:
        return None, str(error)


def expect_lines(terminal, expected, cursor, output_of):
    """Waits until `expected` appear in order in a terminal's output after `cursor`."""
    deadline = time.monotonic() + LINE_TIMEOUT_SECONDS
    while True:
        lines = output_of()
        position = cursor
        missing = None
        for line in expected:
            try:
                position = lines.index(line, position) + 1
            except ValueError:
                missing = line
                break
        if missing is None:
            return position
        if time.monotonic() > deadline:
            shown = "\n".join(f"  {line}" for line in lines[cursor:]) or "  (nothing)"
            fail(f"terminal {terminal} did not print {missing!r} within {LINE_TIMEOUT_SECONDS} s; it printed:\n{shown}")
        time.sleep(0.2)


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
    readme_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "README.md")
    with open(readme_path, encoding="utf-8") as readme_file:
        readme = readme_file.read()
    all_blocks = blocks(readme)
    shell_blocks = [index for index, (info, _) in enumerate(all_blocks) if info.split()[:1] == ["sh"]]
    if not shell_blocks:
        fail("README.md has no ```sh block")
    run_command = all_blocks[shell_blocks[0]][1].strip()
    print(f"README run command: {run_command}")

    data = tempfile.mkdtemp(prefix="tincan-readme-")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, TINCAN_DATA=data, TINCAN_LISTEN=f"127.0.0.1:{port}")
    for name in ("TINCAN_SERVER", "TINCAN_KEY", "TINCAN_SDKAPPID"):
        env.pop(name, None)
    started = time.monotonic()
    server = Process(run_command, env, "server")
    terminals = {}
    try:
        while get(f"{base}/healthz")[0] != 200:
            if server.child.poll() is not None:
                fail("the run command exited before serving:\n" + "\n".join(server.snapshot()))
            if time.monotonic() - started > START_TIMEOUT_SECONDS:
                fail(f"nothing answered on {base}/healthz within {START_TIMEOUT_SECONDS} s")
            time.sleep(1)
        print(f"serving after {time.monotonic() - started:.0f} s (the build included)")

        # The pages the README and the banner name.
        for path, needle in [
            ("/healthz", "ok"),
            ("/", 'href="/console"'),
            ("/console", "<title>tincan console</title>"),
            ("/chat", "<title>tincan chat</title>"),
            ("/metrics", "tincan_"),
        ]:
            status, body = get(base + path)
            if status != 200 or needle not in body:
                fail(f"GET {path} answered {status} without {needle!r}")
            print(f"GET {path}: 200")
        if not any(name.endswith(".key") for name in os.listdir(os.path.join(data, "apps"))):
            fail("the server did not keep its app key in TINCAN_DATA")

        # The banner's commands, as printed, from where the server was started.
        banner = server.snapshot()
        serving = next((index for index, line in enumerate(banner) if line.endswith(" is serving")), None)
        if serving is None:
            fail("the server printed no banner:\n" + "\n".join(banner))
        commands = [line[4:] for line in banner[serving:] if line.startswith("    ") and not line.startswith("     ")]
        usersig = next((line for line in commands if " usersig " in line), None)
        tail = next((line for line in commands if " tail " in line), None)
        send = next((line for line in commands if " send " in line), None)
        if not (usersig and tail and send):
            fail("the banner lacks its usersig, tail and send commands:\n" + "\n".join(banner[serving:]))
        clean = {name: value for name, value in os.environ.items() if not name.startswith("TINCAN_")}
        made = subprocess.run(["bash", "-c", usersig], env=clean, capture_output=True, text=True, timeout=60)
        if made.returncode != 0 or len(made.stdout.split()) != 1:
            fail(f"the banner's `{usersig}` printed {made.stdout!r} {made.stderr!r}")
        print(f"banner: {usersig}: a UserSig")
        bob = Process(f"exec {tail}", clean, "banner tail")
        terminals["banner tail"] = bob
        expect_lines("banner tail", ["bob is online and listening (Ctrl-C stops)"], 0, bob.snapshot)
        sent = subprocess.run(["bash", "-c", send], env=clean, capture_output=True, text=True, timeout=60)
        if sent.returncode != 0:
            fail(f"the banner's `{send}` failed: {sent.stderr}")
        expect_lines("banner tail", ["read receipt sent to alice"], 0, bob.snapshot)
        bob.stop()
        bob.wait(STOP_TIMEOUT_SECONDS)
        print(f"banner: {tail} and {send}: a message and its receipt")

        # The quickstart, with `tincan` on the PATH as after `cargo install`.
        program = shlex.split(usersig)[0]
        bin_dir = os.path.dirname(os.path.abspath(program))
        quickstart_env = dict(env, PATH=bin_dir + os.pathsep + env.get("PATH", ""), TINCAN_SERVER=f"127.0.0.1:{port}")
        quickstart_env.pop("TINCAN_LISTEN")
        outputs = {}
        cursors = {}
        steps = 0
        for info, text in all_blocks:
            words = info.split()
            terminal = next((word.split("=", 1)[1] for word in words[1:] if word.startswith("terminal=")), None)
            if terminal is None:
                continue
            steps += 1
            if words[0] == "sh":
                process = Process(text, quickstart_env, terminal)
                terminals[f"{terminal} {steps}"] = process
                outputs.setdefault(terminal, []).append(process)
                print(f"quickstart, terminal {terminal}: {text.strip()}")
            elif words[0] == "text":
                if terminal not in outputs:
                    fail(f"the README shows output of terminal {terminal} before any command in it")
                expected = [line for line in text.splitlines() if line.strip()]
                output_of = lambda processes=outputs[terminal]: [line for one in processes for line in one.snapshot()]
                cursors[terminal] = expect_lines(terminal, expected, cursors.get(terminal, 0), output_of)
                print(f"quickstart, terminal {terminal} printed: {' / '.join(expected)}")
        if steps == 0:
            fail("the README has no quickstart blocks (```sh terminal=NAME and ```text terminal=NAME)")
    finally:
        for process in terminals.values():
            process.stop()
            process.wait(STOP_TIMEOUT_SECONDS)
        server.stop(signal.SIGINT)
        code = server.wait(STOP_TIMEOUT_SECONDS)
        subprocess.run(["rm", "-rf", data], check=False)
    if code != 0:
        fail(f"the server did not stop cleanly on Ctrl-C (exit status {code}):\n" + "\n".join(server.snapshot()[-20:]))
    if "tincan stopped; everything acknowledged is on disk" not in server.snapshot():
        fail("the server did not say it stopped:\n" + "\n".join(server.snapshot()[-20:]))
    print(f"README check passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

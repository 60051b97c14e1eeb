"""A headless Chromium for tests, driven over the DevTools protocol (CDP).

    with Browser() as browser:
        page = browser.open(path)                 # every console error and request is recorded
        page.evaluate("window.micrograd.state()")

Chromium is started with a fresh profile and no network features, on a debugging port the
operating system picks; `chromium_path()` is None where none is installed, so tests can skip.
"""
from __future__ import annotations

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from websockets.sync.client import connect

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--hide-scrollbars"]
KEYS = {"ArrowLeft": 37, "ArrowRight": 39, "Home": 36, "End": 35}


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


class Browser:
    def __init__(self) -> None:
        # a helper process of Chromium may still be writing there as it exits
        self.profile = tempfile.TemporaryDirectory(prefix="mg-chromium-", ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [chromium_path(), *FLAGS, f"--user-data-dir={self.profile.name}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = Path(self.profile.name) / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.close()
                raise RuntimeError("Chromium did not start")
            time.sleep(0.05)
        self.port = int(port_file.read_text().split()[0])

    def open(self, path: Path, width: int = 1400, height: int = 900) -> Page:
        return Page(self._target("page")["webSocketDebuggerUrl"], path, width, height)

    def iframe(self) -> Page:
        """The iframe of the page on show (Chromium runs a sandboxed one as a target of its own)."""
        return Page(self._target("iframe")["webSocketDebuggerUrl"])

    def _target(self, kind: str) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json/list") as response:
            return next(t for t in json.load(response) if t["type"] == kind)

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Page:
    """One tab with a page loaded; `errors` and `requests` collect what the page did."""

    def __init__(self, socket_url: str, path: Path | None = None, width: int = 1400, height: int = 900) -> None:
        """Load `path`; with no path, attach to what the target shows already."""
        self._closing = ExitStack()
        self.socket = self._closing.enter_context(connect(socket_url, max_size=None, open_timeout=30))
        self.ids = itertools.count(1)
        self.errors: list[str] = []
        self.requests: list[str] = []
        if path is None:
            return
        self.url = Path(path).resolve().as_uri()
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.resize(width, height)
        self.send("Page.navigate", url=self.url)
        self.wait_for("Page.loadEventFired")

    def send(self, method: str, **params) -> dict:
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = self._receive()
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def wait_for(self, event: str) -> dict:
        while True:
            message = self._receive()
            if message.get("method") == event:
                return message["params"]

    def _receive(self) -> dict:
        message = json.loads(self.socket.recv(timeout=60))
        method, params = message.get("method"), message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("exception", {}).get("description", str(params)))
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "warning", "assert"):
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            self.errors.append(params["entry"]["text"])
        elif method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
        return message

    def evaluate(self, expression: str):
        """The value of a JavaScript expression (awaited if it is a promise); raises on a throw."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"]["exception"]["description"])
        value = result["result"]
        if "unserializableValue" in value:  # -0, Infinity, NaN
            return float(value["unserializableValue"].replace("Infinity", "inf"))
        return value.get("value")

    def press(self, key: str) -> None:
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                      windowsVirtualKeyCode=KEYS[key], nativeVirtualKeyCode=KEYS[key])

    def resize(self, width: int, height: int) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)

    def screenshot(self, path: Path) -> Path:
        self.evaluate("new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))")
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        self._closing.close()

"""Minimal headless-Chromium renderer over the DevTools protocol (pipe transport).

No third-party dependencies: Chromium is started with --remote-debugging-pipe and
we speak CDP JSON messages (NUL-terminated) over file descriptors 3 (to browser)
and 4 (from browser).  Used by tools/ocr/make_text_images.py and
tools/forms/make_corpus.py.

    with Browser() as b:
        png_bytes, data = b.render(html, width, js_extract, min_height=100)

`render` loads the HTML (written to a temporary file and opened via file://),
waits for the load event and document.fonts.ready, resizes the viewport to the
full document height (device scale factor 1, so CSS px == image px), evaluates
`js_extract` (an expression returning a JSON-serialisable value) and captures a
PNG screenshot of exactly width x height pixels.
"""

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
    "--font-render-hinting=none",
    "--disable-lcd-text",
    "--remote-debugging-pipe",
]


class CDPError(RuntimeError):
    pass


class Browser:
    def __init__(self, timeout=60.0):
        self.timeout = timeout
        self._id = 0
        self._events = []

    # -- process management -------------------------------------------------
    def __enter__(self):
        self.tmp = tempfile.mkdtemp(prefix="cdp_render_")
        self.profile = os.path.join(self.tmp, "profile")
        os.makedirs(self.profile)
        to_browser_r, self._wfd = os.pipe()
        self._rfd, from_browser_w = os.pipe()

        def _child_fds():
            # move to high fds first so the dup2 onto 3/4 cannot clobber each other
            a = os.dup(to_browser_r)
            b = os.dup(from_browser_w)
            a2 = os.dup2(a, 100)
            b2 = os.dup2(b, 101)
            os.dup2(a2, 3)
            os.dup2(b2, 4)
            os.close(a2)
            os.close(b2)

        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            close_fds=False,
            preexec_fn=_child_fds,
        )
        # chromium wants fds 3/4 exactly; the preexec hook puts them in place
        # (os.pipe fds are close-on-exec, so nothing else leaks into chromium).
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buf = b""
        self.send("Target.setDiscoverTargets", {"discover": False})
        return self

    def __exit__(self, *exc):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._wfd, self._rfd):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- protocol -----------------------------------------------------------
    def _read_msg(self, deadline):
        import select

        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise CDPError("timeout waiting for chromium")
            r, _, _ = select.select([self._rfd], [], [], left)
            if not r:
                continue
            chunk = os.read(self._rfd, 1 << 20)
            if not chunk:
                raise CDPError("chromium closed the pipe")
            self._buf += chunk
        msg, self._buf = self._buf.split(b"\0", 1)
        return json.loads(msg)

    def send(self, method, params=None, session=None, timeout=None):
        self._id += 1
        mid = self._id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            n = os.write(self._wfd, data)
            data = data[n:]
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            m = self._read_msg(deadline)
            if m.get("id") == mid:
                if "error" in m:
                    raise CDPError(f"{method}: {m['error']}")
                return m.get("result", {})
            if "method" in m:
                self._events.append(m)

    def wait_event(self, method, session, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, e in enumerate(self._events):
                if e.get("method") == method and e.get("sessionId") == session:
                    del self._events[i]
                    return e
            self._events.append(self._read_msg(deadline))

    def evaluate(self, expr, session):
        r = self.send(
            "Runtime.evaluate",
            {"expression": expr, "returnByValue": True, "awaitPromise": True},
            session,
        )
        if "exceptionDetails" in r:
            raise CDPError(f"JS error: {json.dumps(r['exceptionDetails'])[:2000]}")
        return r["result"].get("value")

    # -- rendering ----------------------------------------------------------
    def render(self, html, width, js_extract=None, min_height=1, fixed_height=None, js_prepare=None):
        """Returns (png_bytes, extracted_value, (width, height))."""
        path = os.path.join(self.tmp, "page.html")
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sess = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            self.send("Page.enable", {}, sess)
            self.send("Runtime.enable", {}, sess)
            h0 = fixed_height or max(min_height, 50)
            self._metrics(sess, width, h0)
            self._events.clear()
            self.send("Page.navigate", {"url": "file://" + path}, sess)
            self.wait_event("Page.loadEventFired", sess)
            self.evaluate("document.fonts.ready.then(() => true)", sess)
            if js_prepare:  # e.g. line wrapping that must measure with the final fonts
                self.evaluate(js_prepare, sess)
            if fixed_height:
                height = fixed_height
            else:
                height = 0
                for _ in range(5):  # converge: height may depend on viewport height
                    h = self.evaluate(
                        "Math.ceil(Math.max(document.body.scrollHeight,"
                        " document.body.getBoundingClientRect().bottom))",
                        sess,
                    )
                    h = max(int(h), min_height)
                    if h == height:
                        break
                    height = h
                    self._metrics(sess, width, height)
            # layout sanity: the document must not be wider than the viewport
            sw = self.evaluate("document.documentElement.scrollWidth", sess)
            if sw > width:
                raise CDPError(f"content wider ({sw}) than page ({width})")
            self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(1))))", sess)
            data = self.evaluate(js_extract, sess) if js_extract else None
            shot = self.send(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                    "captureBeyondViewport": False,
                    "fromSurface": True,
                },
                sess,
            )
            return base64.b64decode(shot["data"]), data, (width, height)
        finally:
            self.send("Target.closeTarget", {"targetId": target})

    def _metrics(self, sess, width, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            sess,
        )


def save_png(png_bytes, path, grayscale=False):
    """Re-encode a PNG with Pillow, optimize=True (zlib level 9).

    If grayscale is True, or the image has no colour at all, it is stored as 8-bit L.
    Returns (width, height)."""
    import io

    from PIL import Image

    im = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    if grayscale or _is_gray(im):
        im = im.convert("L")
    im.save(path, format="PNG", optimize=True)
    return im.size


def _is_gray(im):
    from PIL import ImageChops

    r, g, b = im.split()
    return ImageChops.difference(r, g).getbbox() is None and ImageChops.difference(g, b).getbbox() is None

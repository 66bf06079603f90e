"""Drives a page in Chromium's headless shell through the DevTools protocol over a pipe, for
tests/html.rs: opens URL, waits for its load event, then evaluates each EXPRESSION in the page
in turn (as a person's clicks and typing would act: setting a select and dispatching its
change event), and prints one JSON object: the expressions' values, the console and log
entries, and every network request other than the page's own file.

Usage: cdp.py URL EXPRESSION...

Chromium reads commands on fd 3 and writes answers and events on fd 4 (--remote-debugging-pipe),
each message a JSON text ended by a NUL byte.
"""

import json
import os
import subprocess
import sys
import tempfile
import time

url, expressions = sys.argv[1], sys.argv[2:]
to_chrome_r, to_chrome_w = os.pipe()
from_chrome_r, from_chrome_w = os.pipe()
profile = tempfile.mkdtemp()


def child_fds():
    os.dup2(to_chrome_r, 3)
    os.dup2(from_chrome_w, 4)


chrome = subprocess.Popen(
    [
        "chromium-headless-shell",
        "--no-sandbox",
        "--disable-gpu",
        "--remote-debugging-pipe",
        "--user-data-dir=" + profile,
        "about:blank",
    ],
    preexec_fn=child_fds,
    pass_fds=(3, 4, to_chrome_r, from_chrome_w),
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
os.close(to_chrome_r)
os.close(from_chrome_w)
out = os.fdopen(to_chrome_w, "wb")
inp = os.fdopen(from_chrome_r, "rb")
buffer = b""
next_id = 0
events = []


def read_message(deadline):
    global buffer
    while b"\0" not in buffer:
        if time.time() > deadline:
            raise SystemExit("no answer from chromium in time")
        chunk = os.read(inp.fileno(), 65536)
        if not chunk:
            raise SystemExit("chromium closed the pipe")
        buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    return json.loads(message)


def send(method, params=None, session=None):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    out.write(json.dumps(message).encode() + b"\0")
    out.flush()
    deadline = time.time() + 30
    while True:
        m = read_message(deadline)
        if m.get("id") == next_id:
            if "error" in m:
                raise SystemExit(f"{method}: {m['error']}")
            return m.get("result", {})
        events.append(m)


def wait_for(method, deadline):
    for i, e in enumerate(events):
        if e.get("method") == method:
            return events.pop(i)
    while True:
        m = read_message(deadline)
        if m.get("method") == method:
            return m
        events.append(m)


target = send("Target.createTarget", {"url": "about:blank"})["targetId"]
session = send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
for domain in ("Page", "Runtime", "Log", "Network"):
    send(domain + ".enable", session=session)
send("Page.navigate", {"url": url}, session=session)
wait_for("Page.loadEventFired", time.time() + 30)
values = []
for expression in expressions:
    result = send(
        "Runtime.evaluate",
        {"expression": expression, "returnByValue": True, "awaitPromise": True},
        session=session,
    )
    if "exceptionDetails" in result:
        raise SystemExit(f"{expression}: {result['exceptionDetails']}")
    values.append(result["result"].get("value"))
# Let events already under way arrive.
send("Runtime.evaluate", {"expression": "1"}, session=session)
console = [
    e["params"]
    for e in events
    if e.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
]
requests = [
    e["params"]["request"]["url"]
    for e in events
    if e.get("method") == "Network.requestWillBeSent"
    and not e["params"]["request"]["url"].startswith(url.split("#")[0])
]
chrome.kill()
chrome.wait()
print(json.dumps({"values": values, "console": console, "requests": requests}))

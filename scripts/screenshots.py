"""Screenshots of the main pages for the README, taken in Debian's Chromium through Playwright.

Usage (after ``scripts/demo``): ``.venv/bin/python scripts/screenshots.py [WORKSPACE] [--user U]
[--chief C]`` writes ``docs/screenshots/*.png``. With ``--chief`` it also shows the desk: the
user proposes filing a case on the top clue of the queue (assigning it and starting
verification first, as a prosecutor would; this changes the workspace, audited like any action),
then the chief's notifications and the clue awaiting approval are taken (``desk_*.png``).
The pages are served by uvicorn on 127.0.0.1 from the
workspace (default ``$JIANDU_HOME`` or ``./jiandu-workspace``) and seen as one user (default
the demo county prosecutor), logged in with a session the app issues itself (no password).
Chinese text needs a CJK font on the machine (Debian: ``apt-get install fonts-wqy-zenhei``);
without one Chromium draws boxes, and the script stops and says so.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# (file name, path or None for "the first clue of the queue", what it shows)
PAGES: list[tuple[str, str | None]] = [
    ("queue", "/clues"),
    ("clue", None),
    ("statistics", "/statistics"),
    ("dashboard", "/dashboard"),
    ("classes", "/classes"),
    ("models", "/models"),
    ("governance", "/governance"),
    ("search", "/search?q=%E5%80%9F%E6%AC%BE"),
    # "first:" the first clue of that queue, scrolled to the #anchor (execution clue pages)
    ("execution_timeline", "first:/clues?model=execution.ban_violation#execution-timeline"),
    ("execution_transfers", "first:/clues?model=execution.refusal_to_execute#execution-transfers"),
    ("execution_courts", "/governance/execution-courts"),
]

# 地图 (issue 15 §3), taken instead of PAGES with --maps: (file name, path or the id of a model
# whose top clue's map is shown, who: None for --user, "admin" for --admin)
MAP_PAGES: list[tuple[str, str, str | None]] = [
    ("map_overview", "/map", None),
    ("map_tanker_track", "oil.nonstandard_fuel_mass_balance", None),
    ("map_real_poi", "/map?layer=registers", "admin"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace", nargs="?", default=os.environ.get("JIANDU_HOME", "jiandu-workspace"))
    parser.add_argument("--user", default="demo_prosecutor")
    parser.add_argument("--maps", action="store_true", help="only the map pages (map_*.png)")
    parser.add_argument("--admin", default="demo_admin", help="with --maps: who sees the registers layer")
    parser.add_argument("--chief", default=None, help="also the desk as this 部门负责人 (demo_chief)")
    parser.add_argument("--only", default=None, help="only these pages, comma-separated (execution_courts,…)")
    args = parser.parse_args()
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    if not fonts.strip():
        raise SystemExit("no Chinese font found (fc-list :lang=zh): apt-get install fonts-wqy-zenhei")

    import uvicorn
    from playwright.sync_api import sync_playwright

    from jiandu.web import create_app
    from jiandu.web.security import COOKIE_NAME

    app = create_app(Path(args.workspace))
    _, cookie = app.state.jiandu.sessions.new(args.user)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
            context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": base}])
            page = context.new_page()
            wanted = set(args.only.split(",")) if args.only else None
            for name, path in [] if args.maps else PAGES:
                if wanted is not None and name not in wanted:
                    continue
                anchor = ""
                if path is None or path.startswith("first:"):
                    queue, _, anchor = (path or "first:/clues").removeprefix("first:").partition("#")
                    page.goto(base + queue)
                    link = page.locator("a.clue-link").first
                    href = link.get_attribute("href") if link.count() else None
                    if not href:
                        print(f"skipped {name}: the queue is empty")
                        continue
                    path = href + (f"#{anchor}" if anchor else "")
                response = page.goto(base + path)
                if response is None or response.status != 200:
                    print(f"skipped {name}: {path} answered {response.status if response else 'nothing'}")
                    continue
                page.wait_for_load_state("networkidle")
                target = OUT / f"{re.sub(r'[^a-z_]', '', name)}.png"
                page.screenshot(path=str(target), full_page=False)
                print(f"wrote {target}")
            if args.maps:
                _maps(browser, app, base, args.user, args.admin)
            if args.chief:
                _desk(context, browser, app, base, args.chief)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _desk(context: Any, browser: Any, app: Any, base: str, chief: str) -> None:
    """Propose filing a case on the top clue as the user, then screenshot the chief's desk."""
    page = context.new_page()
    page.goto(base + "/clues?status=new")
    link = page.locator("a.clue-link").first
    if not link.count():
        print("skipped the desk: no new clue in the queue")
        return
    url = base + str(link.get_attribute("href"))
    page.goto(url)
    page.click("#form-assign button[type=submit]")
    page.select_option("#form-transition select[name=to]", "verifying")
    page.click("#form-transition button[type=submit]")
    page.select_option("#form-propose select[name=to]", "case_filed")
    page.fill("#form-propose input[name=reason]", "多起借贷诉讼证据存疑，建议立案监督")
    page.click("#form-propose button[type=submit]")
    from jiandu.web.security import COOKIE_NAME

    _, cookie = app.state.jiandu.sessions.new(chief)
    desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    desk.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": base}])
    view = desk.new_page()
    for name, target in (("desk_notifications", base + "/notifications"), ("desk_approval", url)):
        view.goto(target)
        view.wait_for_load_state("networkidle")
        if name == "desk_approval":
            view.locator("#form-approve").scroll_into_view_if_needed()
        out = OUT / f"{name}.png"
        view.screenshot(path=str(out), full_page=False)
        print(f"wrote {out}")
    desk.close()


def _maps(browser: Any, app: Any, base: str, user: str, admin: str) -> None:
    """The map pages (MAP_PAGES), each once its ECharts drawing is done."""
    from jiandu.web.security import COOKIE_NAME

    for name, target, who in MAP_PAGES:
        login = admin if who == "admin" else user
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        cookie = app.state.jiandu.sessions.new(login)[1]
        context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": base}])
        page = context.new_page()
        if not target.startswith("/"):  # a model: its top clue's page, at the map
            page.goto(f"{base}/clues?model={target}")
            link = page.locator("a.clue-link").first
            if not link.count():
                print(f"skipped {name}: no clue of {target}")
                context.close()
                continue
            target = str(link.get_attribute("href"))
        page.goto(base + target)
        page.wait_for_selector("#clue-map[data-drawn='1']", timeout=20_000)
        page.locator("#clue-map").scroll_into_view_if_needed()
        out = OUT / f"{name}.png"
        page.screenshot(path=str(out), full_page=False)
        print(f"wrote {out}")
        context.close()


if __name__ == "__main__":
    main()

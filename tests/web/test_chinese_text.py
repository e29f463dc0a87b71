"""Every page a prosecutor sees speaks Chinese: a crawl finds no English identifier, no ``None``,
no Python repr and no format code in visible text.

Visible text is what a browser shows: text outside ``<script>``/``<style>``, the ``title``,
``placeholder``, ``aria-label`` and ``alt`` attributes and button labels. Two kinds of element are
left out on purpose: the ``技术信息`` fold (``class="tech"``: ids for data engineers) and quoted
data (``class="data"``: judgment text and evidence quotes as the source wrote them).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import update

from jiandu.workflow import Store
from jiandu.workflow.tables import User
from tests.web.conftest import Login
from tests.web.world import USERS

# display names a procuratorate gives its users (login names are ids: never shown as names)
DISPLAY_NAMES = {username: f"用户{i}" for i, (username, _, _) in enumerate(USERS, start=1)}
ENGLISH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Latin words Chinese legal writing itself uses: LPR (贷款市场报价利率) in judgments and the
# Supreme People's Court's interpretations; G in G字头动车组列车, the words of 《最高人民法院关于
# 限制被执行人高消费及有关消费的若干规定》第三条 that the ban-violation model quotes. Codes Chinese
# official texts write in Latin letters: national standards (GB/T 4754) and contract model texts
# (GF-2008-2601) as the land and water models cite them, and the coordinate systems the map and the
# zone model name (WGS-84, GCJ-02, BD-09); and "Natural Earth", the proper name of the map's
# boundary data, which its attribution must give.
ALLOWED = frozenset({"LPR", "G", "GB", "T", "GF", "WGS", "GCJ", "BD", "Natural", "Earth"})
REPR = re.compile(r"\{'|\['|\{[a-z_]*:[^}]*\}|%\([a-z_]+\)|\bNone\b|\bTrue\b|\bFalse\b")
VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
SHOWN_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
MAX_PAGES = 60


class VisibleText(HTMLParser):
    """Visible text and same-site links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.links: list[str] = []
        self._stack: list[tuple[str, bool]] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        classes = a.get("class", "").split()
        hide = tag in ("script", "style") or "tech" in classes or "data" in classes
        if tag not in VOID:
            self._stack.append((tag, hide))
            self._hidden += hide
        if self._hidden or (hide and tag in VOID):
            return
        self.parts.extend(a[k] for k in SHOWN_ATTRIBUTES if a.get(k))
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag: str) -> None:
        while self._stack:
            name, hide = self._stack.pop()
            self._hidden -= hide
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def problems_in(html: str) -> tuple[list[str], list[str]]:
    """(offending tokens, links) of one page."""
    parser = VisibleText()
    parser.feed(html)
    text = " ".join(parser.parts)
    found = [t for t in ENGLISH.findall(text) if t not in ALLOWED] + REPR.findall(text)
    return found, parser.links


def _crawlable(href: str) -> bool:
    path = urlsplit(href).path
    return href.startswith("/") and not path.startswith("/static") and path not in ("/logout",)


@pytest.fixture
def named_users(workspace: Path) -> Path:
    store = Store.for_workspace(workspace)
    try:
        with store.write() as s:
            for username, name in DISPLAY_NAMES.items():
                s.execute(update(User).where(User.username == username).values(display_name=name))
    finally:
        store.close()
    return workspace


@pytest.mark.parametrize("username", ["yc_pro", "sx_pro"])
def test_pages_a_prosecutor_sees_are_chinese(named_users: Path, client_as: Login, username: str) -> None:
    client = client_as(username)
    queue = ["/", "/clues", "/dashboard", "/models", "/governance", "/account", "/no-such-page"]
    seen: set[str] = set()
    shapes: set[str] = set()  # one page per route shape: /clues/<id> once per clue is enough
    report: dict[str, list[str]] = {}
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 403, 404), f"{url}: {response.status_code}"
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        found, links = problems_in(response.text)
        if found:
            report[url] = sorted(set(found))
        for href in links:
            if _crawlable(href) and href not in seen:
                shape = re.sub(r"/[0-9a-f]{12,}", "/<id>", urlsplit(href).path) + "?" * ("?" in href)
                if shape in shapes and "/clues/" not in href:
                    continue
                shapes.add(shape)
                queue.append(href)
    assert len(seen) >= 8, f"the crawl reached only {sorted(seen)}"
    assert not report, "English or internals in visible text:\n" + "\n".join(
        f"{url}: {' '.join(tokens)}" for url, tokens in report.items()
    )


def test_a_rejected_form_is_explained_in_chinese(named_users: Path, client_as: Login) -> None:
    client = client_as("yc_pro")
    response = client.post("/account/password", data={"current": "x", "new": "y"})  # no CSRF token
    assert response.status_code == 403
    found, _ = problems_in(response.text)
    assert not found, found


def test_the_crawl_sees_what_it_must_flag() -> None:
    """The detector itself: a repr, an id, ``None`` and a format code are caught; data and the
    technical fold are not."""
    page = (
        "<p>等级：red {'value': 1.0} None {claimed:,.0f}</p>"
        '<details class="tech"><summary>技术信息</summary><code>civil.serial_suit</code></details>'
        '<pre class="data">被告ABC公司</pre><p title="model_id">标题</p>'
    )
    found, _ = problems_in(page)
    assert "red" in found and "None" in found and "model_id" in found
    assert any(f.startswith("{'") for f in found) and "claimed" in found
    assert "civil" not in found and "ABC" not in found


def test_refusals_of_the_service_layer_are_explained_in_chinese(named_users: Path, client_as: Login) -> None:
    viewer = client_as("yc_viewer")
    response = viewer.get("/admin/users")
    assert response.status_code == 403
    found, _ = problems_in(response.text)
    assert not found, found
    assert "您的角色（查看者）无权进行此操作" in response.text
    missing = client_as("yc_pro").get("/clues/" + "f" * 32)
    assert missing.status_code == 404
    found, _ = problems_in(missing.text)
    assert not found, found
    assert "未找到该线索" in missing.text


def test_the_audit_log_reads_in_chinese(named_users: Path, client_as: Login) -> None:
    client_as("yc_pro").get("/clues/c0000000000000000000000000000001")  # a view of personal data
    auditor = client_as("zj_auditor")
    for url in ("/audit", "/audit?verify=1"):
        response = auditor.get(url)
        assert response.status_code == 200
        found, _ = problems_in(response.text)
        assert not found, f"{url}: {sorted(set(found))}"
    assert "查看个人信息" in auditor.get("/audit").text

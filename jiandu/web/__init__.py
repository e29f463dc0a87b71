"""The web UI and JSON API of jiandu (`jiandu serve`): FastAPI, Jinja2 pages in Chinese, no CDN.

`create_app(workspace_root)` builds the application for one workspace; see ``docs/web.md``.
"""

from jiandu.web.app import WebConfig, create_app

__all__ = ["WebConfig", "create_app"]

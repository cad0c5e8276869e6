"""The review page: one self-contained HTML page served as an MCP App and by `finetune review`.

    api.py    the core calls both transports make (list, detail, act, bulk, edit, stats);
              editing and reviewing themselves are curate.py's
    query.py  which examples, in which order, in which shape; views.py neighbours and charts
    page.py   the assembled page and its CSP;  app.py the MCP App;  web.py the local server
"""

from .api import NAMES
from .page import page

__all__ = ["NAMES", "page"]

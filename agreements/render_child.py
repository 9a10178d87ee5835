"""What runs in the PDF render process: HTML in, PDF bytes out. No Django here.

WeasyPrint (with Pango and fontconfig underneath) keeps caches that grow with
every document. Rendering in a child process that is replaced after a number
of renders keeps the worker's memory bounded and flat.
"""

from __future__ import annotations

import weasyprint  # imported once by the fork server, so each render process starts warm


def _rss_kb() -> int:
    """This process's resident memory, from /proc (0 where there is none)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def render(html: str) -> tuple[bytes, int]:
    """The PDF of ``html``, and this process's resident memory (kB) after making it."""
    return weasyprint.HTML(string=html).write_pdf(), _rss_kb()

"""sekisho: restricted-party screening across US, Japanese, UK, EU and UN lists.

The public face: `Screener`, `Party`, `Hit`, `load_index`, `__version__`. They are imported on first
use, so that `import sekisho` stays cheap for a tool that only wants the version.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Hit", "Party", "Screener", "__version__", "load_index"]

if TYPE_CHECKING:
    from sekisho.screen import Hit, Party, Screener, load_index


def __getattr__(name: str) -> Any:
    if name in ("Hit", "Party", "Screener", "load_index"):
        from sekisho import screen

        return getattr(screen, name)
    raise AttributeError(f"module 'sekisho' has no attribute {name!r}")

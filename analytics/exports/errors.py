"""Why an export could not be made, as message codes the edge (page or CLI) turns into a sentence."""

from __future__ import annotations

from analytics.i18n import t


class RendererMissing(RuntimeError):
    """No program on this machine can draw the requested file (Chromium, LibreOffice, Kaleido's browser)."""

    def __init__(self, code: str, **values: object) -> None:
        self.code = code
        self.values = values
        super().__init__(t(code, "en", **values))

    def message(self, lang: str = "zh") -> str:
        """The one-sentence explanation in lang."""
        return t(self.code, lang, **self.values)


class RendererFailed(RuntimeError):
    """The renderer is there but failed or ran out of time."""

    def __init__(self, renderer: str, detail: str = "") -> None:
        self.code = "export.renderer_failed"
        self.values = {"renderer": renderer}
        self.detail = detail
        super().__init__(t(self.code, "en", renderer=renderer) + (f" ({detail})" if detail else ""))

    def message(self, lang: str = "zh") -> str:
        return t(self.code, lang, **self.values)

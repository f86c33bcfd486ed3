"""数据导入 Data: upload ledgers, preview every issue beside its row, map unknown columns, commit; snapshots."""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from analytics.i18n import label
from analytics.ingest.errors import ImportRejected
from analytics.ingest.ledger import LedgerRead, prepare_reading, read_ledger
from analytics.ingest.report import issues_frame, rows_with_issues, severity_counts
from analytics.ingest.sandbox import run_limited
from analytics.store import audit
from analytics.store.connection import DatabaseBusy, archive_dir, database_path
from analytics.store.imports import ImportOutcome, import_ledger, record_refusal, resolve_as_of
from analytics.store.journal import ArchiveWriteFailed
from analytics.store.snapshots import (
    active_snapshot_id,
    exchange_rates,
    list_snapshots,
    original_file,
    pinned_snapshot_id,
    set_active_snapshot,
    set_exchange_rate,
    snapshot_issues,
)
from analytics.vocabulary import vocabulary
from pages.context import PageContext, connection, page_context, plain, snapshot_caption

AUDIT_ROWS = 1000  # the newest; `python -m analytics audit --json` gives them all
PREVIEW_COLUMNS = [
    "source_sheet", "source_row", "project_name", "investor", "industry", "investment_wan", "stage",
    "signed_date", "landed_date", "construction_date", "production_date", "is_key", "issues",
]  # fmt: skip


def _read(ctx: PageContext, data: bytes, name: str, overrides: dict[str, str]) -> LedgerRead | ImportRejected:
    """Read an upload once per (content, mapping, rates) and keep the result for this session's reruns; audit it."""
    digest = hashlib.sha256(data).hexdigest()
    rates = exchange_rates(connection())
    key = ("ledger", digest, tuple(sorted(overrides.items())), tuple(sorted(rates.items())))
    if key not in st.session_state:
        prepare_reading()
        try:
            ledger = run_limited(read_ledger, data, name, file_name=name, overrides=overrides or None, rates=rates)
        except ImportRejected as exc:
            record_refusal(connection(), ctx.user, name, data, exc)
            st.session_state[key] = exc
        else:
            audit.record(
                connection(), ctx.user, "upload", target=name,
                detail={"sha256": digest, "size_bytes": len(data), "rows_read": ledger.rows_read,
                        "rows_imported": ledger.rows_imported, "rows_rejected": ledger.rows_rejected,
                        "overrides": overrides},
            )  # fmt: skip
            st.session_state[key] = ledger
    return st.session_state[key]


def _mapping_editor(ctx: PageContext, ledger: LedgerRead, file_key: str) -> dict[str, str]:
    """Let the analyst give an unrecognised column a meaning before committing."""
    unmapped = ledger.unmapped_columns()
    overrides: dict[str, str] = st.session_state.setdefault(f"overrides_{file_key}", {})
    candidates = [""] + vocabulary().fields()
    taken = {c.field for plan in ledger.sheets if plan.header for c in plan.header.columns if c.field}
    shown = [(sheet, col) for sheet, col in unmapped] + [
        (k.split("/", 1)[0], k.split("/", 1)[1]) for k in overrides if "/" in k
    ]
    if not shown:
        return overrides
    with st.expander(ctx.t("data.unmapped", n=len(unmapped)), expanded=bool(unmapped)):
        st.caption(ctx.t("data.unmapped_help"))
        for sheet, column in dict.fromkeys(shown):
            key = f"{sheet}/{column}"
            current = overrides.get(key, "")
            options = [f for f in candidates if f == current or f not in taken]
            choice = st.selectbox(
                # A widget label reads Markdown; sheet and column names are the spreadsheet's.
                plain(f"{sheet} · {column}"), options, index=options.index(current),
                format_func=lambda f: ctx.t("data.keep_extra") if not f else label("field", f, ctx.lang),
                key=f"map_{file_key}_{key}",
            )  # fmt: skip
            if choice:
                overrides[key] = choice
            else:
                overrides.pop(key, None)
    return overrides


def _preview(ctx: PageContext, upload) -> None:
    data = upload.getvalue()
    file_key = hashlib.sha256(data).hexdigest()[:16]
    st.subheader(plain(upload.name))
    overrides = dict(st.session_state.get(f"overrides_{file_key}", {}))
    result = _read(ctx, data, upload.name, overrides)
    if isinstance(result, ImportRejected):
        # The sentence quotes the file name and cells: escaped, so they show as typed.
        st.error(ctx.t("data.rejected", reason=plain(result.sentence(ctx.lang))))
        return
    ledger = result
    if _mapping_editor(ctx, ledger, file_key) != overrides:
        st.rerun()
    counts = severity_counts(ledger.issues)
    cols = st.columns(5)
    cols[0].metric(ctx.t("data.rows_read"), ledger.rows_read)
    cols[1].metric(ctx.t("data.rows_imported"), ledger.rows_imported)
    cols[2].metric(ctx.t("data.rows_rejected"), ledger.rows_rejected)
    cols[3].metric(ctx.t("data.warnings"), counts["warning"])
    cols[4].metric(ctx.t("data.notes"), counts["info"])

    preview = rows_with_issues(ledger.projects, ledger.issues, ctx.lang)[PREVIEW_COLUMNS].copy()
    preview["industry"] = preview["industry"].map(lambda k: label("industry", k, ctx.lang))
    preview["stage"] = preview["stage"].map(lambda k: label("stage", k, ctx.lang))
    st.dataframe(
        preview.rename(columns=lambda c: label("field", c, ctx.lang)),
        hide_index=True,
        width="stretch",
        height=320,
    )
    if ledger.issues:
        with st.expander(ctx.t("data.all_issues", n=len(ledger.issues)), expanded=counts["error"] > 0):
            _report_table(ctx, issues_frame(ledger.issues, ctx.lang))

    if not ctx.can("commit"):
        return
    default_as_of, source = resolve_as_of(ledger, None)
    left, _ = st.columns(2)
    as_of = left.date_input(ctx.t("data.as_of"), value=default_as_of, key=f"asof_{file_key}")
    left.caption(ctx.t(f"data.as_of_from_{source}"))
    if st.button(ctx.t("data.commit"), type="primary", key=f"commit_{file_key}"):
        # The ledger previewed above is the one stored: the upload is not read a second time. Who imports is
        # the signed-in analyst, never a typed name.
        try:
            outcome = import_ledger(
                connection(), ledger, data, as_of=as_of if isinstance(as_of, date) else None,
                who=ctx.user, overrides=overrides or None, archive=archive_dir(database_path()),
            )  # fmt: skip
        except ArchiveWriteFailed as exc:
            st.error(ctx.t("data.archive_failed", reason=exc.reason))
            return
        except DatabaseBusy:
            st.error(ctx.t("db.busy_gave_up"))
            return
        # Kept for the reruns that follow: the switch button below must outlive the click that stored.
        st.session_state[f"outcome_{file_key}"] = outcome
        if not outcome.duplicate:
            st.cache_data.clear()
    if f"outcome_{file_key}" in st.session_state:
        _after_commit(ctx, st.session_state[f"outcome_{file_key}"], file_key)


def _after_commit(ctx: PageContext, outcome: ImportOutcome, file_key: str) -> None:
    """What was stored, and whether the dashboard shows it: a pinned or later snapshot stays shown until switched."""
    if outcome.duplicate:
        st.warning(ctx.t("data.duplicate", snapshot_id=outcome.snapshot_id))
    else:
        st.success(ctx.t("data.stored", snapshot_id=outcome.snapshot_id, rows=outcome.rows_imported))
    con = connection()
    shown = active_snapshot_id(con)
    if shown is None or shown == outcome.snapshot_id:
        return
    pinned = pinned_snapshot_id(con) is not None
    st.warning(ctx.t("data.still_shows_pinned" if pinned else "data.still_shows_newer",
                     shown=shown, snapshot_id=outcome.snapshot_id))  # fmt: skip
    if st.button(ctx.t("data.switch_to_new"), key=f"switch_{file_key}"):
        set_active_snapshot(con, outcome.snapshot_id, who=ctx.user)
        st.cache_data.clear()
        st.rerun()


def _rates(ctx: PageContext) -> None:
    """The exchange rates foreign-currency amounts (万美元 …) are converted at, kept in settings (analysts set them)."""
    con = connection()
    with st.expander(ctx.t("data.rates")):
        st.caption(ctx.t("data.rates_help"))
        for code, rate in exchange_rates(con).items():
            chosen = st.number_input(
                ctx.t("data.rate", code=code), min_value=0.0001, value=float(rate), format="%.4f", key=f"rate_{code}",
                disabled=not ctx.can("upload"),
            )  # fmt: skip
            if chosen != rate and ctx.can("upload"):
                set_exchange_rate(con, code, chosen)


def _report_table(ctx: PageContext, table: pd.DataFrame) -> None:
    """An import report (issues_frame) with translated severities and column titles."""
    table["severity"] = table["severity"].map(lambda s: ctx.t(f"severity.{s}"))
    st.dataframe(table.rename(columns=lambda c: ctx.t(f"report.{c}")), hide_index=True, width="stretch")


def _snapshots(ctx: PageContext) -> None:
    st.header(ctx.t("data.snapshots"))
    con = connection()
    frame = list_snapshots(con)
    if frame.empty:
        return  # the caption under the title already says there is no snapshot yet
    frame["as_of"] = frame["as_of"].dt.date
    shown = frame[
        ["active", "snapshot_id", "as_of", "file_name", "rows_imported", "rows_rejected", "created_by", "created_at"]
    ]
    st.dataframe(shown.rename(columns=lambda c: ctx.t(f"snapshot.{c}")), hide_index=True, width="stretch")
    ids = frame["snapshot_id"].tolist()
    describe = {
        row.snapshot_id: f"#{row.snapshot_id} · {row.as_of:%Y-%m-%d} · {row.file_name}" for row in frame.itertuples()
    }
    left, right = st.columns(2)
    with left:
        chosen = st.selectbox(ctx.t("data.pick_snapshot"), ids, format_func=describe.get, key="snapshot_pick")
        if ctx.can("switch_snapshot"):
            if st.button(ctx.t("data.make_active"), key="make_active"):
                set_active_snapshot(con, int(chosen), who=ctx.user)
                st.cache_data.clear()
                st.rerun()
            if st.button(ctx.t("data.back_to_newest"), key="back_to_newest"):
                set_active_snapshot(con, None, who=ctx.user)
                st.cache_data.clear()
                st.rerun()
        report = snapshot_issues(con, int(chosen))
        if report:
            with st.expander(ctx.t("data.stored_report", n=len(report))):
                _report_table(ctx, issues_frame(report, ctx.lang))
    with right:
        original = original_file(con, int(chosen)) if ctx.can("download_original") else None
        if original:
            st.download_button(
                ctx.t("data.download_original"), original[1], file_name=original[0], key="download_original",
                on_click=_record_download, args=(ctx.user, int(chosen), original[0]),
            )  # fmt: skip


def _record_download(who: str, snapshot_id: int, file_name: str) -> None:
    audit.record(connection(), who, "download_original", target=file_name, detail={"snapshot_id": snapshot_id})


def _audit_log(ctx: PageContext) -> None:
    """Analysts only: the audit trail, newest first, filterable by action."""
    st.header(ctx.t("audit.header"))
    chosen = st.multiselect(
        ctx.t("audit.filter"), audit.ACTIONS, format_func=lambda a: ctx.t(f"audit.action.{a}"),
        placeholder=ctx.t("audit.all"), key="audit_actions",
    )  # fmt: skip
    frame = audit.entries(connection(), list(chosen) or None, limit=AUDIT_ROWS)
    if frame.empty:
        st.caption(ctx.t("audit.empty"))
        return
    frame["action"] = frame["action"].map(lambda a: ctx.t(f"audit.action.{a}"))
    # Cells of a dataframe are text, never Markdown: names typed into forms or files show as typed.
    st.dataframe(
        frame.rename(columns=lambda c: ctx.t(f"audit.col.{c}")), hide_index=True, width="stretch", key="audit_table"
    )


ctx = page_context()
st.title(ctx.t("data.header"))
snapshot_caption(ctx)
_rates(ctx)
if ctx.can("upload"):
    uploads = st.file_uploader(
        # No extension filter: the importer judges a file by its content and explains a refusal.
        ctx.t("data.upload"),
        accept_multiple_files=True,
        key="uploads",
        help=ctx.t("data.upload_help"),
    )
    for upload in uploads or []:
        _preview(ctx, upload)
        st.divider()
else:
    st.info(ctx.t("access.data_needs_sign_in"))
_snapshots(ctx)
if ctx.can("view_audit"):
    _audit_log(ctx)

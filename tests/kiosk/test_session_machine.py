"""The session's state machine with fakes: no database, no worker thread, no seconds.

Each test drives KioskSession through its intents and asserts on the SessionViews it emits —
what the window would show.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime

import pytest

from card_reader.base import ExpiredCardError, ReaderState
from kiosk.catalog import Catalog, load_catalog
from kiosk.config import bundled_catalog
from kiosk.demo_cards import identity_of, stranger_card
from kiosk.errors import RecordError
from kiosk.jobs import InlineJobs, ThreadJobs
from kiosk.session import KioskSession
from kiosk.view import Message, SessionView, Step
from printer.base import JobState, PrinterState, PrinterStatus
from tests.kiosk.fakes import FakeBackend, ManualClock, printer_error, resident

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """The real catalogue (the machine decides availability from it)."""
    return load_catalog(bundled_catalog(), "wangyi")


class Harness:
    """A session on fakes, recording every view it emits."""

    def __init__(self, catalog: Catalog, backend: FakeBackend | None = None) -> None:
        self.clock = ManualClock()
        self.backend = backend or FakeBackend()
        self.elder = resident()
        self.backend.residents[self.elder.id_number] = self.elder
        self.session = KioskSession(
            backend=self.backend,
            jobs=InlineJobs(),
            timers=self.clock.timer,
            idle_timeout=60,
            warn_seconds=30,
            result_timeout=20,
            clock=lambda: datetime(2026, 12, 1, 9, 0),
        )
        self.views: list[SessionView] = []
        self.ended: list[str] = []
        self.session.view_changed.connect(self.views.append)
        self.session.session_ended.connect(self.ended.append)
        self.session.ready(catalog)

    @property
    def view(self) -> SessionView:
        return self.session.view

    def place_elder(self) -> None:
        self.session.card_read(identity_of(self.elder, TODAY))

    def print_residence(self) -> None:
        """Menu -> 居住证明 -> answers -> confirm -> printed."""
        self.place_elder()
        assert self.session.choose_item("residence_certificate")
        assert self.session.submit({"purpose": "school"})
        assert self.session.confirm()


@pytest.fixture
def kiosk(catalog: Catalog) -> Harness:
    return Harness(catalog)


def test_card_opens_the_menu_with_only_what_may_be_shown(kiosk: Harness) -> None:
    """GIVEN a registered resident WHEN her card is read THEN the views go reading -> menu, the
    menu greets her by name with the masked number, and no view carries the full number."""
    kiosk.place_elder()
    steps = [v.step for v in kiosk.views]
    assert Step.READING in steps and kiosk.view.step == Step.MENU
    assert steps.index(Step.READING) < steps.index(Step.MENU)
    summary = kiosk.view.resident
    assert summary is not None and summary.name == "张秀兰"
    assert summary.masked_id == "610202********0024"
    assert all(kiosk.elder.id_number not in repr(v) for v in kiosk.views)
    assert kiosk.view.availability["residence_certificate"].ok


def test_unknown_card_and_refused_card_say_why(kiosk: Harness) -> None:
    """GIVEN a stranger's card, then an expired one THEN the error view says why, Chinese first."""
    kiosk.session.card_read(stranger_card(TODAY))
    assert kiosk.view.step == Step.ERROR and "未找到您的居民信息" in kiosk.view.message.zh
    kiosk.session.card_removed()
    assert kiosk.view.step == Step.WAITING
    kiosk.session.read_failed(ExpiredCardError("expired"))
    assert kiosk.view.step == Step.ERROR and "证件已过有效期" in kiosk.view.message.zh


def test_database_down_at_lookup_is_a_message_not_a_crash(catalog: Catalog) -> None:
    """GIVEN the register is unreachable WHEN a card is read THEN the records message shows."""
    harness = Harness(catalog, FakeBackend(lookup_error=RecordError("OperationalError")))
    harness.place_elder()
    assert harness.view.step == Step.ERROR and "数据库暂时无法访问" in harness.view.message.zh


def test_print_flow_shows_serial_progress_and_done(kiosk: Harness) -> None:
    """GIVEN the menu WHEN she opens 居住证明, answers and prints THEN the views show the serial,
    the job's progress in order, and the done screen's next step; nothing stays in the session."""
    kiosk.place_elder()
    assert kiosk.session.choose_item("residence_certificate")
    assert kiosk.view.step == Step.ITEM and kiosk.view.item is not None
    assert kiosk.session.submit({"purpose": "school"})
    assert kiosk.view.step == Step.CONFIRM and kiosk.backend.issued == []  # nothing recorded
    assert (
        kiosk.view.draft is not None and ("证明用来做什么", "子女入学") in kiosk.view.draft.answers
    )
    assert kiosk.session.confirm()
    jobs = [v.job for v in kiosk.views if v.job is not None]
    assert jobs[:1] == [JobState.QUEUED] and JobState.SENT in jobs and jobs[-1] == JobState.DONE
    assert kiosk.view.step == Step.DONE and "打印完成" in kiosk.view.message.zh
    assert kiosk.view.issued is not None and kiosk.view.issued.serial == "T-00001"
    assert kiosk.view.issued.pages == 1
    assert kiosk.backend.printed == ["T-00001"]
    kiosk.session.card_removed()  # she takes her card: her particulars go, the rating comes
    assert kiosk.view.step == Step.DONE and kiosk.view.resident is None
    kiosk.session.finish()
    assert kiosk.view.step == Step.RATING
    kiosk.session.rate(5)
    assert kiosk.backend.ratings == [("residence_certificate", "T-00001", 5, ())]
    assert kiosk.view.step == Step.WAITING  # the card is already gone
    assert kiosk.view.resident is None and kiosk.view.issued is None and kiosk.view.item is None


def test_edit_from_confirm_keeps_her_item(kiosk: Harness) -> None:
    """GIVEN the confirm screen WHEN she presses 返回修改 THEN she is back on the same item."""
    kiosk.place_elder()
    kiosk.session.choose_item("residence_certificate")
    kiosk.session.submit({"purpose": "school"})
    item = kiosk.view.item
    kiosk.session.edit()
    assert kiosk.view.step == Step.ITEM and kiosk.view.item is item and kiosk.view.draft is None
    assert kiosk.backend.issued == []


def test_optional_answers_left_out_are_skipped_not_invented(kiosk: Harness) -> None:
    """GIVEN optional questions she skipped (不填: "") WHEN she goes on THEN the draft shows
    them as not answered — never a made-up value (today's date, or a catalogue default she
    declined)."""
    kiosk.place_elder()
    item = next(
        i
        for i in kiosk.session.view.catalog.items  # type: ignore[union-attr]
        if any(not s.required for s in i.inputs)
        and all(not s.required for s in i.inputs)
        and kiosk.session.availability(i).ok
    )
    assert kiosk.session.choose_item(item.id)
    assert kiosk.session.submit({s.id: "" for s in item.inputs})
    draft = kiosk.view.draft
    assert draft is not None
    shown = dict(draft.answers)
    for spec in item.inputs:
        assert shown[spec.label_zh] == spec.empty_text  # nothing she did not give


def test_rating_low_asks_why_and_skip_stores_nothing(kiosk: Harness) -> None:
    """GIVEN the rating WHEN she picks 不满意 THEN reasons are asked and stored with it; a
    skipped rating stores nothing."""
    kiosk.print_residence()
    kiosk.session.finish()
    kiosk.session.rate(2)
    assert kiosk.view.step == Step.RATING and kiosk.view.rating_level == 2
    kiosk.session.rate_reasons(("waited",))
    assert kiosk.backend.ratings == [("residence_certificate", "T-00001", 2, ("waited",))]
    kiosk.place_elder()  # a second visit
    kiosk.session.choose_item("residence_certificate")
    kiosk.session.submit({"purpose": "school"})
    kiosk.session.confirm()
    kiosk.session.finish()
    kiosk.session.skip_rating()
    assert len(kiosk.backend.ratings) == 1


def test_card_left_on_the_reader_is_asked_for_until_lifted(kiosk: Harness) -> None:
    """GIVEN a finished visit with the card still on the reader THEN 请取走您的身份证, with a
    reminder every 10 s, until the card is lifted; only then the attract screen."""
    kiosk.print_residence()
    kiosk.session.finish()
    kiosk.session.skip_rating()
    assert kiosk.view.step == Step.CARD_LEFT and "请取走您的身份证" in kiosk.view.message.zh
    kiosk.clock.advance(25)
    assert kiosk.view.reminders == 2
    kiosk.session.card_removed()
    assert kiosk.view.step == Step.WAITING


def test_exit_asks_first(kiosk: Harness) -> None:
    """GIVEN the menu WHEN she presses 退出 THEN 确定退出吗？; 不 keeps her; 是 ends the visit."""
    kiosk.place_elder()
    kiosk.session.request_exit()
    assert kiosk.view.asking_exit and kiosk.view.step == Step.MENU
    kiosk.session.answer_exit(False)
    assert not kiosk.view.asking_exit and kiosk.view.resident is not None
    kiosk.session.request_exit()
    kiosk.session.answer_exit(True)
    assert kiosk.ended == ["cancel"] and kiosk.view.resident is None
    assert kiosk.view.step == Step.CARD_LEFT  # her card is still there


def test_call_staff_keeps_her_visit_and_is_recorded(kiosk: Harness) -> None:
    """GIVEN the item screen WHEN she presses 呼叫工作人员 THEN the call is recorded with the
    screen, she is told help is coming, and her visit goes on."""
    kiosk.place_elder()
    kiosk.session.choose_item("residence_certificate")
    kiosk.session.call_staff()
    assert kiosk.backend.calls == ["item"]
    assert kiosk.view.staff_called and "已通知工作人员" in kiosk.view.message.zh
    assert kiosk.view.step == Step.ITEM and kiosk.view.resident is not None


def test_a_failed_call_says_so(catalog: Catalog) -> None:
    """GIVEN the database is away WHEN she calls staff THEN she is told to go to the desk."""
    harness = Harness(catalog, FakeBackend(call_error=RecordError("OperationalError")))
    harness.place_elder()
    harness.session.call_staff()
    assert not harness.view.staff_called and "服务窗口" in harness.view.message.zh


def test_text_size_and_language_are_hers_for_the_visit(kiosk: Harness) -> None:
    """GIVEN the menu WHEN she makes the text larger and switches to English THEN the view
    says so; after the visit both are back to the defaults."""
    kiosk.place_elder()
    kiosk.session.next_text_scale()
    kiosk.session.next_text_scale()
    kiosk.session.set_locale("en_US")
    assert kiosk.view.text_scale == 1.6 and kiosk.view.locale == "en_US"
    kiosk.session.card_removed()
    assert kiosk.view.text_scale == 1.0 and kiosk.view.locale == "zh_CN"


def test_missing_answer_keeps_her_on_the_item(kiosk: Harness) -> None:
    """GIVEN an item with a required question WHEN she prints without answering THEN she stays
    on the item, told which question, and nothing is issued."""
    kiosk.place_elder()
    assert kiosk.session.choose_item("home_care_subsidy")
    assert not kiosk.session.submit({})
    assert kiosk.view.step == Step.ITEM and "请填写" in kiosk.view.message.zh
    assert "self_care" in kiosk.view.missing
    assert kiosk.backend.issued == [] and kiosk.backend.drafts == []


def test_printer_error_is_shown_with_the_serial(catalog: Catalog) -> None:
    """GIVEN paper runs out mid-job WHEN she prints THEN she reads 缺纸 (the printer's own words)
    and the serial staff can reprint."""
    harness = Harness(catalog, FakeBackend(print_error=printer_error()))
    harness.print_residence()
    assert harness.view.step == Step.ERROR
    assert "缺纸" in harness.view.message.zh and "补打" in harness.view.message.zh
    assert harness.view.issued is not None and harness.view.issued.serial == "T-00001"
    assert harness.view.job == JobState.FAILED


def test_record_error_at_issue_says_records(catalog: Catalog) -> None:
    """GIVEN the database fails while recording WHEN she prints THEN the records message."""
    harness = Harness(catalog, FakeBackend(issue_error=RecordError("OperationalError")))
    harness.print_residence()
    assert harness.view.step == Step.ERROR and "数据库暂时无法访问" in harness.view.message.zh


def test_idle_warning_counts_down_then_ends_and_a_touch_takes_it_back(kiosk: Harness) -> None:
    """GIVEN the menu WHEN nobody touches for 60 s THEN a countdown from 30 appears; 我还需要时间
    clears it; left alone it runs to 0, the session ends (timeout) with her data wiped, 已超时退出
    shows for 5 s, then 请取走您的身份证 (her card is still there)."""
    kiosk.place_elder()
    kiosk.clock.advance(59.9)
    assert kiosk.view.countdown is None
    kiosk.clock.advance(0.2)
    assert kiosk.view.countdown == 30
    kiosk.clock.advance(5)
    assert kiosk.view.countdown == 25
    kiosk.session.more_time()
    assert kiosk.view.countdown is None and kiosk.view.step == Step.MENU
    kiosk.clock.advance(60 + 30 + 0.1)
    assert kiosk.ended == ["timeout"]
    assert kiosk.view.step == Step.TIMED_OUT and kiosk.view.resident is None
    assert "已超时退出，信息已清除" in kiosk.view.message.zh
    kiosk.clock.advance(5.1)
    assert kiosk.view.step == Step.CARD_LEFT


def test_done_screen_times_out_on_its_own(kiosk: Harness) -> None:
    """GIVEN the done screen WHEN 20 s pass THEN the rating; 30 s more THEN the visit ends."""
    kiosk.print_residence()
    kiosk.clock.advance(20.1)
    assert kiosk.view.step == Step.RATING
    kiosk.clock.advance(30.1)
    assert kiosk.ended == ["done"] and kiosk.view.step == Step.CARD_LEFT


def test_card_removed_mid_print_ends_after_the_job(catalog: Catalog) -> None:
    """GIVEN a print on the worker WHEN the card leaves mid-job THEN the session waits for the
    outcome, then ends (no resident data stays on screen)."""
    backend = FakeBackend()
    harness = Harness(catalog, backend)
    harness.place_elder()
    harness.session.choose_item("residence_certificate")
    assert harness.session.submit({"purpose": "school"})
    pending: list[object] = []

    class DeferredJobs(InlineJobs):
        def submit(self, work, done, failed):  # type: ignore[no-untyped-def]
            pending.append(lambda: InlineJobs.submit(self, work, done, failed))

    harness.session._jobs = DeferredJobs()  # the print stays on the "worker" until released
    assert harness.session.confirm()
    harness.session.card_removed()
    assert harness.view.step == Step.PRINTING
    pending.pop()()  # type: ignore[operator]
    # her paper is out: the done screen says take it, without her particulars
    assert harness.view.step == Step.DONE and harness.view.resident is None


def test_printer_status_greys_items_in_place(kiosk: Harness) -> None:
    """GIVEN the menu WHEN the A4 printer runs out of paper THEN A4 items become unavailable with
    the printer's reason, slip items stay available, and the view says which printer."""
    kiosk.place_elder()
    kiosk.session.printer_changed("a4", PrinterStatus(PrinterState.PAPER_OUT, "paper out"))
    verdict = kiosk.view.availability["residence_certificate"]
    assert not verdict.ok and verdict.printer_problem and "缺纸" in verdict.reason
    assert kiosk.view.printers.a4.state == PrinterState.PAPER_OUT
    assert not kiosk.session.choose_item("residence_certificate")


def test_attract_says_getting_ready_and_out_of_service(catalog: Catalog) -> None:
    """GIVEN a session before ready THEN the view says not ready; out_of_service is carried; a
    reader state reaches the view."""
    session = KioskSession(backend=FakeBackend(), jobs=InlineJobs(), timers=ManualClock().timer)
    assert not session.view.ready
    session.out_of_service(Message("暂停服务", "Service paused"))
    session.reader_changed(ReaderState.NO_READER)
    assert session.view.out_of_service == Message("暂停服务", "Service paused")
    assert session.view.reader == ReaderState.NO_READER
    session.ready(catalog)
    assert session.view.ready and session.view.out_of_service is None


@pytest.fixture
def worker(qapp) -> Iterator[ThreadJobs]:  # type: ignore[no-untyped-def]
    jobs = ThreadJobs()
    yield jobs
    jobs.stop()


def test_a_slow_lookup_never_blocks_the_ui_thread(
    catalog: Catalog, worker: ThreadJobs, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a database that does not answer WHEN a card is read THEN card_read returns at once
    with the reading view on screen while the lookup is still blocked on the worker; once the
    database answers, the menu follows."""
    gate = threading.Event()
    backend = FakeBackend(gate=gate)
    elder = resident()
    backend.residents[elder.id_number] = elder
    session = KioskSession(backend=backend, jobs=worker, timers=ManualClock().timer)
    session.ready(catalog)
    session.card_read(identity_of(elder, TODAY))
    assert session.view.step == Step.READING  # returned while the lookup is still blocked
    qtbot.waitUntil(lambda: backend.lookups == ["0024"], timeout=5_000)
    qtbot.wait(200)
    assert session.view.step == Step.READING and not gate.is_set()
    gate.set()
    qtbot.waitUntil(lambda: session.view.step == Step.MENU, timeout=5_000)


def test_a_card_removed_during_a_slow_lookup_is_forgotten(
    catalog: Catalog, worker: ThreadJobs, qtbot
) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a slow lookup WHEN the card leaves before it answers THEN the late answer does not
    open a menu for nobody."""
    gate = threading.Event()
    backend = FakeBackend(gate=gate)
    elder = resident()
    backend.residents[elder.id_number] = elder
    session = KioskSession(backend=backend, jobs=worker, timers=ManualClock().timer)
    session.ready(catalog)
    session.card_read(identity_of(elder, TODAY))
    session.card_removed()
    gate.set()
    qtbot.waitUntil(lambda: backend.lookups == ["0024"], timeout=5_000)
    qtbot.wait(200)
    assert session.view.step == Step.WAITING and session.view.resident is None


def test_qt_timer_fires_once_and_can_be_disarmed(qtbot) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the real QtTimer the kiosk uses WHEN armed THEN it fires once; WHEN disarmed, never."""
    from kiosk.timing import QtTimer

    fired: list[str] = []
    timer = QtTimer(lambda: fired.append("a"))
    timer.start(0.05)
    assert timer.active
    qtbot.waitUntil(lambda: fired == ["a"], timeout=2_000)
    assert not timer.active
    other = QtTimer(lambda: fired.append("b"))
    other.start(0.05)
    other.stop()
    qtbot.wait(150)
    assert fired == ["a"]


def test_thread_jobs_deliver_results_and_errors_on_the_ui_thread(worker: ThreadJobs, qtbot) -> None:  # type: ignore[no-untyped-def]
    """GIVEN the worker WHEN a job returns and another raises THEN done(result) and failed(exc)
    run on the UI thread, in order, with the real result and the real exception."""
    ui = threading.current_thread()
    seen: list[tuple[str, object, bool]] = []

    def boom() -> int:
        raise RecordError("OperationalError")

    worker.submit(
        lambda: 41 + 1,
        lambda r: seen.append(("done", r, threading.current_thread() is ui)),
        lambda e: seen.append(("failed", e, False)),
    )
    worker.submit(
        boom,
        lambda r: seen.append(("done", r, False)),
        lambda e: seen.append(("failed", e, threading.current_thread() is ui)),
    )
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=5_000)
    assert seen[0] == ("done", 42, True)
    kind, error, on_ui = seen[1]
    assert kind == "failed" and isinstance(error, RecordError) and on_ui


def test_a_staff_card_at_attract_opens_staff_entry_not_a_menu(catalog: Catalog) -> None:
    """GIVEN the card of an enabled staff account WHEN it is read at the attract screen THEN no
    resident session starts and staff_card names the staff member."""
    backend = FakeBackend()
    harness = Harness(catalog, backend)
    backend.staff["610202194303080024"] = "李工作"
    named: list[str] = []
    harness.session.staff_card.connect(named.append)
    harness.place_elder()
    assert named == ["李工作"] and harness.view.step == Step.WAITING
    assert harness.view.resident is None and backend.lookups == []

"""设备诊断 on the touch screen: a printer that cannot print, test pages, 重新加载目录 with a
broken catalogue and then a good one, the last errors masked, and call-staff alerts answered."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.staff.accounts import Role
from kiosk.staff.calls import record_staff_call
from tests.kiosk.conftest import make_config

from .conftest import STAFF_ID, Staffed, StaffTime, accessible_press, click, start

pytestmark = pytest.mark.slow  # the whole kiosk, worker and window per test (~2 s)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def broken_slip(tmp_path: Path, qtbot: QtBot, staff_time: StaffTime) -> Iterator[Staffed]:
    """A kiosk whose slip printer writes into a path that is a file (it reports ERROR), on its
    own copy of catalog.yaml, with an error in its log that names a full ID number."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the slip printer's folder should be\n")
    catalog = tmp_path / "catalog.yaml"
    shutil.copyfile(REPO / "catalog.yaml", catalog)
    config = make_config(
        tmp_path / "data",
        KIOSK_PRINTERS_SLIP=f"file://{blocker}",
        KIOSK_PATHS_CATALOG=str(catalog),
    )
    logs = config.data_dir / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "kiosk.log").write_text(
        f"2026-03-02 09:00:00,000 ERROR kiosk.session lookup failed for {STAFF_ID}\n",
        encoding="utf-8",
    )
    yield from start(config, qtbot, staff_time)


def open_diagnostics(staffed: Staffed, role: Role = Role.STAFF) -> None:
    staffed.add_staff(role=role)
    staffed.sign_in()
    click(staffed.qtbot, staffed.layer.home.tiles["diagnostics"])
    staffed.wait_idle()


def test_a_printer_that_cannot_print_and_the_test_pages(broken_slip: Staffed) -> None:
    """GIVEN a slip printer that cannot write WHEN staff open diagnostics THEN the kiosk is
    not healthy, the slip printer shows ✗ with its error state, the A4 printer ✓, the reader,
    database, catalogue, key and version are listed, the logged error shows masked; a test page
    prints on A4 (audited) and the slip's test page fails with the reason."""
    staffed = broken_slip
    open_diagnostics(staffed)
    screen, qtbot = staffed.layer.diagnostics, staffed.qtbot
    assert "有需要处理的问题" in screen.health.text()
    slip, a4 = screen.values["slip"].text(), screen.values["a4"].text()
    assert slip.startswith("✗") and "[error]" in slip and "不是目录" in slip
    assert a4.startswith("✓") and "[ready]" in a4
    assert "sim" in screen.values["reader"].text()
    assert "schema" in screen.values["database"].text() and "✓" in screen.values["database"].text()
    catalog = staffed.core.catalog
    assert f"{len(catalog.items)}项" in screen.values["catalog"].text()
    assert staffed.core.signing_key.fingerprint in screen.values["key"].text()
    errors = screen.error_lines.text()
    assert "lookup failed for 610202********0277" in errors and STAFF_ID not in errors
    printed = staffed.running.kiosk.config.data_dir / "printed"
    before = set(printed.glob("*.pdf"))
    accessible_press(qtbot, screen.test_buttons["a4"])
    staffed.wait_idle()
    assert len(set(printed.glob("*.pdf")) - before) == 1
    assert "测试页已发送（done）" in staffed.layer.notice.text()
    assert staffed.events("test_page")[-1]["actor"] == "staff:王丽"
    click(qtbot, screen.test_buttons["slip"])
    staffed.wait_idle()
    assert "文件输出目录无法写入" in staffed.layer.notice.text()
    assert staffed.layer.notice.kind == "error"
    assert not screen.reload.isEnabled()  # a staff account: the catalogue is an admin's
    assert "须由管理员" in screen.reload_notice.text()


def test_a_broken_catalogue_is_refused_and_a_good_one_taken(broken_slip: Staffed) -> None:
    """GIVEN the kiosk's catalogue file WHEN it is broken and an administrator presses 重新加载目录
    THEN it is refused with the YAML line, the old catalogue stays in the backend and the
    session; once fixed, the new one is taken by both (new hash), and each reload is audited."""
    staffed = broken_slip
    open_diagnostics(staffed, Role.ADMIN)
    screen, qtbot = staffed.layer.diagnostics, staffed.qtbot
    old = staffed.core.catalog
    path = old.source
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("items:\n", "items:\n  - id: [broken\n", 1), encoding="utf-8")
    click(qtbot, screen.reload)
    staffed.wait_idle()
    assert "新目录有错误，未采用" in screen.reload_notice.text()
    problem = screen.problems.text().splitlines()[0]
    assert problem.startswith("catalog.yaml:") and problem.split(":")[1].isdigit(), problem
    assert staffed.core.catalog is old and staffed.running.session.view.catalog is old
    assert staffed.events("catalogue_reload")[-1]["result"] == "refused"

    path.write_text(good + "\n# 2026-03 reviewed\n", encoding="utf-8")
    accessible_press(qtbot, screen.reload)
    staffed.wait_idle()
    assert f"目录已重新加载：{len(old.items)}项" in screen.reload_notice.text()
    new = staffed.core.catalog
    assert new.digest != old.digest
    qtbot.waitUntil(lambda: staffed.running.session.view.catalog is new, timeout=5_000)
    assert staffed.events("catalogue_reload")[-1]["result"] == "accepted"
    assert new.digest[:16] in screen.values["catalog"].text()


def test_open_calls_are_listed_and_acknowledged(staffed: Staffed) -> None:
    """GIVEN a resident's call for staff WHEN staff open diagnostics THEN the call is listed
    with its screen; 确认 removes it, audited with who answered; home then counts none."""
    core = staffed.core
    call = staffed.on_worker(
        lambda: record_staff_call(
            core.sessions, core.config.terminal.id, "item", now=staffed.time.clock()
        )
    )
    open_diagnostics(staffed)
    calls, qtbot = staffed.layer.diagnostics.calls, staffed.qtbot
    row = calls.rows.button_for(str(call.id))
    assert f"#{call.id}" in row.text() and "事项 item" in row.text()
    accessible_press(qtbot, calls.rows.action_for(str(call.id)))
    staffed.wait_idle()
    assert calls.rows.rows == [] and f"已确认呼叫 #{call.id}" in staffed.layer.notice.text()
    event = staffed.events("staff_call_ack")[-1]
    assert (event["subject"], event["actor"]) == (str(call.id), "staff:王丽")
    click(qtbot, staffed.layer.home_button)
    staffed.wait_idle()
    assert "未确认0条" in staffed.layer.home.tiles["calls"].text()

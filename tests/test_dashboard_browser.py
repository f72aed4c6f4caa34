"""The dashboard in a real browser: Debian's headless Chromium, driven by Selenium through
/usr/bin/chromedriver (never a downloaded driver), against `nhacviec web` serving a real SQLite
file on a free local port. It signs in through a `nhacviec web-link` link, opens each page at a
phone's and a desktop's width, compares what is shown with `nhacviec status` for the same data,
acts on a blocker as the coordinator, and saves screenshots in tests/output/screenshots."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from storage import people
from tests.dashboard_world import DashboardWorld, make_dashboard_world
from tests.world import local

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS = Path(__file__).resolve().parent / "output" / "screenshots"
PHONE = (390, 844)
DESKTOP = (1366, 900)

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="no Chromium: apt-get install chromium chromium-driver (/usr/bin/chromium, "
           "/usr/bin/chromedriver)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _nhacviec(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DashboardWorld,
                                                                       dict[str, str], str]]:
    folder = tmp_path_factory.mktemp("browser")
    dw = make_dashboard_world(folder)
    w = dw.world
    w.say("sct", "/xong 1 Đã tổ chức hội nghị")
    w.clock.now = local("2024-09-10 09:00")
    w.say("lagi", "/vuongmac 5@2024-Q2 Thiếu cán bộ chuyên môn")
    w.say("sct", "/tiendo 2 Đang tổng hợp số liệu")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "NHACVIEC_DB_URL": w.url, "NHACVIEC_WEB_URL": url,
           "PYTHONPATH": root}
    for name in ("NHACVIEC_WEB_PORT", "NHACVIEC_WEBHOOK_PORT", "NHACVIEC_PLAN"):
        env.pop(name, None)
    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "web", "--host", "127.0.0.1",
                               "--port", str(port)], env=env, cwd=folder,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        assert f"cổng {port}" in line, line + (server.stderr.read() if server.stderr else "")
        yield dw, env, url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--disable-gpu", "--lang=vi", "--hide-scrollbars"):
        options.add_argument(argument)
    # The driver's path is given: Selenium Manager is never asked to find or download one.
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                              options=options)
    driver.set_page_load_timeout(60)
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


def _status_numbers(text: str) -> dict[str, str]:
    found = {
        "total": re.search(r"Tổng số: (\d+)", text),
        "done_on_time": re.search(r"Hoàn thành đúng hạn: (\d+)", text),
        "done_late": re.search(r"Hoàn thành quá hạn: (\d+)", text),
        "in_progress": re.search(r"Đang thực hiện trong hạn: (\d+)", text),
        "overdue": re.search(r"Quá hạn: (\d+)", text),
        "share": re.search(r"tỷ lệ quá hạn (\d+%)", text),
        "blocked": re.search(r"Vướng mắc: (\d+)", text),
    }
    assert all(found.values()), text
    return {name: match.group(1) for name, match in found.items() if match}


def _cards(driver: Any) -> dict[str, str]:
    from selenium.webdriver.common.by import By

    return {card.get_attribute("data-k"): card.text
            for card in driver.find_elements(By.CSS_SELECTOR, "#tong-hop b[data-k]")}


def _sign_in(driver: Any, env: dict[str, str], folder: Path, officer_id: int) -> None:
    from selenium.webdriver.common.by import By

    text = _nhacviec(env, folder, "web-link", str(officer_id))
    link = re.search(r"(http://\S+/vao/\S+)", text)
    assert link is not None, text
    driver.delete_all_cookies()
    driver.get(link.group(1))
    driver.find_element(By.ID, "dang-nhap").click()
    _wait_for(driver, "tong-hop")


def _wait_for(driver: Any, element_id: str) -> Any:
    """Wait until the page that a click loads shows the element `element_id`."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(driver, 30).until(
        expected_conditions.presence_of_element_located((By.ID, element_id)))


def _both_widths(driver: Any, name: str) -> None:
    """Screenshot the page at a phone's and a desktop's width; on the phone nothing but the
    wide tables (in their own scrolling box) may be wider than the screen."""
    for label, (width, height) in (("dien-thoai", PHONE), ("may-tinh", DESKTOP)):
        driver.set_window_size(width, height)
        wide = driver.execute_script(
            "return document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not wide, f"{name} is wider than the {label} screen"
        driver.save_screenshot(str(SHOTS / f"{name}-{label}.png"))


def test_the_coordinator_sees_each_page_at_both_widths_as_status_counts(
        served: tuple[DashboardWorld, dict[str, str], str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    dw, env, url = served
    folder = Path(dw.world.url.removeprefix("sqlite:///")).parent
    _sign_in(browser, env, folder, dw.officer_id("Lê Điều Phối"))
    assert browser.current_url == url + "/"
    status = _status_numbers(_nhacviec(env, folder, "status"))
    assert _cards(browser) == status
    _both_widths(browser, "tong-quan")
    rank = browser.find_elements(By.CSS_SELECTOR, "#xep-hang tbody tr")
    status_lines = _nhacviec(env, folder, "status")
    with dw.world.sessions() as session:
        short = people.agency_names(session)["LAGI"].short_name
        full = people.agency_names(session)["LAGI"].name
    lagi = re.search(re.escape(f"- {short}: ") +
                     r"ĐH (\d+) · HTQH (\d+) · TH (\d+) · QH (\d+) · VM (\d+)", status_lines)
    assert lagi is not None
    row = next(r for r in rank if r.get_attribute("data-agency") == "LAGI")
    cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
    assert cells[1:6] == [lagi.group(4), lagi.group(5), lagi.group(3), lagi.group(1),
                          lagi.group(2)]

    browser.get(url + "/co-quan/LAGI")
    assert full in browser.find_element(By.TAG_NAME, "h1").text
    _both_widths(browser, "co-quan")
    browser.find_element(By.CSS_SELECTOR, "table a[href^='/viec/']").click()
    assert "Diễn biến" in _wait_for(browser, "dien-bien").find_element(
        By.XPATH, "preceding-sibling::h2[1]").text
    _both_widths(browser, "viec")

    browser.get(url + "/qua-han?cq=LAGI")
    assert browser.find_element(By.ID, "so-qua-han").text == lagi.group(4)
    browser.get(url + "/qua-han?cq=LAGI&ngay=400&tu=01/01/2024")
    shown = int(browser.find_element(By.ID, "so-qua-han").text)
    assert 0 < shown < int(lagi.group(4))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#ds-qua-han tbody tr")) == shown
    _both_widths(browser, "qua-han")

    browser.get(url + "/cho-xu-ly")
    assert "Thiếu cán bộ chuyên môn" in browser.page_source
    _both_widths(browser, "cho-xu-ly")
    browser.find_element(By.NAME, "note").send_keys("Đã bố trí cán bộ")
    browser.find_element(By.CSS_SELECTOR, "button[value='xong']").click()
    assert "hoàn thành" in _wait_for(browser, "ket-qua").text
    assert browser.find_element(By.ID, "so-cho-xu-ly").text == "0"
    browser.get(url + "/")
    after = _status_numbers(_nhacviec(env, folder, "status"))
    assert after != status and _cards(browser) == after


def test_a_focal_officer_on_a_phone_is_refused_another_agency(
        served: tuple[DashboardWorld, dict[str, str], str], browser: Any) -> None:
    from selenium.webdriver.common.by import By

    dw, env, url = served
    folder = Path(dw.world.url.removeprefix("sqlite:///")).parent
    browser.set_window_size(*PHONE)
    _sign_in(browser, env, folder, dw.officer_id("Võ La Gi"))
    status = _status_numbers(_nhacviec(env, folder, "status", "LAGI"))
    assert _cards(browser) == status
    browser.get(url + "/co-quan/SCT")
    refusal = browser.find_element(By.ID, "tu-choi").text
    with dw.world.sessions() as session:
        full = people.agency_names(session)["LAGI"].name
    assert "Không có quyền xem" in refusal and full in refusal
    browser.save_screenshot(str(SHOTS / "tu-choi-dien-thoai.png"))
    browser.find_element(By.CSS_SELECTOR, "header form button").click()
    assert "Đã đăng xuất" in _wait_for(browser, "da-dang-xuat").text
    browser.get(url + "/")
    assert "Chưa đăng nhập" in browser.page_source


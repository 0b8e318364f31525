"""A real browser: Debian's Chromium, driven by Selenium through Debian's chromedriver.

Loads ``/``, filters by committee with the form (no JavaScript on the page), opens a call and
checks that the decision timeline is visible and fits the window at 400 px and 1280 px.
Skipped, saying why, where Chromium or chromedriver is not installed (``.ci/run`` installs
them: ``apt-get install chromium chromium-driver``).
"""

from __future__ import annotations

import os
import shutil
from typing import Iterator

import pytest

from tests.webfixtures import live_server, mail_env, seeded  # noqa: F401 - fixtures

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="browser test skipped: Debian's Chromium and chromedriver are not installed "
           "(apt-get install chromium chromium-driver; .ci/run does this)")


@pytest.fixture
def browser() -> Iterator[object]:
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1280,900"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _fits(driver, element) -> bool:  # noqa: ANN001
    """The element is shown, inside the viewport's width, and the page needs no sideways
    scrolling."""
    return bool(driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "const w = document.documentElement.clientWidth;"
        "return r.width > 0 && r.height > 0 && r.left >= 0 && r.right <= w + 0.5"
        " && document.documentElement.scrollWidth <= w;", element))


@pytest.mark.parametrize("width", [400, 1280])
def test_filter_by_committee_open_a_call_and_see_its_timeline(config, seeded, browser, width):  # noqa: ANN001, F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as until
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 20)

    browser.set_window_size(width, 900)
    with live_server(config) as base:
        browser.get(base + "/")
        assert "Cesis vänort kulturutbyte" in browser.page_source
        Select(browser.find_element(By.ID, "committee")).select_by_value("bun")
        browser.find_element(By.ID, "apply-filter").click()
        wait.until(until.url_contains("committee=bun"))  # the form's GET, no script
        bun = ["Skolutveckling i Europa", "Lärarutbyten inom Erasmus+",
               "Digitalisering i förskolan"]
        wait.until(lambda d: [a.text for a in d.find_elements(By.CSS_SELECTOR, "a.title")]
                   == bun)  # the filtered list has loaded: only bun's calls
        browser.find_element(By.LINK_TEXT, "Digitalisering i förskolan").click()
        wait.until(until.url_contains("/calls/eu-funding:B"))
        assert browser.current_url.startswith(base + "/calls/eu-funding:B")
        timeline = wait.until(until.presence_of_element_located((By.CSS_SELECTOR,
                                                                 "ol.timeline")))
        assert timeline.is_displayed() and _fits(browser, timeline)
        steps = timeline.find_elements(By.CSS_SELECTOR, "li")
        assert [s.find_element(By.TAG_NAME, "h3").text for s in steps] == [
            "Barn- och utbildningsnämnden", "Kommunstyrelsen", "Ansökan"]
        assert all(s.is_displayed() and _fits(browser, s) for s in steps)
        # the local stylesheet applied under the CSP: the next step is marked in blue
        next_step = timeline.find_element(By.CSS_SELECTOR, "li.state-next")
        assert next_step.value_of_css_property("border-top-color") == "rgba(11, 83, 148, 1)"
        tops = [s.rect["y"] for s in steps]  # side by side when wide, stacked when narrow
        assert (len(set(tops)) == 1) is (width == 1280)
        assert browser.get_log("browser") == []  # no CSP violation or other console error

import re
from tests.e2e.conftest import TUTOR
from tests.e2e.test_live import *

def test_dbg(contexts):
    tutor = contexts.page(user=TUTOR)
    tutor.goto("/live")
    form = tutor.locator("form", has=tutor.get_by_role("button", name="Start the session"))
    form.get_by_label("Title").fill("Polling workshop x")
    form.get_by_label("Tables").fill("2")
    form.get_by_role("button", name="Start the session").click()
    tutor.wait_for_timeout(1000)
    print(tutor.url)
    print(tutor.locator("main").inner_text())

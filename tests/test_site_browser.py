"""The built site and a backward_steps page, opened in headless Chromium (Playwright driving Debian's chromium).

Every page of site/ must load without console errors or failed requests, with every image
loaded; every internal link must resolve; the backward_steps page's slider, buttons and arrow
keys must reach every frame, also inside the iframe a tutorial shows it in. Skipped with the
reason when Chromium, Playwright or the built site is missing, unless
TINYGRAD_LENET_REQUIRE_BROWSER=1 (set by .ci/run), which turns the skip into a failure.
Screenshots go to $TINYGRAD_LENET_SCREENSHOTS when it is set.
"""

import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

import tinygrad_lenet as tl

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
# one worker runs these tests (make test's --dist loadgroup): they share one browser and one server
pytestmark = pytest.mark.xdist_group("browser")
CHROMIUM = os.environ.get("TINYGRAD_LENET_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def unavailable(reason: str) -> None:
    if os.environ.get("TINYGRAD_LENET_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (TINYGRAD_LENET_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install playwright; it drives the system's chromium)")
    if CHROMIUM is None:
        unavailable("no Chromium here (apt-get install chromium, or set TINYGRAD_LENET_CHROMIUM)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """site/ and a folder of generated pages, served on localhost."""
    if not (SITE / "index.html").is_file():
        unavailable("the site is not built (make docs builds it into site/)")
    extra = tmp_path_factory.mktemp("pages")
    x = tl.tensor([2.0, 3.0], requires_grad=True)
    w = tl.tensor(0.5, requires_grad=True)
    steps = tl.viz.backward_steps((x * w).log().sum() + w**2, params={"x": x, "w": w})
    steps.save_html(extra / "steps.html")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path: str) -> str:
            if path.startswith("/extra/"):
                return str(extra / path[len("/extra/") :].split("?")[0])
            return super().translate_path(path)

        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(SITE)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", len(steps)
    httpd.shutdown()


def shoot(page, name: str) -> None:
    folder = os.environ.get("TINYGRAD_LENET_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=False)


def open_page(browser, url: str):
    """The page at ``url`` once loaded, with the console errors, page errors and failed requests it made."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    return page, problems


SITE_PAGES = sorted(p.parent.relative_to(SITE).as_posix() for p in SITE.glob("**/index.html")) if SITE.is_dir() else []


def test_every_page_renders_without_errors_and_its_links_resolve(browser, server):
    base, _ = server
    assert len(SITE_PAGES) >= 30  # home, 5 tutorials, the guides, the API reference
    links: set[str] = set()
    for name in SITE_PAGES:
        url = urljoin(base, "" if name == "." else name + "/")
        page, problems = open_page(browser, url)
        broken_images = page.eval_on_selector_all(
            "img", "els => els.filter(e => !e.complete || e.naturalWidth === 0).map(e => e.src)"
        )
        assert problems == [] and broken_images == [], (name, problems, broken_images)
        assert page.locator("h1").count() >= 1, name
        if name.startswith("tutorials/"):
            assert page.locator(".jp-OutputArea-output").count() > 0, f"{name}: no executed outputs"
        links |= {urldefrag(h)[0] for h in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")}
        if name == ".":
            shoot(page, "home")
        if name == "tutorials/train_lenet5":
            shoot(page, "tutorial-train-lenet5")
        page.close()
    internal = sorted(link for link in links if urlparse(link).netloc == urlparse(base).netloc)
    assert len(internal) >= 30
    for link in internal:
        try:
            assert urllib.request.urlopen(link).status == 200, link
        except urllib.error.HTTPError as error:
            pytest.fail(f"{link}: {error}")


def test_a_tutorial_shows_graphs_and_images(browser, server):
    base, _ = server
    page, problems = open_page(browser, urljoin(base, "tutorials/train_lenet5/"))
    assert problems == []
    images = page.locator(".jp-OutputArea-output img")
    assert (
        page.locator('.jp-OutputArea-output img[src^="data:image/png"]').count() == 5
    )  # curves, filters, maps, confusion, mistakes
    assert (
        page.locator('.jp-OutputArea-output img[src^="data:image/svg+xml"]').count() == 1
    )  # the graph at module depth
    sizes = images.evaluate_all("els => els.map(e => e.naturalWidth)")
    assert len(sizes) == 6 and min(sizes) > 100
    page.close()


def visible_frames(frame_root) -> int:
    return frame_root.locator(".frame:not([hidden])").count()


def test_the_step_slider_moves_through_every_step(browser, server):
    base, count = server
    page, problems = open_page(browser, urljoin(base, "extra/steps.html"))
    assert problems == []
    body = page.locator("body")
    assert page.locator(".frame").count() == count and visible_frames(page) == 1
    assert body.get_attribute("data-step") == "0"
    titles = [page.locator("#title").inner_text()]
    for k in range(1, count):
        page.keyboard.press("ArrowRight")
        assert body.get_attribute("data-step") == str(k) and visible_frames(page) == 1
        assert page.locator(".frame:not([hidden]) svg").is_visible()
        titles.append(page.locator("#title").inner_text())
    assert titles[0].startswith("start") and titles[-1].startswith("done") and len(set(titles)) == count
    page.keyboard.press("ArrowRight")  # past the end stays at the end
    assert body.get_attribute("data-step") == str(count - 1)
    page.eval_on_selector("#step", "el => { el.value = 2; el.dispatchEvent(new Event('input')); }")
    assert body.get_attribute("data-step") == "2" and page.locator("#rule").inner_text() != ""
    shoot(page, "backward-steps")
    page.click("#prev")
    assert body.get_attribute("data-step") == "1"
    page.click("#next")
    page.click("#next")
    assert body.get_attribute("data-step") == "3"
    page.close()


def test_the_slider_works_inside_the_autograd_tutorial(browser, server):
    base, _ = server
    page, problems = open_page(browser, urljoin(base, "tutorials/autograd_from_scratch/"))
    assert problems == []
    assert page.locator('.jp-OutputArea-output img[src^="data:image/svg+xml"]').count() == 1  # draw_graph's SVG, inline
    frames = page.frame_locator("iframe")
    first = frames.first
    count = first.locator(".frame").count()
    assert count >= 5
    for k in range(1, count):
        first.locator("#next").click()
        assert first.locator("body").get_attribute("data-step") == str(k)
        assert first.locator(".frame:not([hidden])").count() == 1
    page.locator("iframe").first.scroll_into_view_if_needed()
    shoot(page, "tutorial-autograd-steps")
    page.close()

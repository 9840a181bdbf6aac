"""Each lesson's widgets, used the way students use them: in JupyterLab, in Chromium.

For every lesson, the test opens a temporary copy in a real ``jupyter lab``
(see conftest.py), runs all cells, turns one knob of each widget listed in
``WIDGET_CHECKS`` and checks that the widget's picture was redrawn. Screenshots
of every widget before and after land in ``build/browser/``.

A new lesson must add its row to ``WIDGET_CHECKS``; ``test_every_lesson_has_widget_checks``
fails until it does.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSONS = ROOT / "lessons"
SHOTS = ROOT / "build" / "browser"
RUN_ALL_TIMEOUT = 1200  # seconds for "Run All Cells" of one lesson (week 3 trains live: minutes on 2 cores)
REDRAW_TIMEOUT = 15  # seconds for a widget to show its new picture

pytestmark = pytest.mark.browser


# --- the table: which knob of which widget each lesson turns --------------------------

@dataclass(frozen=True)
class WidgetCheck:
    name: str  # used in screenshot names
    label: str  # the description of one of its controls; finds the widget's output area
    turn: Callable  # turn(view): changes a knob to a value that differs from the one after Run All
    index: int | None = None  # which of several widgets with that label (in notebook order); None: there is one


def select_option(label: str, option: str) -> Callable:
    def turn(view):
        select = view.locator(".widget-dropdown").filter(has_text=label).locator("select")
        assert select.input_value() != option, f"{label!r} already shows {option!r} after Run All"
        select.select_option(option)

    return turn


def press_slider(label: str, key: str = "ArrowRight", times: int = 10, handle: str = ".noUi-handle-lower") -> Callable:
    def turn(view):
        from playwright.sync_api import expect

        slider = view.locator(".widget-slider").filter(has_text=label)
        readout = slider.locator(".widget-readout")
        before = readout.inner_text()
        knob = slider.locator(handle)
        knob.focus()  # like clicking it, without the neighbouring handle in the way
        for _ in range(times):
            knob.press(key)
        expect(readout).not_to_have_text(before)  # the slider itself moved

    return turn


# Mind the lesson's own later cells: Run All leaves week 1's explorer on Lab / a and the
# threshold widget on astronaut with H (4, 20), so the knob turns below are real changes.
WIDGET_CHECKS: dict[str, list[WidgetCheck]] = {
    "01_images_and_color_spaces.ipynb": [
        WidgetCheck("explorer", "색 공간", select_option("색 공간", "HSV")),
        WidgetCheck("threshold", "H (색상)", press_slider("H (색상)")),
    ],
    "02_convolution_and_cnn.ipynb": [
        WidgetCheck("window", "출력 위치", press_slider("출력 위치", times=3), index=0),
        WidgetCheck("window-size", "커널 크기 k", press_slider("커널 크기 k", times=2), index=1),
        WidgetCheck("kernel", "표시", select_option("표시", "minmax: 결과의 최소~최대를 0~255로 늘림")),
        WidgetCheck("feature-maps", "채널", press_slider("채널", times=5)),
    ],
    "03_gan.ipynb": [
        WidgetCheck("latent-walk", "방향 1", press_slider("방향 1", times=5)),
        WidgetCheck("truncation", "ψ (중심으로 당기기)", press_slider("ψ (중심으로 당기기)", key="ArrowLeft", times=5)),
        WidgetCheck("style-mixer", "교차 층 (이 층부터 B)", press_slider("교차 층 (이 층부터 B)", times=2)),
    ],
    "04_autoencoder_deepfake.ipynb": [
        WidgetCheck("puppet-swap", "고개 돌리기 (yaw, 도)", press_slider("고개 돌리기 (yaw, 도)", times=5)),
    ],
    "05_vae.ipynb": [
        WidgetCheck("latent-pad", "z₁", press_slider("z₁", times=10)),
    ],
    "06_diffusion.ipynb": [
        WidgetCheck("noising", "잡음 단계 t", press_slider("잡음 단계 t", times=5)),
        # "DDIM 스텝", not "시드": the tabs of earlier lessons stay open, and week 3's widgets have seed sliders too
        WidgetCheck("prompt-pad", "DDIM 스텝", press_slider("DDIM 스텝", key="ArrowLeft", times=3)),
    ],
    "07_stable_diffusion_in_miniature.ipynb": [
        WidgetCheck("edit-pad", "강도 (strength)", press_slider("강도 (strength)", times=4)),
    ],
}


def lesson_files() -> list[str]:
    return sorted(path.name for path in LESSONS.glob("[0-9][0-9]_*.ipynb"))


def test_every_lesson_has_widget_checks():
    lessons = lesson_files()
    assert lessons, f"no lessons found in {LESSONS}"
    missing = [name for name in lessons if not WIDGET_CHECKS.get(name)]
    stale = sorted(set(WIDGET_CHECKS) - set(lessons))
    assert not missing, f"add these lessons to WIDGET_CHECKS in {Path(__file__).name}: {missing}"
    assert not stale, f"WIDGET_CHECKS names lessons that do not exist: {stale}"


# --- driving JupyterLab -----------------------------------------------------------------

NOTEBOOK_STATE = """(path) => {
    const app = window.jupyterapp;
    if (!app) return {ready: false, why: 'window.jupyterapp is not there yet'};
    const panel = app.shell.currentWidget;
    if (!panel || !panel.context || panel.context.path !== path || !panel.content || !panel.content.model)
        return {ready: false, why: 'notebook not open yet'};
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    const cells = Array.from(panel.content.model.cells).filter((cell) => cell.type === 'code');
    const prompts = Array.from(panel.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
        .map((node) => node.textContent.trim());
    const errors = Array.from(panel.node.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
        .map((node) => node.textContent.slice(0, 2000));
    return {
        ready: panel.context.isReady && panel.sessionContext.isReady && !!kernel,
        kernel: kernel ? kernel.status : null,
        code_cells: cells.length,
        unexecuted: cells.filter((cell) => cell.executionCount === null).length,
        running: prompts.filter((text) => text.includes('*')).length,
        errors: errors,
        run_all_error: window.__runAllError || null,
    };
}"""

RUN_ALL = """() => {
    window.__runAllError = null;
    window.jupyterapp.commands.execute('notebook:run-all-cells')
        .catch((err) => { window.__runAllError = String(err); });
}"""

# A digest of the picture's decoded pixels (blob: URLs are same-origin, so the canvas is readable).
IMAGE_DIGEST = """async (img) => {
    if (!img.src || !img.complete || img.naturalWidth === 0) return null;
    try { await img.decode(); } catch (err) { return null; }
    const canvas = document.createElement('canvas');
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext('2d', {willReadFrequently: true});
    context.drawImage(img, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 0x811c9dc5;
    for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 0x01000193);
    return `${canvas.width}x${canvas.height}:${(hash >>> 0).toString(16)}`;
}"""


def notebook_state(page, lesson: str) -> dict:
    return page.evaluate(NOTEBOOK_STATE, lesson)


def wait_until(page, lesson: str, done: Callable[[dict], bool], timeout: float, what: str) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        state = notebook_state(page, lesson)
        if state.get("errors"):
            pytest.fail(f"{lesson}: a cell wrote an error while {what}:\n" + "\n---\n".join(state["errors"]))
        if state.get("run_all_error"):
            pytest.fail(f"{lesson}: Run All Cells failed: {state['run_all_error']}")
        if done(state):
            return state
        if time.monotonic() > deadline:
            pytest.fail(f"{lesson}: timed out after {timeout:.0f} s {what}; last state {state}")
        time.sleep(0.25)


def run_all_cells(page, lesson: str) -> None:
    wait_until(page, lesson, lambda s: s["ready"] and s["kernel"] == "idle", 60, "waiting for the kernel")
    page.evaluate(RUN_ALL)
    started = time.monotonic()
    idle_since = None

    def finished(state: dict) -> bool:
        nonlocal idle_since
        quiet = state["kernel"] == "idle" and state["running"] == 0
        if quiet and state["unexecuted"] == 0:
            return True
        idle_since = (idle_since or time.monotonic()) if quiet else None
        # Queued cells start within moments; a quiet kernel with cells left means Run All stopped.
        if idle_since and time.monotonic() - idle_since > 5 and time.monotonic() - started > 5:
            pytest.fail(f"{lesson}: Run All Cells stopped with {state['unexecuted']} cells not run: {state}")
        return False

    wait_until(page, lesson, finished, RUN_ALL_TIMEOUT, "running all cells")


def image_digest(img, timeout: float, differs_from: str | None = None) -> str:
    """The picture's digest once it is loaded and stable, or once it differs from ``differs_from``."""
    deadline = time.monotonic() + timeout
    previous = None
    while True:
        digest = img.evaluate(IMAGE_DIGEST)
        if digest is not None:
            if differs_from is not None and digest != differs_from:
                return digest
            if differs_from is None and digest == previous:
                return digest
        previous = digest
        if time.monotonic() > deadline:
            return digest
        time.sleep(0.25)


def widget_view(page, label: str, index: int | None = None):
    """The output area of the widget that has a control described by ``label`` (the ``index``-th of several)."""
    views = page.locator(".jp-OutputArea-output").filter(
        has=page.locator(".widget-label", has_text=label)
    )
    views.first.wait_for(state="attached")
    if index is None:
        assert views.count() == 1, f"expected one widget with a control labelled {label!r}, found {views.count()}"
        return views
    assert views.count() > index, f"expected more than {index} widgets labelled {label!r}, found {views.count()}"
    return views.nth(index)


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.page_errors = []
    page.on("pageerror", lambda err: page.page_errors.append(str(err)))
    yield page
    context.close()


@pytest.mark.parametrize("lesson", sorted(set(lesson_files()) | set(WIDGET_CHECKS)))
def test_widgets_redraw_in_jupyterlab(lab_server, page, lesson):
    checks = WIDGET_CHECKS.get(lesson)
    if not checks:
        pytest.fail(f"{lesson} has no row in WIDGET_CHECKS")
    assert (lab_server.root / lesson).is_file(), f"{lesson} is not in lessons/"
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = Path(lesson).stem
    (SHOTS / f"{stem}-failure.png").unlink(missing_ok=True)
    try:
        page.goto(lab_server.lab_url(lesson))
        run_all_cells(page, lesson)
        for check in checks:
            view = widget_view(page, check.label, check.index)
            view.scroll_into_view_if_needed()
            img = view.locator("img.widget-image")
            img.wait_for(state="visible")
            assert img.get_attribute("src").startswith("blob:"), "the widget's picture is not a blob: URL"
            before = image_digest(img, timeout=REDRAW_TIMEOUT)
            assert before, f"{check.name}: the widget's picture never loaded"
            view.screenshot(path=SHOTS / f"{stem}-{check.name}-before.png")

            check.turn(view)
            after = image_digest(img, timeout=REDRAW_TIMEOUT, differs_from=before)
            view.screenshot(path=SHOTS / f"{stem}-{check.name}-after.png")
            assert after != before, f"{check.name}: the picture did not change within {REDRAW_TIMEOUT} s"

        state = notebook_state(page, lesson)
        assert not state["errors"], "cell error output:\n" + "\n---\n".join(state["errors"])
        assert page.get_by_text("Error displaying widget").count() == 0, "a widget failed to display"
        assert not page.page_errors, f"JavaScript errors in the page: {page.page_errors}"
    except BaseException:
        try:
            page.screenshot(path=SHOTS / f"{stem}-failure.png", full_page=True)
        except Exception:
            pass
        raise

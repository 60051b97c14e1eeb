"""Finding and running `dot`, GraphView's outputs, and what happens when there is no renderer."""
import base64
import logging
import os
import shutil
import sysconfig
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from micrograd_plus import Value, draw
from micrograd_plus.viz import RendererNotFound, RenderError, find_dot, renderer

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def small_graph():
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    out = a * b + a
    out.label = "out"
    out.backward()
    return out


@pytest.fixture
def no_renderer(monkeypatch, tmp_path):
    """MICROGRAD_PLUS_DOT unset, no graphviz-pure beside Python, nothing on PATH."""
    monkeypatch.delenv(renderer.ENV_VAR, raising=False)
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(shutil, "which", lambda name: None)


def test_the_default_renderer_is_graphviz_pure_beside_python(monkeypatch):
    monkeypatch.delenv(renderer.ENV_VAR, raising=False)
    assert find_dot().name.startswith("graphviz-pure")
    assert find_dot().parent == Path(sysconfig.get_path("scripts"))


def test_the_environment_variable_overrides_the_default(monkeypatch, tmp_path):
    copy = tmp_path / "my-dot"
    os.symlink(find_dot(), copy)
    monkeypatch.setenv(renderer.ENV_VAR, str(copy))
    assert find_dot() == copy
    assert draw(small_graph()).svg().lstrip().startswith("<?xml")


def test_the_environment_variable_may_name_a_command_on_path(monkeypatch, tmp_path):
    os.symlink(find_dot(), tmp_path / "dot")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv(renderer.ENV_VAR, "dot")
    assert find_dot() == tmp_path / "dot"


def test_a_wrong_environment_variable_is_a_clear_error_not_a_silent_fallback(monkeypatch):
    monkeypatch.setenv(renderer.ENV_VAR, "/nonexistent/dot")
    view = draw(small_graph())
    with pytest.raises(RendererNotFound) as caught:
        view.svg()
    message = str(caught.value)
    assert "MICROGRAD_PLUS_DOT is set to '/nonexistent/dot'" in message
    # graphviz-pure is installed here, so the stale setting is the problem: unsetting it is the fix
    assert message.splitlines()[1] == (
        f"Fix: unset MICROGRAD_PLUS_DOT to use {find_dot_without_override(monkeypatch)},"
        " or set it to a dot executable.")
    assert "pip install graphviz-pure" not in message  # it is already installed
    assert isinstance(caught.value.__cause__, FileNotFoundError)
    assert isinstance(caught.value, RuntimeError)
    assert view.source.startswith("digraph")  # DOT needs no renderer


def find_dot_without_override(monkeypatch):
    with monkeypatch.context() as patch:
        patch.delenv(renderer.ENV_VAR)
        return find_dot()


def test_a_wrong_environment_variable_and_no_default_says_unset_it_then_how_to_get_one(no_renderer, monkeypatch):
    monkeypatch.setenv(renderer.ENV_VAR, "/nonexistent/dot")
    with pytest.raises(RendererNotFound) as caught:
        draw(small_graph()).svg()
    lines = str(caught.value).splitlines()
    assert lines[1] == "Fix: unset MICROGRAD_PLUS_DOT, then get a dot."
    assert any("pip install graphviz-pure" in line for line in lines[2:])


def test_no_renderer_anywhere_says_how_to_get_one(no_renderer):
    view = draw(small_graph())
    with pytest.raises(RendererNotFound) as caught:
        view.png()
    message = str(caught.value)
    for fix in ("pip install graphviz-pure", "brew install graphviz", "export MICROGRAD_PLUS_DOT="):
        assert fix in message
    assert isinstance(caught.value.__cause__, FileNotFoundError)
    assert view.source.startswith("digraph micrograd_plus")


def test_notebook_display_without_renderer_is_a_text_hint_not_a_traceback(no_renderer):
    bundle = draw(small_graph())._repr_mimebundle_()
    assert set(bundle) == {"text/plain"}
    hint = bundle["text/plain"]
    assert "No picture" in hint and "pip install graphviz-pure" in hint


def test_notebook_display_is_svg_and_text_and_a_png_only_when_asked():
    view = draw(small_graph())
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/plain"}
    assert bundle["text/plain"] == repr(view) == (
        "GraphView: 4 values, 2 ops; root out = -4.0")
    png = view._repr_mimebundle_(include=["image/png"])
    assert set(png) == {"image/png"} and base64.b64decode(png["image/png"]).startswith(PNG_MAGIC)
    assert set(view._repr_mimebundle_(exclude=["image/svg+xml"])) == {"text/plain"}


def test_save_picks_the_format_from_the_suffix(tmp_path):
    view = draw(small_graph())
    ET.parse(view.save(tmp_path / "g.svg"))
    assert view.save(tmp_path / "g.png").read_bytes().startswith(PNG_MAGIC)
    assert view.save(tmp_path / "g.dot").read_text(encoding="utf-8") == view.source
    with pytest.raises(ValueError, match="use a name ending in .svg, .png, .dot or .html"):
        view.save(tmp_path / "g.jpeg")


def test_a_dot_failure_carries_dots_error_output():
    with pytest.raises(RenderError, match="syntax error"):
        renderer.render("digraph { a -> }", "svg")


def test_dot_warnings_go_to_logging(monkeypatch, tmp_path, caplog):
    fake = tmp_path / "fake-dot"
    fake.write_text("#!/bin/sh\ncat > /dev/null\necho 'Warning: something odd' >&2\n"
                    "echo '<svg xmlns=\"http://www.w3.org/2000/svg\"/>'\n")
    fake.chmod(0o755)
    monkeypatch.setenv(renderer.ENV_VAR, str(fake))
    with caplog.at_level(logging.DEBUG, logger="micrograd_plus.viz"):
        renderer.render("digraph {}", "svg")
    assert [(r.levelno, r.getMessage()) for r in caplog.records] == [
        (logging.WARNING, "dot: Warning: something odd")]


def test_graphviz_pures_non_ascii_width_notice_is_logged_at_debug_only(caplog):
    with caplog.at_level(logging.DEBUG, logger="micrograd_plus.viz"):
        renderer.render('digraph { a [label="∂"] }', "svg")
    assert caplog.records and all(r.levelno == logging.DEBUG for r in caplog.records)


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="format must be one of"):
        renderer.render("digraph {}", "gif")


def fake_dot(monkeypatch, tmp_path, script: str) -> None:
    fake = tmp_path / "fake-dot"
    fake.write_text("#!/bin/sh\n" + script)
    fake.chmod(0o755)
    monkeypatch.setenv(renderer.ENV_VAR, str(fake))


def test_a_dot_that_hangs_is_stopped_after_the_timeout(monkeypatch, tmp_path):
    fake_dot(monkeypatch, tmp_path, "exec sleep 30\n")
    with pytest.raises(RenderError, match=r"did not finish within 0.2 s and was stopped; allow longer"
                                          r" with render\(..., timeout=SECONDS\) or MICROGRAD_PLUS_DOT_TIMEOUT"):
        renderer.render("digraph {}", "svg", timeout=0.2)


def test_the_timeout_comes_from_the_environment_when_not_given(monkeypatch, tmp_path):
    fake_dot(monkeypatch, tmp_path, "exec sleep 30\n")
    monkeypatch.setenv(renderer.TIMEOUT_ENV_VAR, "0.2")
    with pytest.raises(RenderError, match=r"within 0.2 s"):
        draw(small_graph()).svg()


@pytest.mark.parametrize("value", ["soon", "0", "-1", "nan", "inf", "1e7", "86400.5"])
def test_a_bad_timeout_setting_is_a_clear_error_naming_the_variable_and_the_range(monkeypatch, value):
    monkeypatch.setenv(renderer.TIMEOUT_ENV_VAR, value)
    with pytest.raises(ValueError, match=f"^MICROGRAD_PLUS_DOT_TIMEOUT='{value}' must be a positive number"
                                         r" of seconds, at most 86,400 \(a day\)$"):
        renderer.render("digraph {}", "svg")


def test_a_timeout_argument_beyond_a_day_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^render: timeout must be a positive number of seconds, at most 86,400"):
        renderer.render("digraph {}", "svg", timeout=1e7)


def test_a_timeout_of_a_day_is_accepted(monkeypatch, tmp_path):
    fake_dot(monkeypatch, tmp_path, "exit 3\n")  # fails at once: only the timeout's check matters
    monkeypatch.setenv(renderer.TIMEOUT_ENV_VAR, "86400")
    with pytest.raises(RenderError, match="failed with exit code 3"):
        renderer.render("digraph {}", "svg")


@pytest.mark.parametrize(
    ("script", "fmt"),
    [
        ("cat > /dev/null\necho 'this is not a picture'\n", "svg"),
        ("cat > /dev/null\nprintf '\\211PNG\\r\\n\\032\\n'\n", "svg"),
        ("cat > /dev/null\n", "svg"),
        ("cat > /dev/null\necho '<svg xmlns=\"http://www.w3.org/2000/svg\"/>'\n", "png"),
    ],
)
def test_output_that_is_not_the_format_asked_for_is_refused_and_not_saved(monkeypatch, tmp_path, script, fmt):
    fake_dot(monkeypatch, tmp_path, script)
    target = tmp_path / f"graph.{fmt}"
    with pytest.raises(RenderError, match=f"succeeded but did not write {fmt.upper()}: its output begins"):
        draw(small_graph()).save(target)
    assert not target.exists()


def test_the_cli_reports_a_hanging_renderer_in_one_line(monkeypatch, tmp_path, capsys):
    from micrograd_plus.cli import main

    fake_dot(monkeypatch, tmp_path, "exec sleep 30\n")
    monkeypatch.setenv(renderer.TIMEOUT_ENV_VAR, "0.2")
    status = main(["graph", "x*2", "x=1", "--out", str(tmp_path / "g.svg")])
    err = capsys.readouterr().err
    assert status == 2 and "did not finish within 0.2 s" in err and "Traceback" not in err

"""Demo 2 runs with no arguments and writes what it says it writes."""
import runpy
import xml.etree.ElementTree as ET
from pathlib import Path

DEMOS = Path(__file__).parent.parent / "demos"


def test_demo_02_prints_the_derivation_and_writes_graph_path_and_live_page(tmp_path, capsys):
    main = runpy.run_path(str(DEMOS / "02_notes_dense_layer.py"))["main"]
    main(tmp_path, quick=True)
    printed = capsys.readouterr().out
    assert "∂E/∂x0 = 0.5·0.08248 + (-0.5)·(-0.9917) + 2.0·0.9092 = 2.356" in printed
    assert "-log 0.7 = 0.3567" in printed
    for name in ("graph.svg", "path_E_to_w00.svg", "page.html", "graph.dot"):
        assert (tmp_path / name).is_file()
        assert f"wrote {tmp_path / name}: " in printed
    texts = [t.text for t in ET.parse(tmp_path / "path_E_to_w00.svg").iter()
             if t.tag.endswith("text")]
    assert "sum over 1 path = 0.1650 = ∂E/∂w00; w00.grad = 0.1650" in texts
    page = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert page.count('"op":"') == 26 and page.count('"op":""') == 8  # 18 operations, 8 leaves


def test_demo_02_without_a_renderer_still_writes_the_dot_and_says_how_to_get_one(
        tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("MICROGRAD_PLUS_DOT", str(tmp_path / "missing-dot"))
    runpy.run_path(str(DEMOS / "02_notes_dense_layer.py"))["main"](tmp_path, quick=True)
    printed = capsys.readouterr().out
    assert "no pictures (MICROGRAD_PLUS_DOT is set to" in printed
    assert f"the DOT source is in {tmp_path / 'graph.dot'}" in printed
    assert "unset MICROGRAD_PLUS_DOT to use " in printed  # the renderer pip installed is there
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot"]

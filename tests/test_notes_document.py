"""docs/notes.md is generated from micrograd_plus.notes by docs/make_notes.py; these tests fail
when the committed page or its pictures no longer match what the code computes and draws."""
import re
import struct
from pathlib import Path

from micrograd_plus.notes import CHAPTERS, chapters
from micrograd_plus.notes.document import IMAGES, document

DOCS = Path(__file__).resolve().parent.parent / "docs"
REGENERATE = "stale: run `python docs/make_notes.py` (or `make notes`) and commit the result"


def test_the_committed_notes_page_is_what_the_code_generates():
    assert (DOCS / "notes.md").read_text(encoding="utf-8") == document(chapters()), REGENERATE


def test_the_page_keeps_the_notes_headings_in_their_order():
    headings = re.findall(r"^#{2,3} (.+)$", (DOCS / "notes.md").read_text(encoding="utf-8"), re.M)
    assert headings == [
        "Activation Functions", "Sigmoid", "ReLU", "Softmax",
        "Loss Functions", "MSE", "Categorical Cross-Entropy Loss",
        "Backprop and Autodiff",
        "Optimization", "Learning rate decay", "Momentum", "AdaGrad", "RMSProp", "Adam",
        "Data Practices", "K-Fold Cross-Validation", "Pre-processing", "L1 and L2 regularization",
    ]
    assert list(CHAPTERS) == [h for h in headings if h in CHAPTERS]


def test_every_picture_the_page_shows_exists_is_not_empty_and_fits_a_page():
    # PNG bytes differ between matplotlib versions, so the pictures are checked, not compared
    page = (DOCS / "notes.md").read_text(encoding="utf-8")
    linked = re.findall(rf"\(({IMAGES}/[^)]+)\)", page)
    expected = {f"{IMAGES}/{figure.filename}" for sections in chapters().values()
                for part in sections for figure in part.figures}
    assert set(linked) == expected
    on_disk = {f"{IMAGES}/{path.name}" for path in (DOCS / IMAGES).iterdir()}
    assert on_disk == expected  # no picture left over from an earlier version
    for name in linked:
        data = (DOCS / name).read_bytes()
        assert len(data) > 5_000, name
        if name.endswith(".png"):
            width, height = struct.unpack(">II", data[16:24])  # the PNG header's IHDR
            assert 500 <= width <= 1000 and 200 <= height <= 600, (name, width, height)
        else:
            assert data.startswith(b"<?xml") and b"<svg" in data, name

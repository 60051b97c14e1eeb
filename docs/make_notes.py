"""Regenerate docs/notes.md and its pictures (docs/images/notes/): python docs/make_notes.py

Everything comes from micrograd_plus.notes, the same functions `micrograd-plus notes` prints;
tests/test_notes_document.py fails when the committed page differs from what this writes.
"""
from pathlib import Path

from micrograd_plus.notes import chapters
from micrograd_plus.notes.document import write_document

DOCS = Path(__file__).resolve().parent


def main() -> None:
    for path in write_document(chapters(), DOCS):
        print(f"wrote {path.relative_to(DOCS.parent)}")


if __name__ == "__main__":
    main()

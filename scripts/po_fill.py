"""Fill empty msgstr entries of a .po file from a JSON dictionary {msgid: msgstr}.

Usage: python scripts/po_fill.py locale/de/LC_MESSAGES/django.po translations.json
Every entry whose msgid is in the dictionary gets the dictionary's text (the dictionary wins,
also over a *fuzzy* guess of msgmerge, whose flag is dropped). Nothing else in the file changes.
"""

import json
import re
import sys


def _unquote(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def _reset(po_text: str, translations: dict[str, str]) -> str:
    blocks = po_text.split("\n\n")
    for index, block in enumerate(blocks):
        if re.search(r"^msgid_plural ", block, re.M):  # not a "#| msgid_plural" comment
            continue
        match = re.search(r'^msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)msgstr', block, re.M)
        if not match or _unquote(match.group(1)) not in translations:
            continue
        lines = [line for line in block.split("\n") if not line.startswith("#|")]
        lines = [
            line.replace("#, fuzzy, ", "#, ") if line.startswith("#, fuzzy, ") else line
            for line in lines
            if line != "#, fuzzy"
        ]
        block = "\n".join(lines)
        blocks[index] = block[: block.index("msgstr ")] + 'msgstr ""'
    return "\n\n".join(blocks)


def fill(po_text: str, translations: dict[str, str]) -> tuple[str, int]:
    po_text = _reset(po_text, translations)
    # the last entry may end the file without a newline
    pattern = re.compile(r'(msgid ((?:"(?:[^"\\]|\\.)*"\s*)+))msgstr ""(?:\n(?!")|\Z)', re.M)
    count = 0

    def replace(match):
        nonlocal count
        msgid = _unquote(match.group(2))
        if msgid and msgid in translations:
            count += 1
            return f"{match.group(1)}msgstr {json.dumps(translations[msgid], ensure_ascii=False)}\n"
        return match.group(0)

    return pattern.sub(replace, po_text), count


if __name__ == "__main__":
    path, table = sys.argv[1], sys.argv[2]
    with open(table, encoding="utf-8") as handle:
        translations = json.load(handle)
    with open(path, encoding="utf-8") as handle:
        text, count = fill(handle.read(), translations)
    if text.startswith("# SOME DESCRIPTIVE TITLE") or '"Language: \\n"' in text:
        text = text.replace("#, fuzzy\n", "", 1).replace('"Language: \\n"', '"Language: de\\n"', 1)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    print(f"{count} entries filled")

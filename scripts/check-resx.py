#!/usr/bin/env python3
"""Checks that every localizer key used in src/Mingcha.Web (L["..."] in views, l["..."] / Text["..."] in code)
has an entry in Resources/SharedResource.en.resx, and that no entry has an empty value.
Usage: scripts/check-resx.py [--missing]   (--missing prints the missing keys one per line, for translation)
Exit code 1 when a key is missing."""
import pathlib, re, sys, xml.etree.ElementTree as ET

root = pathlib.Path(__file__).resolve().parent.parent / "src" / "Mingcha.Web"
resx = root / "Resources" / "SharedResource.en.resx"
pattern = re.compile(r'(?<![\w.])(?:L|l|Text)\[\s*"((?:[^"\\]|\\.)*)"')

used = {}
for path in sorted(list(root.rglob("*.cshtml")) + list(root.rglob("*.cs"))):
    if "/bin/" in str(path) or "/obj/" in str(path):
        continue
    for m in pattern.finditer(path.read_text(encoding="utf-8")):
        used.setdefault(m.group(1).encode().decode("unicode_escape") if "\\" in m.group(1) else m.group(1), path.relative_to(root))

entries = {}
if resx.exists():
    for data in ET.parse(resx).getroot().iter("data"):
        value = data.find("value")
        entries[data.get("name")] = (value.text or "") if value is not None else ""

missing = [k for k in used if k not in entries]
empty = [k for k, v in entries.items() if not v.strip()]
if "--missing" in sys.argv:
    print("\n".join(missing))
    sys.exit(0)
for k in missing:
    print(f"missing: {k!r} (first used in {used[k]})")
for k in empty:
    print(f"empty translation: {k!r}")
print(f"{len(used)} keys used, {len(entries)} in {resx.name}, {len(missing)} missing, {len(empty)} empty, {len([k for k in entries if k not in used])} not referenced literally")
sys.exit(1 if missing or empty else 0)

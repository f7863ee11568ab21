#!/usr/bin/env python3
"""Counts the public declarations of each module that have no doc comment.

Reads the symbol graphs that `swift package dump-symbol-graph
--minimum-access-level public` writes (scripts/doc-coverage.sh runs it) and
counts, per module, the public and open symbols declared in Sources/ (so not
the members a protocol or the compiler supplies: those have no source
location in this package) and how many of them carry no `///` comment.

  scripts/doc-coverage.py SYMBOLGRAPH_DIR [--list]

--list prints each undocumented declaration as path:line: kind name.
Exit status 1 when any public declaration is undocumented.
"""
import json
import os
import sys
from collections import defaultdict


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    listing = "--list" in sys.argv[1:]
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "Sources")) + os.sep
    total = defaultdict(int)
    missing = defaultdict(list)
    seen = set()
    for name in sorted(os.listdir(args[0])):
        # Module.symbols.json, plus Module@Other.symbols.json for the
        # extensions a module declares on another module's types.
        if not name.endswith(".symbols.json"):
            continue
        with open(os.path.join(args[0], name), encoding="utf-8") as f:
            graph = json.load(f)
        for s in graph.get("symbols", []):
            if s.get("accessLevel") not in ("public", "open"):
                continue
            uri = s.get("location", {}).get("uri", "")
            path = uri[len("file://"):] if uri.startswith("file://") else uri
            if not os.path.abspath(path).startswith(root):
                continue  # synthesized, inherited, or declared elsewhere
            line = s["location"]["position"]["line"] + 1
            key = (path, line, s["identifier"]["precise"])
            if key in seen:
                continue
            seen.add(key)
            module = os.path.relpath(path, root).split(os.sep)[0]
            total[module] += 1
            if not s.get("docComment", {}).get("lines"):
                title = ".".join(s.get("pathComponents", [])) or s["names"]["title"]
                missing[module].append((os.path.relpath(path, os.path.dirname(root)), line,
                                        s["kind"]["displayName"], title))
    width = max([len(m) for m in total] + [6])
    print(f"{'module':<{width}}  public  undocumented")
    for m in sorted(total):
        print(f"{m:<{width}}  {total[m]:>6}  {len(missing[m]):>12}")
    all_missing = sum(len(v) for v in missing.values())
    print(f"{'total':<{width}}  {sum(total.values()):>6}  {all_missing:>12}")
    if listing:
        for m in sorted(missing):
            for path, line, kind, title in sorted(missing[m]):
                print(f"{path}:{line}: {kind} {title}")
    return 1 if all_missing else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Read the series as it is kept: series/patches/*.patch, the git
format-patch files of the series on the upstream base (the history as
posted), and backport/lts/STEM/PATH.patch, the 6.12 version of the
change patch STEM makes to PATH (STEM: the patch's file name without
its number and ".patch"; nothing after its first line: no change to
PATH in 6.12). The first line of a 6.12 version names the upstream
change it stands for ("upstream: " and the SHA-1 of that section, or
"none"): when upstream's change is edited, the 6.12 version no longer
matches and derive stops rather than drop the edit from 6.12 (with
STALE_BACKPORTS=1, as make series-import sets it, it warns and uses it).

  series.py list REPO                   the patch files, in order
  series.py derive REPO BASE OUTDIR     the series for BASE: writes
        OUTDIR/NNNN-STEM.patch for each patch that changes something in
        BASE and prints their paths, in order
  series.py files REPO                  "series.py paths" of the whole series
  series.py paths PATCH...              the paths the patches change, one
        line each: "A PATH" (added by the series) or "M PATH"
  series.py subject PATCH               the subject, without [PATCH n/m]
  series.py makefile-lines PATCH        the lines the patch adds to or
        removes from a Makefile
  series.py stem PATCH                  the patch's STEM
  series.py section PATCH PATH          the patch's change to PATH (if any)
"""
import hashlib
import os
import re
import sys

HEADER = re.compile(r"^diff --git a/(\S+) b/(\S+)$")


def split(text):
    """A patch as (head, [(path, section), ...]): head is the mail and the
    commit message up to the first "diff --git" line."""
    lines = text.splitlines(keepends=True)
    head, sections = [], []
    for line in lines:
        m = HEADER.match(line.rstrip("\n"))
        if m:
            sections.append([m.group(2), [line]])
        elif sections:
            sections[-1][1].append(line)
        else:
            head.append(line)
    return "".join(head), [(p, "".join(s)) for p, s in sections]


def section(patch, path):
    """The change patch makes to path ("" if none)."""
    return "".join(s for p, s in split(read(patch))[1] if p == path)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def patches(repo):
    d = os.path.join(repo, "series", "patches")
    names = sorted(n for n in os.listdir(d) if re.match(r"^[0-9]{4}-.*\.patch$", n))
    if not names:
        sys.exit("series.py: no patch in %s" % d)
    return [os.path.join(d, n) for n in names]


def section_id(sec):
    return "upstream: " + (hashlib.sha1(sec.encode()).hexdigest() if sec else "none")


def backport(path, sec):
    """The 6.12 version in path of the upstream change sec."""
    first, _, rest = read(path).partition("\n")
    if first != section_id(sec) and os.environ.get("STALE_BACKPORTS"):
        print("series.py: warning: %s was made for another version of the upstream change: "
              "bring the change over" % path, file=sys.stderr)
    elif first != section_id(sec):
        sys.exit("series.py: %s was made for another version of the upstream change "
                 "(make series-import BASE=lts uses it all the same: bring the change "
                 "over, then make series-export BASE=lts)" % path)
    return rest


def stem(path):
    return re.sub(r"^[0-9]{4}-", "", os.path.basename(path))[: -len(".patch")]


def subject(path):
    head, _ = split(read(path))
    m = re.search(r"^Subject: (.*(?:\n [^\n]*)*)", head, re.M)
    if not m:
        sys.exit("series.py: %s has no Subject" % path)
    s = re.sub(r"\n ", " ", m.group(1))
    return re.sub(r"^\[PATCH[^]]*\] ", "", s)


def derive(repo, base, out):
    os.makedirs(out, exist_ok=True)
    n = 0
    for p in patches(repo):
        head, sections = split(read(p))
        if base == "lts":
            over = os.path.join(repo, "backport", "lts", stem(p))
            done, kept = set(), []
            for path, sec in sections:
                o = os.path.join(over, path + ".patch")
                if os.path.exists(o):
                    sec = backport(o, sec)
                done.add(path)
                if sec:
                    kept.append((path, sec))
            # A change that 6.12 needs and the upstream patch does not make.
            for root, _, files in os.walk(over):
                for f in sorted(files):
                    path = os.path.relpath(os.path.join(root, f), over)[: -len(".patch")]
                    sec = backport(os.path.join(root, f), "") if path not in done else ""
                    if sec:
                        kept.append((path, sec))
            sections = kept
        if not sections:
            continue
        n += 1
        dst = os.path.join(out, "%04d-%s.patch" % (n, stem(p)))
        with open(dst, "w", encoding="utf-8") as f:
            f.write(head + "".join(s for _, s in sections))
        print(dst)


def paths(files):
    status = {}
    for p in files:
        for path, sec in split(read(p))[1]:
            added = re.search(r"^new file mode ", sec, re.M) is not None
            if path not in status:
                status[path] = "A" if added else "M"
    for path, st in status.items():
        print(st, path)


def makefile_lines(path):
    for p, sec in split(read(path))[1]:
        if os.path.basename(p) != "Makefile":
            continue
        for line in sec.splitlines()[1:]:
            if re.match(r"^[-+]([^-+]|$)", line):
                print(line)


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "list" and len(args) == 1:
        print("\n".join(patches(args[0])))
    elif cmd == "derive" and len(args) == 3:
        derive(*args)
    elif cmd == "files" and len(args) == 1:
        paths(patches(args[0]))
    elif cmd == "paths" and args:
        paths(args)
    elif cmd == "subject" and len(args) == 1:
        print(subject(args[0]))
    elif cmd == "makefile-lines" and len(args) == 1:
        makefile_lines(args[0])
    elif cmd == "section-id" and len(args) == 2:
        print(section_id(section(*args)))
    elif cmd == "section" and len(args) == 2:
        sys.stdout.write(section(*args))
    elif cmd == "stem" and len(args) == 1:
        print(stem(args[0]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)

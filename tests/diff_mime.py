#!/usr/bin/env python3
"""diff_mime.py - differential test of panmilter's MIME walker.

Usage: python3 tests/diff_mime.py [--mimedump PATH] [--allow FILE] [-v]
                                  [FILE ...]

For every message of ../shared/corpus/third_party/ (relative to the
repository root; README/LICENSE/NOTICE files skipped) and
tests/fixtures/*.eml (or the FILEs given), compares the leaves that the
engine's own walker + transfer decoders report (tests/tools/mimedump,
built from milter/*.c) with what Python's stdlib email package makes of
the same bytes (policy compat32, get_payload(decode=True)):

    part path (IMAP-style, the numbering rule at the top of
    milter/mime_walk.c), content type, transfer encoding, decoded length
    and SHA-256 of the decoded bytes.

Preamble and epilogue leaves (engine-only paths "Q.0" and "Q.(n+1)",
see mime_walk.c) are left out of the comparison.  A transfer-encoded
message/rfc822 is decoded and walked again one level deeper, like
scan_leaf.c's scan_leaf_message().

Each difference is one line "DIFF FILE PART FIELD engine=... python=..."
with FIELD one of: presence, type, cte, body (length and hash).  A
difference listed in tests/diff_mime_allow.txt (lines "FILE PART FIELD
REASON", FILE relative to the repository root, PART may be "*") is
reported as "allowed" and does not fail the test.  Per file, the
verdict is "ok" or "not ok"; the last line is "N passed, N failed"
(files).  Exit 0 when nothing failed.
"""
import base64
import binascii
import email
import email.generator
import email.policy
import hashlib
import io
import os
import quopri
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.normpath(os.environ.get("PM_CORPUS") or os.path.join(
    ROOT, "..", "shared", "corpus", "third_party"))
LINESEP = ["\n"]      # the line ending of the message being compared
SKIP_PREFIX = ("readme", "license", "notice", "copying")

CTE_NAMES = {
    "7bit": "7bit", "8bit": "8bit", "binary": "binary",
    "base64": "base64", "quoted-printable": "quoted-printable",
    "x-uuencode": "x-uuencode", "uuencode": "x-uuencode",
    "x-uue": "x-uuencode",
}


def cte_of(part):
    """The transfer encoding as mime_hdr_cte() names it."""
    v = part.get("content-transfer-encoding")
    if v is None:
        return "7bit"
    v = str(v).strip()
    # first token, up to white space, ';' or a comment
    tok = ""
    for ch in v:
        if ch in " \t;(\r\n":
            break
        tok += ch
    if tok == "":
        return "7bit"
    return CTE_NAMES.get(tok.lower(), "unknown")


def leaf_line(path, ctype, cte, data):
    return (path, ctype, cte, len(data), hashlib.sha256(data).hexdigest())


def payload_bytes(part):
    """get_payload(decode=True), never None.  The transfer encoding is
    first normalised as the engine reads it ("base64 " with a trailing
    blank or a comment is base64), so only real decoding differences
    show up."""
    cte = cte_of(part)
    if cte != "unknown" and "content-transfer-encoding" in part and \
            str(part["content-transfer-encoding"]).lower() != cte:
        part.replace_header("content-transfer-encoding", cte)
    data = part.get_payload(decode=True)
    if data is None:
        p = part.get_payload()
        if isinstance(p, str):
            data = p.encode("ascii", "surrogateescape")
        else:
            data = b""
    return data


def raw_inner(inner):
    """The bytes Python parsed as an encapsulated message's text."""
    gen = inner.as_bytes(policy=email.policy.compat32)
    if len(inner.keys()) == 0:
        # no header fields: the generator adds one blank line
        if gen.startswith(b"\r\n"):
            gen = gen[2:]
        elif gen.startswith(b"\n"):
            gen = gen[1:]
    return gen


def decode_inner(cte, raw):
    """Undo base64/QP/uuencode of an encoded message/rfc822."""
    if cte == "base64":
        try:
            return base64.b64decode(b"".join(raw.split()) + b"==")
        except (binascii.Error, ValueError):
            return binascii.a2b_base64(raw)
    if cte == "quoted-printable":
        return quopri.decodestring(raw)
    return raw


def gen_body(msg):
    """The body of a part Python parsed into sub-messages, regenerated
    (message/delivery-status, message/partial...: leaves for the
    engine)."""
    buf = io.BytesIO()
    g = email.generator.BytesGenerator(buf, mangle_from_=False,
                                       maxheaderlen=0,
                                       policy=email.policy.compat32)
    g.flatten(msg, linesep=LINESEP[0])
    raw = buf.getvalue()
    sep = LINESEP[0].encode() * 2
    i = raw.find(sep)
    return raw[i + len(sep):] if i >= 0 else b""


def walk_entity(msg, leafpath, prefix, out):
    """Leaves of one entity; paths as in milter/mime_walk.c."""
    ctype = msg.get_content_type()
    cte = cte_of(msg)
    if msg.is_multipart() and msg.get_content_maintype() == "multipart":
        for k, child in enumerate(msg.get_payload(), 1):
            c = "%s.%d" % (prefix, k) if prefix else "%d" % k
            walk_entity(child, c, c, out)
        return
    if ctype in ("message/rfc822", "message/global") and \
            isinstance(msg.get_payload(), list) and msg.get_payload():
        inner = msg.get_payload(0)
        if cte in ("7bit", "8bit", "binary"):
            walk_message(inner, leafpath, out)
            return
        data = decode_inner(cte, raw_inner(inner))
        out.append(leaf_line(leafpath, ctype, cte, data))
        walk_message(email.message_from_bytes(
            data, policy=email.policy.compat32), leafpath, out)
        return
    if msg.get_content_maintype() == "multipart":
        # no child found: one text/plain leaf "Q.1" with the whole body
        lp = "%s.1" % prefix if prefix else "1"
        out.append(leaf_line(lp, "text/plain", cte, payload_bytes(msg)))
        return
    if isinstance(msg.get_payload(), list):
        out.append(leaf_line(leafpath, ctype, cte, gen_body(msg)))
        return
    out.append(leaf_line(leafpath, ctype, cte, payload_bytes(msg)))


def walk_message(msg, path, out):
    """mime_walk_message(msg, path): headers at path, body at path.1."""
    leaf = "%s.1" % path if path else "1"
    walk_entity(msg, leaf, path, out)


def python_leaves(fname):
    with open(fname, "rb") as f:
        raw = f.read()
    LINESEP[0] = "\r\n" if b"\r\n" in raw else "\n"
    # parse the bytes as they are: message_from_binary_file() would
    # read through a TextIOWrapper that turns CRLF into LF
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    out = []
    walk_message(msg, "", out)
    return out


def engine_leaves(mimedump, fname):
    r = subprocess.run([mimedump, fname], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    if r.returncode != 0:
        raise RuntimeError("mimedump failed: %s" %
                           r.stderr.decode(errors="replace").strip())
    out = []
    for line in r.stdout.decode("utf-8", "surrogateescape").splitlines():
        if line.startswith("LIMIT "):
            out.append(("LIMIT", line[6:], "", 0, ""))
            continue
        f = line.split("\t")
        if len(f) != 6:
            raise RuntimeError("bad mimedump line: %r" % line)
        if f[5] != "-":
            continue        # preamble / epilogue: engine only
        out.append((f[0], f[1], f[2], int(f[3]), f[4]))
    return out


def compare(eng, py):
    """Differences as (part, field, engine, python)."""
    diffs = []
    e = {x[0]: x for x in eng}
    p = {x[0]: x for x in py}
    for path in sorted(set(e) | set(p), key=lambda s: [
            int(c) if c.isdigit() else -1 for c in s.split(".")]):
        a, b = e.get(path), p.get(path)
        if a is None or b is None:
            diffs.append((path, "presence",
                          "yes" if a else "no", "yes" if b else "no"))
            continue
        if a[1] != b[1]:
            diffs.append((path, "type", a[1], b[1]))
        if a[2] != b[2]:
            diffs.append((path, "cte", a[2], b[2]))
        if a[3] != b[3] or a[4] != b[4]:
            diffs.append((path, "body", "%d:%s" % (a[3], a[4][:12]),
                          "%d:%s" % (b[3], b[4][:12])))
    return diffs


def load_allow(fname):
    allow = {}
    if not os.path.exists(fname):
        return allow
    with open(fname, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 3)
            if len(parts) < 4:
                sys.exit("%s:%d: want FILE PART FIELD REASON" % (fname, n))
            allow[(parts[0], parts[1], parts[2])] = parts[3]
    return allow


def allowed(allow, rel, part, field):
    for k in ((rel, part, field), (rel, "*", field), (rel, part, "*"),
              (rel, "*", "*")):
        if k in allow:
            return allow[k]
    return None


def default_files():
    files = []
    if not os.path.isdir(CORPUS):
        sys.exit("diff_mime: %s not found: the third-party corpus lives in "
                 "../shared/corpus beside the project; set PM_CORPUS to its "
                 "third_party directory" % CORPUS)
    for d, _, names in os.walk(CORPUS):
        for n in names:
            if n.lower().startswith(SKIP_PREFIX) or n.startswith("."):
                continue
            files.append(os.path.join(d, n))
    fx = os.path.join(ROOT, "tests", "fixtures")
    files += [os.path.join(fx, n) for n in os.listdir(fx)
              if n.endswith(".eml")]
    return sorted(files)


def relname(fname):
    a = os.path.abspath(fname)
    if a.startswith(CORPUS + os.sep):
        return os.path.relpath(a, os.path.dirname(os.path.dirname(CORPUS)))
    return os.path.relpath(a, ROOT)


def main(argv):
    mimedump = os.path.join(ROOT, "build", "default", "mimedump")
    allow_file = os.path.join(ROOT, "tests", "diff_mime_allow.txt")
    verbose = False
    files = []
    i = 0
    while i < len(argv):
        if argv[i] == "--mimedump":
            mimedump = argv[i + 1]
            i += 1
        elif argv[i] == "--allow":
            allow_file = argv[i + 1]
            i += 1
        elif argv[i] == "-v":
            verbose = True
        else:
            files.append(argv[i])
        i += 1
    if not os.access(mimedump, os.X_OK):
        sys.exit("diff_mime: %s not built" % mimedump)
    allow = load_allow(allow_file)
    used = set()
    npass = nfail = nallowed = 0
    for fname in files or default_files():
        rel = relname(fname)
        bad = 0
        try:
            diffs = compare(engine_leaves(mimedump, fname),
                            python_leaves(fname))
        except Exception as ex:        # noqa: BLE001 - report, go on
            diffs = [("*", "error", str(ex), "")]
        for part, field, a, b in diffs:
            why = allowed(allow, rel, part, field)
            if why is None:
                bad += 1
                print("DIFF %s %s %s engine=%s python=%s" %
                      (rel, part, field, a, b))
            else:
                nallowed += 1
                for k in ((rel, part, field), (rel, "*", field),
                          (rel, part, "*"), (rel, "*", "*")):
                    if k in allow:
                        used.add(k)
                        break
                if verbose:
                    print("allowed %s %s %s engine=%s python=%s (%s)" %
                          (rel, part, field, a, b, why))
        if bad:
            nfail += 1
            print("not ok - %s" % rel)
        else:
            npass += 1
            if verbose:
                print("ok - %s" % rel)
    for k in sorted(set(allow) - used):
        print("note: allow-list entry not used: %s %s %s" % k)
    print("%d allowed differences" % nallowed)
    print("%d passed, %d failed" % (npass, nfail))
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

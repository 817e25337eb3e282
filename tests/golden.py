#!/usr/bin/env python3
"""Golden test of `panmilter --scan` against tests/fixtures.

For every fixture NAME.eml with NAME.expect.json:
  - the verdict must match;
  - every expected finding (kind, brand, masked, part, where, and
    confidence when given) must be present;
  - the set of masked PANs reported must equal the expected set (no
    extra card numbers found);
  - the exit code must follow the contract (1 for card data, else 0);
  - neither stdout nor stderr may contain a full PAN from pans.txt.
Also: the human output, --jobs, an mbox split into FILE:N, a directory
walk, an unreadable file (verdict error, exit 2) and standard input.
Usage: golden.py PANMILTER
"""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "fixtures")
BIN = sys.argv[1]
PANS = [p for p in open(os.path.join(FIX, "pans.txt")).read().split() if p]
passed = failed = 0


def run(args, stdin=None):
    p = subprocess.run([BIN] + args, input=stdin, capture_output=True, timeout=300)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    for pan in PANS:
        if pan in out or pan in err:
            raise AssertionError("full PAN in output of %s" % " ".join(args))
    return p.returncode, out, err


def check(name, fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print("ok - %s" % name)
    except Exception as e:  # noqa: BLE001 - report every failure
        failed += 1
        print("not ok - %s: %s" % (name, e))


def fixture_test(eml):
    def t():
        exp = json.load(open(eml[:-4] + ".expect.json"))
        rc, out, _ = run(["--scan", "--json", eml])
        got = json.loads(out.strip().splitlines()[0])
        assert got["verdict"] == exp["verdict"], "verdict %s, expected %s (%s)" % (
            got["verdict"], exp["verdict"], got.get("reason", ""))
        for f in exp["findings"]:
            if not any(all(g.get(k) == v for k, v in f.items()) for g in got["findings"]):
                raise AssertionError("missing finding %s; got %s" % (
                    f, [{k: g.get(k) for k in f} for g in got["findings"]]))
        want = {f["masked"] for f in exp["findings"]}
        have = {g["masked"] for g in got["findings"]}
        assert want == have, "masked PANs %s, expected %s" % (sorted(have), sorted(want))
        want_rc = 1 if exp["verdict"] in ("pan", "track_data") else 0
        assert rc == want_rc, "exit %d, expected %d" % (rc, want_rc)
    return t


def t_mbox():
    mb = os.path.join(FIX, "three.mbox")
    exp = json.load(open(mb + ".expect.json"))
    rc, out, _ = run(["--scan", "--json", mb])
    got = {os.path.basename(json.loads(l)["file"]): json.loads(l)["verdict"]
           for l in out.splitlines()}
    assert got == exp, "mbox verdicts %s, expected %s" % (got, exp)
    assert rc == 1


def t_dir_jobs():
    rc, out, err = run(["--scan", "--json", "--jobs", "2", FIX])
    lines = [json.loads(l) for l in out.splitlines()]
    emls = glob.glob(os.path.join(FIX, "*.eml"))
    files = {l["file"] for l in lines}
    for e in emls:
        assert any(f == e or f.endswith("/" + os.path.basename(e)) for f in files), "missing " + e
    assert rc == 1 and "inputs" in err, "exit %d, stderr %r" % (rc, err)


def t_maildir():
    import tempfile
    d = tempfile.mkdtemp()
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(d, sub))
    src = open(os.path.join(FIX, "plain-visa.eml"), "rb").read()
    open(os.path.join(d, "new", "1.host"), "wb").write(src)
    open(os.path.join(d, "cur", "2.host:2,S"), "wb").write(b"Subject: x\r\n\r\nclean\r\n")
    open(os.path.join(d, "tmp", "3.host"), "wb").write(src)
    open(os.path.join(d, "dovecot-uidlist"), "wb").write(b"3 V1 N4\n")
    rc, out, _ = run(["--scan", "--json", d])
    files = sorted(os.path.relpath(json.loads(l)["file"], d) for l in out.splitlines())
    assert files == ["cur/2.host:2,S", "new/1.host"], files
    assert rc == 1


def t_error():
    rc, out, _ = run(["--scan", "--json", "/nonexistent/x.eml"])
    got = json.loads(out)
    assert got["verdict"] == "error" and rc == 2, (got, rc)


def t_stdin():
    data = open(os.path.join(FIX, "plain-visa.eml"), "rb").read()
    rc, out, _ = run(["--scan", "--json", "-"], stdin=data)
    assert json.loads(out)["verdict"] == "pan" and rc == 1


def t_human():
    rc, out, _ = run(["--scan", os.path.join(FIX, "b64-csv.eml")])
    lines = out.splitlines()
    assert len(lines) == 2 and "attachment:export.csv" in lines[0] and "mastercard" in out, out
    assert rc == 1


def t_clean_exit():
    rc, out, _ = run(["--scan", os.path.join(FIX, "clean-numbers.eml")])
    assert rc == 0 and out == "", (rc, out)


def t_decision():
    pol = os.path.join(HERE, "..", "contrib", "demo", "policy.conf")
    cases = [("b64-csv.eml", "ap@billing.example", "mask", "billing-partner"),
             ("b64-csv.eml", "x@partner.example", "reject", "default"),
             ("cvc.eml", "ap@billing.example", "reject", "track_data"),
             ("clean-numbers.eml", "x@partner.example", "pass", "clean")]
    for eml, rcpt, action, rule in cases:
        rc, out, _ = run(["--scan", "--json", "--policy", pol, "--from", "a@corp.example",
                          "--rcpt", rcpt, os.path.join(FIX, eml)])
        d = json.loads(out)["decision"]
        assert (d["action"], d["rule"]) == (action, rule), (eml, rcpt, d)


def main():
    for eml in sorted(glob.glob(os.path.join(FIX, "*.eml"))):
        check("golden " + os.path.basename(eml)[:-4], fixture_test(eml))
    check("mbox split", t_mbox)
    check("directory with --jobs 2", t_dir_jobs)
    check("maildir cur/new only", t_maildir)
    check("unreadable file is an error verdict", t_error)
    check("standard input", t_stdin)
    check("human output", t_human)
    check("clean exit 0, no output", t_clean_exit)
    check("--rcpt decisions follow the policy", t_decision)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


main()

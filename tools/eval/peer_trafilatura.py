#!/usr/bin/env python3
"""peer_trafilatura.py: runs trafilatura (the peer extractor) on the fundus and AEB pages.

Usage: peer_trafilatura.py SHARED_DIR OUT_DIR

Writes OUT_DIR/trafilatura-fundus.json and OUT_DIR/trafilatura-aeb.json, each an object
{page name: {"title", "author", "date", "body"}} (null where trafilatura found nothing), plus
"_meta": {"version", "pages", "seconds"}. news-ingest-eval --peer OUT_DIR scores these files with
the same metric as our own records. Settings: trafilatura's defaults except comments left out
(include_comments=False: a reader comment is not the article), the page URL passed as url.
Exit status 0; 1 when trafilatura is not installed or the data is missing.
"""
import gzip
import json
import os
import sys
import time


def run(pages, out_path, version):
    import trafilatura

    result, secs = {}, 0.0
    for name, path, url in pages:
        with gzip.open(path, "rb") as f:
            html = f.read().decode("utf-8", errors="replace")
        t0 = time.perf_counter()
        doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
        secs += time.perf_counter() - t0
        if doc is None:
            result[name] = {"title": None, "author": None, "date": None, "body": None}
            continue
        result[name] = {"title": doc.title, "author": doc.author, "date": doc.date, "body": doc.text}
    result["_meta"] = {"version": version, "pages": len(pages), "seconds": round(secs, 3)}
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f, ensure_ascii=False)
    print(f"trafilatura {version}: {len(pages)} pages in {secs:.1f} s -> {out_path}", file=sys.stderr)


def main():
    if len(sys.argv) != 3:
        print("usage: peer_trafilatura.py SHARED_DIR OUT_DIR", file=sys.stderr)
        return 2
    try:
        import trafilatura
    except ImportError as e:
        print(f"peer_trafilatura: trafilatura not available ({e})", file=sys.stderr)
        return 1
    shared, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    version = trafilatura.__version__
    fundus = os.path.join(shared, "data", "fundus")
    with open(os.path.join(fundus, "gold.json"), encoding="utf-8") as f:
        gold = json.load(f)
    pages = [(k, os.path.join(fundus, "pages", k), v.get("url")) for k, v in sorted(gold.items())]
    run(pages, os.path.join(out, "trafilatura-fundus.json"), version)
    aeb = os.path.join(shared, "data", "aeb")
    with open(os.path.join(aeb, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    pages = [(k, os.path.join(aeb, "html", k + ".html.gz"), v.get("url")) for k, v in truth.items()]
    run(pages, os.path.join(out, "trafilatura-aeb.json"), version)
    return 0


if __name__ == "__main__":
    sys.exit(main())

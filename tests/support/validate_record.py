#!/usr/bin/python3
# validate_record.py: validates records against the news.article/1 JSON Schema, one per line.
# Usage: validate_record.py SCHEMA.json  (stdin: one JSON record per line; stdout: "ok" or
# "error: <reason>" per line, flushed, so a test process can keep one validator running).
import json
import sys

import jsonschema


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for raw in sys.stdin.buffer:
        try:
            record = json.loads(raw.decode("utf-8", errors="strict"))
        except UnicodeDecodeError as e:
            answer = "error: not UTF-8: %s" % e
        except ValueError as e:
            answer = "error: not JSON: %s" % e
        else:
            err = jsonschema.exceptions.best_match(validator.iter_errors(record))
            if err is None:
                answer = "ok"
            else:
                where = "/".join(str(p) for p in err.absolute_path) or "(record)"
                answer = "error: %s: %s" % (where, err.message)
        sys.stdout.write(answer.replace("\n", " ")[:2000] + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

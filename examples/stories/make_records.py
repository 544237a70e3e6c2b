"""Print the example story set as JSONL records (text, source, published, id) for `presslens corpus add -`."""

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

for line in (HERE / "stories.jsonl").read_text(encoding="utf-8").splitlines():
    if line.strip():
        rec = json.loads(line)
        text = (HERE / rec["file"]).read_text(encoding="utf-8")
        out = {"id": Path(rec["file"]).name, "text": text, "source": rec["source"], "published": rec["published"]}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")

#!/usr/bin/env python3
# Parses a Prometheus text exposition (stdin) with the official client's parser and prints the
# families as JSON: {"<family>": {"type": t, "samples": [[name, {labels}, value], ...]}}.
# Exit 2 with a message when the parser rejects the text (the test shows it).
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families

try:
    out = {}
    for fam in text_string_to_metric_families(sys.stdin.read()):
        out[fam.name] = {
            "type": fam.type,
            "samples": [[s.name, s.labels, None if math.isnan(s.value) else s.value] for s in fam.samples],
        }
except Exception as e:  # the parser's own message names the offending line
    print("parse error: %s" % e, file=sys.stderr)
    sys.exit(2)
print(json.dumps(out))

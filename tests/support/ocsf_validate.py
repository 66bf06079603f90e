"""Validates OCSF events (JSON Lines) against the published OCSF schema of one version, with
the JSON Schema the `ocsf-json-schema` package generates from it and the `jsonschema`
validator (both from PyPI, pinned in scripts/install-test-deps.sh).

Usage: python ocsf_validate.py VERSION FILE
Prints one JSON object: {"events": N, "classes": {class_uid: count}, "errors": [...]}.
"""
import json
import sys

import jsonschema
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema

version, path = sys.argv[1], sys.argv[2]
schema = OcsfJsonSchemaEmbedded(get_ocsf_schema(version=version))
validators = {}
errors, classes, events = [], {}, 0
with open(path, encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        events += 1
        event = json.loads(line)
        uid = event.get("class_uid")
        classes[str(uid)] = classes.get(str(uid), 0) + 1
        if uid not in validators:
            name = schema.lookup_class_name_from_uid(class_uid=uid)
            s = schema.get_class_schema(class_name=name, profiles=[])
            jsonschema.Draft202012Validator.check_schema(s)
            validators[uid] = jsonschema.Draft202012Validator(s)
        for e in validators[uid].iter_errors(event):
            errors.append(f"line {n}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
print(json.dumps({"events": events, "classes": classes, "errors": errors[:50]}))

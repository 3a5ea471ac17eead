"""A yente client, unchanged but for its base URL, against `interdict serve`.

The calls are the ones yente's own documentation makes (examples/match_api.py in
opensanctions/yente: a batch of two examples, `Authorization: Apikey KEY`, `algorithm=best`,
`fuzzy=false`), plus thresholds, `exclude_entity_ids` and yente's error statuses. Every entity
returned is checked against the FollowTheMoney model with the `followthemoney` package.

Usage:
    python yente_client.py BASE_URL API_KEY          # check a running service
    python yente_client.py --ftm FILE.ftm.json       # check FtM JSON lines (lists export)
Needs: pip install requests followthemoney
"""

import json
import re
import sys

from followthemoney import model

ISO_SECONDS_NO_TZ = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
# FollowTheMoney entity ids: letters, digits, dots and hyphens (`ofac.53824`, not `ofac:53824`).
FTM_ID = re.compile(r"^[a-zA-Z0-9.-]+$")
problems = []


def check_entity(data, where):
    """Schema and property names exist and every value is valid for its property type."""
    if "id" in data and not FTM_ID.match(str(data["id"])):
        problems.append(f"{where}: id {data['id']!r} is not a FollowTheMoney id")
    schema = model.get(data.get("schema", ""))
    if schema is None:
        problems.append(f"{where}: unknown schema {data.get('schema')!r}")
        return
    for prop_name, values in data.get("properties", {}).items():
        prop = schema.get(prop_name)
        if prop is None:
            problems.append(f"{where}: {schema.name} has no property {prop_name!r}")
            continue
        for value in values:
            if isinstance(value, dict):
                check_entity(value, f"{where}.{prop_name}")
                continue
            if prop.type.clean(value) is None:
                problems.append(
                    f"{where}: {schema.name}.{prop_name} = {value!r} is not a valid {prop.type.name}"
                )


def check_ftm_file(path):
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                data = json.loads(line)
                check_entity(data, data.get("id", "?"))
                n += 1
    return n


def check_service(base, key):
    import requests

    url = f"{base}/match/sanctions"
    headers = {"Authorization": f"Apikey {key}"}
    example_1 = {
        "schema": "Person",
        "properties": {
            "name": ["Arkadiii Romanovich Rotenberg", "Ротенберг Аркадий"],
            "birthDate": ["1951"],
        },
    }
    example_2 = {
        "schema": "Company",
        "properties": {"name": ["Stroygazmontazh"], "jurisdiction": ["Russia"]},
    }
    batch = {"queries": {"q1": example_1, "q2": example_2}}
    params = {"algorithm": "best", "fuzzy": "false"}
    response = requests.post(url, json=batch, headers=headers, params=params)
    response.raise_for_status()
    responses = response.json().get("responses")
    assert set(responses) == {"q1", "q2"}, responses.keys()
    assert responses["q2"]["query"]["properties"]["jurisdiction"] == ["ru"]
    top = responses["q1"]["results"][0]
    assert top["match"] is True and top["score"] >= 0.7, top
    assert "ROTENBERG" in top["caption"].upper(), top["caption"]
    seen = 0
    for key_, r in responses.items():
        assert r["status"] == 200 and r["total"]["relation"] == "eq"
        for result in r["results"]:
            for k in ("first_seen", "last_seen", "last_change"):
                assert ISO_SECONDS_NO_TZ.match(result[k]), result[k]
            check_entity(result, f"match:{key_}:{result['id']}")
            seen += 1

    # A higher threshold: fewer matches, never more.
    strict = requests.post(url, json=batch, headers=headers, params={"threshold": 0.99}).json()
    assert strict["responses"]["q1"]["total"]["value"] <= responses["q1"]["total"]["value"]

    # exclude_entity_ids removes a decided false positive.
    excluded = requests.post(
        url, json=batch, headers=headers, params={"exclude_entity_ids": [top["id"]]}
    ).json()
    assert all(x["id"] != top["id"] for x in excluded["responses"]["q1"]["results"])

    # The entity behind a result, nested.
    ent = requests.get(f"{base}/entities/{top['id']}", headers=headers)
    ent.raise_for_status()
    check_entity(ent.json(), f"entity:{top['id']}")
    assert ent.json()["id"] == top["id"], (ent.json()["id"], top["id"])
    # The model's own form of the id (`ofac:53824`) names the same entity.
    other = top["id"].replace(".", ":", 1)
    ent2 = requests.get(f"{base}/entities/{other}", headers=headers)
    ent2.raise_for_status()
    assert ent2.json()["id"] == top["id"], (other, ent2.json()["id"])

    # Error cases, with yente's statuses.
    bad = requests.post(url, json={"queries": {"x": {"properties": {"name": ["A"]}}}}, headers=headers)
    assert bad.status_code == 422, bad.status_code
    bad = requests.post(url, json=batch, headers=headers, params={"algorithm": "neural-net"})
    assert bad.status_code == 400 and "Invalid algorithm" in bad.json()["detail"]
    many = {"queries": {f"q{i}": example_2 for i in range(101)}}
    bad = requests.post(url, json=many, headers=headers)
    assert bad.status_code == 400 and "Too many queries" in bad.json()["detail"]
    bad = requests.post(f"{base}/match/nonexistent", json=batch, headers=headers)
    assert bad.status_code == 404
    bad = requests.post(url, json=batch, headers={"Authorization": "Apikey wrong"})
    assert bad.status_code == 401

    catalog = requests.get(f"{base}/catalog", headers=headers).json()
    assert "sanctions" in [d["name"] for d in catalog["datasets"]]
    return seen


if __name__ == "__main__":
    if sys.argv[1] == "--ftm":
        n = check_ftm_file(sys.argv[2])
        what = f"{n} FtM entities"
    else:
        n = check_service(sys.argv[1].rstrip("/"), sys.argv[2])
        what = f"yente client calls ok, {n} result entities"
    if problems:
        for p in problems[:50]:
            print(p)
        print(f"{len(problems)} FollowTheMoney problems in {what}")
        sys.exit(1)
    print(f"{what}: all valid FollowTheMoney")

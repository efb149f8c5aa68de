"""Uploading a file to the import routes as the web UI does, and reading the list back."""

from __future__ import annotations


async def siecle(org, org_id, data: bytes, user="admin-1", **kwargs):
    return await org.client.post(
        f"/organisations/{org_id}/learners/import-siecle",
        content=data,
        headers={**org.auth(user), "Content-Type": "application/xml"},
        **kwargs,
    )


async def csv(org, org_id, data: bytes, mode="ADD", user="admin-1"):
    return await org.client.post(
        f"/organisations/{org_id}/learners/import-csv",
        params={"mode": mode},
        files={"file": ("etudiants.csv", data, "text/csv")},
        headers=org.auth(user),
    )


async def names(org, org_id, **params):
    r = await org.client.get(
        f"/organisations/{org_id}/learners", params=params, headers=org.auth("admin-1")
    )
    assert r.status_code == 200, r.text
    return [(d["last_name"], d["first_name"]) for d in r.json()["data"]]

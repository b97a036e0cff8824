"""Administrators issue and revoke personal API tokens over the API too; no one else may."""

from __future__ import annotations


def test_an_admin_issues_lists_and_revokes_a_token_over_the_api(api):
    admin = api.integrator("admin")
    issued = admin.post("/api/users/anna/tokens")
    assert issued.status_code == 201
    token = issued.json()["token"]
    anna = api.anonymous()
    anna.headers["Authorization"] = f"Bearer {token}"
    assert anna.get("/api/tasks").status_code == 200
    listed = admin.get("/api/users/anna/tokens").json()
    assert [t["id"] for t in listed] == [issued.json()["id"]] and "token" not in listed[0]
    revoked = admin.delete(f"/api/users/anna/tokens/{issued.json()['id']}")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    assert anna.get("/api/tasks").status_code == 401
    assert admin.delete("/api/users/bea/tokens/1").status_code == 404  # not bea's


def test_nobody_else_touches_tokens(api):
    for login in ("anna", "mari", "dana"):
        caller = api.integrator(login)
        assert caller.get("/api/users/bea/tokens").status_code == 403
        assert caller.post("/api/users/bea/tokens").status_code == 403
        assert caller.delete("/api/users/bea/tokens/1").status_code == 403

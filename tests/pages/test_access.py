"""Who may open which page, and what a page answers when they may not."""

from __future__ import annotations

from tests.pages.flow import open_task_id, start_three_org_case


def test_pages_redirect_to_login_and_come_back_after_it(site):
    browser = site.browser()
    answer = browser.http.get("/cases/1")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/login?next=/cases/1"

    token = browser.csrf("/login?next=/cases/1")
    answer = browser.http.post(
        "/login",
        data={
            "csrf_token": token,
            "login": "anna",
            "password": "correct horse battery",
            "next": "/cases/1",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/cases/1"


def test_login_follows_only_local_next_paths(site):
    browser = site.browser()
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        token = browser.csrf("/login")
        answer = browser.http.post(
            "/login",
            data={
                "csrf_token": token,
                "login": "anna",
                "password": "correct horse battery",
                "next": target,
            },
        )
        assert answer.headers["location"] == "/"


def test_a_wrong_password_shows_the_form_again_with_the_reason(site):
    browser = site.browser()
    token = browser.csrf("/login")
    answer = browser.http.post(
        "/login", data={"csrf_token": token, "login": "anna", "password": "nope"}
    )
    assert answer.status_code == 401
    assert "Wrong user name or password." in answer.text
    assert 'value="anna"' in answer.text


def test_a_caseworker_cannot_open_another_organisations_task_page(site):
    case_id = start_three_org_case(site)
    task_id = open_task_id(site, case_id, "guidance")  # Barsby's step
    for outsider in ("ville", "olli"):  # Westland employment area; another region's municipality
        answer = site.as_user(outsider).get(f"/tasks/{task_id}")
        assert answer.status_code == 403
        assert answer.headers["content-type"].startswith("text/html")
        assert "You cannot open this page" in answer.text
        assert "P-1" not in answer.text  # nothing of the client leaks on the refusal


def test_the_case_page_links_only_to_steps_the_viewer_may_open(site):
    case_id = start_three_org_case(site)
    task_id = open_task_id(site, case_id, "guidance")  # Barsby's step
    link = f'href="/tasks/{task_id}"'
    own = site.as_user("anna").get(f"/cases/{case_id}")
    assert own.status_code == 200 and link in own.text
    other = site.as_user("ville", "fi").get(f"/cases/{case_id}")  # the employment area
    assert other.status_code == 200
    assert link not in other.text
    open_now = other.text[other.text.index("Nyt avoinna") :]
    assert "Ohjaus ja neuvonta" in open_now and "Barsbyn kunta" in open_now  # with its owner
    assert site.as_user("ville").get(f"/tasks/{task_id}").status_code == 403


def test_a_caseworker_outside_the_team_cannot_open_the_case_page(site):
    case_id = start_three_org_case(site)
    assert site.as_user("anna").get(f"/cases/{case_id}").status_code == 200
    answer = site.as_user("olli").get(f"/cases/{case_id}")
    assert answer.status_code == 403
    assert "P-1" not in answer.text


def test_pages_answer_html_errors_while_the_api_keeps_problem_json(site):
    browser = site.as_user("anna")
    page = browser.get("/tasks/999999")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Page not found" in page.text
    api = browser.http.get("/api/tasks/999999")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert browser.get("/no/such/page").headers["content-type"].startswith("text/html")


def test_designers_and_managers_get_links_to_their_pages(site):
    answer = site.as_user("mari").get("/")
    assert answer.status_code == 200
    assert 'href="/dashboard"' in answer.text
    assert "My tasks" not in answer.text


def test_every_page_sends_a_strict_content_security_policy(site):
    answer = site.as_user("anna").get("/")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in answer.text  # no inline script anywhere
    assert answer.headers["cache-control"] == "no-store"


def test_logging_out_ends_the_session(site):
    browser = site.as_user("anna")
    answer = browser.post_form("/logout", {})
    assert answer.status_code == 303
    assert browser.http.get("/").status_code == 303

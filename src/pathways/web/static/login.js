// Logs in through the API (which sets the session cookie), then goes where the visitor
// was headed: a path on this site only.
document.getElementById("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = await fetch("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ login: form.get("login"), password: form.get("password") }),
  });
  if (!answer.ok) {
    document.getElementById("login-error").textContent = "Wrong user name or password.";
    return;
  }
  const next = new URLSearchParams(location.search).get("next") || "/models";
  location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/models");
});

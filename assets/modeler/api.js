// The JSON API as the modeler page uses it: the session cookie plus its CSRF token.
let csrf = null;

export async function startSession() {
  const answer = await fetch("/api/session", { credentials: "same-origin" });
  if (answer.ok) csrf = (await answer.json()).csrf_token;
  return answer.ok;
}

export async function call(method, path, { body, xml, headers = {} } = {}) {
  const sent = { ...headers };
  if (method !== "GET" && csrf) sent["X-CSRF-Token"] = csrf;
  let payload;
  if (xml !== undefined) {
    sent["Content-Type"] = "application/xml";
    payload = xml;
  } else if (body !== undefined) {
    sent["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const answer = await fetch(path, { method, headers: sent, body: payload, credentials: "same-origin" });
  const type = answer.headers.get("content-type") || "";
  const data = type.includes("json") ? await answer.json() : await answer.text();
  return { status: answer.status, ok: answer.ok, data, etag: answer.headers.get("ETag") };
}

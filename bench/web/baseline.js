// The floor the library is measured against: the same two calls written by
// hand — fetch with the same options, JSON.parse, the same status mapping and
// error shape — without input validation, lenient decoding, deduplication or
// anonymous-token handling.

function failure(code, message, fields) {
  return Object.assign(new Error(message), { name: "OptInError", code, ...fields });
}

async function send(method, path, options, body) {
  const { tenant, anonymousToken, baseUrl = "https://api.emporix.io", timeoutMs = 15000 } = options;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`${baseUrl}/customer/${tenant}/signup/optin/${path}`, {
      method,
      headers: {
        Accept: "application/json",
        Authorization: `Bearer ${anonymousToken}`,
        ...(body && { "Content-Type": "application/json" }),
      },
      body: body && JSON.stringify(body),
      redirect: "error",
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    });
    const text = await response.text();
    let json;
    try {
      json = JSON.parse(text);
    } catch {}
    const { status } = response;
    if (status >= 200 && status < 300) return { status, json };
    const retryAfter = Number(response.headers.get("retry-after")) || undefined;
    if (status === 400) {
      const { type, message: serverMessage, details, moreInfo } = json ?? {};
      throw failure("bad_request", "Emporix rejected the request.", { status, type, serverMessage, details, moreInfo });
    }
    if (status === 401) {
      const fault = json?.fault;
      throw failure("unauthorized", "Emporix rejected the anonymous token.", {
        status, faultstring: fault?.faultstring, errorcode: fault?.detail?.errorcode,
      });
    }
    if (status === 429) throw failure("rate_limited", "Too many requests.", { status, retryAfter });
    if (status >= 500) throw failure("server_error", "Emporix server error.", { status, retryAfter });
    throw failure("unexpected_status", "Unexpected status.", { status, body: text.slice(0, 1024) });
  } catch (error) {
    if (error.name === "OptInError") throw error;
    throw controller.signal.aborted ? failure("timeout", "No answer in time.") : failure("network", "Could not reach Emporix.");
  } finally {
    clearTimeout(timer);
  }
}

export async function confirmOptIn(options) {
  const { status, json } = await send("GET", encodeURIComponent(options.token), options);
  const accessToken = json?.access_token ?? json?.accessToken;
  if (typeof accessToken !== "string" || !accessToken) {
    throw failure("invalid_response", "The body has no access_token.", { status });
  }
  const { expires_in, refresh_token, refresh_token_expires_in, token_type, session_id, saas_token, initialPassword } = json;
  return { access_token: accessToken, expires_in, refresh_token, refresh_token_expires_in, token_type, session_id, saas_token, initialPassword };
}

export async function resendActivation(options) {
  await send("POST", "refresh_token", options, { email: options.email });
}

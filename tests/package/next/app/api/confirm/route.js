// Confirms on the server: an OptInClient that logs in with the storefront's
// client id, in a Route Handler (Node runtime, the package's `node` entry).
import { OptInClient, isOptInError } from "emporix-optin";

// Made on the first request: `next build` evaluates this module without the
// server's environment.
let emporix;

export async function POST(request) {
  emporix ??= new OptInClient({
    tenant: "pkgshop",
    clientId: process.env.SANDBOX_CLIENT_ID,
    baseUrl: process.env.SANDBOX_URL,
  });
  const { token } = await request.json();
  try {
    const customer = await emporix.confirmOptIn(token);
    return Response.json({ tokenType: customer.token_type, hasAccessToken: typeof customer.access_token === "string" });
  } catch (error) {
    if (isOptInError(error)) return Response.json({ code: error.code, status: error.status }, { status: 409 });
    return Response.json({ name: error.name, message: error.message }, { status: 500 });
  }
}

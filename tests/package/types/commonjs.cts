// A CommonJS TypeScript file requiring the package (NodeNext resolution; Node
// 20.19+ loads the ES module with require()).
import optin = require("emporix-optin");

export async function activate(token: string): Promise<string> {
  const customer = await optin.confirmOptIn({ tenant: "myshop", anonymousToken: "anonymous", token });
  return customer.access_token;
}

export async function activateWithClient(token: string): Promise<string | undefined> {
  const client = new optin.OptInClient({ tenant: "myshop", clientId: "storefront-client-id" });
  return (await client.confirmOptIn(token)).refresh_token;
}

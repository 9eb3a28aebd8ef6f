// emporix-optin/inline has the main entry's exports with the same types:
// each module's type is assignable to the other's.
import * as inline from "emporix-optin/inline";
import * as main from "emporix-optin";
import type { CustomerToken, OptInError } from "emporix-optin/inline";

export const asMain: typeof main = inline;
export const asInline: typeof inline = main;

export async function confirm(token: string): Promise<CustomerToken | OptInError> {
  const client = new inline.OptInClient({ tenant: "myshop", clientId: "storefront" });
  try {
    return await client.confirmOptIn(token);
  } catch (error) {
    if (inline.isOptInError(error)) return error;
    throw error;
  }
}

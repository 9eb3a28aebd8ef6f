// Import maps do not reach workers: a relative path to the entry does.
import * as optin from "./node_modules/emporix-optin/index.js";

self.optin = optin;

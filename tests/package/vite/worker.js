import * as optin from "emporix-optin";

self.optin = optin;

// useOptInActivation: the activation flow (flow.js) as a React hook, for
// React 18 and later (an optional peer dependency). Types and documentation:
// react.d.ts.
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { ActivationFlow, linkReturnUrl, takeOptInToken } from "./flow.js";

export function useOptInActivation(options) {
  // One flow per mounted component, made on the first render. StrictMode
  // renders twice and may throw one flow away: creating one has no effect
  // (takeOptInToken remembers the token for the second render), starting it
  // happens in the effect below.
  const [flow] = useState(() => {
    const { client, confirm, token, tokenParam = "token", returnUrl } = options ?? {};
    return new ActivationFlow({
      client,
      confirm,
      token: token !== undefined ? token : takeOptInToken(tokenParam),
      returnUrl,
      linkReturnUrl: linkReturnUrl(),
    });
  });
  const state = useSyncExternalStore(flow.subscribe, flow.getSnapshot, flow.getSnapshot);
  // StrictMode runs this twice; start() runs once, so `confirm: "auto"` sends
  // one confirm request.
  useEffect(() => {
    flow.start();
  }, [flow]);
  return useMemo(() => ({ ...state, confirm: flow.confirm, resend: flow.resend }), [state, flow]);
}

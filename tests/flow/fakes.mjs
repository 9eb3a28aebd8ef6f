// Test doubles for the flow: a client whose answers the test scripts, and a
// clock whose time the test moves.

/** An error shaped like the package's OptInError. */
export function optInError(code, fields = {}) {
  const error = new Error(`test ${code}`);
  error.name = "OptInError";
  return Object.assign(error, { code, ...fields });
}

/**
 * An OptInClient stand-in. Each call takes the next scripted answer for its
 * method: a value to resolve with, an Error to reject with, or a promise
 * (settled by the test). Records every call.
 */
export class FakeClient {
  calls = [];
  #answers = { confirmOptIn: [], resendActivation: [] };

  answer(method, ...answers) {
    this.#answers[method].push(...answers);
    return this;
  }

  confirmOptIn(token, options) {
    return this.#call("confirmOptIn", token, options);
  }

  resendActivation(email, options) {
    return this.#call("resendActivation", email, options);
  }

  count(method) {
    return this.calls.filter((call) => call.method === method).length;
  }

  async #call(method, argument, options) {
    this.calls.push({ method, argument, options });
    const answers = this.#answers[method];
    if (answers.length === 0) throw new Error(`FakeClient: no answer scripted for ${method}`);
    const answer = await answers.shift();
    if (answer instanceof Error) throw answer;
    return answer;
  }
}

/** A clock for the flow's countdowns: time moves only with advance(). */
export class FakeClock {
  #now = 1_000_000;
  #timers = new Map();
  #next = 1;

  now = () => this.#now;

  setTimeout = (callback, ms) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + ms, callback });
    return id;
  };

  clearTimeout = (id) => {
    this.#timers.delete(id);
  };

  get pending() {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, running the timers that come due, in order. */
  advance(ms) {
    const end = this.#now + ms;
    for (;;) {
      const due = [...this.#timers].filter(([, timer]) => timer.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      const [id, timer] = due;
      this.#timers.delete(id);
      this.#now = timer.at;
      timer.callback();
    }
    this.#now = end;
  }
}

export const SESSION = Object.freeze({
  access_token: "access-1234",
  refresh_token: "refresh-5678",
  expires_in: 14399,
});

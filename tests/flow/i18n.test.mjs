// The texts (pkg-template/i18n.js): complete in both languages, the language
// chosen as documented, overrides and formatting as text.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { LANGUAGES, MESSAGES, format, formatDuration, languageFor, messagesFor, pickLanguage } from "../../pkg-template/i18n.js";

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

test("English and German have the same keys, every text non-empty, the same placeholders", () => {
  assert.deepEqual(LANGUAGES, ["en", "de"]);
  const keys = Object.keys(MESSAGES.en).sort();
  assert.deepEqual(Object.keys(MESSAGES.de).sort(), keys);
  for (const key of keys) {
    for (const language of LANGUAGES) {
      assert.equal(typeof MESSAGES[language][key], "string", `${language}.${key}`);
      assert.ok(MESSAGES[language][key].trim().length > 0, `${language}.${key} is empty`);
    }
    assert.deepEqual(placeholders(MESSAGES.de[key]), placeholders(MESSAGES.en[key]), `placeholders of ${key}`);
  }
  // German is German: no text left in English (the durations' units aside).
  const same = keys.filter((key) => MESSAGES.de[key] === MESSAGES.en[key]);
  assert.deepEqual(same, []);
});

test("every key the element uses exists (no text falls back to undefined)", async () => {
  const element = await readFile(new URL("../../pkg-template/element.js", import.meta.url), "utf8");
  const used = new Set([...element.matchAll(/\bm\.(\w+)|"(\w+(?:Title|Text))"/g)].map((match) => match[1] ?? match[2]));
  for (const key of used) assert.ok(Object.hasOwn(MESSAGES.en, key), `element.js uses ${key}`);
  assert.ok(used.size > 30, `found ${used.size} keys`);
});

test("pickLanguage: the first supported candidate, by primary subtag, else English", () => {
  assert.equal(pickLanguage(["de-CH"]), "de");
  assert.equal(pickLanguage(["DE_at"]), "de");
  assert.equal(pickLanguage(["fr-FR", "de", "en"]), "de");
  assert.equal(pickLanguage(["en-GB", "de"]), "en");
  assert.equal(pickLanguage(["", null, 42, "fr"]), "en");
  assert.equal(pickLanguage(undefined), "en");
});

test("languageFor: the element's lang, then the document's, then navigator.languages", () => {
  const element = (lang) => ({ closest: () => (lang ? { getAttribute: () => lang } : null) });
  const saved = { document: globalThis.document, navigator: Object.getOwnPropertyDescriptor(globalThis, "navigator") };
  const set = (documentLang, languages) => {
    globalThis.document = { documentElement: { getAttribute: () => documentLang } };
    Object.defineProperty(globalThis, "navigator", { value: { languages, language: languages[0] }, configurable: true });
  };
  try {
    set("en", ["de-DE"]);
    assert.equal(languageFor(element("de")), "de", "the attribute wins");
    assert.equal(languageFor(element(null)), "en", "then the document");
    set(null, ["de-DE", "en"]);
    assert.equal(languageFor(element(null)), "de", "then the browser");
    set("fr", ["de-DE"]);
    assert.equal(languageFor(element(null)), "de", "an unsupported document language falls through");
  } finally {
    globalThis.document = saved.document;
    if (saved.navigator) Object.defineProperty(globalThis, "navigator", saved.navigator);
    else delete globalThis.navigator;
  }
});

test("messagesFor: overrides on top, unknown keys and non-strings ignored, frozen", () => {
  const messages = messagesFor("de", { readyTitle: "Fast geschafft", bogus: "x", confirmButton: 42 });
  assert.equal(messages.readyTitle, "Fast geschafft");
  assert.equal(messages.confirmButton, MESSAGES.de.confirmButton);
  assert.ok(!("bogus" in messages));
  assert.ok(Object.isFrozen(messages));
  assert.equal(messagesFor("xx").readyTitle, MESSAGES.en.readyTitle);
});

test("format fills placeholders as text; formatDuration in each language", () => {
  assert.equal(format("If {email} waits {missing}", { email: "<b>a@b</b>" }), "If <b>a@b</b> waits {missing}");
  assert.equal(formatDuration(3), "3 s");
  assert.equal(formatDuration(75), "1 min 15 s");
  assert.equal(formatDuration(3725), "1 h 02 min");
  assert.equal(formatDuration(0.2), "1 s", "rounded up");
  assert.equal(formatDuration(75, MESSAGES.de), "1 Min. 15 Sek.");
  assert.equal(formatDuration(3600, MESSAGES.de), "1 Std. 00 Min.");
});

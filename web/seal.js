// The one thing undersign's page takes from the age library (typage, the
// reference TypeScript implementation of age): sealing bytes to the
// organizers' age1… keys, as any age tool would. static/sign.js calls it;
// build.mjs bundles this file and the library into static/age.js.
import { Encrypter } from "age-encryption";

globalThis.undersignAge = Object.freeze({
  /** A binary age file of `bytes`, sealed to every key of `recipients`. */
  async seal(recipients, bytes) {
    const encrypter = new Encrypter();
    for (const r of recipients) encrypter.addRecipient(r);
    return encrypter.encrypt(bytes);
  },
});

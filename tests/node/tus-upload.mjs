// Uploads one file to Mingcha with tus-js-client (the real third-party client), as the integration tests need it.
// Usage: node tus-upload.mjs '{"endpoint":..., "file":..., "cookie":..., "metadata":{...}, "chunkSize":N,
//                             "urlStorage":"path.json", "delayMs":N, "retryDelays":[...]}'
// Prints one JSON line per event: start (with resumeFrom), chunk, success (with evidenceId), error. Exit 0 on success.
import * as fs from 'node:fs';
import * as tus from 'tus-js-client';

const o = JSON.parse(process.argv[2]);
const say = (event, data = {}) => process.stdout.write(JSON.stringify({ event, ...data }) + '\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let firstPatch = true;
let previous = [];

const storage = o.urlStorage ? { urlStorage: new tus.FileUrlStorage(o.urlStorage) } : {};
const upload = new tus.Upload(fs.createReadStream(o.file), {
  ...storage,
  endpoint: o.endpoint,
  headers: o.cookie ? { Cookie: o.cookie } : {},
  metadata: o.metadata ?? {},
  chunkSize: o.chunkSize ?? Infinity,
  retryDelays: o.retryDelays ?? [0, 200, 500],
  storeFingerprintForResuming: Boolean(o.urlStorage),
  removeFingerprintOnSuccess: true,
  onBeforeRequest: async (req) => {
    if (req.getMethod() !== 'PATCH') return;
    if (firstPatch) {
      firstPatch = false;
      say('start', { resumed: previous.length > 0, resumeFrom: Number(req.getHeader('Upload-Offset')), url: req.getURL() });
    }
    if (o.delayMs) await sleep(o.delayMs);
  },
  onChunkComplete: (chunk, accepted, total) => say('chunk', { accepted, total }),
  onSuccess: (payload) => {
    const res = payload && payload.lastResponse;
    say('success', { url: upload.url, evidenceId: res ? res.getHeader('Mingcha-Evidence-Id') ?? null : null });
    process.exit(0);
  },
  onError: (err) => {
    say('error', { message: String(err && err.message ? err.message : err) });
    process.exit(1);
  },
});

previous = o.urlStorage ? await upload.findPreviousUploads() : [];
if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
upload.start();

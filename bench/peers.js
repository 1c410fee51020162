// peers.js - the libraries a user would otherwise pick, each doing its
// nearest equivalent of newsfacts' job, over the same documents.
//
//   node bench/peers.js PEER [--dir /tmp/peers] [--mb M] [--seconds S] FILE...
//
// PEER is one of
//   compromise   compromise + compromise-dates: people, places,
//                organisations, dates and quotations as JSON (its full job)
//   wink         wink-nlp + wink-eng-lite-web-model: tokens, sentences and
//                its (value) entities
//   chrono       chrono-node: dates only (chrono.parse with a reference date)
// Documents are the FILEs, round-robin, until M MB (10^6 bytes, default 5)
// or S seconds of CPU (default 30) have gone through, after one warm-up
// document. Prints one line of key=value pairs, like pipeline_bench.
// The packages come from `npm install --prefix DIR compromise
// compromise-dates wink-nlp wink-eng-lite-web-model chrono-node`.
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const args = process.argv.slice(2);
const peer = args.shift();
let dir = '/tmp/peers', mb = 5, seconds = 30;
while (args.length && args[0].startsWith('--')) {
  const k = args.shift(), v = args.shift();
  if (k === '--dir') dir = v;
  else if (k === '--mb') mb = parseFloat(v);
  else if (k === '--seconds') seconds = parseFloat(v);
}
const req = createRequire(path.join(path.resolve(dir), 'package.json'));
const docs = args.map((f) => fs.readFileSync(f, 'utf8'));
if (!docs.length) {
  console.error('usage: node bench/peers.js compromise|wink|chrono [--dir D] [--mb M] FILE...');
  process.exit(2);
}

let job, counts = { facts: 0 };
if (peer === 'compromise') {
  const nlp = req('compromise');
  nlp.plugin(req('compromise-dates'));
  job = (text) => {
    const doc = nlp(text);
    const out = {
      people: doc.people().json(),
      places: doc.places().json(),
      orgs: doc.organizations().json(),
      dates: doc.dates({ today: '2025-04-10' }).json(),
      quotes: doc.quotations().json(),
    };
    counts.facts += out.people.length + out.places.length + out.orgs.length +
      out.dates.length + out.quotes.length;
  };
} else if (peer === 'wink') {
  const winkNLP = req('wink-nlp');
  const model = req('wink-eng-lite-web-model');
  const nlp = winkNLP(model);
  const its = nlp.its;
  job = (text) => {
    const doc = nlp.readDoc(text);
    const toks = doc.tokens().out();
    const sents = doc.sentences().out();
    const ents = doc.entities().out(its.detail);
    counts.facts += ents.length;
    return toks.length + sents.length;
  };
} else if (peer === 'chrono') {
  const chrono = req('chrono-node');
  const ref = new Date('2025-04-10T12:00:00Z');
  job = (text) => {
    counts.facts += chrono.parse(text, ref).length;
  };
} else {
  console.error('unknown peer ' + peer);
  process.exit(2);
}

job(docs[0]); // warm-up (JIT, lazy model loading)
counts.facts = 0;
const limit = mb * 1e6;
let bytes = 0, n = 0;
const c0 = process.cpuUsage(), w0 = process.hrtime.bigint();
for (let i = 0; bytes < limit; i++) {
  const t = docs[i % docs.length];
  job(t);
  bytes += Buffer.byteLength(t, 'utf8');
  n++;
  if (n % docs.length === 0) {
    const c = process.cpuUsage(c0);
    if ((c.user + c.system) / 1e6 > seconds) break;
  }
}
const c = process.cpuUsage(c0);
const cpu = (c.user + c.system) / 1e6, wall = Number(process.hrtime.bigint() - w0) / 1e9;
const peak = process.resourceUsage().maxRSS / 1024;
console.log(`peer=${peer} docs=${n} bytes=${bytes} wall_s=${wall.toFixed(3)} cpu_s=${cpu.toFixed(3)} ` +
  `mb_s=${(bytes / 1e6 / wall).toFixed(3)} cpu_mb_s=${(bytes / 1e6 / cpu).toFixed(3)} ` +
  `docs_s=${(n / wall).toFixed(1)} peak_mb=${peak.toFixed(1)} facts=${counts.facts}`);

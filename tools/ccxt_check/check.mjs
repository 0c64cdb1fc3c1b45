// Developer check: does a well-known Bitget client (ccxt) load markets and trade against
// bitget-sim? Starts the simulator (or uses one already running), points ccxt's bitget at it and
// runs loadMarkets, fetchTicker, fetchBalance, limit and market orders on spot and on the perp,
// fetchOrder and cancelOrder. Prints one line per step; exits 1 if any step failed.
// Not part of the build or CI. See README.md next to this file.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import ccxt from 'ccxt';

function parseArgs(argv) {
  const opts = { sim: null, url: null, accountMode: null, key: 'sim-api-key', secret: 'sim-api-secret',
                 passphrase: 'sim-passphrase', verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a}: missing value`);
      return argv[++i];
    };
    if (a === '--sim') opts.sim = next();
    else if (a === '--url') opts.url = next();
    else if (a === '--account-mode') opts.accountMode = next();
    else if (a === '--key') opts.key = next();
    else if (a === '--secret') opts.secret = next();
    else if (a === '--passphrase') opts.passphrase = next();
    else if (a === '--verbose') opts.verbose = true;
    else throw new Error(`${a}: unknown option (--sim BIN | --url URL, --account-mode classic|uta, --key, --secret, --passphrase, --verbose)`);
  }
  if (!opts.sim === !opts.url) throw new Error('give exactly one of --sim PATH_TO_bitget-sim or --url http://HOST:PORT');
  return opts;
}

// Starts bitget-sim on an ephemeral port with one account and waits for its sim.ready line.
function startSim(opts) {
  const args = ['--synthetic', '--listen', '127.0.0.1:0', '--account', `${opts.key},${opts.secret},${opts.passphrase}`];
  if (opts.accountMode) args.push('--account-mode', opts.accountMode);
  const child = spawn(opts.sim, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`bitget-sim exited (${code}) before sim.ready`)));
    rl.on('line', (line) => {
      try {
        const ev = JSON.parse(line);
        if (ev.event === 'sim.ready') resolve({ child, url: ev.rest });
      } catch { /* not JSON: ignore */ }
    });
  });
}

function makeExchange(url, opts) {
  const ex = new ccxt.bitget({ apiKey: opts.key, secret: opts.secret, password: opts.passphrase, enableRateLimit: false });
  for (const k of Object.keys(ex.urls.api)) ex.urls.api[k] = url;
  if (opts.verbose) ex.verbose = true;
  return ex;
}

const results = [];
async function step(name, fn) {
  try {
    const detail = await fn();
    results.push({ name, ok: true });
    console.log(`PASS ${name}${detail ? ': ' + detail : ''}`);
    return true;
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}: ${e.constructor.name}: ${String(e.message).slice(0, 400)}`);
    return false;
  }
}

function expect(cond, what) {
  if (!cond) throw new Error(what);
}

// A limit order far from the market (rests), looked up and cancelled; then a market order.
async function tradeMarket(ex, symbol, amount, extra) {
  const ticker = await ex.fetchTicker(symbol);
  const bid = ticker.bid;
  let restingId;
  await step(`${symbol} createOrder limit buy`, async () => {
    const price = ex.priceToPrecision(symbol, bid * 0.9);
    const o = await ex.createOrder(symbol, 'limit', 'buy', amount, Number(price), extra);
    expect(o.id, 'no order id');
    restingId = o.id;
    return `id ${o.id} at ${price}`;
  });
  await step(`${symbol} fetchOrder (resting)`, async () => {
    const o = await ex.fetchOrder(restingId, symbol);
    expect(o.status === 'open', `status ${o.status}, expected open`);
    return `status ${o.status}, price ${o.price}, amount ${o.amount}`;
  });
  await step(`${symbol} cancelOrder`, async () => {
    await ex.cancelOrder(restingId, symbol);
    const o = await ex.fetchOrder(restingId, symbol);
    expect(o.status === 'canceled', `status ${o.status}, expected canceled`);
    return `status ${o.status}`;
  });
  let marketId;
  await step(`${symbol} createOrder market buy`, async () => {
    // Bitget sizes a spot market buy in the quote coin. On Classic ccxt converts (amount x price);
    // on UTA it passes the amount through, so the caller gives the cost.
    const spotUta = ex.options.uta === true && !symbol.includes(':');
    const size = spotUta ? Number(ex.amountToPrecision(symbol, amount * ticker.ask)) : amount;
    const o = await ex.createOrder(symbol, 'market', 'buy', size, ticker.ask, extra);
    marketId = o.id;
    return `id ${o.id}`;
  });
  await step(`${symbol} fetchOrder (market)`, async () => {
    const o = await ex.fetchOrder(marketId, symbol);
    expect(o.status === 'closed', `status ${o.status}, expected closed`);
    return `status ${o.status}, filled ${o.filled}, average ${o.average}`;
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let sim = null;
  let url = opts.url;
  if (opts.sim) {
    sim = await startSim(opts);
    url = sim.url;
  }
  console.log(`ccxt ${ccxt.version} against ${url}`);
  const ex = makeExchange(url, opts);
  try {
    const loaded = await step('loadMarkets', async () => {
      const markets = await ex.loadMarkets();
      expect(markets['BTC/USDT'], 'no BTC/USDT spot market');
      expect(markets['BTC/USDT:USDT'], 'no BTC/USDT:USDT perp');
      return `${Object.keys(markets).length} markets, uta=${ex.options.uta}`;
    });
    if (loaded) {
      await step('fetchTicker BTC/USDT', async () => {
        const t = await ex.fetchTicker('BTC/USDT');
        expect(t.bid < t.ask, `bid ${t.bid} not below ask ${t.ask}`);
        return `bid ${t.bid} ask ${t.ask}`;
      });
      await step('fetchTicker BTC/USDT:USDT', async () => {
        const t = await ex.fetchTicker('BTC/USDT:USDT');
        expect(t.bid < t.ask, `bid ${t.bid} not below ask ${t.ask}`);
        return `bid ${t.bid} ask ${t.ask}`;
      });
      await step('fetchBalance spot', async () => {
        const b = await ex.fetchBalance();
        expect(b.total.USDT > 0, 'no USDT');
        return `USDT free ${b.free.USDT}`;
      });
      await step('fetchBalance swap', async () => {
        const b = await ex.fetchBalance({ type: 'swap' });
        expect(b.total.USDT > 0, 'no USDT');
        return `USDT free ${b.free.USDT}`;
      });
      await tradeMarket(ex, 'BTC/USDT', 0.001, {});
      await tradeMarket(ex, 'BTC/USDT:USDT', 0.001, {});
      await step('BTC/USDT:USDT close the position', async () => {
        const o = await ex.createOrder('BTC/USDT:USDT', 'market', 'sell', 0.001, undefined, { reduceOnly: true });
        return `id ${o.id}`;
      });
    }
  } finally {
    if (sim) sim.child.kill('SIGTERM');
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed}/${results.length} steps passed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(`check.mjs: ${e.message}`);
  process.exit(2);
});

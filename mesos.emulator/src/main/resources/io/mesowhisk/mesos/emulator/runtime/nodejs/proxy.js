'use strict';
/*
 * mesowhisk's OpenWhisk action proxy for Node.js: the /init and /run protocol of OpenWhisk's action containers,
 * written for the Mesos emulator's runtime images. Plain Node.js (18 or later), no dependencies.
 *
 *   node proxy.js [--port N] [--host ADDRESS]      (defaults: $PORT, else 8080; 127.0.0.1)
 *
 * POST /init {"value": {"name", "main", "code", "binary", "env"}} loads the action once (JavaScript source, or with
 * binary=true a base64 zip holding a package.json or index.js); POST /run {"value": params, "activation_id", ...} calls
 * its main with params, sets every other string field as __OW_<FIELD> in the environment, and answers with the
 * result. After each run and after a failed init it writes XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX on a line of its
 * own to stdout and to stderr. When its standard input is a pipe, it ends when the pipe reaches end-of-file (its
 * parent is gone).
 */
const http = require('http');
const path = require('path');
const fs = require('fs');
const zlib = require('zlib');
const { createRequire } = require('module');

const SENTINEL = 'XXX_THE_END_OF_A_WHISK_ACTIVATION_XXX';
const MAX_BODY = 48 * 1024 * 1024;

function option(name) {
    const i = process.argv.indexOf('--' + name);
    if (i < 0) {
        return undefined;
    }
    if (i + 1 >= process.argv.length) {
        fail('--' + name + ' needs a value');
    }
    return process.argv[i + 1];
}

function fail(message) {
    process.stderr.write('proxy.js: ' + message + '\n');
    process.exit(2);
}

const portText = option('port') || process.env.PORT || '8080';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail('the port must be a number from 0 to 65535, got "' + portText + '"');
}
const host = option('host') || '127.0.0.1';
const concurrent = process.env.__OW_ALLOW_CONCURRENT === 'true';

// ready: waiting for /init; initializing; initialized (idle or running); stopped: no action will run any more
let state = 'ready';
let running = 0;
let action;

function markEnd() {
    // stdout and stderr are files or pipes: for files, writes are synchronous, so the sentinel is on disk before
    // the answer leaves
    process.stdout.write(SENTINEL + '\n');
    process.stderr.write(SENTINEL + '\n');
}

function answer(res, status, body) {
    let text;
    try {
        text = JSON.stringify(body);
    } catch (e) {
        status = 502;
        text = JSON.stringify({ error: 'The action returned a result that is not JSON: ' + e.message });
    }
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
}

function describe(error) {
    if (error instanceof Error) {
        return error.toString();
    }
    return typeof error === 'string' ? error : JSON.stringify(error);
}

/** An error a rejected promise carries, as JSON: an Error's name, message and stack; anything else as it is. */
function serializeError(error) {
    if (error === undefined || error === null) {
        return {};
    }
    if (error instanceof Error) {
        const out = { name: error.name, message: error.message };
        if (error.stack) {
            out.stack = error.stack;
        }
        for (const key of Object.keys(error)) {
            out[key] = error[key];
        }
        return out;
    }
    return error;
}

function loadAction(value) {
    const main = value.main || 'main';
    if (!/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(main)) {
        throw new Error('the entry point "' + main + '" is not a JavaScript name');
    }
    const dir = process.cwd();
    const actionRequire = createRequire(path.join(dir, 'action.js'));
    const module = { exports: {} };
    // the source is the body of a function, as a file is a module's: its declarations are found by name, and
    // module.exports / exports work too
    const load = new Function('require', 'module', 'exports', '__filename', '__dirname',
        value.code + '\n;return (function () {\n'
        + '  try { return ' + main + '; } catch (e) { if (!(e instanceof ReferenceError)) throw e; }\n'
        + '  return undefined;\n'
        + '})();');
    let fn = load(actionRequire, module, module.exports, path.join(dir, 'action.js'), dir);
    if (typeof fn !== 'function' && module.exports) {
        fn = main.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), module.exports);
        if (typeof fn !== 'function' && typeof module.exports === 'function' && main === 'main') {
            fn = module.exports;
        }
    }
    if (typeof fn !== 'function') {
        throw new Error("Action entrypoint '" + main + "' is not a function.");
    }
    return fn;
}

/**
 * Writes the entries of a zip archive (stored or deflated; no zip64, no encryption) under dir, as
 * OpenWhisk's runtime unzips a binary action.
 */
function unzip(buffer, dir) {
    let end = -1;
    for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 0xffff); i--) {
        if (buffer.readUInt32LE(i) === 0x06054b50) {
            end = i;
            break;
        }
    }
    if (end < 0) {
        throw new Error('the action is not a zip archive');
    }
    const count = buffer.readUInt16LE(end + 10);
    let p = buffer.readUInt32LE(end + 16);
    if (count === 0xffff || p === 0xffffffff) {
        throw new Error('zip64 archives are not supported');
    }
    for (let n = 0; n < count; n++) {
        if (buffer.readUInt32LE(p) !== 0x02014b50) {
            throw new Error('the zip archive\'s central directory is damaged');
        }
        const flags = buffer.readUInt16LE(p + 8);
        const method = buffer.readUInt16LE(p + 10);
        const size = buffer.readUInt32LE(p + 20);
        const nameLength = buffer.readUInt16LE(p + 28);
        const local = buffer.readUInt32LE(p + 42);
        const name = buffer.toString('utf8', p + 46, p + 46 + nameLength);
        p += 46 + nameLength + buffer.readUInt16LE(p + 30) + buffer.readUInt16LE(p + 32);
        const target = path.resolve(dir, name);
        if (target !== dir && !target.startsWith(dir + path.sep)) {
            throw new Error('the zip entry ' + name + ' points outside the archive');
        }
        if (name.endsWith('/')) {
            fs.mkdirSync(target, { recursive: true });
            continue;
        }
        if (flags & 1) {
            throw new Error('the zip entry ' + name + ' is encrypted');
        }
        const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28);
        const data = buffer.subarray(start, start + size);
        let content;
        if (method === 0) {
            content = data;
        } else if (method === 8) {
            content = zlib.inflateRawSync(data);
        } else {
            throw new Error('the zip entry ' + name + ' uses compression method ' + method
                + ', not stored (0) or deflate (8)');
        }
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
    }
}

/** A binary action: a base64 zip holding a package.json or an index.js at its root, loaded as a module. */
function loadArchive(value) {
    const dir = fs.mkdtempSync(path.join(process.cwd(), 'action-'));
    unzip(Buffer.from(value.code, 'base64'), dir);
    if (!fs.existsSync(path.join(dir, 'package.json')) && !fs.existsSync(path.join(dir, 'index.js'))) {
        throw new Error('Zipped actions must contain either package.json or index.js at the root.');
    }
    process.chdir(dir);
    const main = value.main || 'main';
    const exported = require(dir);
    const fn = main.split('.').reduce((o, k) => (o === undefined || o === null ? undefined : o[k]), exported);
    if (typeof fn !== 'function') {
        throw new Error("Action entrypoint '" + main + "' is not a function.");
    }
    return fn;
}

function init(value, res) {
    if (state !== 'ready') {
        answer(res, 403, { error: 'Cannot initialize the action more than once.' });
        return;
    }
    if (value === null || typeof value !== 'object' || typeof value.code !== 'string' || value.code === ''
        || (value.main !== undefined && typeof value.main !== 'string')) {
        answer(res, 403, { error: 'Missing main/no code to execute.' });
        return;
    }
    state = 'initializing';
    try {
        if (value.env && typeof value.env === 'object') {
            for (const [key, v] of Object.entries(value.env)) {
                process.env[key] = typeof v === 'string' ? v : JSON.stringify(v);
            }
        }
        action = value.binary === true ? loadArchive(value) : loadAction(value);
        state = 'initialized';
        answer(res, 200, { OK: true });
    } catch (e) {
        state = 'stopped';
        process.stderr.write('Error during initialization: ' + (e && e.stack ? e.stack : describe(e)) + '\n');
        markEnd();
        answer(res, 502, { error: 'Initialization has failed due to: ' + describe(e) });
    }
}

function run(body, res) {
    if (state === 'ready' || state === 'initializing') {
        answer(res, 403, { error: 'System not initialized.' });
        return;
    }
    if (state === 'stopped') {
        answer(res, 403, { error: 'System not ready, status is stopped.' });
        return;
    }
    if (running > 0 && !concurrent) {
        answer(res, 403, { error: 'System not ready, status is running.' });
        return;
    }
    const params = body.value === undefined ? {} : body.value;
    if (params === null || typeof params !== 'object' || Array.isArray(params)) {
        answer(res, 403, { error: 'The action\'s parameters ("value") must be a JSON object.' });
        return;
    }
    for (const [key, v] of Object.entries(body)) {
        if (key !== 'value' && typeof v === 'string') {
            process.env['__OW_' + key.toUpperCase()] = v;
        }
    }
    running++;
    let result;
    try {
        result = action(params);
    } catch (e) {
        // the action threw: as OpenWhisk's runtime, the container is done for
        running--;
        state = 'stopped';
        process.stderr.write((e && e.stack ? e.stack : describe(e)) + '\n');
        markEnd();
        answer(res, 502, { error: 'An error has occurred: ' + describe(e) });
        return;
    }
    Promise.resolve(result).then(
        (value) => value === undefined ? {} : value,
        (error) => ({ error: serializeError(error) }))
        .then((value) => {
            running--;
            markEnd();
            if (value === null || typeof value !== 'object') {
                process.stderr.write('Result must be of type object but has type "' + typeof value + '": '
                    + String(value) + '\n');
                answer(res, 502, { error: 'The action did not return a dictionary.' });
            } else {
                answer(res, 200, value);
            }
        });
}

const server = http.createServer((req, res) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk) => {
        size += chunk.length;
        if (size > MAX_BODY) {
            tooLarge = true;
        } else {
            chunks.push(chunk);
        }
    });
    req.on('end', () => {
        if (tooLarge) {
            answer(res, 413, { error: 'The request is larger than ' + MAX_BODY + ' bytes.' });
            return;
        }
        const route = req.url.split('?')[0];
        if (req.method !== 'POST' || (route !== '/init' && route !== '/run')) {
            answer(res, 500, { error: 'Bad request.' });
            return;
        }
        let body;
        try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
        } catch (e) {
            answer(res, 500, { error: 'Bad request.' });
            return;
        }
        if (body === null || typeof body !== 'object' || Array.isArray(body)) {
            answer(res, 500, { error: 'Bad request.' });
            return;
        }
        if (route === '/init') {
            init(body.value, res);
        } else {
            run(body, res);
        }
    });
});
server.timeout = 0;
server.requestTimeout = 0;
server.on('error', (e) => fail('cannot listen on ' + host + ':' + port + ': ' + e.message));
server.listen(port, host);

function stop() {
    server.close();
    process.exit(0);
}

try {
    if (fs.fstatSync(0).isFIFO()) {
        process.stdin.on('end', stop);
        process.stdin.on('error', stop);
        process.stdin.resume();
    }
} catch (e) {
    // no standard input at all
}

// `npm start`: builds what serving the example needs, showing nx's output for each package (and the
// failing task's own output when one fails), then serves examples/js-app with the SpinKube runtime.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const say = (text: string) => process.stderr.write(`\x1b[1mstart:\x1b[0m ${text}\n`);

say(
  '[1/2] building the runtime, the packages it uses and the example apps with nx, one task per package ' +
    '(about 30 s the first time on 2 cores; later builds come from nx’s cache)',
);
const build = spawnSync(
  join(root, 'node_modules', '.bin', 'nx'),
  ['run-many', '-t', 'build', '-p', 'runtime', 'examples', '--outputStyle=static'],
  { cwd: root, stdio: 'inherit' },
);
if (build.status !== 0) {
  say('the build failed: the failing task’s output is above; nothing is served');
  process.exit(build.status ?? 1);
}

say('[2/2] serving examples/js-app with spinkube-runtime up (Ctrl-C stops it)');
const server = spawn(
  process.execPath,
  [
    join(root, 'packages/runtime/dist/cli/main.js'),
    'up',
    '-f',
    join(root, 'examples/js-app'),
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 1)));

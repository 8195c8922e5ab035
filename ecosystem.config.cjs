// pm2 ecosystem for paperlive: `pm2 start ecosystem.config.cjs` (see docs/pm2.md).
//
// One file serves several homes: the home, config and app name come from the
// environment of the shell that runs `pm2 start`:
//   PAPERLIVE_HOME      home folder (default: this repository)
//   PAPERLIVE_CONFIG    config file, relative to the home or absolute (default: <home>/configs/paper_live.yaml)
//   PAPERLIVE_APP_NAME  pm2 process name (default: paperlive); give each home its own
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- pm2 loads this file with require(): it must be CommonJS */

const fs = require('node:fs');
const path = require('node:path');

const repo = __dirname;
const script = path.join(repo, 'dist', 'cli', 'main.js');
const home = path.resolve(process.env.PAPERLIVE_HOME || repo);
const config = process.env.PAPERLIVE_CONFIG ? path.resolve(home, process.env.PAPERLIVE_CONFIG) : null;
const name = process.env.PAPERLIVE_APP_NAME || 'paperlive';

// Fail at `pm2 start`, with a sentence, rather than in a restart loop.
if (!fs.existsSync(script)) throw new Error(`paperlive: ${script} is missing; run \`npm run build\` first`);
if (config && !fs.existsSync(config)) throw new Error(`paperlive: PAPERLIVE_CONFIG points to ${config}, which does not exist`);
// pm2 opens its log files before the daemon creates its folders.
fs.mkdirSync(path.join(home, 'logs'), { recursive: true });

module.exports = {
  apps: [
    {
      // Process name in `pm2 ls`; one per home.
      name,
      // The built CLI; `npm run build` produces it.
      script,
      // `paperlive run` in the foreground, for this home (and config, when given).
      args: ['run', '--home', home].concat(config ? ['--config', config] : []),
      // The daemon resolves relative paths against its home; run it there.
      cwd: home,
      // Also in the environment, for anything the daemon spawns.
      env: Object.assign({ PAPERLIVE_HOME: home }, config ? { PAPERLIVE_CONFIG: config } : {}),
      // One process per home: the daemon holds a lock, so cluster mode or
      // several instances would only produce exit code 3.
      exec_mode: 'fork',
      instances: 1,
      // Restart after a crash (exit 1) or a kill.
      autorestart: true,
      // Never restart after: 3 another instance holds the home, 4 emergency stop,
      // 78 invalid config. Not 0: pm2 reports a process killed by a signal
      // (kill -9, OOM killer) as exit code 0, and that must be restarted.
      stop_exit_codes: [3, 4, 78],
      // Restart delay starts at 100 ms and grows x1.5 per restart (pm2 caps it at
      // 15 s); it resets once the process has stayed up for 30 s.
      exp_backoff_restart_delay: 100,
      // A run shorter than this counts as an unstable start...
      min_uptime: 10000,
      // ...and after this many unstable starts pm2 gives up (status `errored`). pm2
      // counts them only in the first min_uptime x max_restarts (100 s) after
      // `pm2 start`; later crashes are restarted indefinitely, at most 15 s apart.
      max_restarts: 10,
      // Time for a graceful stop (close the ledger, write the final status and
      // heartbeat) before pm2 sends SIGKILL.
      kill_timeout: 15000,
      // Stop with process.send('shutdown') instead of SIGINT: Windows has no
      // signals to deliver, and the daemon treats the message like SIGTERM.
      shutdown_with_message: true,
      // stdout and stderr of the daemon; its own JSON log is logs/paper_live.log.
      out_file: path.join(home, 'logs', 'pm2_out.log'),
      error_file: path.join(home, 'logs', 'pm2_err.log'),
      // Prefix every captured line with a timestamp.
      time: true,
      // One out and one err file, without pm2's -<id> suffix.
      merge_logs: true,
      // Never restart on file changes: a trading process restarts only on purpose.
      watch: false,
      // Do not inject @pm2/io into the daemon. Its IPC 'message' listener keeps the
      // event loop alive, so a daemon that ends by letting the loop drain (exit 3,
      // 4 or 78 at start) would hang "online" instead of exiting. pm2 still shows
      // CPU and memory; only @pm2/io's custom metrics and actions are lost.
      pmx: false,
    },
  ],
};

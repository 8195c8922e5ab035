import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_REPLAY, ROOT, heartbeatOf, startDaemon, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const OPS = path.join(ROOT, 'scripts', 'ops');
const CHECK_BOT = path.join(OPS, 'check_bot.sh');

const running: Array<{ kill: (signal?: NodeJS.Signals) => boolean }> = [];
afterEach(() => {
  for (const child of running.splice(0)) {
    child.kill('SIGCONT'); // a frozen daemon cannot even die while stopped
    child.kill('SIGKILL');
  }
});

/** A replay that keeps producing candles for the whole test, with the given heartbeat interval. */
function replayConfig(heartbeatSeconds: number): string {
  return FAST_REPLAY.replace('speed: max', 'speed: 600').replace('heartbeat_interval_s: 0.2', `heartbeat_interval_s: ${heartbeatSeconds}`);
}

/** Resolves once trading; the child is wrapped because an execa child is a thenable that settles only at exit. */
async function startTrading(home: string) {
  const child = startDaemon(home);
  running.push(child);
  await waitFor('a heartbeat of a trading daemon', () => {
    const heartbeat = heartbeatOf(home);
    return heartbeat?.pid === child.pid && heartbeat.status === 'alive' && heartbeat.feed_healthy === true;
  });
  return { child };
}

function checkBot(home: string) {
  return execa('bash', [CHECK_BOT, home], { reject: false, stdin: 'ignore', timeout: 20_000, env: { PAPERLIVE_HOME: '' } });
}

describe('scripts/ops/check_bot.sh', () => {
  it('when the daemon is trading then it exits 0 and reports pid parity OK', async () => {
    const home = tempHome();
    writeConfig(home, replayConfig(1));
    const { child } = await startTrading(home);
    const result = await checkBot(home);
    expect(result.stdout).toContain(`${child.pid} = pid file: pid parity OK`);
    expect(result.stdout).toMatch(/heartbeat age +[\d.]+ s \(interval 1 s\) OK/);
    expect(result.stdout).toMatch(/trading_state +ACTIVE/);
    expect(result.stdout).toMatch(/equity +[\d.]+ USDT/);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('OK');
    expect(result.exitCode).toBe(0);
  });

  it('when the daemon was stopped cleanly, or never ran, then it exits 2 NOT RUNNING', async () => {
    const home = tempHome();
    writeConfig(home, replayConfig(1));
    const { child } = await startTrading(home);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
    const stopped = await checkBot(home);
    expect(stopped.stdout).toContain('last heartbeat');
    expect(stopped.stdout).toContain('stopped STOPPED');
    expect(stopped.stdout.trim().split('\n').at(-1)).toBe('NOT RUNNING');
    expect(stopped.exitCode).toBe(2);

    const empty = await checkBot(tempHome());
    expect(empty.exitCode).toBe(2);
  });

  it('when the daemon was killed with -9 then it exits 2 and names the stale pid file', async () => {
    const home = tempHome();
    writeConfig(home, replayConfig(1));
    const { child } = await startTrading(home);
    child.kill('SIGKILL');
    await child;
    const result = await checkBot(home);
    expect(result.stdout).toContain(`${child.pid}, but no such process`);
    expect(result.stdout).toContain('stale pid file');
    expect(result.exitCode).toBe(2);
  });

  it('when the daemon is frozen (SIGSTOP) then after a few heartbeat intervals it exits 1 with a stale heartbeat', async () => {
    const home = tempHome();
    writeConfig(home, replayConfig(0.2));
    const { child } = await startTrading(home);
    child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const result = await checkBot(home);
    expect(result.stdout).toContain('pid parity OK'); // alive, same pid: only the age gives it away
    expect(result.stdout).toMatch(/heartbeat age +[\d.]+ s, over 2 x 0\.2 s: STALE/);
    expect(result.stdout).toMatch(/^PROBLEM: heartbeat is [\d.]+ s old/m);
    expect(result.exitCode).toBe(1);
  });
});

/**
 * PowerShell cannot run here, so these read the scripts for the lines that carry the
 * contract: each assertion fails if someone breaks one of them.
 */
describe('scripts/ops/*.ps1 (static contract checks)', () => {
  const read = (name: string) => fs.readFileSync(path.join(OPS, name), 'utf8');
  const scripts = ['windows_run_paper_live.ps1', 'windows_stop_paper_live.ps1', 'windows_install_task.ps1', 'windows_uninstall_task.ps1', 'windows_status.ps1'];

  it.each(scripts)('when %s is read by Windows PowerShell 5.1 then it is ASCII, balanced, and has no PowerShell 7 syntax', (name) => {
    const text = read(name);
    // 5.1 reads a BOM-less script as the ANSI code page: any non-ASCII character is mangled.
    expect(text).toMatch(/^[\x09\x0a\x0d\x20-\x7e]*$/);
    const code = powershellCode(text, { keepStrings: false });
    for (const [open, close] of [['{', '}'], ['(', ')'], ['[', ']']] as const) {
      expect(count(code, open), `${name}: ${open} and ${close}`).toBe(count(code, close));
    }
    expect(code).not.toMatch(/\?\?|\?\.|&&|\|\|/); // null-coalescing, null-conditional, pipeline chains: 7+
    expect(code).not.toMatch(/\s\?\s[^\n]*\s:\s/); // ternary: 7+
    expect(text).toContain("$ErrorActionPreference = 'Stop'");
  });

  it('when the runner exits then it stops looping on exactly 0, 3, 4 and 78 and otherwise backs off before restarting', () => {
    const code = powershellCode(read('windows_run_paper_live.ps1'), { keepStrings: true });
    const stopCodes = /\$StopCodes = @\(([^)]*)\)/.exec(code)?.[1]?.split(',').map((s) => Number(s.trim()));
    expect(stopCodes?.sort((a, b) => a - b)).toEqual([0, 3, 4, 78]);
    expect(code).toMatch(/if \(\$StopCodes -contains \$code\) \{[^\n]*\n[^\n]*\n\s*exit \$code\n/);
    expect(code).toContain("Join-Path $PSScriptRoot '..\\..'");
    expect(code).toContain("Join-Path $RepoRoot 'dist\\cli\\main.js'");
    expect(code).toMatch(/run --home "\{2\}" >> "\{3\}" 2>> "\{4\}"/); // foreground, appending both streams
    expect(code).toContain("'paper_live_longrun.out.log'");
    expect(code).toContain("'paper_live_longrun.err.log'");
    expect(code).toContain('Get-Command node.exe');
    const loop = code.slice(code.indexOf('while ($true)'));
    expect(loop).toContain('Start-Sleep -Seconds $delay'); // never a busy loop
    expect(loop).toContain('[Math]::Min($delay * 2, $MaxDelaySeconds)'); // exponential, capped
    expect(code).toMatch(/\[ValidateRange\(1, \d+\)\]\s*\[int\]\$InitialDelaySeconds/);
    // The stop script's marker wins over any exit code, so a forced stop is not restarted.
    expect(loop.indexOf('Test-Path $StopMarker')).toBeLessThan(loop.indexOf('$StopCodes -contains'));
  });

  it('when the stop script runs then it writes SHUTDOWN and waits for the pid before any Stop-Process', () => {
    const code = powershellCode(read('windows_stop_paper_live.ps1'), { keepStrings: true });
    expect(code).toContain("Join-Path $PaperHome 'logs\\paper_live.pid'");
    expect(code).toContain("Join-Path $PaperHome 'SHUTDOWN'");
    const shutdown = code.indexOf('WriteAllText($ShutdownFile');
    const force = code.indexOf('Stop-Process');
    expect(shutdown).toBeGreaterThan(0);
    expect(force).toBeGreaterThan(shutdown);
    const wait = code.slice(shutdown, force);
    expect(wait).toContain('AddSeconds($TimeoutSeconds)');
    expect(wait).toContain('Get-Process -Id $daemonPid');
    expect(wait).toContain('Start-Sleep');
    expect(wait).toMatch(/CLEAN STOP/);
    expect(code.slice(force)).toMatch(/FORCED STOP/);
    expect(code.slice(force)).toContain('Remove-Item -Force -ErrorAction SilentlyContinue $ShutdownFile');
    expect(code.indexOf('WriteAllText($StopMarker')).toBeLessThan(shutdown);
  });

  it('when the task is installed then it runs at startup with no time limit, on batteries, late if missed, one instance, with an absolute node', () => {
    const code = powershellCode(read('windows_install_task.ps1'), { keepStrings: true });
    expect(code).toContain("[string]$TaskName = 'paperlive_paper_live'");
    expect(code).toContain('#Requires -RunAsAdministrator');
    expect(code).toContain('New-ScheduledTaskTrigger -AtStartup');
    expect(code).toMatch(/-ExecutionTimeLimit \((\[TimeSpan\]::Zero|New-TimeSpan -Seconds 0)\)/);
    expect(code).toMatch(/-AllowStartIfOnBatteries\b/);
    expect(code).toMatch(/-DontStopIfGoingOnBatteries\b/);
    expect(code).toMatch(/-StartWhenAvailable\b/);
    expect(code).toMatch(/-MultipleInstances IgnoreNew\b/);
    expect(Number(/-RestartCount (\d+)/.exec(code)?.[1])).toBeGreaterThan(0);
    expect(code).toMatch(/-RestartInterval \(New-TimeSpan -Minutes [1-9]\d*\)/);
    expect(code).toContain("New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount");
    expect(code).toContain('$NodePath = (Resolve-Path $NodePath).Path');
    expect(code).toContain('-NodePath "{1}"'); // the runner gets the absolute node
    expect(code).toContain("'scripts\\ops\\windows_run_paper_live.ps1'");
  });

  it('when the task is uninstalled then paperlive is stopped cleanly first and the same task name is removed', () => {
    const code = powershellCode(read('windows_uninstall_task.ps1'), { keepStrings: true });
    expect(code).toContain("[string]$TaskName = 'paperlive_paper_live'");
    const stop = code.indexOf("'windows_stop_paper_live.ps1'");
    const remove = code.indexOf('Unregister-ScheduledTask -TaskName $TaskName -Confirm:$false');
    expect(stop).toBeGreaterThan(0);
    expect(remove).toBeGreaterThan(stop);
  });

  it('when status runs then it checks one process, pid parity and heartbeat age, with exit codes 0, 1 and 2', () => {
    const code = powershellCode(read('windows_status.ps1'), { keepStrings: true });
    expect(code).toContain("[string]$TaskName = 'paperlive_paper_live'");
    expect(code).toContain("Get-CimInstance Win32_Process -Filter \"Name = 'node.exe'\"");
    expect(code).toContain("'dist[\\\\/]cli[\\\\/]main\\.js\"?\\s+run'");
    expect(code).toContain("'logs\\paper_live.pid'");
    expect(code).toContain("'data\\rl\\paper_live_heartbeat.json'");
    expect(code).toContain('PID parity OK');
    expect(code).toContain('$age -gt 2 * $interval');
    for (const exit of ['exit 0', 'exit 1', 'exit 2']) expect(code).toContain(exit);
  });
});

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

/** PowerShell source without comments (and, unless kept, with every string literal emptied). */
function powershellCode(source: string, options: { keepStrings: boolean }): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (source.startsWith('<#', i)) {
      const end = source.indexOf('#>', i + 2);
      i = end < 0 ? source.length : end + 2;
    } else if (c === '#' && !source.startsWith('#Requires', i)) {
      const end = source.indexOf('\n', i);
      i = end < 0 ? source.length : end;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < source.length) {
        if (c === '"' && source[j] === '`') j += 2;
        else if (source[j] === c && source[j + 1] === c) j += 2;
        else if (source[j] === c) break;
        else j += 1;
      }
      out += options.keepStrings ? source.slice(i, j + 1) : c + c;
      i = j + 1;
    } else if (c === '`') {
      out += source.slice(i, i + 2);
      i += 2;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

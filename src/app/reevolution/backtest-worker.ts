import { parentPort } from 'node:worker_threads';
import { evaluateParams, type EvaluationTask } from './evaluate-params.js';

/** Worker thread of the re-evolution pool: one backtest per message, answered with its index. */
parentPort?.on('message', (message: { index: number; task: EvaluationTask }) => {
  evaluateParams(message.task).then(
    (result) => parentPort?.postMessage({ index: message.index, ok: true, result }),
    (error: unknown) => parentPort?.postMessage({ index: message.index, ok: false, error: (error as Error)?.message ?? String(error) }),
  );
});
